"""Conversation states of a school's own road map (``school_maps``)."""

from aiogram.fsm.state import State, StatesGroup


class SchoolMaps(StatesGroup):
    # A representative's map file awaited: which school and year (``MapUpload``). Apart from
    # ``Plans.upload``: a methodist who also represents a school chooses by the button pressed.
    upload = State()
    comment = State()  # a reviewer writes why a map goes back (``MapComment``)
