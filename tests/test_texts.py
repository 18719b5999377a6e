"""The catalog's words: no plural or gender dodged with brackets, no IANA zone names."""

import re
from pathlib import Path

TEXTS = Path(__file__).resolve().parent.parent / "texts"
# "школ(ы)", "раз(а)", "он(а)", "дал(а)", "вариант(ов)": a word with a bracketed ending.
DODGED = re.compile(r"[а-яё]\((а|ы|и|я|ов|ей|ь)\)", re.IGNORECASE)


def test_no_text_dodges_a_plural_or_a_gender_with_brackets() -> None:
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(TEXTS.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DODGED.search(line)
    ]
    assert found == []
