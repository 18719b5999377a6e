"""A hostile-input run over the fake Bot API: thousands of malformed, forged, stale and
out-of-place updates against the real bot, seeded and bounded.

It sends, as every role (and a stranger, and a newcomer registering):
- callback queries for every ``CallbackData`` class of the project (found by walking the ``bot``
  package, wherever the classes live): huge, negative, zero and malformed ids, empty fields,
  too many or too few parts, data over 64 bytes, unknown strings, random unicode, ids of
  another municipality's objects and other people's real buttons; on the newest bot message,
  on a message the bot never sent and as an InaccessibleMessage; with and without the
  conversation state in which they are valid;
- every command of ``bot.commands`` in the private chat and in groups (plain, ``@bot``,
  ``@other_bot``, with junk arguments), random and very long text, ``/`` alone, documents,
  photos, stickers, voice, locations and contacts where text is expected, inside each wizard
  and while answering every question type; edited messages, channel posts, anonymous group
  administrators, the bot being added to a group;
- stale buttons: every button the bot ever showed, pressed again at the end.

and then requires:
(a) no exception logged with a traceback (aiogram's "Cause exception while process update",
    or any logger of the project: an exception in a handler is a bug even when caught);
(b) every callback query answered;
(c) in non-private chats (judged from every Bot API call for one, refused calls included):
    no document ever, no other method than sendMessage and leaveChat (no edits, no chat
    actions), at most one message per incoming update, one short notice text at most, without
    a school's name or callback buttons (a link to the private chat is fine);
(d) afterwards a respondent's /start and /forms still get their normal answers.
The report groups failures by input kind and by the project frame that raised.
"""

from __future__ import annotations

import bisect
import importlib
import logging
import math
import os
import pkgutil
import random
import time
import traceback
import types
import typing
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.types import Update
from sqlalchemy import select

import bot
from bot.commands import Cmd
from botapi_emulator import BotAPIEmulator, BotMessage, FakeChannel, FakeUser, RecordedCall
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.forms.engine import group_step, next_question
from core.forms.models import FormDefinition, Question, QuestionType
from core.invitations import Scope, create_invitation
from storage import Database, schema
from storage.directory import add_district, add_municipality, add_school
from storage.people import (
    Role,
    get_user_by_telegram_id,
    grant_role,
    list_grants,
    set_removed,
)
from storage.responses import Status, change_status, get_or_create_response
from storage.types import utcnow
from tests.conversations.answering import answer_one, latest_question, stored_values
from tests.conversations.scripted import finish_label
from tests.factories import make_person
from tests.harness import ADMIN_TELEGRAM_ID, BotHarness
from texts import common as texts_common

# Fixed for CI; set HOSTILE_SEED to explore other runs.
SEED = int(os.environ.get("HOSTILE_SEED", "20260611"))
ROOT = Path(__file__).resolve().parents[2]
PROJECT_DIRS = tuple(str(ROOT / name) + "/" for name in ("bot", "core", "storage", "exports"))
ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
OTHER_BOT = "some_other_bot"
NOTICE_MAX_CHARS = 300  # the private-chat-only notice is short

# telegram ids by role; "root" is the bootstrap administrator of the settings
PEOPLE: dict[str, int] = {
    "root": ADMIN_TELEGRAM_ID,
    "admin": 8101,
    "methodist": 8102,
    "coordinator": 8103,
    "respondent": 8104,
    "reviewed": 8105,  # a respondent whose response waits for review
    "far_methodist": 8106,  # Северск: everything of theirs is foreign to Томск and back
    "far_respondent": 8107,
    "stranger": 8108,
    "newcomer": 8109,  # opens an invitation link and registers
}
FINAL_RESPONDENT = 8110  # appears after the run, to show the bot still works

ALL_TYPES = FormDefinition.model_validate(
    {
        "id": "hostile_all_types",
        "version": 1,
        "title": "Все типы вопросов (проверка)",
        "short_title": "Все типы",
        "sections": [
            {
                "title": "Раздел",
                "questions": [
                    {"id": "held", "type": "yes_no", "text": "Проводились?"},
                    {
                        "id": "kind",
                        "type": "single_choice",
                        "text": "Вид",
                        "other": True,
                        "options": [{"id": "a", "label": "Очно"}, {"id": "b", "label": "Онлайн"}],
                    },
                    {
                        "id": "forms",
                        "type": "multi_choice",
                        "text": "Формы",
                        "max_selected": 2,
                        "options": [
                            {"id": "x", "label": "Собрания"},
                            {"id": "y", "label": "Лектории"},
                            {"id": "z", "label": "Патруль"},
                        ],
                    },
                    {"id": "count", "type": "integer", "text": "Сколько", "min": 0, "max": 100},
                    {"id": "hours", "type": "decimal", "text": "Часов в неделю", "min": 0},
                    {"id": "share", "type": "percent", "text": "Доля"},
                    {"id": "when", "type": "date", "text": "Когда", "not_in_future": True},
                    {"id": "title", "type": "text", "text": "Название", "max_length": 20},
                    {"id": "notes", "type": "long_text", "text": "Заметки", "required": False},
                    {"id": "links", "type": "url", "text": "Ссылки", "several": True},
                    {"id": "grades", "type": "grades", "text": "Классы"},
                    {"id": "proof", "type": "file", "text": "Подтверждение"},
                    {
                        "id": "events",
                        "type": "group",
                        "text": "Мероприятия",
                        "item_name": "Мероприятие",
                        "questions": [
                            {"id": "name", "type": "text", "text": "Название мероприятия"},
                            {"id": "people", "type": "integer", "text": "Участников", "min": 1},
                        ],
                    },
                    {
                        "id": "results",
                        "type": "table",
                        "text": "Результаты",
                        "key": ["subject"],
                        "row_checks": [
                            {"sum": ["fail", "high"], "at_most": 100, "message": "больше 100 %"}
                        ],
                        "questions": [
                            {
                                "id": "subject",
                                "type": "single_choice",
                                "text": "Предмет",
                                "options": [{"id": "math", "label": "Математика"}],
                            },
                            {"id": "fail", "type": "percent", "text": "Доля «2»", "short": "«2»"},
                            {"id": "high", "type": "percent", "text": "Доля «4–5»"},
                        ],
                    },
                ],
            }
        ],
    }
)

