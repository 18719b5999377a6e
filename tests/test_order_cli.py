"""``python -m bot order`` as a person runs it: the rounds, the .docx, a bad deadline."""

import asyncio
from pathlib import Path

from docx import Document as read_document

from tests.test_entrypoint import SAMPLES, _open_a_campaign, migrated, run_bot

MISSING = "Представить результаты мониторинга в полном объёме"


def _text(path: Path) -> str:
    printed = read_document(str(path))
    return "\n".join(paragraph.text for paragraph in printed.paragraphs).replace("\u00a0", " ")


def test_order_from_the_command_line(tmp_path: Path) -> None:
    url = migrated(tmp_path)
    files = [str(SAMPLES / name) for name in ("municipalities.csv", "districts.csv", "schools.csv")]
    assert run_bot("import-schools", *files, cwd=tmp_path, DATABASE_URL=url).returncode == 0
    campaign_id = asyncio.run(_open_a_campaign(url))

    listing = run_bot("order", cwd=tmp_path, DATABASE_URL=url)
    assert listing.returncode == 0, listing.stderr
    assert f"{campaign_id}\tvsoko\tВСОКО — 1 полугодие 2026/27" in listing.stdout

    target = tmp_path / "order.docx"
    args = ("order", "--campaign", str(campaign_id), "-o", str(target))
    written = run_bot(*args, "--deadline", "10.03.2027", cwd=tmp_path, DATABASE_URL=url)
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == str(target)
    assert "+ missing\t" + MISSING in written.stderr  # nobody has handed in: the key for --drop
    text = _text(target)
    assert "в срок до 10.03.2027" in text
    assert MISSING in text

    dropped = run_bot(*args, "--drop", "missing", cwd=tmp_path, DATABASE_URL=url)
    assert dropped.returncode == 0, dropped.stderr
    assert "- missing\t" in dropped.stderr
    assert MISSING not in _text(target)

    bad = run_bot(*args, "--deadline", "31.02.2027", cwd=tmp_path, DATABASE_URL=url)
    assert bad.returncode == 2
    assert "error: argument --deadline: not a date DD.MM.YYYY: '31.02.2027'" in bad.stderr

    unknown = run_bot("order", "--campaign", "999", cwd=tmp_path, DATABASE_URL=url)
    assert unknown.returncode == 2
    assert "no such campaign" in unknown.stderr
