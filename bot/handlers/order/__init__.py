"""/order: the analytic order (распоряжение) of a monitoring round, drafted as .docx."""

from bot.handlers.order.router import build_router

__all__ = ["build_router"]
