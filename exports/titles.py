"""Valid, unique .xlsx sheet titles: pure Python, so a layout can fix its titles (and the
references to them) before any workbook exists."""

import re

SHEET_TITLE_MAX = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def unique_sheet_title(title: str, used: set[str]) -> str:
    """A valid sheet title (31 characters, none of ``[]:*?/\\``) not yet in ``used`` (which it
    joins), numbered "(2)", "(3)" when taken. A title already valid and unique is kept as is."""
    base = _FORBIDDEN.sub(" ", title).strip().strip("'")[:SHEET_TITLE_MAX] or "Лист"
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate
