"""Buttons of /order. Each carries the round, so a button of another /order is told apart."""

from datetime import date
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.handlers.shared.fields import Id

MAX_TOGGLES = 90  # an inline keyboard holds 100 buttons; two more are the deadline and "make"
# A day as its ordinal (``date.toordinal``); 0: no date, left blank to fill in by hand.
Day = Annotated[int, Field(ge=0, le=date(2999, 12, 31).toordinal())]
Index = Annotated[int, Field(ge=0, lt=MAX_TOGGLES)]


class OrderPick(CallbackData, prefix="dp"):
    campaign_id: Id


class OrderDeadline(CallbackData, prefix="dd"):
    """A quick deadline: the day itself, so a button pressed tomorrow still means what it says."""

    campaign_id: Id
    day: Day


class OrderToggle(CallbackData, prefix="dt"):
    """Tick or untick an instruction, by its place in the list the screen shows."""

    campaign_id: Id
    index: Index


class OrderChangeDeadline(CallbackData, prefix="dc"):
    campaign_id: Id


class OrderMake(CallbackData, prefix="dm"):
    campaign_id: Id


class OrderTrack(CallbackData, prefix="dk"):
    """Put the instructions of the order just made under follow-up (``core.plans.instructions``)."""

    campaign_id: Id
