"""Recurring campaigns: the next round of a monitoring, with its Russian period label.

The periodicities are those of the Tomsk district monitoring schedule (seed 004): ежемесячно,
1 раз в четверть, 2 раза в год (входной — октябрь, итоговый — май), 1 раз в год.

Each round belongs to an *anchor month* — the month its reporting is about and its default
dates fall in. The school year starts on 1 September.

=========== ================================ =========================== ==========================
recurrence  anchor months                    label                       example
=========== ================================ =========================== ==========================
monthly     every month                      month (nominative) and year ``ноябрь 2026``
quarterly   last month of each четверть:     N четверть + school year    ``3 четверть 2026/27``
            Oct (Sep–Oct), Dec (Nov–Dec),                                (March 2027)
            Mar (Jan–Mar), May (Apr–May)
semiannual  October and May                  N полугодие + school year   ``2 полугодие 2026/27``
                                                                         (May 2027)
yearly      May (end of the school year)     school year                 ``2026/27 учебный год``
=========== ================================ =========================== ==========================

Quarters are simplified to whole months (real четверти end in late October, December, March and
May); summer has no quarter, so the round after the 4th is the 1st of the next school year.

``next_period`` finds the previous round's anchor from its label (``ValueError`` if the label is
not one of the forms above), moves to the next anchor month and shifts both dates by the same
number of months, so each round keeps the previous one's offsets within its period. A shifted day
is clamped to the month's end (31 January → 28/29 February), and a date on the last day of its
month stays on the last day (28 February → 31 March), so "until the end of the month" deadlines
survive a chain. (A deadline on 30 January therefore becomes 28 February and then 31 March.)

``first_period`` creates the first round of a recurring campaign: the round whose anchor month
is the current month or the next one with an anchor, open from the 1st to the last day of that
month. Its ``opens_on`` may be in the past when created mid-month; the caller opens it at once.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Recurrence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"  # October and May
    YEARLY = "yearly"


@dataclass(frozen=True)
class Period:
    """One round of a recurring campaign: its label and its local opening and deadline dates."""

    label: str
    opens_on: date
    deadline_on: date

    def __post_init__(self) -> None:
        if self.deadline_on < self.opens_on:
            raise ValueError(f"deadline {self.deadline_on} is before opening {self.opens_on}")


MONTH_NAMES = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
SCHOOL_YEAR_START_MONTH = 9

# The Nth round of a school year: (years after the school year's start, month).
_QUARTERS = {1: (0, 10), 2: (0, 12), 3: (1, 3), 4: (1, 5)}
_HALVES = {1: (0, 10), 2: (1, 5)}
_YEAR_ROUND = (1, 5)

_ANCHOR_MONTHS: dict[Recurrence, frozenset[int]] = {
    Recurrence.MONTHLY: frozenset(range(1, 13)),
    Recurrence.QUARTERLY: frozenset(month for _, month in _QUARTERS.values()),
    Recurrence.SEMIANNUAL: frozenset(month for _, month in _HALVES.values()),
    Recurrence.YEARLY: frozenset({_YEAR_ROUND[1]}),
}

_SCHOOL_YEAR = r"(\d{4})\s*/\s*(\d{2}|\d{4})"
_MONTHLY_LABEL = re.compile(r"([а-яё]+) (\d{4})")
_QUARTER_LABEL = re.compile(r"([1-4]) ?четверть " + _SCHOOL_YEAR)
_HALF_LABEL = re.compile(r"([12]) ?полугодие " + _SCHOOL_YEAR)
_YEAR_LABEL = re.compile(_SCHOOL_YEAR + r"(?: учебный год)?")


def parse_periodicity(text: str) -> Recurrence:
    """The recurrence of a periodicity as the seed 004 schedule writes it.

    ``Ежемесячно``, ``1 раз в четверть``, ``2 раза в год (входной-октябрь, итоговый-май)``,
    ``1 раз в год, Май``. Anything else raises ``ValueError``.
    """
    normalized = " ".join(text.lower().split())
    if normalized.startswith("ежемесячно"):
        return Recurrence.MONTHLY
    if re.match(r"(1 раз в четверть|ежеквартально)", normalized):
        return Recurrence.QUARTERLY
    if re.match(r"2 раза? в год", normalized):
        return Recurrence.SEMIANNUAL
    if re.match(r"(1 раз в год|ежегодно)", normalized):
        return Recurrence.YEARLY
    raise ValueError(f"unknown periodicity: {text!r}")


# --- months as plain integers: year * 12 + (month - 1) -----------------------------------------


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _year_month(index: int) -> tuple[int, int]:
    year, month0 = divmod(index, 12)
    return year, month0 + 1


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _shift(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's end; a month's end stays its end."""
    year, month = _year_month(_month_index(day.year, day.month) + months)
    last = _last_day(year, month)
    if day.day == _last_day(day.year, day.month):
        return date(year, month, last)
    return date(year, month, min(day.day, last))


