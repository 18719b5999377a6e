"""The developers' look-at scripts (``tools/``) without LibreOffice: their arguments, the
missing-program check, and the page files, with poppler and soffice faked by shell scripts."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tools import look_order, look_workbook
from tools.pages import missing_tools, page_count, to_pdf, to_pngs


def fake(bin_dir: Path, name: str, script: str) -> None:
    """A program ``name`` on ``bin_dir`` that runs ``script`` (shell builtins only)."""
    bin_dir.mkdir(exist_ok=True)
    program = bin_dir / name
    program.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    program.chmod(0o755)


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is the whole PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def test_look_workbook_arguments() -> None:
    args = look_workbook.parse_args([])
    assert (args.xlsx, args.schools, args.out, args.dpi) == (None, 40, Path("look-workbook"), 70)
    given = ["--xlsx", "a.xlsx", "--schools", "7", "--out", "o", "--dpi", "100"]
    args = look_workbook.parse_args(given)
    assert (args.xlsx, args.schools, args.out, args.dpi) == (Path("a.xlsx"), 7, Path("o"), 100)


def test_look_workbook_refuses_no_schools(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        look_workbook.parse_args(["--schools", "0"])
    assert "must be at least 1" in capsys.readouterr().err


def test_look_order_arguments() -> None:
    args = look_order.parse_args([])
    assert (args.docx, args.out, args.dpi) == (None, Path("look-order"), 70)
    args = look_order.parse_args(["--docx", "o.docx", "--out", "x", "--dpi", "120"])
    assert (args.docx, args.out, args.dpi) == (Path("o.docx"), Path("x"), 120)


def test_missing_tools_are_named_in_order(bin_dir: Path) -> None:
    assert missing_tools() == ["soffice", "pdftoppm", "pdftotext", "pdfinfo"]
    fake(bin_dir, "pdftoppm", "exit 0")
    assert missing_tools() == ["soffice", "pdftotext", "pdfinfo"]
    assert missing_tools(("pdftoppm",)) == []


def test_without_the_programs_nothing_is_made(
    bin_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert look_workbook.main(["--out", str(out)]) == 2
    assert look_order.main(["--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "error: not installed: soffice, pdftoppm, pdftotext, pdfinfo" in err
    assert "error: not installed: soffice, pdftoppm, pdftotext\n" in err
    assert not out.exists()


def test_to_pngs_deletes_the_stale_pages_of_its_document_only(
    bin_dir: Path, tmp_path: Path
) -> None:
    # pdftoppm -png -r DPI PDF PREFIX: this one writes two pages
    fake(bin_dir, "pdftoppm", ': > "$5-1.png"; : > "$5-2.png"')
    out = tmp_path / "out"
    out.mkdir()
    for name in ("book-1.png", "book-2.png", "book-3.png", "book-extra-1.png", "notes.png"):
        (out / name).write_text("old", encoding="utf-8")
    pages = to_pngs(out / "book.pdf", out, 70)
    assert pages == [out / "book-1.png", out / "book-2.png"]
    assert all(page.read_text(encoding="utf-8") == "" for page in pages)  # written afresh
    left = sorted(path.name for path in out.iterdir())
    assert left == ["book-1.png", "book-2.png", "book-extra-1.png", "notes.png"]


def test_to_pngs_orders_pages_by_number(bin_dir: Path, tmp_path: Path) -> None:
    fake(bin_dir, "pdftoppm", 'for n in 1 2 10; do : > "$5-$n.png"; done')
    pages = to_pngs(tmp_path / "b.pdf", tmp_path, 70)
    assert [page.name for page in pages] == ["b-1.png", "b-2.png", "b-10.png"]


def test_to_pdf_fails_when_soffice_writes_nothing(bin_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "book.pdf").write_text("from an earlier run", encoding="utf-8")
    fake(bin_dir, "soffice", 'echo "source file could not be loaded" >&2; exit 0')
    with pytest.raises(RuntimeError, match="source file could not be loaded"):
        to_pdf(tmp_path / "book.xlsx", tmp_path)
    assert not (tmp_path / "book.pdf").exists()  # not taken for this run's


def test_to_pdf_names_what_soffice_wrote(bin_dir: Path, tmp_path: Path) -> None:
    # soffice --headless --convert-to pdf --outdir OUT FILE
    fake(bin_dir, "soffice", 'name="${6##*/}"; : > "$5/${name%.*}.pdf"')
    assert to_pdf(tmp_path / "in" / "book.xlsx", tmp_path) == tmp_path / "book.pdf"


def test_page_count_reads_pdfinfo(bin_dir: Path, tmp_path: Path) -> None:
    fake(bin_dir, "pdfinfo", 'echo "Producer:       LibreOffice"; echo "Pages:          55"')
    assert page_count(tmp_path / "book.pdf") == 55


async def test_the_made_up_workbook_is_a_monitoring_export() -> None:
    content = await look_workbook.made_up_workbook(3)
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        assert len(workbook.sheetnames) > 1
    finally:
        workbook.close()
