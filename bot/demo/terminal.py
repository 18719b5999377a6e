"""The terminal chat: prints the bot's messages with numbered buttons, reads what the user types.

Works the same on a terminal and on a pipe (``printf '/start\\n' | python -m bot demo``), where the
input lines are echoed so that the output reads as a conversation.
"""

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.demo.people import CAST, DemoPerson, person
from bot.demo.session import DemoSession
from botapi_emulator import BotMessage, Button

INTRO = """\
Демо бота мониторинга ШНОР: настоящий бот, локальный эмулятор Telegram, временная база.
Пишите текст и /команды как в Telegram; #N нажимает кнопку N под последним сообщением.
:as ROLE — сменить собеседника ({roles}); :who — кто сейчас пишет;
:tick — разослать напоминания, которые пора отправить; :quit — выход.
Сейчас пишет: {current}.
"""
Snapshot = tuple[str | None, tuple[str, ...], bool]


class Transcript:
    """Prints what is new or changed in the current person's chat since the last look."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self._write = write
        self._seen: dict[tuple[int, int], Snapshot] = {}
        self.buttons: list[tuple[BotMessage, Button]] = []

    def show(self, messages: list[BotMessage]) -> None:
        for message in messages:
            key = (message.chat_id, message.message_id)
            snapshot = _snapshot(message)
            if self._seen.get(key) == snapshot:
                continue
            edited = key in self._seen
            self._seen[key] = snapshot
            self._print(message, edited)

    def _print(self, message: BotMessage, edited: bool) -> None:
        if message.deleted:
            self._write("бот: (сообщение удалено)\n")
            return
        prefix = "бот (изменено): " if edited else "бот: "
        if message.document is not None:
            size = len(message.document.content)
            saved = _save_file(message.document.file_name or "file", message.document.content)
            self._write(f"{prefix}📎 {message.document.file_name} ({size} байт) → {saved}\n")
        if message.plain_text:
            body = message.plain_text.replace("\n", "\n     ")
            self._write(f"{prefix}{body}\n")
        rows = message.buttons
        if not rows:
            if self.buttons and self.buttons[0][0].message_id == message.message_id:
                self.buttons = []  # the bot took these buttons away
            return
        self.buttons = []
        for row in rows:
            cells = []
            for button in row:
                self.buttons.append((message, button))
                cells.append(f"[#{len(self.buttons)} {button.text}]")
            self._write("     " + " ".join(cells) + "\n")


def _save_file(name: str, content: bytes) -> Path:
    """Keep a file the bot sent (an export, a template) where it outlives the demo, to open it."""
    folder = Path(tempfile.gettempdir()) / "shnor-demo-files"
    folder.mkdir(exist_ok=True)
    path = folder / Path(name).name
    path.write_bytes(content)
    return path


def _snapshot(message: BotMessage) -> Snapshot:
    labels = tuple(button.text for row in message.buttons for button in row)
    return (message.plain_text, labels, message.deleted)


async def run_demo(settings: Settings, stdin: TextIO, stdout: TextIO) -> None:
    interactive = stdin.isatty()
    current = person("respondent")

    def write(text: str) -> None:
        stdout.write(text)
        stdout.flush()

    transcripts = {p.key: Transcript(write) for p in CAST}
    with tempfile.TemporaryDirectory(prefix="shnor-demo-") as directory:
        async with DemoSession(settings, Path(directory)) as session:
            roles = ", ".join(p.key for p in CAST)
            write(INTRO.format(roles=roles, current=_who(current)))
            while True:
                if interactive:
                    write(f"{current.first_name} > ")
                line = stdin.readline()
                if not line:
                    break
                line = line.strip()
                if not line:
                    continue
                if not interactive:
                    write(f"{current.first_name} > {line}\n")
                if line in (":quit", ":q"):
                    break
                if line.startswith(":as"):
                    current = _switch(line, current, write)
                    continue
                if line == ":who":
                    write(f"Сейчас пишет: {_who(current)}.\n")
                    continue
                transcript = transcripts[current.key]
                if line == ":tick":
                    report = await session.tick()
                    write(f"(напоминаний отправлено: {report.claimed})\n")
                    transcript.show(session.messages(current))
                    continue
                transcript = transcripts[current.key]
                if re.fullmatch(r"#\d+", line):
                    index = int(line[1:]) - 1
                    if not 0 <= index < len(transcript.buttons):
                        write("Нет кнопки с таким номером.\n")
                        continue
                    message, button = transcript.buttons[index]
                    try:
                        await session.press(current, message, button.text)
                    except LookupError:
                        write("Эта кнопка уже недоступна.\n")
                        continue
                else:
                    await session.send(current, line)
                transcript.show(session.messages(current))


def _who(who: DemoPerson) -> str:
    return f"{who.first_name} {who.last_name} ({who.label}, :as {who.key})"


def _switch(line: str, current: DemoPerson, write: Callable[[str], object]) -> DemoPerson:
    _, _, key = line.partition(" ")
    try:
        chosen = person(key.strip())
    except KeyError:
        write(f"Нет такого собеседника. Есть: {', '.join(p.key for p in CAST)}.\n")
        return current
    write(f"Теперь пишет: {_who(chosen)}.\n")
    return chosen
