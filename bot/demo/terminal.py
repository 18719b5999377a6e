"""The terminal chat: prints the bot's messages with numbered buttons, reads what the user types.

Works the same on a terminal and on a pipe (``printf '/start\\n' | python -m bot demo``), where the
input lines are echoed so that the output reads as a conversation. It shows what a phone shows:
the inline buttons (numbered), the reply keyboard under the message that sets it, and the alert
or the toast a button press brings up.

Input is read in a thread of its own: the bot and the emulator share this event loop, and a
``readline`` in it would freeze their long poll for as long as the person thinks (then the
client's request timeout fires before the emulator's answer: "Failed to fetch updates").
"""

import asyncio
import contextlib
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.demo.people import CAST, DemoPerson, person
from bot.demo.session import DemoSession
from botapi_emulator import BotMessage, Button

INTRO = """\
Демо бота мониторинга ШНОР: настоящий бот, локальный эмулятор Telegram, временная база.
Пишите текст и /команды как в Telegram; #N нажимает кнопку N под последним сообщением.
:as ROLE — сменить собеседника ({roles}); :who — кто сейчас пишет;
:file ПУТЬ — прислать файл (план, справочник, бланк); :tick — разослать напоминания, которые
пора отправить; :quit — выход.
Сейчас пишет: {current}.
"""
Snapshot = tuple[str | None, tuple[str, ...], bool]
ALERT = "⚠️ окно: {text}\n"  # answerCallbackQuery(show_alert=True): a dialog to close
TOAST = "ℹ️ всплывающее: {text}\n"  # answerCallbackQuery(text=...): a notice that fades
KEYBOARD = "     клавиатура: {buttons}\n"
KEYBOARD_REMOVED = "     (клавиатура скрыта)\n"


def callback_notice(answer: dict[str, Any] | None) -> str | None:
    """What a phone pops up for the bot's answer to a button press; None for a silent answer."""
    if not answer or not answer.get("text"):
        return None
    template = ALERT if answer.get("show_alert") else TOAST
    return template.format(text=str(answer["text"]).replace("\n", "\n     "))


def reply_keyboard(message: BotMessage) -> str | None:
    """The reply keyboard a message sets (its rows under it), or the word that it is removed."""
    markup = message.reply_markup or {}
    if markup.get("remove_keyboard"):
        return KEYBOARD_REMOVED
    rows = markup.get("keyboard")
    if not isinstance(rows, list):
        return None
    labels = [
        f"[{button.get('text', '') if isinstance(button, dict) else button}]"
        for row in rows
        for button in row
    ]
    return KEYBOARD.format(buttons=" ".join(labels))


class LineReader:
    """Reads stdin one line at a time in a daemon thread, so the event loop keeps running while
    nobody types (and a reader blocked at exit does not hold the process)."""

    def __init__(self, stdin: TextIO) -> None:
        self._stdin = stdin
        self._wanted = threading.Semaphore(0)
        self._lines: asyncio.Queue[str] | None = None
        self._thread: threading.Thread | None = None

    async def readline(self) -> str:
        """The next line, or "" at the end of the input."""
        loop = asyncio.get_running_loop()
        if self._lines is None:
            lines: asyncio.Queue[str] = asyncio.Queue()
            self._lines = lines

            def run() -> None:
                while True:
                    self._wanted.acquire()
                    try:
                        line = self._stdin.readline()
                    except (OSError, ValueError):
                        line = ""
                    with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                        loop.call_soon_threadsafe(lines.put_nowait, line)
                    if not line:
                        return

            self._thread = threading.Thread(target=run, name="demo-stdin", daemon=True)
            self._thread.start()
        self._wanted.release()
        return await self._lines.get()


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
        keyboard = reply_keyboard(message)
        if keyboard is not None and not edited:
            self._write(keyboard)
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


async def run_demo(
    settings: Settings, stdin: TextIO, stdout: TextIO, **session_options: Any
) -> None:
    """The demo on ``stdin``/``stdout``; ``session_options`` go to ``DemoSession`` (timeouts)."""
    interactive = stdin.isatty()
    reader = LineReader(stdin)
    current = person("respondent")

    def write(text: str) -> None:
        stdout.write(text)
        stdout.flush()

    transcripts = {p.key: Transcript(write) for p in CAST}
    with tempfile.TemporaryDirectory(prefix="shnor-demo-") as directory:
        async with DemoSession(settings, Path(directory), **session_options) as session:
            roles = ", ".join(p.key for p in CAST)
            write(INTRO.format(roles=roles, current=_who(current)))
            while True:
                if interactive:
                    write(f"{current.first_name} > ")
                line = await reader.readline()
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
                if line.startswith(":file "):
                    name = line.removeprefix(":file ").strip()
                    found = await asyncio.to_thread(_read_file, name)
                    if found is None:
                        write(f"Нет такого файла: {name}\n")
                        continue
                    await session.send_file(current, *found)
                    transcript.show(session.messages(current))
                    continue
                if re.fullmatch(r"#\d+", line):
                    index = int(line[1:]) - 1
                    if not 0 <= index < len(transcript.buttons):
                        write("Нет кнопки с таким номером.\n")
                        continue
                    message, button = transcript.buttons[index]
                    try:
                        answer = await session.press(current, message, button.text)
                    except LookupError:
                        write("Эта кнопка уже недоступна.\n")
                        continue
                    notice = callback_notice(answer)
                    if notice is not None:
                        write(notice)
                else:
                    await session.send(current, line)
                transcript.show(session.messages(current))


def _read_file(name: str) -> tuple[str, bytes] | None:
    path = Path(name).expanduser()
    return (path.name, path.read_bytes()) if path.is_file() else None


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
