"""Table questions entered as a filled Excel template (a school's own table), and the
methodist's bulk load of many schools' rows into a round."""

from bot.handlers.tables.router import build_router

__all__ = ["build_router"]
