"""/file CODE: the bot sends a file a school uploaded as an answer (codes come from the export)."""

from bot.handlers.files.router import build_router

__all__ = ["build_router"]
