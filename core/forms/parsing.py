"""Turning raw input into a typed answer or a Russian message. Never raises."""

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, time
from typing import Any
from urllib.parse import urlsplit

from core.forms.inputs import Accepted, Choice, Outcome, RawInput, Rejected, Selection, Text, Upload
from core.forms.models import Comparison, Question, QuestionType
from texts import forms as texts
from texts.plurals import OPTIONS, OPTIONS_GENITIVE, counted

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
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_NUMERIC_HOST = re.compile(r"^[0-9.]+$")
_PUNYCODE_TLD = re.compile(r"^xn--[a-z0-9-]*[a-z0-9]$")
MAX_URL_CHARS = 2000
# Not a school website whoever types it: the typing person's own computer.
LOCAL_HOSTS = ("localhost",)


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
        QuestionType.TABLE: texts.CHOOSE_BUTTON,
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
        if not (raw.other or "").strip():
            return Rejected(texts.OTHER_TEXT_EXPECTED)
        other = visible_trim(raw.other or "")
        if not has_letter_or_digit(other):
            return Rejected(texts.TEXT_NO_LETTERS)
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
    other = visible_trim(raw.other or "") if wants_other else None
    if wants_other and not (raw.other or "").strip():
        return Rejected(texts.OTHER_TEXT_EXPECTED)
    if other is not None and not has_letter_or_digit(other):
        return Rejected(texts.TEXT_NO_LETTERS)
    count = len(chosen)
    low, high = question.min_selected or 1, question.max_selected
    if high is not None and low == high and count != low:
        return Rejected(texts.SELECT_EXACTLY.format(count=counted(low, OPTIONS)))
    if count < low:
        return Rejected(texts.SELECT_AT_LEAST.format(count=counted(low, OPTIONS)))
    if high is not None and count > high:
        return Rejected(texts.SELECT_AT_MOST.format(count=counted(high, OPTIONS_GENITIVE)))
    value = {"selected": known + (["other"] if wants_other else []), "other": other}
    return _limited(value, other or "", 300)


def _option_by_label(question: Question, typed: str) -> str | None:
    wanted = _folded(typed)
    for index, option in enumerate(question.options, start=1):
        if wanted in (_folded(option.label), _folded(option.button_text), str(index)):
            return option.id
    return None


def _folded(text: str) -> str:
    return text.lower().replace("ё", "е")


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


def _invisible(char: str) -> bool:
    """Whitespace or a format character (zero-width space, word joiner, BOM, direction marks),
    but not a tag character, which ends some emoji flags."""
    return char.isspace() or (
        unicodedata.category(char) == "Cf" and not "\U000e0000" <= char <= "\U000e007f"
    )


def visible_trim(text: str) -> str:
    """``text`` without whitespace and invisible characters at either end."""
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def has_letter_or_digit(text: str) -> bool:
    """At least one letter or digit of any script (Unicode categories L* and N*)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def _text(question: Question, raw: RawInput, today: date) -> Outcome:
    if not isinstance(raw, Text) or not raw.text.strip():
        return Rejected(texts.TEXT_EXPECTED)
    # Zero-width and other invisible characters are no answer, however many there are.
    typed = visible_trim(raw.text)
    if not has_letter_or_digit(typed):
        return Rejected(texts.TEXT_NO_LETTERS)
    if len(typed) < question.min_length:
        return Rejected(texts.TEXT_TOO_SHORT.format(limit=question.min_length))
    return _limited(typed, typed, question.text_limit)


def _url(question: Question, raw: RawInput, today: date) -> Outcome:
    typed = _typed_text(raw)
    if not typed:
        return Rejected(texts.URL_EXPECTED)
    pieces = (visible_trim(part) for part in re.split(r"[\s,;]+", typed))
    parts = [part for part in pieces if part]
    if not parts:
        return Rejected(texts.URL_EXPECTED)
    if len(parts) > 1 and not question.several:
        return Rejected(texts.URL_ONLY_ONE)
    urls = []
    for part in parts:
        typed_scheme = _SCHEME.match(part) is not None
        url = part if typed_scheme else f"https://{part}"
        problem = _url_problem(url, typed_scheme=typed_scheme)
        if problem is not None:
            return Rejected(problem.format(url=part[:100]))
        urls.append(url)
    return Accepted(urls)


def _url_problem(url: str, *, typed_scheme: bool) -> str | None:
    """Why ``url`` is no link to a website (a text with {url} to fill in), or None.

    The host must be a domain name whose last part is a word (``ru``, ``рф``, ``xn--p1ai``), an
    IPv4 address of four numbers up to 255, or an IPv6 address in brackets; never this computer.
    """
    if len(url) > MAX_URL_CHARS:
        return texts.URL_BAD
    try:
        pieces = urlsplit(url)
        host = pieces.hostname or ""
        pieces.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        return texts.URL_BAD
    if pieces.scheme not in ("http", "https"):
        return texts.URL_BAD
    if "@" in pieces.netloc and not typed_scheme:
        return texts.URL_EMAIL
    if pieces.netloc.rpartition("@")[2].startswith("["):
        return _address_problem(host)
    if _NUMERIC_HOST.match(host) and "." in host:
        if host.count(".") == 3 and all(
            part.isdigit() and len(part) <= 3 and int(part) <= 255 for part in host.split(".")
        ):
            return _address_problem(host)
        return texts.URL_NO_DOMAIN
    return _domain_problem(unicodedata.normalize("NFC", host))


def _address_problem(host: str) -> str | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return texts.URL_BAD
    if address.is_loopback or address.is_unspecified:
        return texts.URL_LOCAL
    return None


def _domain_problem(host: str) -> str | None:
    labels = host.split(".")
    if labels[-1] in LOCAL_HOSTS:
        return texts.URL_LOCAL
    if len(labels) < 2 or not all(labels) or len(host) > 253:
        return texts.URL_BAD
    if not all(_host_label(label) for label in labels):
        return texts.URL_BAD
    top = labels[-1]
    if _PUNYCODE_TLD.match(top):
        return None
    kinds = [unicodedata.category(char)[0] for char in top]
    if len(top) < 2 or kinds[0] != "L" or not set(kinds) <= {"L", "M"}:
        return texts.URL_NO_DOMAIN
    return None


def _host_label(label: str) -> bool:
    """Letters of any script, digits, hyphens inside (and underscores, which browsers open)."""
    return (
        len(label) <= 63
        and not label.startswith("-")
        and not label.endswith("-")
        and all(char in "-_" or unicodedata.category(char)[0] in "LNM" for char in label)
    )


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
    QuestionType.TABLE: _group,
}
