"""/status: the completion board of the actor's scope, with buttons that nudge late schools."""

from bot.handlers.status.router import build_router

__all__ = ["build_router"]
