"""Buttons of /plans."""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Id


class PlanOpen(CallbackData, prefix="pln"):
    """Show the board of plan ``p``."""

    p: Id
