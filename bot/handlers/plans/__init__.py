"""/plans: road maps and an order's instructions, loaded from a table and tracked."""

from bot.handlers.plans.router import build_router

__all__ = ["build_router"]
