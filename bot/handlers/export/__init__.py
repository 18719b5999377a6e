"""/export: a campaign (or a form over all its periods), optionally one district, as .xlsx."""

from bot.handlers.export.router import build_router

__all__ = ["build_router"]
