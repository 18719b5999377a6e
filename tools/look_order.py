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
import shutil
import subprocess
import sys
from pathlib import Path

SEED_TEST = (
    "tests/conversations/test_seed_000.py::test_the_tomsk_order_is_drafted_from_the_monitoring"
)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.look_order")
    parser.add_argument("--docx", type=Path, help="an order to look at (default: seed 000's)")
    parser.add_argument("--out", type=Path, default=Path("look-order"), help="output folder")
    parser.add_argument("--dpi", type=int, default=70)
    args = parser.parse_args()
    missing = [tool for tool in ("soffice", "pdftoppm", "pdftotext") if not shutil.which(tool)]
    if missing:
        print(f"error: not installed: {', '.join(missing)}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    docx = args.docx or args.out / "seed_000_order.docx"
    if args.docx is None:
        env = {**os.environ, "SEED_ORDER_DOCX": str(docx.resolve())}
        subprocess.run([sys.executable, "-m", "pytest", "-q", SEED_TEST], env=env, check=True)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(args.out), str(docx)],
        check=True,
        capture_output=True,
    )
    pdf = args.out / f"{docx.stem}.pdf"
    prefix = args.out / docx.stem
    for stale in args.out.glob(f"{docx.stem}-*.png"):  # an earlier, longer version's pages
        stale.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(pdf), str(prefix)], check=True)
    for page in sorted(args.out.glob(f"{docx.stem}-*.png")):
        print(page)
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    print(first.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
