"""Buttons of /status."""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Id


class NudgeSchool(CallbackData, prefix="nus"):
    """Remind one school: campaign c, school s."""

    c: Id
    s: Id


class FormsDetail(CallbackData, prefix="nuf"):
    """Campaign c school by school, form by form (a monitoring of several forms)."""

    c: Id


class NudgeAll(CallbackData, prefix="nul"):
    """Remind every school of campaign c that has not submitted and that the presser may nudge
    (before the deadline: all who have not submitted; after it: the late ones)."""

    c: Id
