"""Private chats only: every command and every button in a group gets the one notice (issue 10).

The hostile-input test covers groups with random samples; this one is exhaustive and plain.
"""

import importlib
import pkgutil

from aiogram.filters.callback_data import CallbackData

import bot
from bot.commands import Cmd
from storage.people import Role
from tests.factories import make_person, make_town
from tests.harness import BotHarness
from texts import common as texts

METHODIST = 771


def callback_prefixes() -> list[str]:
    for info in pkgutil.walk_packages(bot.__path__, "bot."):
        importlib.import_module(info.name)
    found: set[str] = set()
    pending = list(CallbackData.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        found.add(cls.__prefix__)
    return sorted(found)


async def test_every_command_and_every_button_in_a_group_gets_only_the_notice(
    harness: BotHarness,
) -> None:
    town = await make_town(harness.database)
    await make_person(
        harness.database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id
    )
    group = harness.emulator.create_group("Методисты Томска")
    methodist = harness.user(METHODIST).in_chat(group)

    for command in Cmd:
        await methodist.send(f"/{command.value}")
    await harness.settle()
    sent = [m for m in harness.emulator.all_messages() if m.chat_id == group["id"]]
    assert [m.plain_text for m in sent] == [texts.PRIVATE_ONLY] * len(Cmd)
    assert all(m.method == "sendMessage" for m in sent)  # no document, ever

    prefixes = callback_prefixes()
    assert len(prefixes) >= 30  # the discovery found the bot's buttons
    planted = harness.emulator.plant_message(group["id"], "Меню", None)
    presses = [await methodist.press_data(planted, f"{prefix}:1") for prefix in prefixes]
    await harness.settle()
    for update_id in presses:
        answer = methodist.callback_answer(update_id) or {}
        assert answer.get("text") == texts.PRIVATE_ONLY_ALERT
    after = [m for m in harness.emulator.all_messages() if m.chat_id == group["id"]]
    assert len(after) == len(sent)  # a press in a group adds no message
