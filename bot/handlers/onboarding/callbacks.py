"""Buttons of registration."""

from aiogram.filters.callback_data import CallbackData


class SkipPosition(CallbackData, prefix="sk"):
    pass
