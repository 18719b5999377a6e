"""Conversation states of onboarding."""

from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel, Field

from bot.handlers.shared.fields import Id


class Registration(StatesGroup):
    full_name = State()
    position = State()
    another_school = State()  # a respondent opened another school's link: asked to confirm


class PendingSchool(BaseModel):
    """The link a respondent of another school opened, while they are asked: only its hash (like
    the database, the conversation state holds no usable link) and what it would add."""

    token_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    invitation_id: Id
    school_ids: list[Id]
