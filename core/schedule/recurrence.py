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

**Any months.** A monitoring plan may name its own months ("1 раз в год, июнь"; "октябрь, май"):
``Months`` is such a recurrence, stored as ``months:6`` or ``months:5,10`` (ascending). Its rounds
are labelled like monthly ones, "<месяц> <год>" (``июнь 2027``), and a chain of them continues
from any label the bot writes (a month, a четверть, a полугодие or a school year), so a chain whose
months change goes on from its last round. A set of months equal to a named recurrence's is that
recurrence (``recurrence_of``: October and May are ``semiannual``, May alone ``yearly``), so
existing labels and stored values stay as they are. ``AnyRecurrence`` is either kind;
``parse_recurrence`` reads a stored value back, ``recurrence_months`` gives the anchor months.

``parse_periodicity`` reads a schedule's "Периодичность и сроки" cell (see its docstring).
"""

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal, TypeAlias


class Recurrence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"  # October and May
    YEARLY = "yearly"


MONTHS_PREFIX = "months:"


@dataclass(frozen=True, slots=True)
class Months:
    """A recurrence on chosen months of every year: ``Months((5, 10))`` is October and May.

    ``months`` are ascending, unique, 1–12; build one with ``recurrence_of`` to get a named
    recurrence instead when the months are a named one's.
    """

    months: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.months:
            raise ValueError("a recurrence needs at least one month")
        if list(self.months) != sorted(set(self.months)):
            raise ValueError(f"months must be ascending and unique: {self.months}")
        if not all(1 <= month <= 12 for month in self.months):
            raise ValueError(f"months must be 1-12: {self.months}")

    @property
    def value(self) -> str:
        """The stored value: ``months:5,10``."""
        return MONTHS_PREFIX + ",".join(str(month) for month in self.months)

    def __str__(self) -> str:
        return self.value


AnyRecurrence: TypeAlias = Recurrence | Months


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


def recurrence_months(recurrence: AnyRecurrence) -> frozenset[int]:
    """The anchor months of a recurrence (1–12)."""
    if isinstance(recurrence, Months):
        return frozenset(recurrence.months)
    return _ANCHOR_MONTHS[recurrence]


def recurrence_of(months: Iterable[int]) -> AnyRecurrence:
    """The recurrence on these months: a named one when its months are exactly these."""
    chosen = frozenset(months)
    for named, anchors in _ANCHOR_MONTHS.items():
        if anchors == chosen:
            return named
    return Months(tuple(sorted(chosen)))


def parse_recurrence(value: str) -> AnyRecurrence:
    """A stored recurrence (``monthly`` … ``yearly``, ``months:5,10``); ``ValueError`` if not."""
    if value.startswith(MONTHS_PREFIX):
        try:
            months = [int(part) for part in value.removeprefix(MONTHS_PREFIX).split(",")]
        except ValueError:
            raise ValueError(f"not a stored recurrence: {value!r}") from None
        if months != sorted(set(months)):
            raise ValueError(f"not a stored recurrence: {value!r}")
        return recurrence_of(Months(tuple(months)).months)
    try:
        return Recurrence(value)
    except ValueError:
        raise ValueError(f"not a stored recurrence: {value!r}") from None


def school_year_months(recurrence: AnyRecurrence) -> list[int]:
    """The anchor months in school-year order, September first."""
    months = recurrence_months(recurrence)
    order = [*range(SCHOOL_YEAR_START_MONTH, 13), *range(1, SCHOOL_YEAR_START_MONTH)]
    return [month for month in order if month in months]


_SCHOOL_YEAR = r"(\d{4})\s*/\s*(\d{2}|\d{4})"
_MONTHLY_LABEL = re.compile(r"([а-яё]+) (\d{4})")
_QUARTER_LABEL = re.compile(r"([1-4]) ?четверть " + _SCHOOL_YEAR)
_HALF_LABEL = re.compile(r"([12]) ?полугодие " + _SCHOOL_YEAR)
_YEAR_LABEL = re.compile(_SCHOOL_YEAR + r"(?: учебный год)?")


PeriodicityProblem: TypeAlias = Literal["unknown", "count_mismatch", "no_months", "ambiguous"]

# Month names as written in a schedule, any case and grammatical form: "май", "мая", "в мае",
# "июнь", "июне", "октябрь", "октября" (a word starting with the stem; "ма" must end the word).
_MONTH_STEMS = (
    r"январ",
    r"феврал",
    r"март",
    r"апрел",
    r"ма(?:й|я|е|ю)?(?![а-я])",
    r"июн",
    r"июл",
    r"август",
    r"сентябр",
    r"октябр",
    r"ноябр",
    r"декабр",
)
_MONTH_WORD = re.compile(
    r"(?<![а-я])(?:"
    + "|".join(f"(?P<m{index}>{stem})" for index, stem in enumerate(_MONTH_STEMS, 1))
    + ")"
)
# Any month word (a regex, no groups; ``written_months`` gives its number).
ANY_MONTH_PATTERN = "(?:" + "|".join(_MONTH_STEMS) + ")[а-я]*"
# "сентябрь — май", "сентябрь-май", "с сентября по май", "с сентября до мая": a range of months.
_MONTH_RANGE = re.compile(
    rf"(?<![а-я])с\s+(?P<a1>{ANY_MONTH_PATTERN})\s*(?:по|до)\s+(?P<b1>{ANY_MONTH_PATTERN})"
    rf"|(?<![а-я])(?P<a2>{ANY_MONTH_PATTERN})\s*[-–—]\s*(?P<b2>{ANY_MONTH_PATTERN})"
)
# "кроме июля и августа": the months after it, up to a bracket, ";" or "." , are left out.
_EXCEPT = re.compile(r"(?<![а-я])(?:кроме|за исключением)(?![а-я])(?P<months>[^);.]*)")
# A deadline: "до 1 сентября", "до 25 числа", "срок — 1 июня": its months are not rounds.
_DEADLINE = re.compile(r"(?<![а-я])(?:до\s+\d|срок)")
_TIMES_A_YEAR = re.compile(r"(?<!\d)(\d+)\s*раз[а]?\s+в\s+(?:учебный\s+)?год")
_NAMED_PERIODICITIES: tuple[tuple[re.Pattern[str], Recurrence], ...] = (
    (
        re.compile(r"ежемесячно|(?<!\d)(?:1\s*)?раз[а]?\s+в\s+месяц|каждый\s+месяц"),
        Recurrence.MONTHLY,
    ),
    (
        re.compile(
            r"ежеквартально|(?<!\d)(?:1\s*)?раз[а]?\s+в\s+(?:четверть|квартал)|по\s+четвертям"
            r"|(?<!\d)4\s*раза?\s+в\s+год"
        ),
        Recurrence.QUARTERLY,
    ),
    (
        re.compile(
            r"(?<!\d)2\s*раза?\s+в\s+год|(?<!\d)(?:1\s*)?раз[а]?\s+в\s+полугодие|по\s+полугодиям"
        ),
        Recurrence.SEMIANNUAL,
    ),
    (re.compile(r"ежегодно|(?<!\d)(?:1\s*)?раз[а]?\s+в\s+(?:учебный\s+)?год"), Recurrence.YEARLY),
)


class PeriodicityError(ValueError):
    """A periodicity that cannot be read: ``problem`` says why, ``text`` is what was written."""

    def __init__(self, problem: PeriodicityProblem, text: str, *, detail: str = "") -> None:
        reasons = {
            "unknown": "unknown periodicity",
            "count_mismatch": "the number of rounds does not match the months named",
            "no_months": "the periodicity names several rounds a year but not their months",
            "ambiguous": "the months of the rounds are ambiguous",
        }
        super().__init__(f"{reasons[problem]}: {text!r}{detail}")
        self.problem: PeriodicityProblem = problem
        self.text = text


def written_months(text: str) -> list[int]:
    """The months named in a text ("входной-октябрь, итоговый-май" → [10, 5]), as written."""
    found: list[int] = []
    normalized = text.lower().replace("ё", "е")
    for match in _MONTH_WORD.finditer(normalized):
        month = next(int(name[1:]) for name, value in match.groupdict().items() if value)
        if month not in found:
            found.append(month)
    return found


def parse_periodicity(text: str) -> AnyRecurrence:
    """The recurrence of a periodicity as a monitoring schedule writes it (seed 004).

    ``Ежемесячно``, ``1 раз в четверть`` (``ежеквартально``), ``2 раза в год`` (October and May),
    ``1 раз в год`` (``ежегодно``: May, the end of the school year). Months named in the text
    decide (``1 раз в год, июнь``; ``2 раз в год (входной-октябрь, итоговый-май)``; ``октябрь,
    май``; ``июнь``); the number of rounds a year written ("N раз(а) в год", "ежеквартально":
    4, "раз в полугодие": 2, "ежегодно": 1) must then match them. Months equal to a named
    recurrence's give it (October and May: ``semiannual``; May: ``yearly``).

    With a monthly word (``ежемесячно``, "раз в месяц", "12 раз в год") months name a range or
    an exclusion: ``Ежемесячно (сентябрь — май)`` / ``с сентября по май`` is September to May
    (over the new year), ``Ежемесячно, кроме июля и августа`` every month but those two. Months
    of a deadline ("до 1 сентября", "срок …") are not rounds. Anything that still does not say
    exactly which months — a range or an exclusion without a monthly word, months listed
    beside ``ежемесячно`` — raises ``PeriodicityError`` (a ``ValueError``) saying why, as does
    any other unreadable text: the months are never guessed.
    """
    normalized = " ".join(text.lower().replace("ё", "е").split())
    ranges: list[int] = []
    for found in _MONTH_RANGE.finditer(normalized):
        first = written_months(found["a1"] or found["a2"])
        last = written_months(found["b1"] or found["b2"])
        ranges.extend(_month_span(first[0], last[0]))
    rest = _MONTH_RANGE.sub(" ", normalized)
    if deadline := _DEADLINE.search(rest):
        rest = rest[: deadline.start()]
    excluded: list[int] = []
    for found in _EXCEPT.finditer(rest):
        excluded.extend(written_months(found["months"]))
    rest = _EXCEPT.sub(" ", rest)
    months = written_months(rest)
    times_found = _TIMES_A_YEAR.search(normalized)
    times = None if times_found is None else int(times_found[1])
    named = None
    if times is None:
        named = next(
            (kind for pattern, kind in _NAMED_PERIODICITIES if pattern.search(normalized)), None
        )
    if named is Recurrence.MONTHLY or times == 12:
        if months or (_EXCEPT.search(normalized) and not excluded):
            raise PeriodicityError("ambiguous", text, detail=" (months beside a monthly round)")
        chosen = set(ranges or range(1, 13)) - set(excluded)
        if not chosen:
            raise PeriodicityError("ambiguous", text, detail=" (no month left)")
        return recurrence_of(chosen)
    if ranges or excluded or _EXCEPT.search(normalized):
        raise PeriodicityError("ambiguous", text, detail=" (a range or exclusion of months)")
    expected = times
    if expected is None and named is not None:
        expected = len(_ANCHOR_MONTHS[named])
    if months:
        if expected is not None and expected != len(months):
            raise PeriodicityError(
                "count_mismatch", text, detail=f" ({expected} a year, {len(months)} months)"
            )
        return recurrence_of(months)
    if times is not None:
        by_count = {1: Recurrence.YEARLY, 2: Recurrence.SEMIANNUAL, 4: Recurrence.QUARTERLY}
        if times not in by_count:
            raise PeriodicityError("no_months", text)
        return by_count[times]
    if named is not None:
        return named
    raise PeriodicityError("unknown", text)


def _month_span(first: int, last: int) -> list[int]:
    """The months from ``first`` to ``last``, over the new year when ``last`` comes earlier."""
    span = [first]
    while span[-1] != last:
        span.append(span[-1] % 12 + 1)
    return span


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


def _next_anchor(recurrence: AnyRecurrence, after: int) -> int:
    """The first anchor month of ``recurrence`` strictly after month index ``after``."""
    anchors = recurrence_months(recurrence)
    index = after + 1
    while _year_month(index)[1] not in anchors:
        index += 1
    return index


# --- labels ------------------------------------------------------------------------------------


def school_year_label(start_year: int) -> str:
    """``2026/27`` for the school year starting in September 2026."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def _school_year_start(year: int, month: int) -> int:
    return year if month >= SCHOOL_YEAR_START_MONTH else year - 1


