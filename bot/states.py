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
