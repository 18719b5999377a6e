"""A document's pages as a reader sees them: any office file → PDF (LibreOffice) → PNG pages.

The shared part of ``tools.look_order`` and ``tools.look_workbook``. Needs LibreOffice and
poppler-utils (``soffice``, ``pdftoppm``, ``pdftotext``, ``pdfinfo``).
"""

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

TOOLS = ("soffice", "pdftoppm", "pdftotext", "pdfinfo")


def missing_tools(tools: Sequence[str] = TOOLS) -> list[str]:
    """The programs of ``tools`` that are not on PATH, in the order given."""
    return [tool for tool in tools if not shutil.which(tool)]


def to_pdf(path: Path, out_dir: Path) -> Path:
    """``path`` converted by LibreOffice headless to ``out_dir/<stem>.pdf``.

    soffice can exit 0 without writing anything (another instance holds the profile, or the file
    is not a document it reads), so an earlier PDF of the same name is removed first and a
    missing result is an error.
    """
    pdf = out_dir / f"{path.stem}.pdf"
    pdf.unlink(missing_ok=True)
    done = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out_dir), str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    if not pdf.is_file():
        raise RuntimeError(f"soffice wrote no {pdf}: {(done.stderr or done.stdout).strip()}")
    return pdf


def pages_of(stem: str, out_dir: Path) -> list[Path]:
    """The PNG pages pdftoppm wrote for ``stem`` (``<stem>-<n>.png``), in page order."""
    page = re.compile(rf"{re.escape(stem)}-(\d+)\.png")
    found = [(m, path) for path in out_dir.iterdir() if (m := page.fullmatch(path.name))]
    return [path for m, path in sorted(found, key=lambda pair: int(pair[0][1]))]


def to_pngs(pdf: Path, out_dir: Path, dpi: int) -> list[Path]:
    """``pdf``'s pages as ``out_dir/<stem>-<n>.png`` at ``dpi``, in page order.

    Pages left by an earlier, longer version of the same document are deleted first.
    """
    for stale in pages_of(pdf.stem, out_dir):
        stale.unlink()
    prefix = out_dir / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return pages_of(pdf.stem, out_dir)


def first_page_text(pdf: Path) -> str:
    """The first page of ``pdf`` as text, laid out as printed."""
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return first.stdout


def page_count(pdf: Path) -> int:
    """The number of pages of ``pdf``, as pdfinfo reports it."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)\s*$", info.stdout, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"pdfinfo gave no page count for {pdf}")
    return int(found[1])
