"""Reading a plan's "Сроки" cell as a due date within a school year.

A school year is given by its first calendar year: 2020 for "2020\\21" (1 September 2020 to
31 August 2021). What a cell may say (its kind), and the day it is due by:

- date: "10.03.2021", "до 10 марта", "в срок до 19.03.2021" — that day;
- month: "август", "Август 2020", "сентября" — the month's last day;
- months: "март-апрель", "октябрь 2020 март, апрель, май 2021" — the latest month's last day;
- school_quarter: "I четверть", "1-2 четверти" — the quarter's usual end: I — 31.10,
  II — 31.12, III — 31.03, IV — 31.05;
- calendar_quarter: "1 квартал", "III квартал 2021" — the quarter's last day;
- half_year: "1 полугодие", "2 полугодие" — 31.12 and 31.05;
- school_year: "в течение учебного года", "в течение года" — 31 August of the second year;
- ongoing: "постоянно", "систематически", "ежемесячно" — 31 August of the second year too.

A month or day written without a year falls in the school year: June to December in its first
calendar year, January to May in the second (a plan approved in June 2020 for 2020\\21 that
starts with "август" means August 2020). So do quarters: I and II четверть, and the 3rd and 4th
calendar quarters, in the first year; the others in the second (the 2nd quarter of 2020\\21 is
April to June 2021). A year written after months ("октябрь 2020 март, апрель, май 2021")
belongs to those written since the previous year, and a school year written in the cell
("I четверть 2021/22") replaces the plan's. When a cell names several dates the latest is due.
Month names are read in any case and inflection, and by their usual abbreviations ("сент.").

Anything not understood word for word gives None rather than a guess: "когда-нибудь", a bare year
("2021 год"), a half year with a calendar year ("1 полугодие 2021": calendar or school half?).
"""

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import partial
from typing import TypeAlias


class DeadlineKind(StrEnum):
    DATE = "date"
    MONTH = "month"
    MONTHS = "months"
    SCHOOL_QUARTER = "school_quarter"
    CALENDAR_QUARTER = "calendar_quarter"
    HALF_YEAR = "half_year"
    SCHOOL_YEAR = "school_year"
    ONGOING = "ongoing"


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due: date
    label: str  # the cell as written


# The usual last days of the school quarters (четверти) and halves, as (month, day).
SCHOOL_QUARTER_ENDS = {1: (10, 31), 2: (12, 31), 3: (3, 31), 4: (5, 31)}
HALF_YEAR_ENDS = {1: (12, 31), 2: (5, 31)}
FIRST_SPRING_MONTH = 1  # January to May belong to a school year's second calendar year
LAST_SPRING_MONTH = 5

# When two readings of a cell are due on the same day, the first kind here names it:
# "ежемесячно в течение учебного года" is ongoing.
_PRIORITY = (
    DeadlineKind.ONGOING,
    DeadlineKind.SCHOOL_YEAR,
    DeadlineKind.DATE,
    DeadlineKind.MONTH,
    DeadlineKind.SCHOOL_QUARTER,
    DeadlineKind.HALF_YEAR,
    DeadlineKind.CALENDAR_QUARTER,
)

# Month words by their first letters; "ма" (май, мая, мае) goes after "мар" (март).
_MONTH_PREFIXES = (
    ("янв", 1),
    ("фев", 2),
    ("мар", 3),
    ("апр", 4),
    ("июн", 6),
    ("июл", 7),
    ("авг", 8),
    ("сен", 9),
    ("окт", 10),
    ("ноя", 11),
    ("дек", 12),
    ("ма", 5),
)
_ORDINAL_WORDS = (("перв", 1), ("втор", 2), ("трет", 3), ("четверт", 4))
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NORMALIZE = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-", "‑": "-", "ё": "е"})


def _span(name: str) -> str:
    """A written school year ("2020\\21", "2020-2021"), its years in the groups
    ``<name>_first`` and ``<name>_second`` so that one pattern may hold several."""
    return rf"(?P<{name}_first>\d{{4}})\s*[-/\\]\s*(?P<{name}_second>\d{{4}}|\d{{2}})(?!\d)"


_END = r"(?![0-9a-zа-я])"
_MONTH = (
    r"(?:(?:январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр)(?:ь|я|ю|е|ем)"
    r"|(?:март|август)(?:а|у|е|ом)?|ма(?:й|я|ю|е|ем)"
    r"|(?:янв|февр?|мар|апр|июн|июл|авг|сент?|окт|нояб?|дек)\.?)"
)
_ORDINAL = (
    r"(?:iv|i{1,3}|[1-4](?:\s*-?\s*(?:я|й|е|ая|ой|ое|ий|го|ом))?"
    r"|перв[а-я]*|втор[а-я]*|трет[а-я]*|четверт(?:ая|ой|ую|ое|ого|ом))"
)
_YEAR_WORD = r"(?:\s*(?:гг?|года|год|году)\.?)?"

