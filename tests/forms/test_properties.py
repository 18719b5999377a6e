"""Property tests: whatever a person sends, parsing answers calmly and displays what it keeps."""

import ipaddress
import json
import os
import re
import unicodedata
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog import builtin_forms
from core.forms.display import format_answer, grade_ranges
from core.forms.inputs import (
    Accepted,
    Choice,
    RawInput,
    Rejected,
    Selection,
    Text,
    Unsupported,
    Upload,
)
from core.forms.models import Question, QuestionType
from core.forms.parsing import parse, parse_grades
from tests.forms.builders import make_question, options

# FORMS_MAX_EXAMPLES=5000 for a longer hunt; the default keeps the suite fast.
SETTINGS = settings(
    max_examples=int(os.environ.get("FORMS_MAX_EXAMPLES", "200")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
RUSSIAN = re.compile(r"[А-Яа-яЁё]")
CHECK = {"compare": "<=", "question": "total", "message": "Больше, чем всего."}
AT_LEAST = {"compare": ">=", "question": "floor", "message": "Меньше минимума."}

SYNTHETIC = [
    make_question("yes_no", "yes_no"),
    make_question("single", "single_choice", options=options("a", "b", "c")),
    make_question("single_other", "single_choice", options=options("a", "b"), other=True),
    make_question("multi", "multi_choice", options=options("a", "b", "c", "d")),
    make_question(
        "multi_bounded",
        "multi_choice",
        options=options("a", "b", "c", "d"),
        other=True,
        min_selected=2,
        max_selected=3,
    ),
    make_question("integer", "integer"),
    make_question("integer_unit", "integer", min=0, max=5000, unit="чел."),
    make_question("integer_checked", "integer", min=0, checks=[CHECK, AT_LEAST]),
    make_question("decimal", "decimal", min=-1.5, max=1e6, unit="ч"),
    make_question("decimal_checked", "decimal", checks=[CHECK]),
    make_question("percent", "percent"),
    make_question("percent_checked", "percent", checks=[AT_LEAST]),
    make_question("date", "date"),
    make_question("date_past", "date", not_in_future=True),
    make_question("date_bounded", "date", min_date="2020-09-01", max_date="2021-08-31"),
    make_question("text", "text"),
    make_question("text_bounded", "text", min_length=3, max_length=20),
    make_question("long_text", "long_text"),
    make_question("url", "url"),
    make_question("urls", "url", several=True),
    make_question("grades", "grades"),
    make_question("file", "file"),
    make_question("group", "group", questions=[{"id": "x", "type": "text", "text": "Икс"}]),
    make_question(
        "table",
        "table",
        key=["subject"],
        questions=[
            {
                "id": "subject",
                "type": "single_choice",
                "text": "Предмет",
                "options": [{"id": "math", "label": "Математика"}],
            },
            {"id": "fail", "type": "percent", "text": "Доля «2»", "short": "«2»"},
        ],
    ),
]
BUILTIN = [
    asked
    for form in builtin_forms().values()
    for question in form.questions
    for asked in [question, *question.questions]
]
QUESTIONS = SYNTHETIC + BUILTIN
ANSWER_IDS = sorted({"total", "floor", *(q.id for q in QUESTIONS)})


def test_synthetic_questions_cover_every_type() -> None:
    assert {q.type for q in SYNTHETIC} == set(QuestionType)


# --- strategies ---

ODD_TEXTS = [
    "",
    " ",
    "\x00",
    "\x1b[31m",
    "\u202eманиферт\u202c",
    "\u200f",
    "שלום",
    "مرحبا ١٢٣",
    "١٢",
    "٣-٥",
    "²",
    "👍🏽",
    "👨‍👩‍👧",
    "\ufeff12",
    "12\n",
    "1" * 16,
    "9" * 5000,
    "-",
    "%",
    "5-",
    "http://[",
    "https://",
    "javascript:alert(1)",
    "..",
    ",;,;",
    "31.02.2021",
    "00.00.0000",
    "29.02",
    "nan",
    "inf",
    "1e309",
    "0x1F",
]

long_texts = st.builds(
    lambda piece, times: (piece * times)[:100_000],
    st.text(min_size=1, max_size=12),
    st.integers(min_value=1, max_value=100_000),
)
odd_characters = st.text(
    alphabet=st.characters(categories=["Cc", "Cf", "So", "Sk", "Zs", "Zl", "Nd", "Mn"]),
    max_size=50,
)
number_texts = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**6), max_value=10**9).map(lambda n: f"{n:,}".replace(",", " ")),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda f: f"{f:.3f}".replace(".", ",")),
    st.tuples(st.integers(-5, 200), st.sampled_from(["%", " %", " чел.", "чел", " ч", ""])).map(
        lambda pair: f"{pair[0]}{pair[1]}"
    ),
)
DATE_FORMATS = ["%d.%m.%Y", "%d.%m", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%-d.%-m.%Y"]
date_texts = st.one_of(
    st.builds(
        lambda day, fmt: day.strftime(fmt),
        st.dates(min_value=date(1000, 1, 1)),
        st.sampled_from(DATE_FORMATS),
    ),
    st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99999)).map(
        lambda parts: ".".join(str(part) for part in parts)
    ),
)
grade_texts = st.lists(
    st.one_of(
        st.integers(-3, 30).map(str),
        st.tuples(st.integers(-3, 30), st.integers(-3, 30)).map(lambda p: f"{p[0]}-{p[1]}"),
        st.sampled_from(["кл.", "классы", "9-х", "–", " - "]),
    ),
    max_size=12,
).map(", ".join)
url_texts = st.builds(
    lambda scheme, host, tld, path: f"{scheme}{host}{tld}{path}",
    st.sampled_from(["", "http://", "https://", "ftp://", "//", "HTTPS://"]),
    st.text(max_size=20),
    st.sampled_from(["", ".ru", ".рф", ".", ".tomsk.ru", ".xn--p1ai", ".5", ".0001", ".r"]),
    st.text(max_size=20),
)
# Hosts made of the pieces a host name has: labels of letters and digits, dots, invisibles.
host_texts = st.builds(
    lambda scheme, labels, path: scheme + ".".join(labels) + path,
    st.sampled_from(["", "https://", "http://"]),
    st.lists(
        st.text(alphabet="ab1-_9щ\u200b.", max_size=6) | st.integers(0, 300).map(str),
        max_size=5,
    ),
    st.sampled_from(["", "/", "/plan.pdf", ":8080"]),
)
any_text = st.one_of(
    st.text(),
    st.sampled_from(ODD_TEXTS),
    odd_characters,
    long_texts,
    number_texts,
    date_texts,
    grade_texts,
    url_texts,
)
uploads = st.builds(
    Upload,
    file_id=st.text(max_size=30),
    file_unique_id=st.text(max_size=30),
    name=st.text(),
    size=st.integers(min_value=-10, max_value=10**11),
    mime=st.none() | st.text(max_size=30),
    kind=st.sampled_from(["document", "photo", "video"]),
)
answer_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(0, 12), max_size=5),
)
answer_maps = st.dictionaries(st.sampled_from(ANSWER_IDS), answer_values, max_size=6)


