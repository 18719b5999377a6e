"""Conversation states of campaigns."""

from aiogram.fsm.state import State, StatesGroup


class CampaignWizard(StatesGroup):
    municipality = State()
    form = State()
    recurrence = State()
    period = State()
    schools = State()
    picking = State()
    opening = State()
    deadline = State()
    reminders = State()
    reminder_days = State()
    confirm = State()


class CampaignEdit(StatesGroup):
    deadline = State()
    schools = State()
