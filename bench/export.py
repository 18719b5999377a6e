"""How long the /export workbook takes and how much memory it needs, against a plain dump.

Run on demand (it is not a test)::

    .venv/bin/python -m bench.export [--schools 2000] [--questions 60] [--periods 4]

A temporary SQLite database gets one municipality with ``--districts`` educational districts,
``--schools`` schools, a generated form of ``--questions`` questions (every type, two repeat
groups among them) and ``--periods`` campaigns of it. In each period 85 % of the schools
submitted, 5 % were returned, 5 % are drafts and 5 % never started; every started response
answers every question its answers show. The database is filled with bulk inserts (this is the
benchmark's set-up, not the code under test).

Then, timed (the best of ``--repeat`` runs): ``build_export`` (reading the database, the
aggregates, the layout) and ``render_workbook`` (the .xlsx bytes); and, as the baseline, the
same cells (every sheet's header and rows, as plain values) appended to an openpyxl write-only
workbook with no styles, no number formats, no charts and no safety handling. The ratio is the
export's render time (and its whole time) over the baseline's. Peak memory is measured in a
further pass of each under ``tracemalloc`` (Python allocations; it slows that pass, so the
times come from the timed runs).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import Workbook
from sqlalchemy import insert

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

FORM_KEY = "bench"
ADMIN = Actor(telegram_id=0, user=None, bootstrap_admin=True)
NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)
OPTIONS = [{"id": f"o{n}", "label": f"Вариант {n}"} for n in range(1, 7)]
WORDS = ("занятия", "консультации", "родители", "педагоги", "наставничество", "ВПР", "ОГЭ")


def bench_form(count: int) -> FormDefinition:
    """``count`` top-level questions cycling through every type; two of them repeat groups."""
    kinds = [
        "integer", "yes_no", "single_choice", "multi_choice", "decimal", "percent", "date",
        "text", "long_text", "url", "grades", "file",
    ]  # fmt: skip
    questions: list[dict[str, Any]] = []
    groups = {count // 3, 2 * count // 3}
    for number in range(count):
        question: dict[str, Any] = {"id": f"q{number}", "text": f"Вопрос {number + 1} анкеты"}
        if number in groups:
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
        worksheet.append([column.title for column in sheet.columns])
        if sheet.header_rows == 2:
            worksheet.append([column.subtitle for column in sheet.columns])
        for row in sheet.rows:
            worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


T = TypeVar("T")


def timed(work: Callable[[T], bytes], given: T) -> tuple[bytes, float]:
    started = time.perf_counter()
    result = work(given)
    return result, time.perf_counter() - started


def peak(work: Callable[[], Any]) -> float:
    """Peak Python allocations of ``work`` in MiB."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


async def benchmark(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            await upgrade(database)
            started = time.perf_counter()
            campaign_ids = await fill(database, args)
            print(f"set-up: {time.perf_counter() - started:.1f} s")
            catalog = FormCatalog({FORM_KEY: bench_form(args.questions)})
            await catalog.sync(database)

            async def build() -> Export:
                return await build_export(
                    database, catalog, ADMIN, campaign_ids=campaign_ids, now=NOW
                )

            build_s = render_s = baseline_s = float("inf")
            for _ in range(args.repeat):  # the best of each, render and baseline alternating
                started = time.perf_counter()
                export = await build()
                build_s = min(build_s, time.perf_counter() - started)
                content, seconds = timed(render_workbook, export.sheets)
                render_s = min(render_s, seconds)
                baseline, seconds = timed(plain_dump, export)
                baseline_s = min(baseline_s, seconds)
            cells = sum(
                len(s.rows) * len(s.columns) + len(s.columns) * s.header_rows for s in export.sheets
            )
            print(
                f"export: {args.schools} schools × {args.questions} questions × "
                f"{args.periods} periods; {len(export.sheets)} sheets, {cells:,} cells, "
                f"{len(content) / 2**20:.1f} MiB"
            )
            print(f"build_export (database, aggregates, layout): {build_s:6.2f} s")
            print(f"render_workbook:                            {render_s:6.2f} s")
            size = len(baseline) / 2**20
            print(
                f"baseline write-only dump of the same cells: {baseline_s:6.2f} s ({size:.1f} MiB)"
            )
            whole = (build_s + render_s) / baseline_s
            print(f"ratio render / baseline: {render_s / baseline_s:.2f}; with build: {whole:.2f}")
            if args.memory:
                tracemalloc.start()
                again = await build()
                build_peak = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
                render_peak = peak(lambda: render_workbook(again.sheets))
                baseline_peak = peak(lambda: plain_dump(again))
                print(
                    f"peak memory (tracemalloc): build_export {build_peak:.0f} MiB, "
                    f"render_workbook {render_peak:.0f} MiB (with the export held: "
                    f"{build_peak + render_peak:.0f} MiB at most), baseline {baseline_peak:.0f} MiB"
                )
        finally:
            await database.close()
    return 0


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.export", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--schools", type=positive, default=2000, help="default: 2000")
    parser.add_argument("--questions", type=positive, default=60, help="default: 60")
    parser.add_argument("--periods", type=positive, default=4, help="default: 4")
    parser.add_argument("--districts", type=positive, default=20, help="default: 20")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat", type=positive, default=2, help="timed runs, the best kept; default: 2"
    )
    parser.add_argument(
        "--no-memory", dest="memory", action="store_false", help="skip the tracemalloc pass"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(benchmark(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
