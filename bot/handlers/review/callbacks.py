"""Buttons of /review."""

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Flag, Id, Page


class Verdict(StrEnum):
    ACCEPT = "a"
    RETURN = "r"  # asks for a comment first


class ReviewQueue(CallbackData, prefix="rwq"):
    """A page of the submitted responses awaiting review; e=1: edit the list in place."""

    page: Page = 0
    e: Flag = 0


class ReviewOpen(CallbackData, prefix="rwo"):
    """One response of the review queue: its answers and history."""

    r: Id


class ReviewDecide(CallbackData, prefix="rwd"):
    r: Id
    act: Verdict


class ReviewCancel(CallbackData, prefix="rwc"):
    """Drop a return whose comment is being asked for."""

    r: Id
