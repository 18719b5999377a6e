"""Bot API response models are built once per process, not again after each garbage collection.

aiogram validates every Bot API answer with ``Response[T]``; pydantic keeps parametrised models
only weakly, so without ``bot.api_models`` each ``gc.collect()`` drops them and the next request
builds the model again (~9 ms of schema generation; issue 15).
"""

import gc
from typing import Any

import pytest
from aiogram.methods import Response
from aiogram.types import Message
from pydantic._internal import _generics

from bot.telegram import create_bot
from botapi_emulator import BotAPIEmulator, FakeUser
from tests.harness import TEST_TOKEN

CALLS = 100  # Bot API calls: 50 messages sent and deleted
COLLECT_EVERY = 10  # calls (a full collection takes ~0.3 s in a test process)


async def test_response_models_are_not_rebuilt_across_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[str] = []
    create = _generics.create_generic_submodel

    def counting(model_name: str, origin: Any, args: Any, params: Any) -> Any:
        if origin is Response:
            built.append(model_name)
        return create(model_name, origin, args, params)

    monkeypatch.setattr(_generics, "create_generic_submodel", counting)
    async with BotAPIEmulator() as emulator:
        user = FakeUser(emulator, 555, first_name="Анна")
        bot = create_bot(TEST_TOKEN, emulator.base_url)
        try:
            for number in range(CALLS // 2):
                if number % (COLLECT_EVERY // 2) == 0:
                    gc.collect()  # what the collector does now and then under load
                sent = await bot.send_message(user.chat_id, f"Сообщение {number}")
                assert isinstance(sent, Message)
                assert await bot.delete_message(user.chat_id, sent.message_id) is True
        finally:
            await bot.session.close()
    # At most one build per result type (none if an earlier test of this process built it).
    assert len(built) <= 2, f"Response[...] built {len(built)} times in {CALLS} calls"


def test_a_kept_model_is_the_same_class_after_a_collection() -> None:
    from bot.api_models import keep_response_model

    first = keep_response_model(Message)
    gc.collect()
    assert Response[Message] is first
    assert keep_response_model(Message) is first