# -- hostile values ----------------------------------------------------------------------------

HUGE_INTS = [
    "99999999999999999999999",
    str(2**63),
    str(2**63 - 1),
    str(2**31),
    str(2**64),
    "-99999999999999999999999",
    str(-(2**63) - 1),
]
NEGATIVE_INTS = ["-1", "-2147483649"]
MALFORMED_INTS = ["abc", "", "1.5", "1e3", " 7", "0x1f", "٣", "１２", "NaN", "+1", "1_000", "--1"]
BAD_BOOLS = ["2", "-1", "true", "yes", "", "on", "None"]
ODD_STRINGS = [
    "",
    "zzz_unknown",
    "ADMIN",
    "ё𝔘\u202eabc🙂",
    "'; DROP TABLE users;--",
    "\u0000",
    "%s%n{0}{}",
    "<b>x</b>&amp;",
    "я" * 40,  # 80 bytes: over Telegram's 64 even alone
    "../../etc/passwd",
    " ",
]
RANDOM_ALPHABET = "abcxyz019:_-/ ёжЯ€🙂\u200b\u202e\u0000%{}<>&\"'\\"
TEXTS = [
    "/",
    "/ ",
    "//",
    "/@",
    f"/start@{OTHER_BOT}",
    "x" * 5000,
    "/" + "a" * 5000,
    "/start " + "t" * 5000,
    "Привет",
    "🙂" * 300,
    "\u202eRTL\u200b zero-width",
    "<b>bold</b> <script>alert(1)</script> &amp;",
    "{name} {0} {} %s %d",
    "\u0000 null byte",
    "\n\n\n",
    "null",
    "None",
    "-0",
    "١٢٣",
    "１２",
    "99999999999999999999999",
    "-1",
    "0",
    "3",
    "3,5",
    "45 %",
    "100500",
    "12.05.2025",
    "31.02.2025",
    "01.01.2099",
    "сегодня",
    "вчера",
    "да",
    "нет",
    "https://school5.tomsk.ru/shnor",
    "http://",
    "javascript:alert(1)",
    "5, 6, 7",
    "5-11",
    "Иванова Мария Петровна",
    "1 полугодие 2026/27",
    "1, 3, 7",
    "📋 Мои анкеты",
]

MEDIA_KINDS = [
    "document",
    "xlsx",
    "csv",
    "photo",
    "sticker",
    "voice",
    "location",
    "contact",
    "dice",
]


# -- the project's callback data classes ------------------------------------------------------


def _all_subclasses(cls: type[CallbackData]) -> list[type[CallbackData]]:
    found: list[type[CallbackData]] = []
    sub: type[CallbackData]
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def project_callback_classes() -> list[type[CallbackData]]:
    """Every CallbackData subclass defined in the ``bot`` package, wherever it lives."""
    for info in pkgutil.walk_packages(bot.__path__, "bot."):
        if info.name.rsplit(".", 1)[-1] != "__main__":
            importlib.import_module(info.name)
    classes = {
        cls
        for cls in _all_subclasses(CallbackData)
        if cls.__module__.startswith("bot.") and getattr(cls, "__prefix__", None)
    }
    return sorted(classes, key=lambda cls: (cls.__prefix__, cls.__name__))


def _field_kind(annotation: Any) -> tuple[str, list[str]]:
    """("int" | "bool" | "str" | "float", known values) for a CallbackData field."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(inner) == 1:
            return _field_kind(inner[0])
    if origin is typing.Literal:
        return "str", [str(arg) for arg in typing.get_args(annotation)]
    if annotation is bool:
        return "bool", ["0", "1"]
    if annotation is int:
        return "int", []
    if annotation is float:
        return "float", []
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "str", [str(member.value) for member in annotation]
    return "str", []


@dataclass
class Spec:
    """One CallbackData class: how its data looks."""

    cls: type[CallbackData]
    prefix: str
    separator: str
    names: list[str]
    kinds: list[str]
    known: list[list[str]]  # per field: values seen on real buttons or declared

    @classmethod
    def of(cls, callback: type[CallbackData]) -> Spec:
        names, kinds, known = [], [], []
        for name, info in callback.model_fields.items():
            kind, values = _field_kind(info.annotation)
            default = info.default
            if default is not None and isinstance(default, int | str | Enum):
                encoded = (
                    str(int(default))
                    if isinstance(default, bool)
                    else str(default.value if isinstance(default, Enum) else default)
                )
                values = [*values, encoded]
            names.append(name)
            kinds.append(kind)
            known.append(values)
        return cls(callback, callback.__prefix__, callback.__separator__, names, kinds, known)

    def label(self) -> str:
        return f"{self.prefix} ({self.cls.__name__})"

    def learn(self, data: str) -> bool:
        """Remember the field values of a real button; False if ``data`` is not ours."""
        prefix, *parts = data.split(self.separator)
        if prefix != self.prefix or len(parts) != len(self.names):
            return False
        for values, part in zip(self.known, parts, strict=True):
            if part not in values:
                values.append(part)
        return True

    def pack(self, parts: list[str]) -> str:
        return self.separator.join([self.prefix, *parts])

    def base(self, rng: random.Random, ids: list[int]) -> list[str]:
        parts = []
        for kind, known in zip(self.kinds, self.known, strict=True):
            if known:
                parts.append(rng.choice(known))
            elif kind == "int":
                parts.append(str(rng.choice(ids)))
            elif kind == "bool":
                parts.append("1")
            else:
                parts.append("x")
        return parts

    def split(self, data: str) -> list[str] | None:
        """The field values of ``data`` if it is a well-formed payload of this class."""
        prefix, *parts = data.split(self.separator)
        return parts if prefix == self.prefix and len(parts) == len(self.names) else None

    def payloads(
        self,
        rng: random.Random,
        ids: list[int],
        foreign: list[int],
        real: list[str] | None = None,
    ) -> list[tuple[str, str]]:
        """(kind of hostility, data) for this class; every field gets every kind. The other
        fields keep ``real`` values (a real button's) or values seen on real buttons."""

        def base() -> list[str]:
            return list(real) if real is not None else self.base(rng, ids)

        def with_field(index: int, value: str) -> str:
            parts = base()
            parts[index] = value
            return self.pack(parts)

        out: list[tuple[str, str]] = [("valid-looking", self.pack(base()))]

        for index, kind in enumerate(self.kinds):
            if kind in ("int", "float"):
                out += [("huge id", with_field(index, value)) for value in HUGE_INTS]
                out += [("negative id", with_field(index, value)) for value in NEGATIVE_INTS]
                out.append(("zero id", with_field(index, "0")))
                out += [
                    ("malformed id", with_field(index, value))
                    for value in rng.sample(MALFORMED_INTS, 4)
                ]
                out += [
                    ("forged: other municipality's id", with_field(index, str(value)))
                    for value in rng.sample(foreign, min(3, len(foreign)))
                ]
                out.append(("existing id of any kind", with_field(index, str(rng.choice(ids)))))
            elif kind == "bool":
                out += [
                    ("bad bool", with_field(index, value)) for value in rng.sample(BAD_BOOLS, 3)
                ]
            else:
                out += [("odd string", with_field(index, value)) for value in ODD_STRINGS]
                out.append(("random unicode", with_field(index, random_text(rng, 12))))
        packed = self.pack(base())
        out += [
            ("prefix only", self.prefix),
            ("prefix and separator", self.prefix + self.separator),
            ("too many parts", packed + self.separator + "1"),
            ("too many parts", packed + self.separator * 3),
            ("doubled separators", packed.replace(self.separator, self.separator * 2)),
            ("upper-case prefix", packed.upper()),
            ("over 64 bytes", packed + "9" * 70),
            ("over 64 bytes", with_field(len(self.names) - 1, "я" * 40) if self.names else packed),
            ("prefix with a space", self.prefix + " " + self.separator.join(base())),
        ]
        if self.names:
            out.append(("too few parts", self.separator.join(packed.split(self.separator)[:-1])))
        return out


def random_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(RANDOM_ALPHABET) for _ in range(length))


