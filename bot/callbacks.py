"""Inline-button payloads, with short prefixes (Telegram allows 64 bytes).

Never trusted: a handler re-checks every id through ``core.access``.
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


class ReviewQueue(CallbackData, prefix="rwq"):
    """A page of /review, the submitted responses awaiting review; e=1: edit the list in place."""

    page: int = 0
    e: int = 0


class ReviewOpen(CallbackData, prefix="rwo"):
    """One response of the review queue: its answers and history."""

    r: int


class ReviewDecide(CallbackData, prefix="rwd"):
    """accept, or return (asks for a comment first), response r."""

    r: int
    act: str


class ReviewCancel(CallbackData, prefix="rwc"):
    """Drop a return whose comment is being asked for."""

    r: int


# --- the campaign wizard (/new_campaign) and managing campaigns (/campaigns) ---


class CampaignMunicipality(CallbackData, prefix="cwm"):
    municipality_id: int


class CampaignForm(CallbackData, prefix="cwf"):
    key: str


class CampaignRecurrence(CallbackData, prefix="cwr"):
    value: str  # a Recurrence value; empty for a one-off round


class CampaignPeriod(CallbackData, prefix="cwp"):
    index: int  # into the suggested labels (labels themselves may be too long for 64 bytes)


class CampaignSchools(CallbackData, prefix="cws"):
    kind: str  # a SchoolChoice value
    district_id: int = 0


class CampaignOpenNow(CallbackData, prefix="cwn"):
    pass


class CampaignDefaultDeadline(CallbackData, prefix="cwd"):
    pass


class CampaignReminders(CallbackData, prefix="cwk"):
    custom: bool


class CampaignConfirm(CallbackData, prefix="cwc"):
    confirmed: bool


class ManageCampaign(CallbackData, prefix="cmo"):
    campaign_id: int


class CampaignAction(CallbackData, prefix="cma"):
    """act: deadline, add (schools) or close."""

    campaign_id: int
    act: str


class CloseCampaign(CallbackData, prefix="cmc"):
    campaign_id: int


# --- /export ---


class ExportPick(CallbackData, prefix="xp"):
    """One campaign (``campaign_id``) or every period of a form (``form_key``)."""

    campaign_id: int = 0
    form_key: str = ""


class ExportRun(CallbackData, prefix="xr"):
    campaign_id: int = 0
    form_key: str = ""
    district_id: int = 0  # 0: the whole scope


class CarryForward(CallbackData, prefix="cf"):
    """Keep last round's answer to question q of response r ("Без изменений"); rest: also every
    following question that has one."""

    r: int
    q: str
    rest: bool = False
