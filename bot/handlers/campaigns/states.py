"""Conversation states of campaigns."""

from aiogram.fsm.state import State, StatesGroup


class CampaignWizard(StatesGroup):
    municipality = State()
    form = State()
    forms = State()  # ticking several forms
    title = State()  # a monitoring of several forms: its title
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
