"""Conversation states of /plans."""

from aiogram.fsm.state import State, StatesGroup


class Plans(StatesGroup):
    upload = State()  # waiting for a plan's .xlsx or .docx
