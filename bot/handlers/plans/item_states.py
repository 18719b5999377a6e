"""Conversation states of moving a plan's item on; the FSM data is ``items.ItemStep``."""

from aiogram.fsm.state import State, StatesGroup


class ItemSteps(StatesGroup):
    report = State()  # what was done (выполнено)
    evidence = State()  # a file or a link, or "Без подтверждения"
    deadline = State()  # the new deadline (перенести)
    postpone_reason = State()  # why it is moved
    drop_reason = State()  # why it is not done (не выполнено)
