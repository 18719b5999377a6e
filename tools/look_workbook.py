"""Look at a monitoring workbook as it prints: .xlsx → PDF (LibreOffice) → PNG pages.

    python -m tools.look_workbook                  # a made-up export of 40 schools
    python -m tools.look_workbook --schools 200    # ... of 200 schools
    python -m tools.look_workbook --xlsx FILE      # any workbook, e.g. one sent by /export

Without ``--xlsx`` the workbook is made the way ``bench.export`` makes its own: a temporary
SQLite database with one municipality, ``--schools`` schools, a generated form of 20 questions
(every type, two repeat groups) and 2 campaigns of it, then ``build_export`` and
``render_workbook``; it is kept as ``<out>/monitoring-<schools>.xlsx``. LibreOffice prints every
sheet, as its print setup says, into one PDF. Needs LibreOffice and poppler-utils:
``apt-get install libreoffice-calc-nogui fonts-liberation poppler-utils``.
Prints the PNG pages' paths and the number of pages.
"""

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench import export as bench
from core.export import build_export
from core.questionnaires import FormCatalog
from exports.workbook import render_workbook
from storage import Database
from storage.migrate import upgrade
from tools.pages import missing_tools, page_count, to_pdf, to_pngs

QUESTIONS = 20
PERIODS = 2


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.look_workbook")
    parser.add_argument("--xlsx", type=Path, help="a workbook to look at (default: a made-up one)")
    parser.add_argument(
        "--schools", type=positive, default=40, help="schools in the made-up one; default: 40"
    )
    parser.add_argument("--out", type=Path, default=Path("look-workbook"), help="output folder")
    parser.add_argument("--dpi", type=positive, default=70)
    return parser.parse_args(argv)


async def made_up_workbook(schools: int) -> bytes:
    """A monitoring export of ``schools`` schools, 20 questions and 2 periods, as .xlsx bytes."""
    args = bench.parse_args(
        [
            f"--schools={schools}",
            f"--questions={QUESTIONS}",
            f"--periods={PERIODS}",
            f"--districts={min(20, max(1, schools // 10))}",
        ]
    )
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{Path(folder) / 'look.sqlite3'}")
        try:
            await upgrade(database)
            campaign_ids = await bench.fill(database, args)
            catalog = FormCatalog({bench.FORM_KEY: bench.bench_form(args.questions)})
            await catalog.sync(database)
            export = await build_export(
                database, catalog, bench.ADMIN, campaign_ids=campaign_ids, now=bench.NOW
            )
        finally:
            await database.close()
    return render_workbook(export.sheets)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    missing = missing_tools()
    if missing:
        print(f"error: not installed: {', '.join(missing)}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    xlsx = args.xlsx
    if xlsx is None:
        xlsx = args.out / f"monitoring-{args.schools}.xlsx"
        xlsx.write_bytes(asyncio.run(made_up_workbook(args.schools)))
    pdf = to_pdf(xlsx, args.out)
    for page in to_pngs(pdf, args.out, args.dpi):
        print(page)
    print(f"{page_count(pdf)} pages: {pdf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
