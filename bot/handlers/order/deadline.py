"""The instructions' deadline: the quick choices and the rule a typed date must keep."""

import calendar
from datetime import date, timedelta
from enum import Enum

from core.forms.parsing import parse_date


class Problem(Enum):
    NOT_A_DATE = "not a date"
    PAST = "past"
    TOO_FAR = "too far"


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day (31.01 →
    28.02)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quick_dates(today: date) -> list[date]:
    """In a week, in two weeks, in a month."""
    return [today + timedelta(days=7), today + timedelta(days=14), months_later(today, 1)]


def latest(today: date) -> date:
    """A deadline further than a year ahead is a typo, not a plan."""
    return months_later(today, 12)


def checked(day: date, today: date) -> Problem | None:
    if day < today:
        return Problem.PAST
    if day > latest(today):
        return Problem.TOO_FAR
    return None


def read_deadline(text: str, today: date) -> date | Problem:
    """A typed date (10.03.2027, 10.03, 10.03.27) that is today or later, within a year."""
    day = parse_date(text, today)
    if day is None:
        return Problem.NOT_A_DATE
    return checked(day, today) or day
