"""Buttons of /plans."""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Id


class PlanOpen(CallbackData, prefix="pln"):
    """Show the board of plan ``p``."""

    p: Id


class MyItems(CallbackData, prefix="plm"):
    """List the open items the person answers for."""


class ItemDone(CallbackData, prefix="pld"):
    """Report item ``i`` done (a short report is asked next)."""

    i: Id