# -- recording -------------------------------------------------------------------------------


class UpdateClock:
    """Which update the dispatcher is handling, and when each one was handled.

    Wraps ``Dispatcher.feed_update`` (so it sees every update, even one an outer middleware of
    the bot stops); updates are handled one at a time here, so a Bot API call made at a moment
    belongs to the update being handled then.
    """

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.update_id: int | None = None
        self.spans: list[tuple[float, float, int]] = []  # (start, end, update id)
        original = dispatcher.feed_update

        async def feed_update(bot: Bot, update: Update, **kwargs: Any) -> Any:
            self.update_id = update.update_id
            began = time.monotonic()
            try:
                return await original(bot, update, **kwargs)
            finally:
                self.spans.append((began, time.monotonic(), update.update_id))

        setattr(dispatcher, "feed_update", feed_update)  # noqa: B010 (mypy: a method)

    def update_at(self, moment: float) -> int | None:
        index = bisect.bisect_right(self.spans, (moment, math.inf, 0)) - 1
        if index >= 0 and self.spans[index][0] <= moment <= self.spans[index][1]:
            return self.spans[index][2]
        return None


@dataclass
class Logged:
    record: logging.LogRecord
    update_id: int | None


class ErrorCapture(logging.Handler):
    """Every ERROR record of any logger (aiogram's and the project's propagate to the root)."""

    def __init__(self, current: UpdateClock) -> None:
        super().__init__(level=logging.ERROR)
        self.current = current
        self.records: list[Logged] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(Logged(record, self.current.update_id))


@dataclass
class Sent:
    """What one hostile input was."""

    category: str
    detail: str


@dataclass
class World:
    users: dict[str, FakeUser]
    ids: list[int]  # ids of every row of every table
    foreign: list[int]  # ids of Северск's objects
    school_names: list[str]
    school_ids: list[int]  # Томск's
    token: str  # an invitation for the newcomer
    # each person's role and scope at the start: a methodist's buttons may (rightly) take a
    # role away; the run gives it back between phases so every role keeps pressing
    grants: dict[str, tuple[Role, dict[str, int]]] = field(default_factory=dict)