# The tokens a cell is made of, tried in this order at each word.
_SCHOOL_YEAR = re.compile(
    r"(?:(?:в\s+)?(?:течение|теч\.|на\s+протяжении)\s*(?:всего\s+)?(?:" + _span("a") + r"\s*)?"
    r"(?:(?:учебного|уч\.)\s*)?(?:года|г\.)"
    r"|(?:" + _span("b") + r"\s*)?(?:учебн(?:ый|ого|ом)\s+год(?:а|у)?|уч\.\s*г(?:ода|од|\.)?)"
    r"|(?:(?:в\s+)?течение|весь|на\s+протяжении)\s+(?:всего\s+)?период(?:а|е)?)" + _END
)
_ONGOING = re.compile(
    r"(?:постоянно|систематически|регулярно|ежедневно|еженедельно|ежемесячно|ежеквартально"
    r"|ежегодно|по\s+мере\s+необходимости)" + _END
)
_NUMERIC_DATE = re.compile(
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})(?:\.(?P<year>\d{4}|\d{2}))?(?!\d)"
    r"(?:\s*г(?:ода|од)?\.?)?" + _END
)
_WORD_DATE = re.compile(r"(?P<day>\d{1,2})\s+(?P<month>" + _MONTH + r")" + _END)
_PERIOD = re.compile(
    r"(?P<ordinals>" + _ORDINAL + r"(?:\s*(?:-|,|и)\s*" + _ORDINAL + r")*)\s*"
    r"(?P<unit>четверт|квартал|полугод)[а-я]*" + _END
)
_MONTH_WORD = re.compile(_MONTH + _END)
_SCHOOL_YEAR_SPAN = re.compile(_span("c") + _YEAR_WORD + _END)
_YEAR = re.compile(r"(?P<year>\d{4})" + _YEAR_WORD + _END)
_FILLER = re.compile(
    r"(?:до|в|во|на|к|ко|по|с|со|за|не|позднее|позже|срок|сроки|срока|течение|конец|конца|концу"
    r"|конце|окончания|окончании|итогам|и|или|включительно)" + _END
)
_TOKENS = (
    _SCHOOL_YEAR,
    _ONGOING,
    _NUMERIC_DATE,
    _WORD_DATE,
    _PERIOD,
    _MONTH_WORD,
    _SCHOOL_YEAR_SPAN,
    _YEAR,
    _FILLER,
)
_ANY_SPAN = re.compile(_span("any"))

# (written year or None, first year of the school year) → the due date, or None if unclear.
Resolver: TypeAlias = Callable[[int | None, int], date | None]


def school_year_end(school_year: int) -> date:
    return date(school_year + 1, 8, 31)


def find_school_year(text: str) -> int | None:
    """The first year of a school year written in ``text``: "на 2020\\21 учебный год" → 2020."""
    for match in _ANY_SPAN.finditer(text):
        first = _span_year(match)
        if first is not None:
            return first
    return None


def parse_deadline(text: str, school_year: int) -> Deadline | None:
    """The deadline a "Сроки" cell states within ``school_year``, or None when it is unclear."""
    label = " ".join(text.split())
    tokens = _tokens(label.lower().translate(_NORMALIZE))
    if not tokens:
        return None
    found: list[tuple[DeadlineKind, date]] = []
    waiting: list[tuple[DeadlineKind, Resolver]] = []  # for a year that may be written after
    written_school_year: int | None = None
    whole_year = ongoing = False
    for pattern, match in tokens:
        if pattern is _SCHOOL_YEAR or pattern is _SCHOOL_YEAR_SPAN:
            whole_year = whole_year or pattern is _SCHOOL_YEAR
            if _has_span(match):
                written_school_year = _span_year(match)
                if written_school_year is None:
                    return None
        elif pattern is _ONGOING:
            ongoing = True
        elif pattern is _YEAR:
            if not waiting:
                return None  # a year of nothing: "2021 год"
            year = int(match.group("year"))
            for kind, resolve in waiting:
                due = resolve(year, school_year)
                if due is None:
                    return None
                found.append((kind, due))
            waiting = []
        elif pattern is not _FILLER:
            readings = _readings(pattern, match)
            if readings is None:
                return None
            waiting.extend(readings)
    base = school_year if written_school_year is None else written_school_year
    for kind, resolve in waiting:
        due = resolve(None, base)
        if due is None:
            return None
        found.append((kind, due))
    year_end = school_year_end(base)
    if ongoing:
        found.append((DeadlineKind.ONGOING, year_end))
    if whole_year or (written_school_year is not None and not found):  # a bare "2020/21" too
        found.append((DeadlineKind.SCHOOL_YEAR, year_end))
    if not found:
        return None
    return Deadline(_kind(found), max(due for _, due in found), label)


