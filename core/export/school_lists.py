"""Lists of schools in the short form the analytic orders use: "СОШ № 5, 11, 28; ООШ № 38".

Numbered schools are grouped by their type ("СОШ №", "ООШ №"), numbers ascending; a group comes
before another when its first number is lower (so "СОШ № 5, 11; ООШ № 38"). Schools without a
number ("Мирненская СОШ") follow, by name. A note (the grades, for instance) follows its school:
"СОШ № 5 (2–9 классы), 11 (5–9 классы)".

``ooo_list`` writes the orders' generic form instead: every numbered school under "ООУ №"
(общеобразовательное учреждение), numbers ascending, then the unnumbered ones by name:
"ООУ № 5, 11, 28; МБОУ «Александровская СОШ»". It relies on numbers being unique within the
list, as they are within a municipality.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.directory import natural_key
from core.export import labels
from core.forms.display import grade_ranges

_NUMBERED = re.compile(r"^(?P<prefix>.*№)\s*(?P<number>\d+)$")


@dataclass(frozen=True, slots=True)
class Listed:
    short_name: str
    note: str = ""


def school_number(short_name: str) -> int | None:
    """5 for "СОШ № 5"; None for a school named by a name ("Мирненская СОШ")."""
    match = _NUMBERED.match(short_name.strip())
    return None if match is None else int(match["number"])


def numbered(short_name: str) -> bool:
    return school_number(short_name) is not None


def school_order(short_name: str) -> tuple[int, int, tuple[tuple[int, str], ...]]:
    """The orders' order of schools: numbered ones by number ("СОШ № 5", "СОШ № 11", "ООШ
    № 38"), then the others by name."""
    match = _NUMBERED.match(short_name.strip())
    if match is None:
        return (1, 0, natural_key(short_name))
    return (0, int(match["number"]), natural_key(short_name))


def grades_note(grades: Iterable[int]) -> str:
    unique = sorted(set(grades))
    return labels.grades_note(grade_ranges(unique), len(unique)) if unique else ""


def school_list(entries: Iterable[Listed]) -> str:
    groups: dict[str, list[tuple[int, str]]] = {}
    named: list[Listed] = []
    for entry in entries:
        match = _NUMBERED.match(entry.short_name.strip())
        if match is None:
            named.append(entry)
            continue
        prefix = " ".join(match["prefix"].split())
        groups.setdefault(prefix, []).append((int(match["number"]), entry.note))
    parts: list[str] = []
    for prefix, members in sorted(groups.items(), key=lambda item: (min(item[1])[0], item[0])):
        numbers = [_noted(str(number), note) for number, note in sorted(members)]
        parts.append(f"{prefix} {', '.join(numbers)}")
    for entry in sorted(named, key=lambda e: natural_key(e.short_name)):
        parts.append(_noted(entry.short_name, entry.note))
    return "; ".join(parts)


def ooo_list(short_names: Iterable[str | Listed]) -> str:
    numbered: list[tuple[int, str]] = []
    named: list[Listed] = []
    for entry in short_names:
        listed = entry if isinstance(entry, Listed) else Listed(entry)
        match = _NUMBERED.match(listed.short_name.strip())
        if match is None:
            named.append(listed)
        else:
            numbered.append((int(match["number"]), listed.note))
    parts: list[str] = []
    if numbered:
        numbers = ", ".join(_noted(str(number), note) for number, note in sorted(numbered))
        parts.append(f"{labels.OOO_PREFIX} {numbers}")
    for entry in sorted(named, key=lambda e: natural_key(e.short_name)):
        parts.append(_noted(entry.short_name, entry.note))
    return "; ".join(parts)


def _noted(text: str, note: str) -> str:
    return f"{text} ({note})" if note else text
