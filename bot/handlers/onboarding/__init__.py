"""Opening an invitation link (/start <token>) and the short registration that follows."""

from bot.handlers.onboarding.router import build_router

__all__ = ["build_router"]
