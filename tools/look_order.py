"""Look at an analytic order as a methodist would: .docx → PDF (LibreOffice) → PNG pages.

    python -m tools.look_order                 # seed 000's order, drafted by replaying the seed
    python -m tools.look_order --docx FILE     # any order, e.g. from `python -m bot order`

The seed's order is made by the conversation test that replays seed 000 through the bot
(``tests/conversations/test_seed_000.py``), which saves the .docx it received when
``SEED_ORDER_DOCX`` names a file. Needs LibreOffice and poppler-utils:
``apt-get install libreoffice-writer-nogui fonts-liberation poppler-utils``.
Prints the PNG pages' paths and the first page as text.
"""

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.pages import first_page_text, missing_tools, to_pdf, to_pngs

SEED_TEST = (
    "tests/conversations/test_seed_000.py::test_the_tomsk_order_is_drafted_from_the_monitoring"
)
NEEDED = ("soffice", "pdftoppm", "pdftotext")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.look_order")
    parser.add_argument("--docx", type=Path, help="an order to look at (default: seed 000's)")
    parser.add_argument("--out", type=Path, default=Path("look-order"), help="output folder")
    parser.add_argument("--dpi", type=int, default=70)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    missing = missing_tools(NEEDED)
    if missing:
        print(f"error: not installed: {', '.join(missing)}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    docx = args.docx or args.out / "seed_000_order.docx"
    if args.docx is None:
        env = {**os.environ, "SEED_ORDER_DOCX": str(docx.resolve())}
        subprocess.run([sys.executable, "-m", "pytest", "-q", SEED_TEST], env=env, check=True)
    pdf = to_pdf(docx, args.out)
    for page in to_pngs(pdf, args.out, args.dpi):
        print(page)
    print(first_page_text(pdf))
    return 0


if __name__ == "__main__":
    sys.exit(main())
