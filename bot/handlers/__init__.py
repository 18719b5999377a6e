"""Routers, one per feature, composed in one stated order.

Order matters: aiogram offers an update to routers in sequence and the first matching handler
wins. Feature routers come first; the catch-all ``fallback`` router MUST stay last, or it would
swallow what later routers should handle. Routers are built fresh on every call because an aiogram
Router can be attached to one Dispatcher only (tests build several).
"""

from aiogram import Router

from bot.handlers import common, fallback


def build_routers() -> list[Router]:
    return [
        common.build_router(),
        # Keep last: answers whatever no router above took.
        fallback.build_router(),
    ]