@dataclass
class Run:
    harness: BotHarness
    world: World
    rng: random.Random
    specs: list[Spec]
    sent: dict[int, Sent] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    real_data: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    unreached_types: list[str] = field(default_factory=list)
    restored: Counter[str] = field(default_factory=Counter)

    async def restore_roles(self) -> None:
        """Give back the starting role of anyone who lost it (removed or role changed)."""
        async with self.harness.database.write() as conn:
            for name, (role, scope) in self.world.grants.items():
                user = await get_user_by_telegram_id(conn, PEOPLE[name])
                assert user is not None
                grants = await list_grants(conn, user.id)
                wanted = (
                    role,
                    scope.get("municipality_id"),
                    scope.get("district_id"),
                    scope.get("school_id"),
                )
                kept = any(
                    (g.role, g.municipality_id, g.district_id, g.school_id) == wanted
                    for g in grants
                )
                if user.removed_at is not None:
                    await set_removed(conn, user.id, None)
                if not kept:
                    await grant_role(conn, user.id, role, **scope)
                if user.removed_at is not None or not kept:
                    self.restored[name] += 1

    @property
    def emulator(self) -> BotAPIEmulator:
        return self.harness.emulator

    def note(self, update_id: int, category: str, detail: str) -> None:
        self.sent[update_id] = Sent(category, detail)
        self.counts[category] += 1

    def harvest(self) -> None:
        """Learn field values from every button the bot has shown so far."""
        for message in self.emulator.all_messages():
            if message.chat_type != "private":
                continue
            for data in message.callback_data_ever:
                if data not in self.real_data[str(message.chat_id)]:
                    self.real_data[str(message.chat_id)].append(data)
                for spec in self.specs:
                    if spec.learn(data):
                        break

    # -- inputs --------------------------------------------------------------------------

    async def command(self, user: FakeUser, category: str, name: str) -> None:
        variant = self.rng.choice(["plain", "plain", "@bot", "@other", "args"])
        text = {
            "plain": f"/{name}",
            "@bot": f"/{name}@{self.emulator.bot_username}",
            "@other": f"/{name}@{OTHER_BOT}",
            "args": f"/{name} {random_text(self.rng, 8)} 99999999999999999999999",
        }[variant]
        self.note(await user.send(text), category, f"{text[:60]!r} in {user.chat_type}")

    async def text(self, user: FakeUser, category: str) -> None:
        text = self.rng.choice(TEXTS) if self.rng.random() < 0.8 else random_text(self.rng, 30)
        self.note(await user.send(text), category, f"text {text[:40]!r}")

    async def media(self, user: FakeUser, category: str) -> None:
        kind = self.rng.choice(MEDIA_KINDS)
        if kind == "document":
            name = self.rng.choice(["график.pdf", "../../etc/passwd", "a" * 200 + ".pdf", "x"])
            update_id = await user.send_document(name, b"%PDF-1.4 junk", "application/pdf")
        elif kind == "xlsx":
            update_id = await user.send_document(
                "schools.xlsx", b"PK\x03\x04 not really a workbook", caption="/import"
            )
        elif kind == "csv":
            update_id = await user.send_document(
                "schools.csv", "муниципалитет;школа\n;;;\n".encode()
            )
        elif kind == "photo":
            update_id = await user.send_photo(caption=self.rng.choice([None, "/start", "x" * 900]))
        elif kind == "sticker":
            update_id = await user.send_sticker()
        elif kind == "voice":
            update_id = await user.send_voice()
        elif kind == "location":
            update_id = await user.send_location()
        elif kind == "contact":
            update_id = await user.send_contact()
        else:
            update_id = await user.send_dice()
        self.note(update_id, category, f"{kind} in {user.chat_type}")

    async def press(
        self,
        user: FakeUser,
        category: str,
        data: str,
        detail: str,
        target: BotMessage | int | None = None,
    ) -> None:
        """Press ``data`` on ``target``, or on a random kind of message: the newest bot
        message, one the bot never sent, or an inaccessible one."""
        inaccessible = False
        if target is None:
            roll = self.rng.random()
            newest = user.last_message()
            if newest is not None and roll < 0.6:
                target = newest
            elif roll < 0.8:
                target = 10**6 + self.rng.randrange(1000)
                detail += " on a message the bot never sent"
            else:
                target = newest.message_id if newest is not None else 1
                inaccessible = True
                detail += " on an inaccessible message"
        update_id = await user.press_data(target, data, inaccessible=inaccessible)
        self.note(update_id, category, f"{data[:70]!r} {detail}")

    async def fuzz_press(self, user: FakeUser, category: str) -> None:
        """A hostile payload: mostly a real button of the newest message with buttons, one
        field mutated (so the handler of the current step gets it), else any class's."""
        with_buttons = [m for m in self.emulator.messages(user.chat_id) if m.buttons]
        newest = next((m for m in reversed(with_buttons) if not m.deleted), None)
        real = [b.callback_data for row in newest.buttons for b in row] if newest else []
        mutable = [
            (spec, parts)
            for data in real
            if data is not None
            for spec in self.specs
            if (parts := spec.split(data)) is not None
        ]
        if mutable and self.rng.random() < 0.7:
            spec, parts = self.rng.choice(mutable)
            payloads = spec.payloads(self.rng, self.world.ids, self.world.foreign, parts)
            kind, data = self.rng.choice(payloads[1:])
            await self.press(user, category, data, f"[{spec.prefix}: {kind}]", target=newest)
            return
        spec = self.rng.choice(self.specs)
        kind, data = self.rng.choice(spec.payloads(self.rng, self.world.ids, self.world.foreign))
        await self.press(user, category, data, f"[{spec.prefix}: {kind}]")

    async def real_press(self, user: FakeUser, category: str) -> bool:
        """Press a real button of the newest message that has one (or, now and then, of an
        older message); False when the chat has none."""
        alive = [
            m
            for m in self.emulator.messages(user.chat_id)
            if not m.deleted and m.callback_data_ever
        ]
        if not alive:
            return False
        message = alive[-1] if self.rng.random() < 0.85 else self.rng.choice(alive)
        current = [b.callback_data for row in message.buttons for b in row if b.callback_data]
        data = self.rng.choice(current or message.callback_data_ever)
        self.note(await user.press_data(message, data), category, f"real button {data!r}")
        return True

    async def walk(self, user: FakeUser, category: str, steps: int) -> None:
        """A random walk: mostly real buttons and plausible answers, with hostile input mixed
        in, settling after each step so the next one sees the bot's reply."""
        for _ in range(steps):
            roll = self.rng.random()
            if roll < 0.5 and await self.real_press(user, category):
                pass
            elif roll < 0.65:
                await self.fuzz_press(user, category)
            elif roll < 0.85:
                await self.text(user, category)
            else:
                await self.media(user, category)
            await self.harness.settle()
            self.harvest()


# -- the world -------------------------------------------------------------------------------


