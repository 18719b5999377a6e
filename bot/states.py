"""Every conversation state of the bot, in one place."""

from aiogram.fsm.state import State, StatesGroup


class Registration(StatesGroup):
    full_name = State()
    position = State()


class InviteWizard(StatesGroup):
    role = State()
    scope = State()
    schools = State()
    uses = State()


class Questionnaire(StatesGroup):
    answering = State()


class Review(StatesGroup):
    comment = State()  # a methodist is writing why a response goes back to the school


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
