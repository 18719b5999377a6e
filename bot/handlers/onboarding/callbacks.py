"""Buttons of registration."""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Flag, Id


class SkipPosition(CallbackData, prefix="sk"):
    pass


class AddSchool(CallbackData, prefix="oas"):
    """The answer to "add another school?" for invitation i: yes = 1, no = 0."""

    i: Id
    yes: Flag