async def populate(harness: BotHarness) -> World:
    database = harness.database
    async with database.write() as conn:
        tomsk = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        north = await add_district(conn, tomsk.id, "Северный округ")
        south = await add_district(conn, tomsk.id, "Южный округ")
        five = await add_school(
            conn,
            municipality_id=tomsk.id,
            full_name="МАОУ СОШ № 5",
            short_name="СОШ № 5",
            district_id=north.id,
            is_shnor=True,
        )
        eleven = await add_school(
            conn,
            municipality_id=tomsk.id,
            full_name="МАОУ СОШ № 11",
            short_name="СОШ № 11",
            district_id=north.id,
        )
        await add_school(
            conn,
            municipality_id=tomsk.id,
            full_name="МБОУ ООШ № 66",
            short_name="ООШ № 66",
            district_id=south.id,
            is_shnor=True,
        )
        seversk = await add_municipality(conn, "ЗАТО Северск", "Asia/Tomsk")
        far_district = await add_district(conn, seversk.id, "Дальний округ")
        far_school = await add_school(
            conn,
            municipality_id=seversk.id,
            full_name="МБОУ СОШ № 202",
            short_name="СОШ № 202",
            district_id=far_district.id,
        )
    people = [
        ("admin", Role.ADMIN, {}),
        ("methodist", Role.METHODIST, {"municipality_id": tomsk.id}),
        ("coordinator", Role.COORDINATOR, {"district_id": north.id}),
        ("respondent", Role.RESPONDENT, {"school_id": five.id}),
        ("reviewed", Role.RESPONDENT, {"school_id": eleven.id}),
        ("far_methodist", Role.METHODIST, {"municipality_id": seversk.id}),
        ("far_respondent", Role.RESPONDENT, {"school_id": far_school.id}),
    ]
    for number, (name, role, scope) in enumerate(people):
        await make_person(database, PEOPLE[name], role, full_name=f"Тестова Анна {number}", **scope)
    now = utcnow()
    deadline = (now + timedelta(days=10)).date()
    for key in sorted(harness.catalog.current):
        await open_form_for_schools(
            database,
            harness.catalog,
            ORGANISER,
            key,
            deadline=deadline,
            period_label="1 полугодие 2026/27",
            now=now,
        )
    async with database.read() as conn:
        rounds = {
            (row.municipality_id, row.form_id): row.id
            for row in await conn.execute(
                select(
                    schema.campaigns.c.id,
                    schema.campaigns.c.municipality_id,
                    schema.campaign_forms.c.form_id,
                ).join(
                    schema.campaign_forms,
                    schema.campaign_forms.c.campaign_id == schema.campaigns.c.id,
                )
            )
        }
    form_id = harness.catalog.row_id("vsoko")
    for municipality, school in ((tomsk.id, eleven.id), (seversk.id, far_school.id)):
        async with database.write() as conn:
            response = await get_or_create_response(
                conn, rounds[(municipality, form_id)], school, "vsoko", form_id, now
            )
            draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=now)
            await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=now)
    created = await create_invitation(
        database,
        ORGANISER,
        Role.RESPONDENT,
        Scope(school_ids=(five.id,)),
        now=now,
        ttl=timedelta(days=14),
        max_uses=50,
    )
    await create_invitation(
        database,
        ORGANISER,
        Role.RESPONDENT,
        Scope(school_ids=(far_school.id,)),
        now=now,
        ttl=timedelta(days=14),
    )

    ids: set[int] = set()
    foreign: set[int] = {seversk.id, far_district.id, far_school.id}
    async with database.read() as conn:
        for table in schema.metadata.sorted_tables:
            if "id" in table.c:
                ids.update(int(v) for v in (await conn.scalars(select(table.c.id))).all())
        query = select(schema.campaigns.c.id).where(
            schema.campaigns.c.municipality_id == seversk.id
        )
        foreign.update(int(v) for v in (await conn.scalars(query)).all())
        foreign.update(
            int(v)
            for v in (
                await conn.scalars(
                    select(schema.responses.c.id).where(
                        schema.responses.c.school_id == far_school.id
                    )
                )
            ).all()
        )
        foreign.update(
            int(v)
            for v in (
                await conn.scalars(
                    select(schema.users.c.id).where(
                        schema.users.c.telegram_id.in_(
                            [PEOPLE["far_methodist"], PEOPLE["far_respondent"]]
                        )
                    )
                )
            ).all()
        )
    users = {
        name: harness.user(telegram_id, first_name=f"Тест{telegram_id}")
        for name, telegram_id in PEOPLE.items()
    }
    names = ["СОШ № 5", "СОШ № 11", "ООШ № 66", "СОШ № 202", "Томск", "Северск"]
    grants = {name: (role, scope) for name, role, scope in people}
    return World(
        users, sorted(ids), sorted(foreign), names, [five.id, eleven.id], created.token, grants
    )


@pytest.fixture
async def harness(emulator: BotAPIEmulator, sqlite_db: Database) -> AsyncIterator[BotHarness]:
    running = BotHarness(emulator, sqlite_db, extra_forms={ALL_TYPES.id: ALL_TYPES})
    await running.start()
    yield running
    await running.stop()


# -- the phases ------------------------------------------------------------------------------

# Who starts which conversation, and how long the random walk in it is.
WIZARDS: list[tuple[str, list[str], int]] = [
    ("respondent", [Cmd.FORMS], 70),
    ("reviewed", [Cmd.FORMS], 20),
    ("methodist", [Cmd.NEW_CAMPAIGN], 45),
    ("root", [Cmd.NEW_CAMPAIGN], 30),
    ("methodist", [Cmd.INVITE], 30),
    ("admin", [Cmd.INVITE], 20),
    ("methodist", [Cmd.CAMPAIGNS], 30),
    ("methodist", [Cmd.REVIEW], 30),
    ("coordinator", [Cmd.STATUS], 15),
    ("coordinator", [Cmd.EXPORT], 12),
    ("methodist", [Cmd.PEOPLE], 25),
    ("admin", [Cmd.IMPORT], 10),
    ("far_methodist", [Cmd.REVIEW], 15),
    ("far_respondent", [Cmd.FORMS], 20),
]


async def phase_commands_private(run: Run) -> None:
    """Every command as every person in the private chat: plain, then a variant."""
    for name, user in run.world.users.items():
        if name == "newcomer":
            continue
        for cmd in Cmd:
            run.note(await user.send(f"/{cmd}"), "command in private chat", f"/{cmd} as {name}")
            await run.command(user, "command in private chat", str(cmd))
            await run.harness.settle()
    run.harvest()


