"""/order_template: the department's own .docx blank for the analytic order."""

from bot.handlers.order_template.router import build_router

__all__ = ["build_router"]
