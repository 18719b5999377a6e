"""Conversation states of review."""

from aiogram.fsm.state import State, StatesGroup


class Review(StatesGroup):
    comment = State()  # a methodist is writing why a response goes back to the school
