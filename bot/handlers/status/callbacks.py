"""Buttons of /status."""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Id


class NudgeSchool(CallbackData, prefix="nus"):
    """Remind one school: campaign c, school s."""

    c: Id
    s: Id


class NudgeLate(CallbackData, prefix="nul"):
    """Remind every late school of campaign c that the presser may nudge."""

    c: Id
