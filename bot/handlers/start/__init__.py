"""/start, /help and /cancel."""

from bot.handlers.start.router import build_router

__all__ = ["build_router"]