def option_ids(question: Question) -> list[str]:
    return [option.id for option in question.options]


@st.composite
def raw_inputs(draw: st.DrawFn, question: Question) -> RawInput:
    known = [*option_ids(question), "other", "yes", "no", "today", *map(str, range(13))]
    choice_ids = st.one_of(st.sampled_from(known), st.text(max_size=20))
    selected = st.lists(choice_ids, max_size=8).map(tuple)
    kind = draw(st.sampled_from(["text", "choice", "selection", "upload", "unsupported"]))
    if kind == "text":
        return Text(draw(any_text))
    if kind == "choice":
        return Choice(draw(choice_ids))
    if kind == "selection":
        return Selection(draw(selected), draw(st.none() | any_text))
    if kind == "upload":
        return draw(uploads)
    return Unsupported(draw(st.text(max_size=20)))


def assert_calm(question: Question, raw: RawInput, today: date, answers: dict[str, Any]) -> None:
    outcome = parse(question, raw, today=today, answers=answers)
    assert isinstance(outcome, Accepted | Rejected)
    if isinstance(outcome, Rejected):
        assert outcome.message.strip()
        assert RUSSIAN.search(outcome.message)
        return
    json.dumps(outcome.value, allow_nan=False)
    shown = format_answer(question, outcome.value)
    assert isinstance(shown, str)


# --- never raises, always explains, keeps only what it can show ---


@SETTINGS
@given(data=st.data(), today=st.dates(), answers=answer_maps)
def test_any_input_for_any_question(
    data: st.DataObject, today: date, answers: dict[str, Any]
) -> None:
    question = data.draw(st.sampled_from(QUESTIONS))
    raw = data.draw(raw_inputs(question))
    assert_calm(question, raw, today, answers)


@SETTINGS
@given(question=st.sampled_from(QUESTIONS), text=any_text, today=st.dates())
def test_any_text_for_any_question(question: Question, text: str, today: date) -> None:
    assert_calm(question, Text(text), today, {})


@SETTINGS
@given(
    question=st.sampled_from(
        [q for q in QUESTIONS if q.type in (QuestionType.INTEGER, QuestionType.DECIMAL)]
        + [q for q in QUESTIONS if q.type is QuestionType.PERCENT]
    ),
    text=number_texts,
    answers=answer_maps,
)
def test_numbers_as_text(question: Question, text: str, answers: dict[str, Any]) -> None:
    assert_calm(question, Text(text), date(2021, 3, 10), answers)