async def phase_question_types(run: Run) -> None:
    """The respondent answers the form with every question type; before each answer comes
    hostile input (media, odd text, a mutated button), then a valid answer."""
    harness, user = run.harness, run.world.users["respondent"]
    form = harness.catalog.current[ALL_TYPES.id]
    response_id: int | None = None

    async def reopen() -> int:
        run.note(await user.send("/forms"), "answering: reopen", "/forms")
        await harness.settle()
        listing = user.last_message()
        assert listing is not None
        labels = [t for t in listing.button_texts if form.short_title in t]
        assert labels, f"/forms does not offer {form.short_title}: {listing.plain_text}"
        data = listing.button(labels[0]).callback_data or ""
        label = labels[0]
        run.note(await user.press(label, message=listing), "answering: reopen", label)
        await harness.settle()
        return int(data.split(":")[1])

    response_id = await reopen()
    seen: set[str] = set()
    for _ in range(120):
        values = await stored_values(harness.database, response_id)
        question = next_question(form, values)
        if question is None:
            break
        at = _position(question, values)
        kind = f"answering a question ({question.type.value})"
        seen.add(question.type.value)
        await run.media(user, kind)
        await run.text(user, kind)
        await run.fuzz_press(user, kind)
        await harness.settle()
        values = await stored_values(harness.database, response_id)
        question = next_question(form, values)
        if question is None or _position(question, values) != at:
            continue  # the hostile input happened to answer it: the next one gets its turn
        # the question's screen: the bot's newest message with buttons (replies to the hostile
        # input came after it)
        with_buttons = [m for m in run.emulator.messages(user.chat_id) if m.buttons]
        screen = with_buttons[-1] if with_buttons else latest_question(user)
        first = run.emulator.last_update_id + 1
        try:
            if question.repeats:
                step = group_step(question, values.get(question.id))
                if step.question is None:
                    await user.press(finish_label(question), message=screen)
                else:
                    item = values.get(question.id) or {}
                    items = item.get("items", []) if isinstance(item, dict) else []
                    current = items[step.index] if step.index < len(items) else {}
                    await answer_one(user, screen, step.question, current)
            else:
                await answer_one(user, screen, question, values, form)
        except LookupError:  # a hostile press left the form: open it again
            response_id = await reopen()
        for update_id in range(first, run.emulator.last_update_id + 1):
            run.note(update_id, "answering: valid answer", question.type.value)
        await harness.settle()
        values = await stored_values(harness.database, response_id)
        question = next_question(form, values)
        if question is not None and _position(question, values) == at:
            # A hostile press paused the form ("Черновик сохранён"), so the typed answer went
            # to no question: open it again, as the respondent would.
            response_id = await reopen()
    run.unreached_types = sorted({kind.value for kind in QuestionType} - seen)


def _position(question: Question, values: dict[str, Any]) -> tuple[str, int, str]:
    """Where the respondent is: the question, and inside a group the item and sub-question."""
    if not question.repeats:
        return question.id, 0, ""
    step = group_step(question, values.get(question.id))
    return question.id, step.index, step.question.id if step.question is not None else ""


async def phase_registration(run: Run) -> None:
    """The newcomer opens the link and registers, with hostile input at every step."""
    newcomer = run.world.users["newcomer"]
    for attempt in ("/start " + "x" * 40, "/start ../", "/start " + run.world.token):
        run.note(await newcomer.send(attempt), "registration wizard", attempt[:50])
    await run.harness.settle()
    await run.walk(newcomer, "registration wizard", 25)
    run.note(await newcomer.send("/start " + run.world.token), "registration wizard", "link again")
    await run.harness.settle()
    await run.walk(newcomer, "registration wizard", 10)


async def phase_wizards(run: Run) -> None:
    """Each conversation started by its command, then a random walk through it."""
    for name, commands, steps in WIZARDS:
        user = run.world.users[name]
        for cmd in commands:
            run.note(await user.send(f"/{cmd}"), "wizard: entry command", f"/{cmd} as {name}")
        await run.harness.settle()
        run.harvest()
        await run.walk(user, f"wizard walk: /{commands[0]}", steps)
        await run.restore_roles()


async def phase_callback_fuzz(run: Run) -> None:
    """Every hostile payload of every class, pressed by the people in turn, with no state."""
    names = [name for name in run.world.users if name != "newcomer"]
    run.rng.shuffle(names)
    turn = 0
    for spec in run.specs:
        for kind, data in spec.payloads(run.rng, run.world.ids, run.world.foreign):
            user = run.world.users[names[turn % len(names)]]
            turn += 1
            await run.press(user, "callback fuzz", data, f"[{spec.prefix}: {kind}]")
        await run.harness.settle()
        await run.restore_roles()
    # the state in which the buttons are valid: start the conversation, then fuzz in it
    for name, commands, _ in WIZARDS:
        user = run.world.users[name]
        run.note(await user.send(f"/{commands[0]}"), "wizard: entry command", f"/{commands[0]}")
        await run.harness.settle()
        await run.real_press(user, "callback fuzz in state")
        await run.harness.settle()
        for _ in range(16):
            await run.fuzz_press(user, "callback fuzz in state")
            await run.harness.settle()
            if run.rng.random() < 0.3:
                await run.real_press(user, "callback fuzz in state")
                await run.harness.settle()
        await run.restore_roles()
    for _ in range(30):
        user = run.world.users[run.rng.choice(names)]
        data = random_text(run.rng, run.rng.choice([1, 5, 30, 80]))
        await run.press(user, "callback fuzz", data, "[random data]")
    await run.harness.settle()


async def phase_forged_real_buttons(run: Run) -> None:
    """People press the real buttons other people were shown (another school's response,
    another municipality's campaign...)."""
    run.harvest()
    owners = [chat for chat, data in run.real_data.items() if data]
    names = [name for name in run.world.users if name != "newcomer"]
    for _ in range(120):
        chat = run.rng.choice(owners)
        data = run.rng.choice(run.real_data[chat])
        name = run.rng.choice(names)
        user = run.world.users[name]
        if str(user.chat_id) == chat:
            continue
        await run.press(user, "forged: someone else's real button", data, f"from chat {chat}")
    await run.harness.settle()


