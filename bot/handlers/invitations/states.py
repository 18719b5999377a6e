"""Conversation states of invitations."""

from aiogram.fsm.state import State, StatesGroup


class InviteWizard(StatesGroup):
    role = State()
    scope = State()
    schools = State()
    uses = State()
