"""The text of a plan table's cells: markup and layout removed, numbers tidied."""

import re

# Simple HTML tags, as a table pasted from a web page or a converted document keeps them
# ("<b>Методическая работа</b>", "<ul><li>…</li></ul>"); "<50%" is not a tag.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ROMAN = re.compile(r"^[IVXLC]+$")


def clean_cell(text: str) -> str:
    """The cell as one line: tags removed, runs of whitespace (line breaks too) made one space."""
    return " ".join(_TAG.sub(" ", text).split())


def normalize_number(text: str) -> str:
    """An item number as written, without the trailing point or bracket: "5." → "5"."""
    return text.strip().rstrip(".)").strip()


def is_roman(number: str) -> bool:
    return _ROMAN.match(number) is not None


def is_column_numbers_row(cells: list[str]) -> bool:
    """A row that numbers the columns under the header ("1 | 2 | 3 | 4"), as forms often have."""
    filled = [(index, cell) for index, cell in enumerate(cells) if cell]
    return len(filled) > 1 and all(cell == str(index + 1) for index, cell in filled)