def _tokens(text: str) -> list[tuple[re.Pattern[str], re.Match[str]]] | None:
    """Every word of ``text`` read as a token, or None when one of them is not a token."""
    tokens: list[tuple[re.Pattern[str], re.Match[str]]] = []
    position = 0
    while position < len(text):
        if not text[position].isalnum():
            position += 1  # spaces and punctuation only separate tokens
            continue
        for pattern in _TOKENS:
            match = pattern.match(text, position)
            if match is not None:
                tokens.append((pattern, match))
                position = match.end()
                break
        else:
            return None
    return tokens


def _kind(found: list[tuple[DeadlineKind, date]]) -> DeadlineKind:
    latest = max(due for _, due in found)
    kind = min((k for k, due in found if due == latest), key=_PRIORITY.index)
    months = sum(1 for k, _ in found if k is DeadlineKind.MONTH)
    return DeadlineKind.MONTHS if kind is DeadlineKind.MONTH and months > 1 else kind


def _readings(
    pattern: re.Pattern[str], match: re.Match[str]
) -> list[tuple[DeadlineKind, Resolver]] | None:
    """What a date, month or period token is due by, once its year is known."""
    if pattern is _NUMERIC_DATE or pattern is _WORD_DATE:
        written = match.groupdict().get("year")
        if written:  # "10.03.2021": a year of its own, no later year applies
            fixed = _date(match, _full_year(written), 0)
            return [(DeadlineKind.DATE, lambda _year, _base: fixed)] if fixed else None
        return [(DeadlineKind.DATE, partial(_date, match))]
    if pattern is _MONTH_WORD:
        return [(DeadlineKind.MONTH, partial(_month_end, _month_number(match.group(0))))]
    if pattern is _PERIOD:
        return _periods(match)
    raise AssertionError(f"no reading for {pattern.pattern!r}")


def _periods(match: re.Match[str]) -> list[tuple[DeadlineKind, Resolver]] | None:
    words = re.split(r"\s*(?:-|,|\bи\b)\s*", match.group("ordinals"))
    numbers = [_ordinal(word) for word in words if word.strip()]
    unit = match.group("unit")
    readings: list[tuple[DeadlineKind, Resolver]] = []
    for number in numbers:
        if number is None or (unit == "полугод" and number > 2):
            return None
        if unit == "полугод":
            readings.append((DeadlineKind.HALF_YEAR, partial(_half_year_end, number)))
        elif unit == "четверт":
            readings.append((DeadlineKind.SCHOOL_QUARTER, partial(_school_quarter_end, number)))
        else:
            readings.append((DeadlineKind.CALENDAR_QUARTER, partial(_quarter_end, number)))
    return readings


def _ordinal(word: str) -> int | None:
    word = word.strip()
    if word in _ROMAN:
        return _ROMAN[word]
    if word[:1].isdigit():
        return int(word[0])
    return next((number for prefix, number in _ORDINAL_WORDS if word.startswith(prefix)), None)


def _month_number(word: str) -> int:
    return next(number for prefix, number in _MONTH_PREFIXES if word.startswith(prefix))


def _in_school_year(month: int, base: int) -> int:
    """The calendar year of ``month`` in the school year that starts in ``base``."""
    return base + 1 if FIRST_SPRING_MONTH <= month <= LAST_SPRING_MONTH else base


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_end(month: int, year: int | None, base: int) -> date:
    return _last_day(year if year is not None else _in_school_year(month, base), month)


def _date(match: re.Match[str], year: int | None, base: int) -> date | None:
    if match.re is _WORD_DATE:
        month = _month_number(match.group("month"))
    else:
        month = int(match.group("month"))
    if not 1 <= month <= 12:
        return None
    try:
        return date(
            year if year is not None else _in_school_year(month, base), month, int(match["day"])
        )
    except ValueError:
        return None  # 31.02


def _school_quarter_end(number: int, year: int | None, base: int) -> date:
    month, day = SCHOOL_QUARTER_ENDS[number]
    return date(year if year is not None else _in_school_year(month, base), month, day)


def _quarter_end(number: int, year: int | None, base: int) -> date:
    if year is None:
        year = base + 1 if number <= 2 else base
    return _last_day(year, number * 3)


def _half_year_end(number: int, year: int | None, base: int) -> date | None:
    if year is not None:
        return None  # "1 полугодие 2021": a calendar half or a school one?
    month, day = HALF_YEAR_ENDS[number]
    return date(_in_school_year(month, base), month, day)


def _full_year(written: str) -> int:
    return 2000 + int(written) if len(written) == 2 else int(written)


def _has_span(match: re.Match[str]) -> bool:
    return any(value for name, value in match.groupdict().items() if name.endswith("_first"))


def _span_year(match: re.Match[str]) -> int | None:
    """The first year of the school year in ``match``, if its second year follows the first."""
    groups = match.groupdict()
    for name, first in groups.items():
        if not name.endswith("_first") or first is None:
            continue
        second = groups[name.removesuffix("_first") + "_second"]
        start = int(first)
        follows = int(second) == (start + 1) % 100 if len(second) == 2 else int(second) == start + 1
        return start if follows else None
    return None
