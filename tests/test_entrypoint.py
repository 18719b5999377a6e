"""``python -m bot`` as a person runs it: a subprocess with a clean environment."""

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

from bot.catalog import prepare
from bot.runner import DEPLOYMENT_ADMIN
from core.campaigns import open_form_for_schools
from storage import Database
from storage.types import utcnow

SECRET_PART = "SuperSecretTokenTail"


def run_bot(*args: str, cwd: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean | {"PYTHONPATH": str(Path(__file__).parents[1])} | env,
        timeout=120,
        check=False,
    )


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
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
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

    result = run_bot(
        "import-schools",
        str(bad),
        cwd=tmp_path,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
    )

    assert result.returncode == 1
    assert "строка 2" in result.stdout


def test_the_demo_lets_a_respondent_answer_and_submit_a_form(tmp_path: Path) -> None:
    # Мои анкеты -> the 7th form (ВСОКО) -> "Нет" -> programme "Да" -> skip the comment -> send.
    script = "/forms\n#7\n#3\n#1\n#2\n#4\n/forms\n"

    result = run_bot("demo", cwd=tmp_path, stdin=script)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Вопрос 1 из 7" in out
    assert "Проверьте ответы" in out
    assert "Анкета «Внутренняя система оценки качества образования (ВСОКО)» отправлена" in out
    assert "✅ ВСОКО — отправлена" in out


def test_the_demo_shows_a_reminder_arriving_once(tmp_path: Path) -> None:
    result = run_bot("demo", cwd=tmp_path, stdin=":tick\n:tick\n#1\n")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "(напоминаний отправлено: 7)" in out  # one per open form, for the demo respondent
    assert "(напоминаний отправлено: 0)" in out  # the second tick finds them all sent
    assert "Открыта анкета «Внутренняя система оценки качества образования (ВСОКО)»" in out
    assert "Есть ли в школе положение о ВСОКО?" in out  # the reminder's button opened the form


def test_the_demo_exports_what_a_respondent_answered(tmp_path: Path) -> None:
    script = "/forms\n#7\n#3\n#1\n#2\n#4\n:as methodist\n/export\n#1\n"

    result = run_bot("demo", cwd=tmp_path, stdin=script)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "📎 ВСОКО" in out
    assert ".xlsx" in out
    assert "Сдали 1 из" in out  # the respondent's submission is in it


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
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
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
    assert sheets[:3] == ["Сводка", "Ответы", "Итоги"]
    assert "Не сдали" in sheets

    unknown = run_bot("export", "--campaign", "999", cwd=tmp_path, DATABASE_URL=url)
    assert unknown.returncode == 2
    assert "no such campaign" in unknown.stderr