async def phase_groups(run: Run) -> None:
    """Groups and a supergroup: every command as every person, text, media, edits, anonymous
    administrators, the bot being added, and buttons pressed on a message in the group."""
    group = run.emulator.create_group("Методисты Томска")
    supergroup = run.emulator.create_group("ШНОР 2026", supergroup=True, username="shnor_tomsk")
    run.harvest()
    all_data = [data for datas in run.real_data.values() for data in datas]
    for chat in (group, supergroup):
        adder = run.world.users["methodist"].in_chat(chat)
        if chat is group:  # added first here (it may leave at once), last in the supergroup
            for update_id in await adder.add_bot_to_group():
                run.note(update_id, "group: service message", "bot added")
        for private in run.world.users.values():
            user = private.in_chat(chat)
            for cmd in Cmd:
                await run.command(user, "group: command", str(cmd))
            for _ in range(2):
                await run.text(user, "group: text")
                await run.media(user, "group: media")
            run.note(await user.edit("/export"), "group: edited message", "edited into /export")
        anonymous = run.world.users["admin"].in_chat(chat)
        for cmd in (Cmd.START, Cmd.EXPORT, Cmd.STATUS, Cmd.FORMS):
            run.note(
                await anonymous.send_anonymously(f"/{cmd}@{run.emulator.bot_username}"),
                "group: anonymous administrator",
                f"/{cmd}",
            )
        keyboard = {
            "inline_keyboard": [
                [{"text": str(i), "callback_data": data}]
                for i, data in enumerate(run.rng.sample(all_data, min(20, len(all_data))))
                if len(data.encode()) <= 64
            ]
        }
        planted = run.emulator.plant_message(chat["id"], "Меню из группы", keyboard)
        for name in ("methodist", "respondent", "coordinator", "stranger", "root"):
            user = run.world.users[name].in_chat(chat)
            for _ in range(6):
                data = run.rng.choice(all_data) if all_data else "x"
                await run.press(user, "group: button press", data, "real data", target=planted)
            for _ in range(4):
                await run.fuzz_press(user, "group: button press")
        if chat is supergroup:
            for update_id in await adder.add_bot_to_group():
                run.note(update_id, "group: service message", "bot added")
        await run.harness.settle()


async def phase_channel_and_edits(run: Run) -> None:
    channel = FakeChannel(run.emulator)
    for _ in range(12):
        text = run.rng.choice([f"/{run.rng.choice(list(Cmd))}", *TEXTS[:10]])
        run.note(await channel.post(text), "channel post", repr(text[:40]))
    run.note(await channel.post_document("отчёт.xlsx", b"PK junk"), "channel post", "document")
    for _ in range(6):
        run.note(await channel.edit_post("/export"), "channel post: edited", "/export")
    for name, user in run.world.users.items():
        for _ in range(4):
            if user.last_sent_id is None:
                break
            text = run.rng.choice(["/export", "/start", "12", "x" * 5000, "/cancel"])
            run.note(
                await user.edit(text), "edited message in private chat", f"{name}: {text[:20]}"
            )
    await run.harness.settle()


async def phase_stale_buttons(run: Run) -> None:
    """Every button any bot message ever showed (old keyboards too), pressed again now."""
    presses: list[tuple[FakeUser, BotMessage, str]] = []
    by_chat = {user.chat_id: user for user in run.world.users.values()}
    for message in run.emulator.all_messages():
        user = by_chat.get(message.chat_id)
        if user is None or message.deleted:
            continue
        presses.extend((user, message, data) for data in message.callback_data_ever)
    for user, message, data in run.rng.sample(presses, min(250, len(presses))):
        await run.press(user, "stale button", data, f"on #{message.message_id}", target=message)
    # 250 updates in a row (some build a workbook): on a loaded CI machine more than the
    # default 10 s; what this phase checks is the answers, not the speed.
    await run.harness.settle(wait_at_most=90)


# -- the report ------------------------------------------------------------------------------


def _project_frames(record: logging.LogRecord) -> list[str]:
    if not record.exc_info or record.exc_info[2] is None:
        return []
    return [
        f"{Path(frame.filename).relative_to(ROOT)}:{frame.lineno} ({frame.name})"
        for frame in traceback.extract_tb(record.exc_info[2])
        if frame.filename.startswith(PROJECT_DIRS)
    ]


def _input_kind(sent: Sent | None) -> str:
    if sent is None:
        return "?"
    bracket = sent.detail.find("[")
    if bracket >= 0:
        return f"{sent.category} {sent.detail[bracket : sent.detail.find(']') + 1]}"
    return sent.category


def failures_report(run: Run, logged: list[Logged]) -> str:
    groups: dict[tuple[str, str, str], list[Logged]] = defaultdict(list)
    for item in logged:
        exc = item.record.exc_info[1] if item.record.exc_info else None
        frames = _project_frames(item.record)
        handler = next((f for f in frames if "/handlers/" in f), frames[0] if frames else "-")
        innermost = frames[-1] if frames else "-"
        error = f"{type(exc).__name__}: {str(exc)[:120]}" if exc else item.record.getMessage()
        groups[(error.split(":")[0], handler, innermost)].append(item)
    lines = []
    for (error, handler, innermost), items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        kinds = Counter(_input_kind(run.sent.get(i.update_id or -1)) for i in items)
        sample = run.sent.get(items[0].update_id or -1)
        exc = items[0].record.exc_info[1] if items[0].record.exc_info else None
        lines.append(
            f"- {len(items)}x {error} at {handler} (raised in {innermost})\n"
            f"    message: {str(exc)[:160] if exc else items[0].record.getMessage()[:160]}\n"
            f"    inputs: {dict(kinds.most_common(6))}\n"
            f"    e.g. update {items[0].update_id}: "
            f"{sample.category + ': ' + sample.detail if sample else '?'}"
        )
    return "\n".join(lines)


# -- the test --------------------------------------------------------------------------------


