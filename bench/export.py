"""How long the /export workbook takes and how much memory it needs, against a plain dump.

Run on demand (it is not a test)::

    .venv/bin/python -m bench.export [--schools 2000] [--questions 60] [--periods 4]
                                     [--database sqlite] [--database postgres] [--runs 3]

Each database (by default both: a temporary SQLite file, and a schema of its own on the
PostgreSQL of TEST_POSTGRES_URL, dropped afterwards) gets one municipality with ``--districts``
educational districts, ``--schools`` schools, a generated form of ``--questions`` questions
(every type; a repeat group and a ВПР-like table among them) and ``--periods`` campaigns of
it. In each period 85 % of the schools submitted, 5 % were returned, 5 % are drafts and 5 %
never started; every started response answers every question its answers show. The database
is filled with bulk inserts (the benchmark's set-up, not the code under test).

Then ``--runs`` times, each in a fresh Python process (so that its peak RSS is the export's):
the whole export as /export makes it, from the database to the .xlsx bytes (``build_export`` and
``render_workbook``), and, as the baseline in the same process, the same cells (every sheet's
header rows and rows, as plain values) appended to an openpyxl write-only workbook with no
styles, no number formats, no charts and no safety handling. Times are CPU seconds of the
process (all its threads; the machines are shared, and wall time is printed beside them), the
median of the runs. Printed last, per database: ``whole/dump: X.XX`` and ``peak RSS: N MB`` (the
process's maximum resident set once the workbook is made).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any
from uuid import uuid4

from openpyxl import Workbook
from sqlalchemy import insert, text

from bench.arguments import positive
from core.actors import Actor
from core.export import Export, build_export
from core.forms.models import FormDefinition
from core.questionnaires import FormCatalog
from exports.workbook import render_workbook
from storage import Database
from storage.campaigns import CampaignForm, add_campaign
from storage.directory import add_district, add_municipality
from storage.migrate import upgrade
from storage.schema import answers, response_events, responses, schools

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
FORM_KEY = "bench"
ADMIN = Actor(telegram_id=0, user=None, bootstrap_admin=True)
NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)
OPTIONS = [{"id": f"o{n}", "label": f"Вариант {n}"} for n in range(1, 7)]
WORDS = ("занятия", "консультации", "родители", "педагоги", "наставничество", "ВПР", "ОГЭ")


SUBJECTS = [{"id": f"s{n}", "label": f"Предмет {n}"} for n in range(1, 5)]
GRADES = [{"id": f"g{n}", "label": f"{n} класс"} for n in range(4, 8)]
TABLE = {
    "type": "table",
    "item_name": "Строка",
    "key": ["subject", "grade"],
    "row_checks": [{"sum": ["low", "high"], "at_most": 100, "message": "больше 100 %"}],
    "thresholds": [{"column": "low", "at_least": 25, "label": "«2» от 25 %"}],
    "questions": [
        {"id": "subject", "type": "single_choice", "text": "Предмет", "options": SUBJECTS},
        {"id": "grade", "type": "single_choice", "text": "Класс", "options": GRADES},
        {"id": "low", "type": "percent", "text": "Доля «2»", "short": "«2»"},
        {"id": "high", "type": "percent", "text": "Доля «4–5»", "short": "«4–5»"},
    ],
}


def bench_form(count: int) -> FormDefinition:
    """``count`` top-level questions cycling through every type; a repeat group and a table
    (ВПР-like: subject × grade, two shares) among them."""
    kinds = [
        "integer", "yes_no", "single_choice", "multi_choice", "decimal", "percent", "date",
        "text", "long_text", "url", "grades", "file",
    ]  # fmt: skip
    questions: list[dict[str, Any]] = []
    for number in range(count):
        question: dict[str, Any] = {"id": f"q{number}", "text": f"Вопрос {number + 1} анкеты"}
        if number == 2 * count // 3:
            question |= TABLE
        elif number == count // 3:
            question |= {
                "type": "group",
                "item_name": f"Пункт {number}",
                "questions": [
                    {"id": "kind", "type": "single_choice", "text": "Вид", "options": OPTIONS[:3]},
                    {"id": "title", "type": "text", "text": "Название"},
                    {"id": "day", "type": "date", "text": "Дата"},
                    {"id": "people", "type": "integer", "text": "Участников"},
                ],
            }
        else:
            kind = kinds[number % len(kinds)]
            question["type"] = kind
            if kind in ("single_choice", "multi_choice"):
                question |= {"options": OPTIONS, "other": True}
        questions.append(question)
    return FormDefinition.model_validate(
        {
            "id": FORM_KEY,
            "version": 1,
            "title": "Анкета для замера выгрузки",
            "short_title": "Замер",
            "sections": [{"title": "Вопросы", "questions": questions}],
        }
    )


def answer_value(kind: str, rng: random.Random, question: dict[str, Any]) -> Any:
    if kind == "integer":
        return rng.randint(0, 500)
    if kind in ("decimal", "percent"):
        return round(rng.uniform(0, 100), 1)
    if kind == "yes_no":
        return rng.random() < 0.7
    if kind == "single_choice":
        chosen = rng.choice([o["id"] for o in question["options"]] + ["other"])
        return {"selected": chosen, "other": "своё" if chosen == "other" else None}
    if kind == "multi_choice":
        chosen = rng.sample([o["id"] for o in OPTIONS] + ["other"], rng.randint(1, 4))
        return {"selected": chosen, "other": "другое" if "other" in chosen else None}
    if kind == "date":
        return (date(2025, 9, 1) + timedelta(days=rng.randint(0, 250))).isoformat()
    if kind in ("text", "long_text"):
        return " ".join(rng.choices(WORDS, k=rng.randint(3, 30 if kind == "long_text" else 8)))
    if kind == "url":
        return [f"https://school{rng.randint(1, 999)}.example.ru/page"]
    if kind == "grades":
        start = rng.randint(1, 9)
        return list(range(start, rng.randint(start, 11) + 1))
    if kind == "file":
        return {"file_id": "F", "name": "отчёт.pdf", "size": 1000, "kind": "document"}
    raise ValueError(kind)


def response_values(form: FormDefinition, rng: random.Random) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for question in form.model_dump(mode="json")["sections"][0]["questions"]:
        if question["type"] == "group":
            items = [
                {sub["id"]: answer_value(sub["type"], rng, sub) for sub in question["questions"]}
                for _ in range(rng.randint(0, 3))
            ]
            found[question["id"]] = {"items": items, "done": True}
        elif question["type"] == "table":
            keys = rng.sample(
                [(s["id"], g["id"]) for s in SUBJECTS for g in GRADES], rng.randint(2, 8)
            )
            rows = []
            for subject, grade in keys:
                low = round(rng.uniform(0, 60), 1)
                rows.append(
                    {
                        "subject": {"selected": subject, "other": None},
                        "grade": {"selected": grade, "other": None},
                        "low": low,
                        "high": round(rng.uniform(0, 100 - low), 1),
                    }
                )
            found[question["id"]] = {"items": rows, "done": True}
        else:
            found[question["id"]] = answer_value(question["type"], rng, question)
    return found


async def fill(database: Database, args: argparse.Namespace) -> list[int]:
    """The directory, the form, the campaigns and their responses; the campaign ids."""
    rng = random.Random(args.seed)
    form = bench_form(args.questions)
    catalog = FormCatalog({FORM_KEY: form})
    await catalog.sync(database)
    now = datetime.now(UTC)
    async with database.write() as conn:
        town = await add_municipality(conn, "Бенчмарк-район", "Asia/Tomsk")
        districts = [
            await add_district(conn, town.id, f"Округ {n + 1}") for n in range(args.districts)
        ]
        result = await conn.execute(
            insert(schools).returning(schools.c.id),
            [
                {
                    "municipality_id": town.id,
                    "district_id": districts[n % len(districts)].id if n % 50 else None,
                    "full_name": f"МБОУ СОШ № {n + 1}",
                    "short_name": f"СОШ № {n + 1}" if n % 3 else f"ООШ № {n + 1}",
                    "legal_form": "МБОУ",
                    "is_shnor": True,
                    "unfavourable_conditions": False,
                    "problem_categories": [],
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(args.schools)
            ],
        )
        school_ids = [row[0] for row in result]
        campaign_ids = []
        for period in range(args.periods):
            opens = datetime(2025, 9, 1, tzinfo=UTC) + timedelta(days=90 * period)
            campaign = await add_campaign(
                conn,
                forms=[CampaignForm(FORM_KEY, catalog.row_id(FORM_KEY))],
                municipality_id=town.id,
                period_label=f"Период {period + 1}",
                opens_at=opens,
                deadline_at=opens + timedelta(days=30),
                school_ids=school_ids,
            )
            campaign_ids.append(campaign.id)
            await _responses(conn, rng, form, catalog.row_id(FORM_KEY), campaign, school_ids)
    return campaign_ids


def _status(draw: float) -> str | None:
    """85 % submitted, 5 % returned, 5 % drafts, 5 % never started."""
    for status, below in (("submitted", 0.85), ("returned", 0.9), ("draft", 0.95)):
        if draw < below:
            return status
    return None


async def _responses(
    conn: Any,
    rng: random.Random,
    form: FormDefinition,
    form_row: int,
    campaign: Any,
    school_ids: Sequence[int],
) -> None:
    rows, answer_rows, event_rows = [], [], []
    kept: list[tuple[int, str]] = []
    for school_id in school_ids:
        draw = rng.random()
        status = _status(draw)
        if status is None:
            continue
        kept.append((school_id, status))
    submitted_at = campaign.deadline_at - timedelta(days=1)
    for school_id, status in kept:
        rows.append(
            {
                "campaign_id": campaign.id,
                "school_id": school_id,
                "form_key": FORM_KEY,
                "form_id": form_row,
                "status": status,
                "started_at": campaign.opens_at,
                "submitted_at": submitted_at if status != "draft" else None,
                "updated_at": submitted_at,
            }
        )
    result = await conn.execute(insert(responses).returning(responses.c.id), rows)
    for response_id, (_, status) in zip([row[0] for row in result], kept, strict=True):
        for question_id, value in response_values(form, rng).items():
            answer_rows.append(
                {
                    "response_id": response_id,
                    "question_id": question_id,
                    "value": value,
                    "answered_by": None,
                    "answered_at": campaign.opens_at,
                }
            )
        if status != "draft":
            event = {"from_status": "draft", "to_status": "submitted", "at": submitted_at}
            event_rows.append({"response_id": response_id, **event})
    for start in range(0, len(answer_rows), 20_000):
        await conn.execute(insert(answers), answer_rows[start : start + 20_000])
    if event_rows:
        await conn.execute(insert(response_events), event_rows)


def plain_dump(export: Export) -> bytes:
    """The baseline: the same cells, appended as plain values to a write-only workbook."""
    workbook = Workbook(write_only=True)
    for sheet in export.sheets:
        worksheet = workbook.create_sheet(sheet.title[:31])
        for line in sheet.preamble:
            worksheet.append(line)
        if sheet.has_codes:
            worksheet.append([column.code for column in sheet.columns])
        worksheet.append([column.title for column in sheet.columns])
        if any(column.subtitle for column in sheet.columns):
            worksheet.append([column.subtitle for column in sheet.columns])
        for row in sheet.rows:
            worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- one run, in a process of its own -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """One export in a fresh process: CPU seconds (every thread of the process) and wall
    seconds of build_export + render_workbook ("whole") and of the plain dump; the process's
    peak RSS when the workbook was done (before the dump)."""

    build_cpu: float
    whole_cpu: float
    whole_wall: float
    dump_cpu: float
    dump_wall: float
    peak_rss_mb: float
    sheets: int
    cells: int
    size_mb: float


async def one_run(url: str, schema: str | None, questions: int, campaign_ids: list[int]) -> Run:
    database = _database(url, schema)
    try:
        catalog = FormCatalog({FORM_KEY: bench_form(questions)})
        await catalog.sync(database)
        cpu, wall = time.process_time(), time.perf_counter()
        export = await build_export(database, catalog, ADMIN, campaign_ids=campaign_ids, now=NOW)
        build_cpu = time.process_time() - cpu
        content = render_workbook(export.sheets)
        whole_cpu, whole_wall = time.process_time() - cpu, time.perf_counter() - wall
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        cpu, wall = time.process_time(), time.perf_counter()
        plain_dump(export)
        dump_cpu, dump_wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        await database.close()
    cells = sum(
        len(s.rows) * len(s.columns) + len(s.columns) * s.header_rows for s in export.sheets
    )
    return Run(
        build_cpu, whole_cpu, whole_wall, dump_cpu, dump_wall, peak_rss,
        len(export.sheets), cells, len(content) / 2**20,
    )  # fmt: skip


def _database(url: str, schema: str | None) -> Database:
    if schema is None:
        return Database(url)
    return Database(url, connect_args={"server_settings": {"search_path": schema}})


def _child(argv: Sequence[str]) -> int:
    url, schema, questions, campaigns = argv
    run = asyncio.run(
        one_run(url, schema or None, int(questions), [int(c) for c in campaigns.split(",")])
    )
    print(json.dumps(asdict(run)))
    return 0


def in_fresh_process(url: str, schema: str | None, questions: int, ids: Sequence[int]) -> Run:
    command = [sys.executable, "-m", "bench.export", "--child", url, schema or "", str(questions)]
    command.append(",".join(str(c) for c in ids))
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


# -- the databases ----------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def open_database(kind: str) -> AsyncIterator[tuple[Database, str, str | None, str]]:
    """(database, its URL, its PostgreSQL schema, a description): a temporary SQLite file, or a
    schema of its own on the local PostgreSQL (TEST_POSTGRES_URL), dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            database = Database(url)
            try:
                yield database, url, None, "SQLite (a temporary file)"
            finally:
                await database.close()
        return
    url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    schema = f"bench_export_{uuid4().hex[:10]}"
    admin = Database(url)
    try:
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        database = _database(url, schema)
        try:
            yield database, url, schema, f"PostgreSQL ({url}, schema {schema})"
        finally:
            await database.close()
            async with admin.engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        await admin.close()


