"""/forms_admin: questionnaires as Excel workbooks, for those who open monitorings."""

from bot.handlers.forms_admin.router import build_router

__all__ = ["build_router"]
