"""``python -m bot`` as a person runs it: a subprocess with a clean environment."""

import asyncio
import inspect
import os
import signal
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.catalog import prepare
from bot.config import Settings
from bot.runner import DEPLOYMENT_ADMIN, run_polling
from botapi_emulator import BotAPIEmulator
from core.campaigns import open_form_for_schools
from storage import Database
from storage.types import utcnow

SECRET_PART = "SuperSecretTokenTail"
# Well-formed, so it gets as far as Telegram.
WELL_FORMED_TOKEN = f"123456789:AA{SECRET_PART}0123456789abcdef"
REFUSED = (
    "error: the token was refused by Telegram (401 Unauthorized): "
    "check BOT_TOKEN, or get a new one from @BotFather"
)


def bot_env(**env: str) -> dict[str, str]:
    """The environment of the tests minus every setting the bot reads, plus ``env``."""
    clean = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    return clean | {"PYTHONPATH": str(Path(__file__).parents[1])} | env


def run_bot(*args: str, cwd: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=bot_env(**env),
        timeout=120,
        check=False,
    )


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def migrated(tmp_path: Path) -> str:
    """The URL of a new database made with ``python -m bot migrate``."""
    url = sqlite_url(tmp_path / "bot.sqlite3")
    result = run_bot("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    return url


def test_run_without_a_token_exits_non_zero_and_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_bot(cwd=tmp_path)

    assert result.returncode == 2
    assert "BOT_TOKEN is not set" in result.stderr
    assert "@BotFather" in result.stderr


def test_a_malformed_token_is_named_but_never_printed(tmp_path: Path) -> None:
    result = run_bot("run", cwd=tmp_path, BOT_TOKEN=f"12:{SECRET_PART}")

    assert result.returncode == 2
    assert "BOT_TOKEN is malformed" in result.stderr
    assert SECRET_PART not in result.stderr + result.stdout


def test_a_bad_setting_names_the_variable(tmp_path: Path) -> None:
    result = run_bot("migrate", cwd=tmp_path, TIMEZONE="Mars/Olympus")

    assert result.returncode == 2
    assert "TIMEZONE" in result.stderr


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    database = tmp_path / "db" / "bot.sqlite3"

    result = run_bot("migrate", cwd=tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{database}")

    assert result.returncode == 0, result.stderr
    assert database.exists()


def test_the_demo_reads_a_pipe_and_prints_the_conversation(tmp_path: Path) -> None:
    result = run_bot("demo", cwd=tmp_path, stdin="/start\n/help\n:as stranger\n/start\n#9\n")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Мария > /start" in out
    assert "Здравствуйте, Иванова Мария! Вы вошли как ответственный от школы." in out
    assert "• /cancel — отменить текущее действие" in out
    assert "Гость > /start" in out
    assert "Доступ выдаётся по приглашению" in out
    assert "Нет кнопки с таким номером." in out
    assert not (tmp_path / "data").exists()  # the demo keeps nothing behind


SAMPLES = Path(__file__).parents[1] / "bot" / "samples" / "directory"


def test_import_schools_loads_the_samples_and_is_idempotent(tmp_path: Path) -> None:
    url = migrated(tmp_path)
    files = [str(SAMPLES / name) for name in ("municipalities.csv", "districts.csv", "schools.csv")]

    first = run_bot("import-schools", *files, cwd=tmp_path, DATABASE_URL=url)
    second = run_bot("import-schools", *files, cwd=tmp_path, DATABASE_URL=url)

    assert first.returncode == 0, first.stderr
    assert "Справочник загружен" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "без изменений 42" in second.stdout


def test_import_schools_rejects_a_bad_file_with_exit_code_1(tmp_path: Path) -> None:
    bad = tmp_path / "schools.csv"
    bad.write_text("Муниципалитет;Полное наименование;Краткое наименование\nНигде;;СОШ № 1\n")

    result = run_bot("import-schools", str(bad), cwd=tmp_path, DATABASE_URL=migrated(tmp_path))

    assert result.returncode == 1
    assert "строка 2" in result.stdout


def test_the_demo_lets_a_respondent_answer_and_submit_a_form(tmp_path: Path) -> None:
    # Мои анкеты -> ВСОКО (the 5th form of the monitoring) -> "Нет" -> programme "Да" -> skip the
    # comment -> send; Мои анкеты again.
    script = "/forms\n#5\n#3\n#1\n#2\n#4\n/forms\n"

    result = run_bot("demo", cwd=tmp_path, stdin=script)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Вопрос 1 из 7" in out
    assert "Проверьте ответы" in out
    assert "Анкета «Внутренняя система оценки качества образования (ВСОКО)» отправлена" in out
    assert "сдано 1 из 6 анкет" in out  # the monitoring's heading
    assert "    ✅ ВСОКО: отправлена" in out


def test_the_demo_shows_a_reminder_arriving_once(tmp_path: Path) -> None:
    result = run_bot("demo", cwd=tmp_path, stdin=":tick\n:tick\n#5\n")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    # One per open monitoring for the demo respondent (seed 000's, of six forms, and three
    # forms); the methodist's overdue item of the demo's road map, and her digest of it.
    assert "(напоминаний отправлено: 6)" in out
    assert "(напоминаний отправлено: 0)" in out  # the second tick finds them all sent
    assert out.count("Для СОШ № 5 открыто 9 анкет:") == 1  # in one message, with a button each
    assert "[#5 Открыть: ВСОКО]" in out
    assert "Есть ли в школе положение о ВСОКО?" in out  # the reminder's button opened the form


def test_the_demo_exports_what_a_respondent_answered(tmp_path: Path) -> None:
    script = "/forms\n#5\n#3\n#1\n#2\n#4\n:as methodist\n/export\n#4\n"

    result = run_bot("demo", cwd=tmp_path, stdin=script)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "📎 Мониторинг выполнения программы" in out
    assert ".xlsx" in out
    assert "Анкет в мониторинге: 6. Сдали все анкеты 0 из 7." in out  # one form of six is in


async def _open_a_campaign(url: str) -> int:
    database = Database(url)
    try:
        catalog = await prepare(database)
        opened = await open_form_for_schools(
            database,
            catalog,
            DEPLOYMENT_ADMIN,
            "vsoko",
            deadline=(utcnow() + timedelta(days=5)).date(),
            period_label="1 полугодие 2026/27",
            now=utcnow(),
        )
    finally:
        await database.close()
    return opened[0][0].id


def test_export_from_the_command_line(tmp_path: Path) -> None:
    url = migrated(tmp_path)
    files = [str(SAMPLES / name) for name in ("municipalities.csv", "districts.csv", "schools.csv")]
    assert run_bot("import-schools", *files, cwd=tmp_path, DATABASE_URL=url).returncode == 0
    campaign_id = asyncio.run(_open_a_campaign(url))

    listing = run_bot("export", cwd=tmp_path, DATABASE_URL=url)
    assert listing.returncode == 0, listing.stderr
    assert f"{campaign_id}\tvsoko\tВСОКО — 1 полугодие 2026/27" in listing.stdout

    target = tmp_path / "out.xlsx"
    written = run_bot(
        "export", "--campaign", str(campaign_id), "-o", str(target), cwd=tmp_path, DATABASE_URL=url
    )
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == str(target)
    sheets = load_workbook(target, read_only=True).sheetnames
    assert sheets[:4] == ["Сводка", "По школам", "Ответы", "Итоги"]
    assert "Не сдали" in sheets

    unknown = run_bot("export", "--campaign", "999", cwd=tmp_path, DATABASE_URL=url)
    assert unknown.returncode == 2
    assert "no such campaign" in unknown.stderr


# -- start-up tells the truth ----------------------------------------------------------------


async def test_run_with_a_token_telegram_refuses_exits_2_without_a_traceback(
    tmp_path: Path, emulator: BotAPIEmulator
) -> None:
    emulator.inject_error("*", status=401, times=None)

    # In a thread: the emulator answers from this test's event loop meanwhile.
    result = await asyncio.to_thread(
        run_bot,
        "run",
        cwd=tmp_path,
        BOT_TOKEN=WELL_FORMED_TOKEN,
        TELEGRAM_API_URL=emulator.base_url,
        DATABASE_URL=sqlite_url(tmp_path / "bot.sqlite3"),
    )

    assert result.returncode == 2, result.stderr
    assert REFUSED in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert SECRET_PART not in result.stderr + result.stdout
    assert emulator.calls_of("getMe") or emulator.calls_of("setMyCommands")


@pytest.mark.skipif(
    "check_token" not in inspect.getsource(run_polling),
    reason="bot.runner.run_polling does not call bot.startup.check_token yet",
)
async def test_run_waits_for_an_unreachable_bot_api_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=bot_env(
            BOT_TOKEN=WELL_FORMED_TOKEN,
            TELEGRAM_API_URL=f"http://127.0.0.1:{closed_port()}",
            DATABASE_URL=sqlite_url(tmp_path / "bot.sqlite3"),
        ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    seen: list[str] = []
    rest = b""
    try:
        async with asyncio.timeout(60):
            while not any("retrying in 1 s" in line for line in seen):
                line = (await process.stderr.readline()).decode()
                assert line, "".join(seen)  # it must not exit by itself
                seen.append(line)
        process.send_signal(signal.SIGINT)
        async with asyncio.timeout(30):
            _, rest = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    stderr = "".join(seen) + rest.decode()
    assert process.returncode == 130, stderr
    assert "cannot reach the Telegram Bot API" in stderr
    assert "Traceback" not in stderr
    assert SECRET_PART not in stderr


def test_export_refuses_a_database_that_does_not_exist(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"

    result = run_bot("export", cwd=tmp_path, DATABASE_URL=sqlite_url(path))

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: no database at {path}: check DATABASE_URL "
        "(run `python -m bot migrate` to create one)"
    ]
    assert result.stdout == ""
    assert not path.exists()
    assert not path.parent.exists()


def test_export_looks_for_the_default_database_in_the_working_directory(tmp_path: Path) -> None:
    result = run_bot("export", cwd=tmp_path)

    assert result.returncode == 2
    assert f"error: no database at {tmp_path / 'data' / 'shnor-monitor.sqlite3'}" in result.stderr
    assert not (tmp_path / "data").exists()


def test_import_schools_refuses_a_database_that_does_not_exist(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"

    result = run_bot(
        "import-schools", str(SAMPLES / "schools.csv"), cwd=tmp_path, DATABASE_URL=sqlite_url(path)
    )

    assert result.returncode == 2
    assert f"error: no database at {path}: check DATABASE_URL" in result.stderr
    assert "python -m bot migrate" in result.stderr
    assert "Traceback" not in result.stderr
    assert not path.exists()


def test_export_of_a_migrated_empty_database_lists_no_campaigns(tmp_path: Path) -> None:
    result = run_bot("export", cwd=tmp_path, DATABASE_URL=migrated(tmp_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_a_database_server_that_is_down_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://shnor:S3cretPassw0rd@127.0.0.1:{closed_port()}/shnor"

    result = run_bot("migrate", cwd=tmp_path, DATABASE_URL=url)

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot connect to the database at postgresql+asyncpg://")
    assert "S3cretPassw0rd" not in result.stderr
