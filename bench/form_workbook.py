"""How long reading an uploaded questionnaire takes, and how much memory, against a raw read.

Run on demand (it is not a test)::

    .venv/bin/python -m bench.form_workbook [--runs 3]

Three workbooks, written by ``form_workbook``: the template's example form, the largest built-in
form (by questions), and a form at the upload limits (``layout.MAX_QUESTIONS`` question rows,
``layout.MAX_OPTIONS`` options: integer questions and single choices of ``MAX_LIST_OPTIONS``
options each). For each, ``--runs`` times in a fresh Python process (so its peak RSS is the
reading's): ``read_form_workbook`` (bounded cell reading, every check, the pydantic models), and
as the baseline in the same process ``openpyxl.load_workbook(read_only=True)`` iterating every
cell's value with no checks at all. Printed: CPU seconds of each (median of the runs), their
ratio, and the process's peak RSS after the read.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _forms() -> dict[str, bytes]:
    from bot.catalog import builtin_forms
    from core.forms.models import FormDefinition
    from core.forms.workbook import layout
    from core.forms.workbook.example import example_form
    from core.forms.workbook.writer import form_workbook

    largest = max(builtin_forms().values(), key=lambda form: len(form.questions))
    per_choice = layout.MAX_LIST_OPTIONS
    choices = layout.MAX_OPTIONS // per_choice
    questions: list[dict[str, object]] = []
    for number in range(layout.MAX_QUESTIONS - choices):
        questions.append(
            {"id": f"n{number}", "type": "integer", "text": f"Сколько {number}?", "unit": "чел."}
        )
    for number in range(choices):
        options = [{"id": f"o{k}", "label": f"Вариант {k}"} for k in range(per_choice)]
        questions.append(
            {
                "id": f"c{number}",
                "type": "single_choice",
                "text": f"Выбор {number}?",
                "options": options,
            }
        )
    sections = [
        {"title": f"Раздел {start // 50 + 1}", "questions": questions[start : start + 50]}
        for start in range(0, len(questions), 50)
    ]
    limits = FormDefinition.model_validate(
        {
            "id": "limits",
            "version": 1,
            "title": "Анкета на пределах",
            "short_title": "Пределы",
            "sections": sections,
        }
    )
    return {
        "example": form_workbook(example_form()),
        f"largest built-in ({largest.id})": form_workbook(largest),
        "at the limits": form_workbook(limits),
    }


def _measure(path: str) -> None:
    """In a child process: one read of each kind, printed as JSON."""
    from openpyxl import load_workbook

    from core.forms.workbook.reader import read_form_workbook

    content = Path(path).read_bytes()
    started = time.process_time()
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    cells = sum(
        1 for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for _ in row
    )
    workbook.close()
    raw = time.process_time() - started
    started = time.process_time()
    reading = read_form_workbook(content)
    read = time.process_time() - started
    assert reading.definition is not None, reading.report
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        json.dumps(
            {
                "raw": raw,
                "read": read,
                "cells": cells,
                "rss_mb": rss,
                "questions": len(reading.definition.questions),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        _measure(arguments.measure)
        return
    print(f"python {platform.python_version()} on {platform.machine()}, {arguments.runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        for name, content in _forms().items():
            path = Path(folder) / "form.xlsx"
            path.write_bytes(content)
            runs = []
            for _ in range(arguments.runs):
                output = subprocess.run(
                    [sys.executable, "-m", "bench.form_workbook", "--measure", str(path)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                runs.append(json.loads(output))
            raw = statistics.median(run["raw"] for run in runs)
            read = statistics.median(run["read"] for run in runs)
            rss = max(run["rss_mb"] for run in runs)
            print(
                f"{name}: {len(content) // 1024} KB, {runs[0]['questions']} questions, "
                f"{runs[0]['cells']} cells; read {read * 1000:.0f} ms CPU, raw openpyxl "
                f"{raw * 1000:.0f} ms, read/raw {read / raw:.2f}; peak RSS {rss} MB"
            )


if __name__ == "__main__":
    main()
