"""/import and directory files sent to the bot by an administrator."""

from bot.handlers.directory.router import build_router

__all__ = ["build_router"]
