"""Reading a conversation's FSM data through its pydantic model.

Data stored by an older release may no longer validate; that is not a bug to crash on but a
conversation to end kindly: ``StaleConversation`` reaches the error boundary, which clears the
state and tells the person to start again.
"""

from typing import TypeVar

from aiogram.fsm.context import FSMContext
from pydantic import BaseModel, ValidationError

Draft = TypeVar("Draft", bound=BaseModel)


class StaleConversation(Exception):
    """The FSM data does not fit the model of the step it is in."""


async def read_draft(state: FSMContext, model: type[Draft]) -> Draft:
    try:
        return model.model_validate(await state.get_data())
    except ValidationError as error:
        raise StaleConversation(f"{model.__name__}: {error.error_count()} problem(s)") from error


async def save_draft(state: FSMContext, draft: BaseModel) -> None:
    # A merge: keys of a shared widget (the school picker) kept beside the draft stay.
    await state.update_data(draft.model_dump(mode="json"))
