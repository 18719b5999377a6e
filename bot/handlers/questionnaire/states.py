"""Conversation states of questionnaire."""

from aiogram.fsm.state import State, StatesGroup


class Questionnaire(StatesGroup):
    answering = State()
