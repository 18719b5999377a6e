"""The terminal demo shows what a phone would show (issue 11, point 13): the alert or toast of a
button press, the reply keyboard, and no polling errors after a while with nobody typing."""

import asyncio
import io
import logging
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, cast

import pytest

from bot.config import Settings
from bot.demo.session import DemoSession
from bot.demo.terminal import callback_notice, reply_keyboard, run_demo
from botapi_emulator import BotMessage
from tests.plans.seed import seed_xlsx

# Small timeouts, so idling "longer than the client's timeout" takes seconds: aiogram gives a
# getUpdates request int(request_timeout + polling_timeout) = 2 s.
POLLING_TIMEOUT = 1
REQUEST_TIMEOUT = 1.0
IDLE = 3.5  # > 2 s


class ScriptedInput:
    """stdin for the demo: each line is text, or a function of what the demo printed so far
    (to find a button's number); ``idle`` blocks the reading thread before the second line,
    like a person who does not type for a while (the bot is polling by then)."""

    def __init__(
        self, output: io.StringIO, lines: list[str | Callable[[str], str]], idle: float = 0
    ) -> None:
        self._output = output
        self._lines = list(lines)
        self._idle = idle
        self._read = 0
        self.reader_threads: set[str] = set()

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        self.reader_threads.add(threading.current_thread().name)
        if not self._lines:
            return ""
        if self._read == 1 and self._idle:
            time.sleep(self._idle)  # blocking, as a real terminal read is
        self._read += 1
        line = self._lines.pop(0)
        return (line(self._output.getvalue()) if callable(line) else line) + "\n"


def button(label: str) -> Callable[[str], str]:
    """ "#N" of the newest button with this label in the output."""

    def find(output: str) -> str:
        numbers = re.findall(r"\[#(\d+) " + re.escape(label) + r"\]", output)
        assert numbers, f"no button {label!r} shown yet"
        return f"#{numbers[-1]}"

    return find


async def _demo(
    lines: list[str | Callable[[str], str]], idle: float = 0
) -> tuple[str, str, set[str]]:
    """Run the demo in this process; (what it printed, the aiogram log, the threads that read
    its input)."""
    output = io.StringIO()
    stdin = ScriptedInput(output, lines, idle)
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.WARNING)
    aiogram = logging.getLogger("aiogram")
    aiogram.addHandler(handler)
    try:
        await asyncio.wait_for(
            run_demo(
                Settings(_env_file=None),
                cast(TextIO, stdin),
                output,
                polling_timeout=POLLING_TIMEOUT,
                request_timeout=REQUEST_TIMEOUT,
            ),
            timeout=90,
        )
    finally:
        aiogram.removeHandler(handler)
    return output.getvalue(), log.getvalue(), stdin.reader_threads


async def test_idling_longer_than_the_client_timeout_leaves_polling_unharmed() -> None:
    """Nobody types for longer than a getUpdates request may take: the bot keeps polling (the
    input is read off the event loop), and the next message is answered at once."""
    started = time.monotonic()
    out, log, readers = await _demo(["/start", "/whoami"], idle=IDLE)

    assert "Failed to fetch updates" not in log
    assert "Request timeout" not in log
    assert "Здравствуйте, Иванова Мария!" in out
    assert "Роли:" in out
    assert threading.main_thread().name not in readers  # the event loop never waits for input
    assert time.monotonic() - started < 60  # bounded: no backoff, no hang at the end


async def test_the_demo_prints_alerts_and_the_reply_keyboard() -> None:
    script: list[str | Callable[[str], str]] = [
        "/start",
        ":as methodist",
        "/new_campaign",
        button("Внутренняя система оценки качества образования (ВСОКО)"),
        button("Однократно"),
        "Проверка",
        button("Выбрать школы…"),
        button("Готово (0)"),  # nothing ticked: the bot answers with an alert
    ]
    out, _, _ = await _demo(script)

    assert "     клавиатура: [📋 Мои анкеты]\n" in out  # under /start's greeting
    assert "⚠️ окно: Отметьте хотя бы одну школу.\n" in out


def test_a_toast_and_an_alert_are_worded_apart() -> None:
    assert callback_notice({"callback_query_id": "1"}) is None
    assert callback_notice({"text": "Ответ сохранён."}) == "ℹ️ всплывающее: Ответ сохранён.\n"
    assert (
        callback_notice({"text": "Недостаточно прав", "show_alert": True})
        == "⚠️ окно: Недостаточно прав\n"
    )


def test_a_reply_keyboard_is_drawn_and_its_removal_said() -> None:
    def sent(markup: dict[str, Any] | None) -> BotMessage:
        return BotMessage(1, 1, "sendMessage", "Привет", None, markup)

    keyboard = {"keyboard": [[{"text": "📋 Мои анкеты"}], [{"text": "Помощь"}]]}
    assert reply_keyboard(sent(keyboard)) == "     клавиатура: [📋 Мои анкеты] [Помощь]\n"
    assert reply_keyboard(sent({"remove_keyboard": True})) == "     (клавиатура скрыта)\n"
    assert reply_keyboard(sent({"inline_keyboard": [[{"text": "Да"}]]})) is None
    assert reply_keyboard(sent(None)) is None


def test_a_request_timeout_below_the_long_poll_margin_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="request_timeout"):
        DemoSession(Settings(_env_file=None), tmp_path, request_timeout=0.5)


async def test_a_methodist_sends_a_file_in_the_demo(tmp_path: Path) -> None:
    """``:file PATH`` sends a document as the current person: here a road map for /plans."""
    plan = tmp_path / "дорожная карта.xlsx"
    plan.write_bytes(seed_xlsx())
    script: list[str | Callable[[str], str]] = [
        ":as methodist",
        "/plans",
        f":file {tmp_path / 'нет такого.xlsx'}",
        f":file {plan}",
    ]
    out, _, _ = await _demo(script)

    assert "Нет такого файла:" in out
    assert "✅ План загружен: разделов 4, пунктов 39" in out


async def test_the_demo_s_road_map_reminds_its_owner_who_reports_an_item_done() -> None:
    """The demo's road map: the methodist is reminded of her overdue item on ":tick" (and gets
    the day's digest) and reports it done from the reminder's button; the school's
    representative finds her items under "📌 Мои пункты"."""
    script: list[str | Callable[[str], str]] = [
        "/plans",
        ":as methodist",
        ":tick",
        button("✅ Выполнено"),
        "Куратор назначен приказом № 12",
        button("Без подтверждения"),
    ]
    out, _, _ = await _demo(script)

    assert "📌 Мои пункты" in out
    assert "⏰ Истёк срок пункта плана «Дорожная карта» по работе со ШНОР" in out
    assert "⏰ Просроченные пункты планов на " in out
    assert "✅ Отмечено выполненным: п. 1 «Назначение куратора для сопровождения ШНОР»" in out