async def test_hostile_input_leaves_no_exception_and_no_unanswered_button(
    harness: BotHarness,
) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)
    specs = [Spec.of(cls) for cls in project_callback_classes()]
    assert len(specs) >= 30, [spec.label() for spec in specs]
    world = await populate(harness)
    run = Run(harness, world, rng, specs)

    assert harness.dispatcher is not None
    clock = UpdateClock(harness.dispatcher)
    capture = ErrorCapture(clock)
    root = logging.getLogger()
    root.addHandler(capture)
    try:
        for phase in (
            phase_commands_private,
            phase_question_types,
            phase_registration,
            phase_wizards,
            phase_callback_fuzz,
            phase_forged_real_buttons,
            phase_groups,
            phase_channel_and_edits,
            phase_stale_buttons,
        ):
            await phase(run)
            await harness.settle()
            await run.restore_roles()

        # (d) the bot still works, for a respondent of a school the run went through (the
        # run's own respondent may have been removed by a methodist's button, rightly)
        await make_person(
            harness.database,
            FINAL_RESPONDENT,
            Role.RESPONDENT,
            full_name="Последняя Проверка",
            school_id=world.school_ids[0],
        )
        respondent = harness.user(FINAL_RESPONDENT)
        await respondent.send("/start")
        await respondent.send("/forms")
        await harness.settle()
    finally:
        root.removeHandler(capture)
    elapsed = time.monotonic() - started

    replies = harness.emulator.messages(respondent.chat_id)
    total = sum(run.counts.values())
    summary = "\n".join(f"  {count:5d}  {category}" for category, count in run.counts.most_common())
    answers: Counter[str] = Counter()
    by_answer: dict[str, Counter[str]] = defaultdict(Counter)
    names = {telegram_id: name for name, telegram_id in PEOPLE.items()}
    for press in harness.emulator.callback_presses:
        answer = harness.emulator.callback_answer(press.query_id)
        if answer is None:
            text = "(not answered)"
        else:
            text = str(answer.get("text") or "(answered without text)")[:60]
        answers[text] += 1
        by_answer[text][names.get(press.user_id or 0, "?")] += 1
    answered = "\n".join(
        f"  {count:5d}  {text!r} {dict(by_answer[text].most_common(4))}"
        for text, count in answers.most_common(10)
    )
    print(
        f"\nhostile inputs: {total} in {elapsed:.1f}s (seed {SEED})\n{summary}\n"
        f"button presses answered with:\n{answered}\n"
        f"roles given back after a phase (taken by buttons): {dict(run.restored)}"
    )

    problems: list[str] = []
    # (a) no exception
    with_traceback = [item for item in capture.records if item.record.exc_info]
    if with_traceback:
        problems.append(
            f"(a) {len(with_traceback)} exceptions logged with a traceback:\n"
            + failures_report(run, with_traceback)
        )
    others = [item for item in capture.records if not item.record.exc_info]
    if others:
        problems.append(
            "(a') ERROR records without a traceback:\n"
            + "\n".join(
                f"- {item.record.name}: {item.record.getMessage()[:200]}" for item in others[:10]
            )
        )
    # (b) every button press answered
    unanswered = harness.emulator.unanswered_presses()
    if unanswered:
        kinds = Counter(_input_kind(run.sent.get(press.update_id)) for press in unanswered)
        prefixes = Counter((press.data or "").split(":")[0][:12] for press in unanswered)
        problems.append(
            f"(b) {len(unanswered)} of {len(harness.emulator.callback_presses)} button presses "
            f"never answered; by input: {dict(kinds.most_common(8))}; "
            f"by data prefix: {dict(prefixes.most_common(15))}"
        )
    # (c) non-private chats get the short notice at most
    problems.extend(group_violations(run, clock))
    # (d) the bot still answers a respondent normally
    normal = [m for m in replies if m.method == "sendMessage"]
    greeting = texts_common.START_KNOWN.split("{", 1)[0]
    if (
        len(normal) != 2
        or not (normal[0].plain_text or "").startswith(greeting)
        or not normal[1].buttons
    ):
        problems.append(
            "(d) after the run, /start and /forms did not get their normal answers: "
            + str([(m.plain_text or "")[:80] for m in replies])
        )

    if run.unreached_types:
        problems.append(f"the run never reached questions of types {run.unreached_types}")
    assert total >= 2000, f"only {total} inputs"
    assert not problems, "\n\n".join(problems)


# What the bot may do in a group or a channel: its one notice, and leaving.
ALLOWED_IN_GROUPS = frozenset({"sendmessage", "leavechat", "getchat", "getchatmember"})


def group_violations(run: Run, clock: UpdateClock) -> list[str]:
    """(c) from the Bot API calls the bot made for non-private chats (refused ones included:
    the bot may have left the group, the attempt still counts)."""
    problems: list[str] = []
    calls = [
        call
        for call in run.emulator.calls
        if call.chat_id is not None and run.emulator.chat_type(call.chat_id) != "private"
    ]
    documents = [call for call in calls if call.method.lower() == "senddocument"]
    if documents:
        problems.append(
            f"(c) {len(documents)} documents sent to non-private chats, e.g. "
            f"{[_describe_call(run, clock, call) for call in documents[:3]]}"
        )
    other = Counter(call.method for call in calls if call.method.lower() not in ALLOWED_IN_GROUPS)
    if other:
        examples = [
            _describe_call(run, clock, call)
            for call in calls
            if call.method.lower() not in ALLOWED_IN_GROUPS
        ][:4]
        problems.append(f"(c) handlers ran in non-private chats: {dict(other)}; e.g. {examples}")
    notices = [call for call in calls if call.method.lower() == "sendmessage"]
    per_update = Counter(clock.update_at(call.at) for call in notices)
    several = {update: count for update, count in per_update.items() if count > 1}
    if several:
        examples = [f"{run.sent.get(u or -1)}: {n} messages" for u, n in list(several.items())[:5]]
        problems.append(f"(c) several messages to a non-private chat for one update: {examples}")
    texts = Counter(str(call.params.get("text", "")) for call in notices)
    if len(texts) > 1:
        kinds = Counter(_input_kind(run.sent.get(clock.update_at(c.at) or -1)) for c in notices)
        problems.append(
            f"(c) {len(notices)} messages of {len(texts)} different texts went to non-private "
            f"chats (one short notice at most); by input: {dict(kinds.most_common(8))}; "
            f"texts: {[t[:70] for t, _ in texts.most_common(6)]}"
        )
    for text in texts:
        leaked = [name for name in run.world.school_names if name in text]
        if len(text) > NOTICE_MAX_CHARS or leaked:
            problems.append(f"(c) a long or data-bearing message in a group: {text[:120]!r}")
            break
    with_buttons = [
        call
        for call in notices
        if any(
            "callback_data" in button
            for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in row
        )
    ]
    if with_buttons:
        problems.append(f"(c) {len(with_buttons)} messages with callback buttons sent to groups")
    return problems


def _describe_call(run: Run, clock: UpdateClock, call: RecordedCall) -> str:
    sent = run.sent.get(clock.update_at(call.at) or -1)
    return f"{call.method} to {run.emulator.chat_type(call.chat_id or 0)} after {sent}"
