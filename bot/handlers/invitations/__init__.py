"""/invite (a short wizard), /invitations (open ones, with revoke) and /invite_all (a workbook)."""

from bot.handlers.invitations.router import build_router

__all__ = ["build_router"]
