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
    KEEP = "keep"  # leave the answer on screen as it is and go on
    CANCEL = "cancel"  # back from "write your own option" to the options


class ReviewAct(StrEnum):
    EDIT = "edit"  # question q
    SUBMIT = "submit"
    CLOSE = "close"


class ItemAct(StrEnum):
    OPEN = "open"  # the item's card, from the group's list
    EDIT = "edit"  # walk the item's questions again
    DELETE = "delete"  # ask to confirm deleting the item
    CONFIRM = "confirm"  # delete it
    CANCEL = "cancel"  # do not delete: the card again


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


class GroupItem(CallbackData, prefix="gi"):
    """Item ``i`` (0-based) of repeat group q: open, change, delete."""

    r: Id
    q: Key
    i: Page
    act: ItemAct


class TableCell(CallbackData, prefix="tc"):
    """On row ``i`` (0-based) of table q: change column c (a key column: the whole key)."""

    r: Id
    q: Key
    i: Page
    c: Key


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
