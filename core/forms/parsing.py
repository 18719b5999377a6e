"""Turning raw input into a typed answer or a Russian message. Never raises."""

import re
from collections.abc import Callable, Mapping
from datetime import date, time
from typing import Any
from urllib.parse import urlsplit

from core.forms.inputs import Accepted, Choice, Outcome, RawInput, Rejected, Selection, Text, Upload
from core.forms.models import Comparison, Question, QuestionType
from texts import forms as texts

MAX_FILE_BYTES = 20 * 1024 * 1024  # what a bot may download from Telegram
MAX_NUMBER_CHARS = 15  # also keeps int() away from its 4300-digit limit
TRUE_WORDS = frozenset({"да", "yes", "+", "1", "true", "есть"})
FALSE_WORDS = frozenset({"нет", "no", "-", "0", "false"})
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_GRADE_PART = re.compile(r"^(\d{1,2})(?:\s*[-–—]\s*(\d{1,2}))?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Starts only right after a digit, so a long run of spaces is scanned once, not quadratically.
_DASH_SPACES = re.compile(r"(?<=\d)\s*([-–—])\s*")
_GRADE_WORD = re.compile(r"(?:-?х|кл(?:асс(?:ы|ов|а)?)?\.?)$", re.IGNORECASE)


def parse(question: Question, raw: RawInput, *, today: date, answers: Mapping[str, Any]) -> Outcome:
    """The typed value of ``raw`` as an answer to ``question``, or why it is not one."""
    try:
        outcome = _PARSERS[question.type](question, raw, today)
    except (ValueError, OverflowError, TypeError):
        outcome = Rejected(_expected(question))
    if isinstance(outcome, Accepted) and question.checks:
        return _cross_checks(question, outcome, answers)
    return outcome


def _expected(question: Question) -> str:
    return {
        QuestionType.YES_NO: texts.YES_NO_EXPECTED,
        QuestionType.SINGLE: texts.CHOOSE_BUTTON,
        QuestionType.MULTI: texts.CHOOSE_BUTTON,
        QuestionType.INTEGER: texts.INTEGER_EXPECTED,
        QuestionType.DECIMAL: texts.DECIMAL_EXPECTED,
        QuestionType.PERCENT: texts.PERCENT_EXPECTED,
        QuestionType.DATE: texts.DATE_EXPECTED,
        QuestionType.TEXT: texts.TEXT_EXPECTED,
        QuestionType.LONG_TEXT: texts.TEXT_EXPECTED,
        QuestionType.URL: texts.URL_EXPECTED,
        QuestionType.GRADES: texts.GRADES_EXPECTED,
        QuestionType.FILE: texts.FILE_EXPECTED,
        QuestionType.GROUP: texts.CHOOSE_BUTTON,
    }[question.type]


def _typed_text(raw: RawInput) -> str | None:
    return raw.text.strip() if isinstance(raw, Text) else None


def _yes_no(question: Question, raw: RawInput, today: date) -> Outcome:
    word = raw.option if isinstance(raw, Choice) else (_typed_text(raw) or "").lower().rstrip(".!")
    if word in ("yes", *TRUE_WORDS):
        return Accepted(True)
    if word in ("no", *FALSE_WORDS):
        return Accepted(False)
    return Rejected(texts.YES_NO_EXPECTED)


def _single(question: Question, raw: RawInput, today: date) -> Outcome:
    if isinstance(raw, Choice) and question.option(raw.option):
        return Accepted({"selected": raw.option, "other": None})
    if isinstance(raw, Selection) and raw.options == ("other",) and question.other:
        other = (raw.other or "").strip()
        if not other:
            return Rejected(texts.OTHER_TEXT_EXPECTED)
        return _limited({"selected": "other", "other": other}, other, 300)
    typed = _typed_text(raw)
    if typed:
        option = _option_by_label(question, typed)
        if option is not None:
            return Accepted({"selected": option, "other": None})
    return Rejected(texts.CHOOSE_BUTTON)


def _multi(question: Question, raw: RawInput, today: date) -> Outcome:
    if not isinstance(raw, Selection):
        return Rejected(texts.CHOOSE_BUTTON)
    chosen = set(raw.options)
    known = [option.id for option in question.options if option.id in chosen]
    wants_other = "other" in chosen and question.other
    if len(known) + wants_other != len(chosen):
        return Rejected(texts.CHOOSE_BUTTON)
    other = (raw.other or "").strip() if wants_other else None
    if wants_other and not other:
        return Rejected(texts.OTHER_TEXT_EXPECTED)
    count = len(chosen)
    low, high = question.min_selected or 1, question.max_selected
    if high is not None and low == high and count != low:
        return Rejected(texts.SELECT_EXACTLY.format(count=texts.OPTION_COUNT.format(count=low)))
    if count < low:
        return Rejected(texts.SELECT_AT_LEAST.format(count=texts.OPTION_COUNT.format(count=low)))
    if high is not None and count > high:
        return Rejected(texts.SELECT_AT_MOST.format(count=texts.OPTION_COUNT.format(count=high)))
    value = {"selected": known + (["other"] if wants_other else []), "other": other}
    return _limited(value, other or "", 300)


def _option_by_label(question: Question, typed: str) -> str | None:
    wanted = typed.lower().replace("ё", "е")
    for index, option in enumerate(question.options, start=1):
        if wanted in (option.label.lower().replace("ё", "е"), str(index)):
            return option.id
    return None


def _number(
    question: Question, raw: RawInput, pattern: re.Pattern[str], message: str
) -> float | Rejected:
    typed = _typed_text(raw)
    if typed is None:
        return Rejected(message)
    compact = _SPACES.sub("", typed)
    if question.type is QuestionType.PERCENT:
        compact = compact.removesuffix("%")
    for unit in (question.unit or "").split("|"):
        if unit and compact.endswith(unit.replace(" ", "")):
            compact = compact.removesuffix(unit.replace(" ", ""))
            break
    if len(compact) > MAX_NUMBER_CHARS or not pattern.match(compact):
        return Rejected(message)
    number = float(compact.replace(",", "."))
    low = (
        question.min
        if question.min is not None
        else (0 if question.type is QuestionType.PERCENT else None)
    )
    high = (
        question.max
        if question.max is not None
        else (100 if question.type is QuestionType.PERCENT else None)
    )
    if low is not None and number < low:
        return Rejected(texts.TOO_SMALL.format(limit=_number_text(low)))
    if high is not None and number > high:
        return Rejected(texts.TOO_LARGE.format(limit=_number_text(high)))
    return number


def _integer(question: Question, raw: RawInput, today: date) -> Outcome:
    number = _number(question, raw, _INTEGER, texts.INTEGER_EXPECTED)
    return number if isinstance(number, Rejected) else Accepted(int(number))


def _decimal(question: Question, raw: RawInput, today: date) -> Outcome:
    number = _number(question, raw, _DECIMAL, texts.DECIMAL_EXPECTED)
    return number if isinstance(number, Rejected) else Accepted(number)


def _percent(question: Question, raw: RawInput, today: date) -> Outcome:
    number = _number(question, raw, _DECIMAL, texts.PERCENT_EXPECTED)
    return number if isinstance(number, Rejected) else Accepted(number)


def _number_text(number: float) -> str:
    return f"{number:g}".replace(".", ",")


def parse_date(text: str, today: date) -> date | None:
    """дд.мм.гггг, дд.мм.гг, дд.мм (this year) or гггг-мм-дд; None when it is no date."""
    text = text.strip()
    iso = _ISO_DATE.match(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        match = _DATE.match(text)
        if not match:
            return None
        day, month = int(match.group(1)), int(match.group(2))
        year_text = match.group(3)
        year = today.year if year_text is None else int(year_text)
        if year_text is not None and len(year_text) == 2:
            year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date_time(text: str, today: date) -> tuple[date, time | None] | None:
    """A date (as ``parse_date`` reads it) optionally followed by ЧЧ:ММ; None when it is neither."""
    parts = text.split()
    if not 1 <= len(parts) <= 2:
        return None
    day = parse_date(parts[0], today)
    if day is None:
        return None
    if len(parts) == 1:
        return day, None
    clock = _TIME.match(parts[1])
    if clock is None:
        return None
    hour, minute = int(clock.group(1)), int(clock.group(2))
    if hour > 23 or minute > 59:
        return None
    return day, time(hour, minute)


def _date(question: Question, raw: RawInput, today: date) -> Outcome:
    if isinstance(raw, Choice) and raw.option == "today":
        given: date | None = today
    else:
        typed = _typed_text(raw)
        given = None if typed is None else parse_date(typed, today)
    if given is None:
        return Rejected(texts.DATE_EXPECTED)
    if question.not_in_future and given > today:
        return Rejected(texts.DATE_IN_FUTURE.format(today=today.strftime("%d.%m.%Y")))
    if question.min_date and given < question.min_date:
        return Rejected(texts.DATE_TOO_EARLY.format(limit=question.min_date.strftime("%d.%m.%Y")))
    if question.max_date and given > question.max_date:
        return Rejected(texts.DATE_TOO_LATE.format(limit=question.max_date.strftime("%d.%m.%Y")))
    return Accepted(given.isoformat())


def _limited(value: object, text: str, limit: int) -> Outcome:
    if len(text) > limit:
        return Rejected(texts.TEXT_TOO_LONG.format(length=len(text), limit=limit))
    return Accepted(value)


def _text(question: Question, raw: RawInput, today: date) -> Outcome:
    typed = _typed_text(raw)
    if not typed:
        return Rejected(texts.TEXT_EXPECTED)
    if len(typed) < question.min_length:
        return Rejected(texts.TEXT_TOO_SHORT.format(limit=question.min_length))
    return _limited(typed, typed, question.text_limit)


def _url(question: Question, raw: RawInput, today: date) -> Outcome:
    typed = _typed_text(raw)
    if not typed:
        return Rejected(texts.URL_EXPECTED)
    parts = [part for part in re.split(r"[\s,;]+", typed) if part]
    if not parts:
        return Rejected(texts.URL_EXPECTED)
    if len(parts) > 1 and not question.several:
        return Rejected(texts.URL_ONLY_ONE)
    urls = []
    for part in parts:
        url = part if "://" in part else f"https://{part}"
        pieces = urlsplit(url)
        host = pieces.hostname or ""
        if (
            pieces.scheme not in ("http", "https")
            or "." not in host
            or host.startswith(".")
            or host.endswith(".")
            or len(url) > 2000
        ):
            return Rejected(texts.URL_BAD.format(url=part[:100]))
        urls.append(url)
    return Accepted(urls)


def parse_grades(text: str) -> list[int] | None:
    """ "5-9, 11", "5 – 9 кл.", "9, 11 классы" -> the grades; None when it is not grades."""
    grades: set[int] = set()
    text = _DASH_SPACES.sub(r"\1", text.strip())
    for part in re.split(r"[,;\s]+", text):
        part = _GRADE_WORD.sub("", part.strip())
        if not part:
            continue
        match = _GRADE_PART.match(part)
        if not match:
            return None
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first > last:
            return None
        grades.update(range(first, last + 1))
    return sorted(grades) or None


def _grades(question: Question, raw: RawInput, today: date) -> Outcome:
    if isinstance(raw, Selection):
        if not all(option.isdigit() and len(option) <= 2 for option in raw.options):
            return Rejected(texts.GRADES_EXPECTED)
        grades: list[int] | None = sorted({int(option) for option in raw.options}) or None
    else:
        typed = _typed_text(raw)
        grades = None if typed is None else parse_grades(typed)
    if not grades:
        return Rejected(texts.GRADES_EXPECTED)
    if grades[0] < 1 or grades[-1] > 11:
        return Rejected(texts.GRADES_OUT_OF_RANGE)
    return Accepted(grades)


def _file(question: Question, raw: RawInput, today: date) -> Outcome:
    if not isinstance(raw, Upload):
        return Rejected(texts.FILE_EXPECTED)
    if raw.size > MAX_FILE_BYTES:
        return Rejected(texts.FILE_TOO_LARGE.format(size=file_size_text(raw.size)))
    return Accepted(
        {
            "file_id": raw.file_id,
            "file_unique_id": raw.file_unique_id,
            "name": raw.name,
            "size": raw.size,
            "mime": raw.mime,
            "kind": raw.kind,
        }
    )


def file_size_text(size: int) -> str:
    if size < 1024 * 1024:
        return texts.KILOBYTES.format(size=max(1, round(size / 1024)))
    return texts.MEGABYTES.format(size=_number_text(round(size / 1024 / 1024, 1)))


def _group(question: Question, raw: RawInput, today: date) -> Outcome:
    return Rejected(texts.CHOOSE_BUTTON)


def _cross_checks(question: Question, outcome: Accepted, answers: Mapping[str, Any]) -> Outcome:
    value = outcome.value
    assert isinstance(value, int | float)
    for check in question.checks:
        other = answers.get(check.question)
        if not isinstance(other, int | float) or isinstance(other, bool):
            continue
        holds = value >= other if check.compare is Comparison.GE else value <= other
        if not holds:
            return Rejected(check.message)
    return outcome


_PARSERS: dict[QuestionType, Callable[[Question, RawInput, date], Outcome]] = {
    QuestionType.YES_NO: _yes_no,
    QuestionType.SINGLE: _single,
    QuestionType.MULTI: _multi,
    QuestionType.INTEGER: _integer,
    QuestionType.DECIMAL: _decimal,
    QuestionType.PERCENT: _percent,
    QuestionType.DATE: _date,
    QuestionType.TEXT: _text,
    QuestionType.LONG_TEXT: _text,
    QuestionType.URL: _url,
    QuestionType.GRADES: _grades,
    QuestionType.FILE: _file,
    QuestionType.GROUP: _group,
}
