from typing import Any

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event, func, select

from bot.fsm import DatabaseFSMStorage
from storage import Database
from storage.schema import fsm_states


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


def _count_statements(database: Database) -> list[str]:
    seen: list[str] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            seen.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", on_statement)
    return seen


async def test_a_write_is_one_statement_with_no_read(database: Database) -> None:
    storage = DatabaseFSMStorage(database)
    seen = _count_statements(database)

    await storage.set_state(KEY, Survey.answering)
    await storage.set_data(KEY, {"step": 1})
    await storage.set_state(KEY, "Survey:other")

    assert len(seen) == 3
    assert not any(statement.lstrip().upper().startswith("SELECT") for statement in seen)
    assert await storage.get_state(KEY) == "Survey:other"
    assert await storage.get_data(KEY) == {"step": 1}


async def test_an_update_reads_once_and_writes_each_change_once(database: Database) -> None:
    storage = DatabaseFSMStorage(database)
    await storage.set_state(KEY, Survey.answering)
    await storage.set_data(KEY, {"step": 1, "picked": ["a"]})
    seen = _count_statements(database)

    # What aiogram's FSM middleware does, then the handlers inside the scope.
    assert await storage.get_state(KEY) == "Survey:answering"
    async with storage.update_scope(KEY):
        assert await storage.get_state(KEY) == "Survey:answering"
        data = await storage.get_data(KEY)
        data["picked"].append("b")  # a copy: the stored data does not change
        assert await storage.get_data(KEY) == {"step": 1, "picked": ["a"]}
        assert len(seen) == 1  # the middleware's read, taken over by the scope
        assert await storage.update_data(KEY, {"step": 2}) == {"step": 2, "picked": ["a"]}
        await storage.set_state(KEY, "Survey:other")
        assert len(seen) == 3  # one statement per change, no read
        assert await DatabaseFSMStorage(database).get_state(KEY) == "Survey:other"  # written
        # Another conversation in the same update: read and written directly.
        await storage.set_state(OTHER_KEY, Survey.answering)
        assert await storage.get_state(OTHER_KEY) == "Survey:answering"

    reopened = DatabaseFSMStorage(database)
    assert await reopened.get_state(KEY) == "Survey:other"
    assert await reopened.get_data(KEY) == {"step": 2, "picked": ["a"]}


async def test_a_scope_writes_what_was_set_when_the_update_fails(database: Database) -> None:
    storage = DatabaseFSMStorage(database)
    await storage.set_state(KEY, Survey.answering)

    async def failing_update() -> None:
        async with storage.update_scope(KEY):
            await storage.get_state(KEY)
            await storage.update_data(KEY, {"step": 5})
            raise RuntimeError("the handler failed")

    with pytest.raises(RuntimeError):
        await failing_update()
    assert await DatabaseFSMStorage(database).get_data(KEY) == {"step": 5}


async def test_clearing_in_a_scope_removes_the_row(database: Database) -> None:
    storage = DatabaseFSMStorage(database)
    await storage.set_state(KEY, Survey.answering)
    await storage.set_data(KEY, {"step": 1})
    async with storage.update_scope(KEY):
        await storage.get_state(KEY)
        await storage.set_state(KEY, None)
        await storage.set_data(KEY, {})
    async with database.read() as conn:
        rows = (await conn.execute(select(func.count()).select_from(fsm_states))).scalar_one()
    assert rows == 0


async def test_in_a_scope_an_unchanged_conversation_is_not_written(database: Database) -> None:
    """Setting the state it is in, or the same data, writes nothing; a value of another type
    that compares equal (True for 1) is a change."""
    storage = DatabaseFSMStorage(database)
    await storage.set_state(KEY, Survey.answering)
    await storage.set_data(KEY, {"flag": 1})
    seen = _count_statements(database)

    await storage.get_state(KEY)
    async with storage.update_scope(KEY):
        await storage.set_state(KEY, Survey.answering)
        await storage.set_data(KEY, {"flag": 1})
        assert len(seen) == 1  # the read only
        await storage.update_data(KEY, {"flag": True})
        assert len(seen) == 2

    assert await DatabaseFSMStorage(database).get_data(KEY) == {"flag": True}
    assert (await DatabaseFSMStorage(database).get_data(KEY))["flag"] is True
