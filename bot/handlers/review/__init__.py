"""/review: a methodist checks submitted responses, accepts them or returns them with a comment."""

from bot.handlers.review.router import build_router

__all__ = ["build_router"]
