"""Buttons of /invite, /invitations and /invite_all."""

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.handlers.shared.fields import Id, OptionalId
from storage.people import Role

MAX_USES_CHOICE = 100


class ScopeKind(StrEnum):
    MUNICIPALITY = "m"
    EVERYTHING = "all"  # the whole region
    DISTRICT = "d"
    PICK = "pick"  # choose schools


class InviteRole(CallbackData, prefix="ir"):
    role: Role


class InviteScope(CallbackData, prefix="is"):
    kind: ScopeKind
    id: OptionalId = 0


class InviteUses(CallbackData, prefix="iu"):
    uses: Annotated[
        int, Field(ge=0, le=MAX_USES_CHOICE)
    ]  # 0 means no limit; checked against the offered choices


class RevokeInvitation(CallbackData, prefix="rv"):
    invitation_id: Id
