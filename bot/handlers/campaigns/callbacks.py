"""Buttons of the campaign wizard (/new_campaign) and of managing campaigns (/campaigns)."""

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.handlers.shared.fields import Id, Key, OptionalId, Page
from core.campaigns import SchoolChoice
from core.schedule import Recurrence

MAX_SUGGESTIONS = 10


class CampaignMunicipality(CallbackData, prefix="cwm"):
    municipality_id: Id


class CampaignForm(CallbackData, prefix="cwf"):
    """One tap: a monitoring of this one form."""

    key: Key


class CampaignSeveralForms(CallbackData, prefix="cwv"):
    """Switches the form step to ticking several forms."""


class CampaignToggleForm(CallbackData, prefix="cwt"):
    key: Key


class CampaignFormsDone(CallbackData, prefix="cwg"):
    pass


class TitleChoice(StrEnum):
    USUAL = "usual"  # the name monitorings of the programme usually have
    NONE = "none"  # no title of its own: named by its forms


class CampaignTitle(CallbackData, prefix="cwi"):
    choice: TitleChoice


class CampaignRecurrence(CallbackData, prefix="cwr"):
    value: Recurrence | None = None  # None: a one-off round


class CampaignPeriod(CallbackData, prefix="cwp"):
    index: Annotated[
        int, Field(ge=0, lt=MAX_SUGGESTIONS)
    ]  # into the suggested labels (labels themselves may be too long for 64 bytes)


class CampaignSchools(CallbackData, prefix="cws"):
    kind: SchoolChoice
    district_id: OptionalId = 0


class CampaignOpenNow(CallbackData, prefix="cwn"):
    pass


class CampaignDefaultDeadline(CallbackData, prefix="cwd"):
    pass


class CampaignReminders(CallbackData, prefix="cwk"):
    custom: bool


class CampaignConfirm(CallbackData, prefix="cwc"):
    confirmed: bool


class CampaignsPage(CallbackData, prefix="cml"):
    """A page of /campaigns, edited in place."""

    page: Page


class ManageCampaign(CallbackData, prefix="cmo"):
    campaign_id: Id


class CampaignAct(StrEnum):
    DEADLINE = "deadline"
    ADD_SCHOOLS = "add"
    CLOSE = "close"


class CampaignAction(CallbackData, prefix="cma"):
    campaign_id: Id
    act: CampaignAct


class CloseCampaign(CallbackData, prefix="cmc"):
    campaign_id: Id