async def benchmark_on(kind: str, args: argparse.Namespace) -> list[Run]:
    async with open_database(kind) as (database, url, schema, described):
        await upgrade(database)
        started = time.perf_counter()
        campaign_ids = await fill(database, args)
        print(f"\n== {described}; set-up {time.perf_counter() - started:.1f} s", flush=True)
        runs = []
        for number in range(args.runs):
            run = await asyncio.to_thread(
                in_fresh_process, url, schema, args.questions, campaign_ids
            )
            print(
                f"run {number + 1}: whole {run.whole_cpu:.2f} s CPU ({run.whole_wall:.2f} s wall; "
                f"build {run.build_cpu:.2f} s CPU), dump {run.dump_cpu:.2f} s CPU "
                f"({run.dump_wall:.2f} s wall), peak RSS {run.peak_rss_mb:.0f} MB",
                flush=True,
            )
            runs.append(run)
    return runs


def report(kind: str, runs: Sequence[Run], args: argparse.Namespace) -> None:
    first = runs[0]
    whole = median(run.whole_cpu for run in runs)
    dump = median(run.dump_cpu for run in runs)
    build = median(run.build_cpu for run in runs)
    print(
        f"{kind}: {args.schools} schools × {args.questions} questions × {args.periods} periods; "
        f"{first.sheets} sheets, {first.cells:,} cells, {first.size_mb:.1f} MiB; "
        f"median of {len(runs)} runs, each in a fresh process"
    )
    print(f"whole export (database → .xlsx bytes): {whole:6.2f} s CPU (build {build:.2f})")
    print(f"raw openpyxl write-only dump:          {dump:6.2f} s CPU")
    print(f"CPU per school-period: whole {1000 * whole / (args.schools * args.periods):.2f} ms")
    print(f"whole/dump: {whole / dump:.2f}")
    wall = median(run.whole_wall for run in runs) / median(run.dump_wall for run in runs)
    print(f"wall whole/dump: {wall:.2f}")
    print(f"peak RSS: {median(run.peak_rss_mb for run in runs):.0f} MB")


async def benchmark(args: argparse.Namespace) -> int:
    print(
        f"conditions: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    results = {kind: await benchmark_on(kind, args) for kind in args.databases}
    for kind, runs in results.items():
        print()
        report(kind, runs, args)
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.export", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--schools", type=positive, default=2000, help="default: 2000")
    parser.add_argument("--questions", type=positive, default=60, help="default: 60")
    parser.add_argument("--periods", type=positive, default=4, help="default: 4")
    parser.add_argument("--districts", type=positive, default=20, help="default: 20")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=positive, default=3, help="the median is kept; default: 3")
    parser.add_argument(
        "--database",
        dest="databases",
        action="append",
        choices=["sqlite", "postgres"],
        help="sqlite and/or postgres (TEST_POSTGRES_URL); default: both",
    )
    args = parser.parse_args(argv)
    args.databases = args.databases or ["sqlite", "postgres"]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    if given[:1] == ["--child"]:
        return _child(given[1:])
    return asyncio.run(benchmark(parse_args(given)))


if __name__ == "__main__":
    sys.exit(main())
