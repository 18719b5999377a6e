"""Buttons of a school's own road map (``school_maps``)."""

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.handlers.shared.fields import Id

SchoolYear = Annotated[int, Field(ge=2000, le=2100)]  # a school year's first calendar year


class MapVerdict(StrEnum):
    APPROVE = "a"
    RETURN = "r"  # asks for a comment first


class MapCard(CallbackData, prefix="smo"):
    """A representative opens school ``s``'s map of year ``y`` (and may upload it)."""

    s: Id
    y: SchoolYear


class MapList(CallbackData, prefix="sml"):
    """A reviewer lists municipality ``m``'s school maps of year ``y``, awaiting ones first."""

    m: Id
    y: SchoolYear


class MapReview(CallbackData, prefix="smr"):
    """A reviewer opens map (plan) ``p``: its latest file, versions and board."""

    p: Id


class MapDecide(CallbackData, prefix="smd"):
    """Approve or return version ``v`` of map ``p`` (the one the reviewer saw)."""

    p: Id
    v: Id
    act: MapVerdict


class MapCancel(CallbackData, prefix="smc"):
    """Drop a return of map ``p`` whose comment is being asked for."""

    p: Id