def _label(recurrence: AnyRecurrence, anchor: int) -> str:
    year, month = _year_month(anchor)
    if isinstance(recurrence, Months):
        return f"{MONTH_NAMES[month - 1]} {year}"
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


def _anchor_of(recurrence: AnyRecurrence, label: str) -> int:
    """The anchor month index of a round from its label; ``ValueError`` if it does not parse."""
    text = " ".join(label.lower().split())
    if isinstance(recurrence, Months):
        # A month first, then any named label: a chain whose months changed goes on.
        for kind in Recurrence:
            try:
                return _anchor_of(kind, label)
            except ValueError:
                continue
        raise ValueError(f"period label {label!r} is not a {recurrence} period")
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


def next_period(recurrence: AnyRecurrence, previous: Period) -> Period:
    """The round after ``previous``, keeping its opening and deadline offsets (see module doc)."""
    anchor = _anchor_of(recurrence, previous.label)
    following = _next_anchor(recurrence, anchor)
    months = following - anchor
    return Period(
        label=_label(recurrence, following),
        opens_on=_shift(previous.opens_on, months),
        deadline_on=_shift(previous.deadline_on, months),
    )


def first_period(recurrence: AnyRecurrence, today: date) -> Period:
    """The first round: this month's if it is an anchor month, else the next anchor month's."""
    anchor = _next_anchor(recurrence, _month_index(today.year, today.month) - 1)
    year, month = _year_month(anchor)
    return Period(
        label=_label(recurrence, anchor),
        opens_on=date(year, month, 1),
        deadline_on=date(year, month, _last_day(year, month)),
    )
