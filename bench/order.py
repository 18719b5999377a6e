"""How long drafting the analytic order takes and how much memory it needs, against a plain dump.

Run on demand (it is not a test)::

    .venv/bin/python -m bench.order [--schools 500] [--runs 3]

The monitoring of seed 000's six forms (``bot.demo.seed.MONITORING_FORMS``) over ``--schools``
schools of one municipality and two periods: every school answers every form (the scripted
walker of the tests, with its yes/no and choice answers drawn at random, seeded), 90 % hand in.
The exports are built in memory (the database is not what is measured here: ``bench.export``
covers it).

Timed, in a fresh process each so that peak RSS is the mode's own: ``order`` —
``compose_order`` + ``order_document`` + ``render_document`` (the .docx bytes); ``dump`` — the
same paragraphs' text written with python-docx into a blank document, no styles (the
baseline). Prints CPU time (``time.process_time``) per run, the median of ``--runs``, CPU per
school, the ratio order ÷ dump, peak RSS of each process and the document's size.
"""

import argparse
import io
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from docx import Document as new_document

from bot.catalog import builtin_forms
from bot.demo.seed import MONITORING_FORMS
from core.export.model import Export, Period, SchoolReport, Timeliness
from core.forms.models import FormDefinition, QuestionType
from core.order import OrderChoices, order_document
from core.order.compose import compose_order
from exports.documents import Item, Paragraph, render_document
from storage.directory import School
from storage.responses import Status
from tests.forms.walking import walk

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
LEGAL = ("МАОУ", "МБОУ", "МАОУ")


def _schools(count: int) -> list[School]:
    kinds = ("СОШ", "ООШ", "Гимназия", "Лицей")
    return [
        School(
            id=number,
            municipality_id=1,
            district_id=None,
            full_name=f"{LEGAL[number % 3]} {kinds[number % 4]} № {number} имени героя {number}",
            short_name=f"{kinds[number % 4]} № {number}",
            legal_form=LEGAL[number % 3],
        )
        for number in range(1, count + 1)
    ]


def _answers(form: FormDefinition, rng: random.Random) -> dict[str, Any]:
    """A complete response with its yes/no and choice answers shuffled."""
    answers = dict(walk(form, rng.choice(("show", "hide"))).answers)
    for question in form.questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if question.type is QuestionType.YES_NO:
            answers[question.id] = rng.random() < 0.7
        elif question.type is QuestionType.SINGLE:
            answers[question.id] = {"selected": rng.choice(question.options).id, "other": None}
        elif question.type is QuestionType.MULTI:
            picked = rng.sample(question.options, rng.randint(1, min(3, len(question.options))))
            answers[question.id] = {"selected": [o.id for o in picked], "other": None}
    return answers


def _exports(schools: list[School], seed: int) -> tuple[Export, dict[str, FormDefinition]]:
    rng = random.Random(seed)
    forms = builtin_forms()
    definitions = {key: forms[key] for key in MONITORING_FORMS}
    periods = (
        Period("1 полугодие 2025/26", (1,), NOW - timedelta(days=180)),
        Period("1 полугодие 2026/27", (2,), NOW),
    )
    parts = []
    for key, form in definitions.items():
        reports = [
            _report(school, period, rng.random() < 0.9, _answers(form, rng))
            for period in range(len(periods))
            for school in schools
        ]
        parts.append(
            Export(
                form_key=key,
                form_title=form.title,
                short_title=form.short_title,
                questions=tuple(form.questions),
                periods=periods,
                scope="Город",
                generated_at=NOW,
                reports=tuple(reports),
                summary=(),
                areas=(),
                dynamics=(),
                sheets=(),
            )
        )
    monitoring = Export(
        **{field: getattr(parts[0], field) for field in ("periods", "scope", "generated_at")},
        form_key="+".join(definitions),
        form_title="Мониторинг выполнения программы повышения качества образования",
        short_title="Мониторинг ШНОР",
        questions=(),
        reports=parts[0].reports,
        summary=(),
        areas=(),
        dynamics=(),
        sheets=(),
        parts=tuple(parts),
    )
    return monitoring, definitions


def _report(school: School, period: int, done: bool, answers: dict[str, Any]) -> SchoolReport:
    return SchoolReport(
        period=period,
        campaign_id=period + 1,
        school=school,
        municipality="Город",
        district=None,
        timezone="Asia/Tomsk",
        status=Status.SUBMITTED if done else Status.DRAFT,
        timeliness=Timeliness.ON_TIME if done else Timeliness.OVERDUE,
        deadline_at=NOW,
        submitted_at=NOW if done else None,
        first_submitted_at=NOW if done else None,
        accepted_at=None,
        late_by=None,
        returned=0,
        answered_by=(),
        answers=answers,
        respondents=(),
    )


def _texts(content: Any) -> list[str]:
    return [
        f"{block.number} {block.text}" if isinstance(block, Item) else block.text
        for block in content.blocks
        if isinstance(block, Item | Paragraph)
    ]


def run_mode(mode: str, schools: int, runs: int) -> dict[str, Any]:
    export, definitions = _exports(_schools(schools), seed=13)
    document = order_document(compose_order(export, definitions, campaign_id=2), OrderChoices())
    texts = _texts(document)
    times: list[float] = []
    size = 0
    for _ in range(runs):
        started = time.process_time()
        if mode == "order":
            draft = compose_order(export, definitions, campaign_id=2)
            size = len(render_document(order_document(draft, OrderChoices())))
        else:
            printed = new_document()
            for text in texts:
                printed.add_paragraph(text)
            buffer = io.BytesIO()
            printed.save(buffer)
            size = len(buffer.getvalue())
        times.append(time.process_time() - started)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"times": times, "peak_mib": peak_kib / 1024, "bytes": size, "paragraphs": len(texts)}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.order")
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=("order", "dump"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:  # a child process: one mode, its result as JSON
        print(json.dumps(run_mode(args.mode, args.schools, args.runs)))
        return 0
    results = {}
    for mode in ("dump", "order"):
        command = [sys.executable, "-m", "bench.order", "--mode", mode]
        command += ["--schools", str(args.schools), "--runs", str(args.runs)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        results[mode] = json.loads(done.stdout)
    median = {mode: statistics.median(result["times"]) for mode, result in results.items()}
    print(f"schools: {args.schools}, forms: {len(MONITORING_FORMS)}, periods: 2, runs: {args.runs}")
    for mode, result in results.items():
        runs = ", ".join(f"{t * 1000:.0f}" for t in result["times"])
        print(
            f"{mode:>5}: CPU {median[mode] * 1000:.0f} ms median ({runs} ms), "
            f"{median[mode] * 1000 / args.schools:.2f} ms per school, "
            f"peak RSS {result['peak_mib']:.0f} MiB, {result['bytes'] / 1024:.0f} KiB, "
            f"{result['paragraphs']} paragraphs"
        )
    print(f"order ÷ dump (CPU, median): {median['order'] / median['dump']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
