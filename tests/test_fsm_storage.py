from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from bot.fsm import DatabaseFSMStorage
from storage import Database


class Survey(StatesGroup):
    answering = State()


KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)
OTHER_KEY = StorageKey(bot_id=1, chat_id=43, user_id=43)


async def test_state_and_data_round_trip(database: Database) -> None:
    storage = DatabaseFSMStorage(database)

    await storage.set_state(KEY, Survey.answering)
    await storage.set_data(KEY, {"response_id": 7, "question": "grades"})

    assert await storage.get_state(KEY) == "Survey:answering"
    assert await storage.get_data(KEY) == {"response_id": 7, "question": "grades"}
    assert await storage.get_state(OTHER_KEY) is None
    assert await storage.get_data(OTHER_KEY) == {}


async def test_update_data_merges_and_clearing_removes_the_row(database: Database) -> None:
    storage = DatabaseFSMStorage(database)
    await storage.set_data(KEY, {"a": 1})

    assert await storage.update_data(KEY, {"b": 2}) == {"a": 1, "b": 2}

    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_a_new_storage_on_the_same_database_sees_the_state(database: Database) -> None:
    await DatabaseFSMStorage(database).set_state(KEY, "Survey:answering")
    await DatabaseFSMStorage(database).set_data(KEY, {"step": 3})

    reopened = DatabaseFSMStorage(database)
    assert await reopened.get_state(KEY) == "Survey:answering"
    assert await reopened.get_data(KEY) == {"step": 3}
