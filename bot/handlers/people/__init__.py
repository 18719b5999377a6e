"""/people (list, person card, change a role, remove) and /whoami."""

from bot.handlers.people.router import build_router

__all__ = ["build_router"]