def _next_anchor(recurrence: Recurrence, after: int) -> int:
    """The first anchor month of ``recurrence`` strictly after month index ``after``."""
    index = after + 1
    while _year_month(index)[1] not in _ANCHOR_MONTHS[recurrence]:
        index += 1
    return index


# --- labels ------------------------------------------------------------------------------------


def school_year_label(start_year: int) -> str:
    """``2026/27`` for the school year starting in September 2026."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def _school_year_start(year: int, month: int) -> int:
    return year if month >= SCHOOL_YEAR_START_MONTH else year - 1


def _label(recurrence: Recurrence, anchor: int) -> str:
    year, month = _year_month(anchor)
    school_year = school_year_label(_school_year_start(year, month))
    match recurrence:
        case Recurrence.MONTHLY:
            return f"{MONTH_NAMES[month - 1]} {year}"
        case Recurrence.QUARTERLY:
            return f"{_round_number(_QUARTERS, month)} четверть {school_year}"
        case Recurrence.SEMIANNUAL:
            return f"{_round_number(_HALVES, month)} полугодие {school_year}"
        case Recurrence.YEARLY:
            return f"{school_year} учебный год"


def _round_number(rounds: dict[int, tuple[int, int]], month: int) -> int:
    return next(number for number, (_, round_month) in rounds.items() if round_month == month)


def _parse_school_year(first: str, second: str, label: str) -> int:
    start = int(first)
    expected = (start + 1) % 100 if len(second) == 2 else start + 1
    if int(second) != expected:
        raise ValueError(f"not a school year in period label {label!r}")
    return start


def _anchor_in_school_year(start_year: int, offset: tuple[int, int]) -> int:
    years, month = offset
    return _month_index(start_year + years, month)


def _anchor_of(recurrence: Recurrence, label: str) -> int:
    """The anchor month index of a round from its label; ``ValueError`` if it does not parse."""
    text = " ".join(label.lower().split())
    match recurrence:
        case Recurrence.MONTHLY:
            if (found := _MONTHLY_LABEL.fullmatch(text)) and found[1] in MONTH_NAMES:
                return _month_index(int(found[2]), MONTH_NAMES.index(found[1]) + 1)
        case Recurrence.QUARTERLY:
            if found := _QUARTER_LABEL.fullmatch(text):
                start = _parse_school_year(found[2], found[3], label)
                return _anchor_in_school_year(start, _QUARTERS[int(found[1])])
        case Recurrence.SEMIANNUAL:
            if found := _HALF_LABEL.fullmatch(text):
                start = _parse_school_year(found[2], found[3], label)
                return _anchor_in_school_year(start, _HALVES[int(found[1])])
        case Recurrence.YEARLY:
            if found := _YEAR_LABEL.fullmatch(text):
                start = _parse_school_year(found[1], found[2], label)
                return _anchor_in_school_year(start, _YEAR_ROUND)
    raise ValueError(f"period label {label!r} is not a {recurrence} period")


# --- rounds ------------------------------------------------------------------------------------


def next_period(recurrence: Recurrence, previous: Period) -> Period:
    """The round after ``previous``, keeping its opening and deadline offsets (see module doc)."""
    anchor = _anchor_of(recurrence, previous.label)
    following = _next_anchor(recurrence, anchor)
    months = following - anchor
    return Period(
        label=_label(recurrence, following),
        opens_on=_shift(previous.opens_on, months),
        deadline_on=_shift(previous.deadline_on, months),
    )


def first_period(recurrence: Recurrence, today: date) -> Period:
    """The first round: this month's if it is an anchor month, else the next anchor month's."""
    anchor = _next_anchor(recurrence, _month_index(today.year, today.month) - 1)
    year, month = _year_month(anchor)
    return Period(
        label=_label(recurrence, anchor),
        opens_on=date(year, month, 1),
        deadline_on=date(year, month, _last_day(year, month)),
    )
