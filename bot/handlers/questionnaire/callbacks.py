"""Buttons of answering a questionnaire: opening a response, answering, navigating, reviewing.

``r`` is the response id and ``q`` the question id the button answers (a group's id for its
sub-questions), so a press on an old question is recognised as stale.
"""

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Id, Key, OptionalKey, Page


class QuestionAct(StrEnum):
    DONE = "done"
    OTHER = "other"
    SKIP = "skip"
    BACK = "back"
    PAUSE = "pause"
    ADD = "add"  # another item of a repeat group
    FINISH = "finish"  # no more items of the group


class ReviewAct(StrEnum):
    EDIT = "edit"  # question q
    SUBMIT = "submit"
    CLOSE = "close"


class OpenResponse(CallbackData, prefix="or"):
    response_id: Id


class FormsPage(CallbackData, prefix="fp"):
    """Page ``page`` (0-based) of "Мои анкеты", edited into the list's message."""

    page: Page


class AnswerButton(CallbackData, prefix="a"):
    """A one-press answer: an option id, "yes", "no", "today"."""

    r: Id
    q: Key
    v: Key


class ToggleButton(CallbackData, prefix="t"):
    """Ticks an option (or a grade) of a multiple choice on or off."""

    r: Id
    q: Key
    v: Key


class QuestionAction(CallbackData, prefix="n"):
    r: Id
    q: Key
    act: QuestionAct


class ReviewAction(CallbackData, prefix="w"):
    r: Id
    act: ReviewAct
    q: OptionalKey = ""


class CarryForward(CallbackData, prefix="cf"):
    """Keep last round's answer to question q of response r ("Без изменений"); rest: also every
    following question that has one."""

    r: Id
    q: Key
    rest: bool = False
