"""Inline-button payloads, with short prefixes (Telegram allows 64 bytes).

Never trusted: a handler re-checks every id through ``bot.services.access``.
"""

from aiogram.filters.callback_data import CallbackData


class InviteRole(CallbackData, prefix="ir"):
    role: str


class InviteScope(CallbackData, prefix="is"):
    """kind: m = municipality, all = whole region, d = district, pick = choose schools."""

    kind: str
    id: int = 0


class PickSchool(CallbackData, prefix="ps"):
    school_id: int


class SchoolsPage(CallbackData, prefix="sp"):
    page: int


class SchoolsDone(CallbackData, prefix="sd"):
    pass


class InviteUses(CallbackData, prefix="iu"):
    uses: int  # 0 means no limit


class RevokeInvitation(CallbackData, prefix="rv"):
    invitation_id: int


class SkipPosition(CallbackData, prefix="sk"):
    pass


class PeopleFilter(CallbackData, prefix="pf"):
    role: str = ""  # empty: every role
    page: int = 0


class OpenPerson(CallbackData, prefix="op"):
    user_id: int


class ChangeRole(CallbackData, prefix="cr"):
    grant_id: int
    role: str


class RemovePerson(CallbackData, prefix="rm"):
    user_id: int
    confirmed: bool = False


class OpenResponse(CallbackData, prefix="or"):
    response_id: int


class AnswerButton(CallbackData, prefix="a"):
    """A one-press answer: an option id, "yes", "no", "today"."""

    r: int
    q: str
    v: str


class ToggleButton(CallbackData, prefix="t"):
    """Ticks an option (or a grade) of a multiple choice on or off."""

    r: int
    q: str
    v: str


class QuestionAction(CallbackData, prefix="n"):
    """done, other, skip, back, pause, add (a group item), finish (the group)."""

    r: int
    q: str
    act: str


class ReviewAction(CallbackData, prefix="w"):
    """edit (question q), submit, close."""

    r: int
    act: str
    q: str = ""


class AnsweredMark(CallbackData, prefix="ok"):
    """The single button an answered question keeps: shows the answer, does nothing."""


class NudgeSchool(CallbackData, prefix="nus"):
    """Remind one school (/status): campaign c, school s."""

    c: int
    s: int


class NudgeLate(CallbackData, prefix="nul"):
    """Remind every late school of campaign c that the presser may nudge (/status)."""

    c: int
