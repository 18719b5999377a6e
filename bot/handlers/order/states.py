"""Conversation states of /order, and what the FSM keeps meanwhile."""

from datetime import date

from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel


class OrderChat(StatesGroup):
    deadline = State()  # a date is typed or pressed
    instructions = State()  # ticking the instructions to keep
    made = State()  # the file is sent; its instructions may be put under follow-up


class GivenInstruction(BaseModel):
    key: str
    action: str
    school_ids: list[int]
    listed: str


class OrderMade(BaseModel):
    """What the file just made gives the schools (``core.plans.instructions.GivenInstructions``):
    kept until the methodist puts it under follow-up, which may be after the order is signed."""

    municipality_id: int | None
    title: str
    period: str
    deadline: date
    instructions: list[GivenInstruction]


class OrderForm(BaseModel):
    """FSM data: the round, the choices so far; the answers themselves are drafted afresh."""

    campaign_id: int
    timezone: str  # the municipality's (or the deployment's), for "today"
    deadline: date | None = None
    dropped: list[str] = []  # keys of the unticked instructions
    shown: list[str] = []  # keys of the instructions as the screen lists them, in order
    made: OrderMade | None = None  # once the file is made with instructions and a deadline
