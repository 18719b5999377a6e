"""Callback data of the shared widgets (the school picker, the answered mark)."""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Id, Page


class PickSchool(CallbackData, prefix="ps"):
    school_id: Id


class SchoolsPage(CallbackData, prefix="sp"):
    page: Page


class SchoolsDone(CallbackData, prefix="sd"):
    pass


class AnsweredMark(CallbackData, prefix="ok"):
    """The single button an answered question keeps: shows the answer, does nothing."""
