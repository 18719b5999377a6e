"""Conversation states of /order_template."""

from aiogram.fsm.state import State, StatesGroup


class OrderTemplate(StatesGroup):
    upload = State()  # waiting for the .docx template