@SETTINGS
@given(
    question=st.sampled_from([q for q in QUESTIONS if q.type is QuestionType.DATE]),
    raw=st.one_of(date_texts.map(Text), st.just(Choice("today"))),
    today=st.dates(),
)
def test_dates(question: Question, raw: RawInput, today: date) -> None:
    assert_calm(question, raw, today, {})
    outcome = parse(question, raw, today=today, answers={})
    if isinstance(outcome, Accepted):
        given_date = date.fromisoformat(str(outcome.value))
        if question.not_in_future:
            assert given_date <= today
        if question.min_date:
            assert given_date >= question.min_date


@SETTINGS
@given(data=st.data())
def test_selections_for_choices(data: st.DataObject) -> None:
    question = data.draw(
        st.sampled_from(
            [q for q in QUESTIONS if q.type in (QuestionType.SINGLE, QuestionType.MULTI)]
        )
    )
    ids = [*option_ids(question), "other"]
    chosen = data.draw(st.lists(st.sampled_from(ids), max_size=len(ids)).map(tuple))
    other = data.draw(st.none() | any_text)
    raw = Selection(chosen, other)
    assert_calm(question, raw, date(2021, 3, 10), {})
    outcome = parse(question, raw, today=date(2021, 3, 10), answers={})
    if isinstance(outcome, Accepted) and question.type is QuestionType.MULTI:
        assert isinstance(outcome.value, dict)
        selected = outcome.value["selected"]
        low = question.min_selected or 1
        high = question.max_selected or len(ids)
        assert low <= len(selected) <= high
        assert len(set(selected)) == len(selected)


@SETTINGS
@given(grades=st.lists(st.integers(min_value=1, max_value=11), min_size=1))
def test_grades_round_trip(grades: list[int]) -> None:
    written = grade_ranges(grades)
    assert parse_grades(written) == sorted(set(grades))
    asked = make_question("grades", "grades")
    outcome = parse(asked, Text(written), today=date(2021, 3, 10), answers={})
    assert outcome == Accepted(sorted(set(grades)))
    assert format_answer(asked, sorted(set(grades))) == f"{written} кл."


@SETTINGS
@given(number=st.integers(min_value=0, max_value=5000))
def test_integers_round_trip_through_display(number: int) -> None:
    asked = make_question("count", "integer", min=0, max=5000, unit="чел.")
    shown = format_answer(asked, number)
    assert parse(asked, Text(shown), today=date(2021, 3, 10), answers={}) == Accepted(number)


@SETTINGS
@given(hundredths=st.integers(min_value=0, max_value=10_000))
def test_percents_round_trip_through_display(hundredths: int) -> None:
    asked = make_question("share", "percent")
    value = hundredths / 100
    outcome = parse(asked, Text(format_answer(asked, value)), today=date(2021, 3, 10), answers={})
    assert isinstance(outcome, Accepted)
    assert outcome.value == value


@SETTINGS
@given(day=st.dates(min_value=date(1000, 1, 1)))
def test_dates_round_trip_through_display(day: date) -> None:
    asked = make_question("on", "date")
    shown = format_answer(asked, day.isoformat())
    assert parse(asked, Text(shown), today=day, answers={}) == Accepted(day.isoformat())


# --- what is accepted is an answer ---

TEXT_QUESTIONS = [q for q in QUESTIONS if q.type in (QuestionType.TEXT, QuestionType.LONG_TEXT)]
URL_QUESTIONS = [q for q in QUESTIONS if q.type is QuestionType.URL]


@SETTINGS
@given(question=st.sampled_from(TEXT_QUESTIONS), text=any_text | odd_characters)
def test_an_accepted_text_has_a_letter_or_digit(question: Question, text: str) -> None:
    outcome = parse(question, Text(text), today=date(2021, 3, 10), answers={})
    if isinstance(outcome, Accepted):
        assert isinstance(outcome.value, str)
        assert any(unicodedata.category(char)[0] in "LN" for char in outcome.value)
        assert outcome.value == outcome.value.strip()


@SETTINGS
@given(
    question=st.sampled_from(URL_QUESTIONS),
    text=st.one_of(url_texts, host_texts, number_texts, date_texts, any_text),
)
def test_an_accepted_link_names_a_website(question: Question, text: str) -> None:
    outcome = parse(question, Text(text), today=date(2021, 3, 10), answers={})
    if not isinstance(outcome, Accepted):
        return
    assert isinstance(outcome.value, list)
    for url in outcome.value:
        host = urlsplit(url).hostname or ""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            top = host.rsplit(".", 1)[-1]
            assert "." in host, url
            assert top.startswith("xn--") or (len(top) >= 2 and top.isalpha()), url
            assert top != "localhost", url
        else:
            assert not address.is_loopback, url
            assert not address.is_unspecified, url
