"""Reading cell values: flags, problem categories, legal forms and time zones."""

import re
import zoneinfo
from functools import cache

from core.directory_import.names import key
from texts import directory_import as texts


def parse_flag(value: str) -> bool | None:
    """Yes or no; None when the word is neither. An empty cell is "no"."""
    word = value.strip().casefold()
    if not word or word in texts.NO_WORDS:
        return False
    if word in texts.YES_WORDS:
        return True
    return None


def parse_problem_categories(value: str) -> tuple[tuple[str, ...], list[str]]:
    """The categories in storage order, and the pieces that name no category."""
    found: set[str] = set()
    unknown: list[str] = []
    for piece in re.split(r"[,;\n]+", value):
        words = [w for w in key(piece).strip(" .").split() if w not in texts.PROBLEM_FILLER_WORDS]
        if not words:
            if piece.strip():
                unknown.append(piece.strip())
            continue
        text = " ".join(words)
        category = next(
            (c for c in texts.PROBLEM_CATEGORIES if text == c or text.startswith(c[:-2])), None
        )
        if category is None:
            unknown.append(piece.strip())
        else:
            found.add(category)
    return tuple(c for c in texts.PROBLEM_CATEGORIES if c in found), unknown


def derive_legal_form(full_name: str) -> str | None:
    """The legal form a full name starts with ("МАОУ «…»" → "МАОУ"), if a known one."""
    match = re.match(r"\W*([\w-]+)", full_name)
    if match is None:
        return None
    word = match.group(1).upper()
    return word if word in texts.LEGAL_FORMS else None


@cache
def _timezones() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def canonical_timezone(value: str) -> str | None:
    """The IANA name of a time zone written in any case; None when there is no such zone."""
    name = _timezones().get(value.strip().casefold())
    if name is not None:
        return name
    try:
        zoneinfo.ZoneInfo(value.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return value.strip()
