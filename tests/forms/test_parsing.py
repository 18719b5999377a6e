"""Raw input to typed answers: what each question type accepts and what it explains."""

from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from core.forms.inputs import (
    Accepted,
    Choice,
    Outcome,
    RawInput,
    Rejected,
    Selection,
    Text,
    Unsupported,
    Upload,
)
from core.forms.models import Question
from core.forms.parsing import MAX_FILE_BYTES, file_size_text, parse, parse_date, parse_grades
from tests.forms.builders import TODAY, make_question, options
from texts import forms as texts

YES_NO = make_question("held", "yes_no")
SINGLE = make_question(
    "status", "single_choice", options=options("draft", "approved", "revision"), other=True
)
MULTI = make_question("forms", "multi_choice", options=options("a", "b", "c", "d"), other=True)
INTEGER = make_question("count", "integer", min=0, max=5000, unit="чел.")
DECIMAL = make_question("ratio", "decimal")
PERCENT = make_question("share", "percent")
DATE = make_question("on", "date")
PAST_DATE = make_question("approved_on", "date", not_in_future=True, min_date="2000-01-01")
TEXT = make_question("name", "text")
LONG_TEXT = make_question("note", "long_text")
URL = make_question("link", "url")
URLS = make_question("links", "url", several=True)
GRADES = make_question("grades", "grades")
FILE = make_question("proof", "file")
GROUP = make_question("items", "group", questions=[{"id": "x", "type": "text", "text": "X"}])
UPLOAD = Upload("file-1", "unique-1", "график.pdf", 12_345, "application/pdf", "document")


def run(question: Question, raw: RawInput | str, answers: Mapping[str, Any] | None = None) -> Any:
    outcome = outcome_of(question, raw, answers)
    assert isinstance(outcome, Accepted), outcome
    return outcome.value


def refusal(
    question: Question, raw: RawInput | str, answers: Mapping[str, Any] | None = None
) -> str:
    outcome = outcome_of(question, raw, answers)
    assert isinstance(outcome, Rejected), outcome
    return outcome.message


def outcome_of(
    question: Question, raw: RawInput | str, answers: Mapping[str, Any] | None = None
) -> Outcome:
    given = Text(raw) if isinstance(raw, str) else raw
    return parse(question, given, today=TODAY, answers=answers or {})


# --- yes / no ---


@pytest.mark.parametrize(
    "raw", [Choice("yes"), "да", "Да", "ДА!", "yes", "+", "1", "есть", " да. "]
)
def test_yes(raw: RawInput | str) -> None:
    assert run(YES_NO, raw) is True


@pytest.mark.parametrize("raw", [Choice("no"), "нет", "Нет.", "no", "-", "0", "false"])
def test_no(raw: RawInput | str) -> None:
    assert run(YES_NO, raw) is False


@pytest.mark.parametrize(
    "raw", ["может быть", "", Choice("maybe"), Choice("today"), Selection(("yes",)), UPLOAD]
)
def test_neither_yes_nor_no(raw: RawInput | str) -> None:
    assert refusal(YES_NO, raw) == texts.YES_NO_EXPECTED


# --- single choice ---


def test_single_by_button() -> None:
    assert run(SINGLE, Choice("approved")) == {"selected": "approved", "other": None}


@pytest.mark.parametrize("raw", ["Approved", "approved", "  APPROVED ", "2"])
def test_single_by_label_or_number(raw: str) -> None:
    assert run(SINGLE, raw) == {"selected": "approved", "other": None}


def test_single_label_matches_yo_as_ye() -> None:
    asked = make_question("s", "single_choice", options=[{"id": "a", "label": "Утверждён"}])
    assert run(asked, "утвержден") == {"selected": "a", "other": None}


@pytest.mark.parametrize(
    "raw", ["Родительский патруль (наблюдение за учебным процессом)", "родительский патруль", "1"]
)
def test_single_by_full_label_short_button_or_number(raw: str) -> None:
    asked = make_question(
        "s",
        "single_choice",
        options=[
            {
                "id": "patrol",
                "label": "Родительский патруль (наблюдение за учебным процессом)",
                "button": "Родительский патруль",
            },
            {"id": "none", "label": "Нет"},
        ],
    )
    assert run(asked, raw) == {"selected": "patrol", "other": None}


def test_single_other() -> None:
    value = run(SINGLE, Selection(("other",), "  согласуется в ЦТРИГО  "))
    assert value == {"selected": "other", "other": "согласуется в ЦТРИГО"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (Selection(("other",), "   "), texts.OTHER_TEXT_EXPECTED),
        (Selection(("other",), None), texts.OTHER_TEXT_EXPECTED),
        (Choice("other"), texts.CHOOSE_BUTTON),
        (Choice("unknown"), texts.CHOOSE_BUTTON),
        (Selection(("draft", "approved")), texts.CHOOSE_BUTTON),
        ("утверждена, но не совсем", texts.CHOOSE_BUTTON),
        ("4", texts.CHOOSE_BUTTON),
        (UPLOAD, texts.CHOOSE_BUTTON),
        (Unsupported("sticker"), texts.CHOOSE_BUTTON),
    ],
)
def test_single_refusals(raw: RawInput | str, message: str) -> None:
    assert refusal(SINGLE, raw) == message


def test_single_other_only_when_allowed() -> None:
    asked = make_question("s", "single_choice", options=options("a"))
    assert refusal(asked, Selection(("other",), "что-то")) == texts.CHOOSE_BUTTON


def test_single_other_too_long() -> None:
    message = refusal(SINGLE, Selection(("other",), "я" * 301))
    assert message == texts.TEXT_TOO_LONG.format(length=301, limit=300)


# --- multiple choice ---


def test_multi_keeps_option_order() -> None:
    assert run(MULTI, Selection(("c", "a"))) == {"selected": ["a", "c"], "other": None}


def test_multi_with_other() -> None:
    value = run(MULTI, Selection(("b", "other"), " лектории "))
    assert value == {"selected": ["b", "other"], "other": "лектории"}


def test_multi_duplicates_count_once() -> None:
    assert run(MULTI, Selection(("a", "a"))) == {"selected": ["a"], "other": None}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (Selection(()), texts.SELECT_AT_LEAST.format(count="1 вариант")),
        (Selection(("a", "zzz")), texts.CHOOSE_BUTTON),
        (Selection(("other",), ""), texts.OTHER_TEXT_EXPECTED),
        (Choice("a"), texts.CHOOSE_BUTTON),
        ("a", texts.CHOOSE_BUTTON),
    ],
)
def test_multi_refusals(raw: RawInput | str, message: str) -> None:
    assert refusal(MULTI, raw) == message


def test_multi_other_needs_permission() -> None:
    asked = make_question("m", "multi_choice", options=options("a", "b"))
    assert refusal(asked, Selection(("a", "other"), "x")) == texts.CHOOSE_BUTTON


def test_multi_bounds() -> None:
    asked = make_question(
        "m", "multi_choice", options=options("a", "b", "c", "d"), min_selected=2, max_selected=3
    )
    assert refusal(asked, Selection(("a",))) == "Отметьте хотя бы 2 варианта."
    assert (
        refusal(asked, Selection(("a", "b", "c", "d"))) == "Можно отметить не больше 3 вариантов."
    )
    assert run(asked, Selection(("a", "b")))["selected"] == ["a", "b"]
    assert run(asked, Selection(("a", "b", "d")))["selected"] == ["a", "b", "d"]


def test_multi_exactly() -> None:
    asked = make_question(
        "m", "multi_choice", options=options("a", "b", "c", "d"), min_selected=3, max_selected=3
    )
    for chosen in [("a",), ("a", "b"), ("a", "b", "c", "d")]:
        assert refusal(asked, Selection(chosen)) == "Отметьте ровно 3 варианта."
    assert run(asked, Selection(("a", "b", "c")))["selected"] == ["a", "b", "c"]


def test_multi_other_counts_towards_bounds() -> None:
    asked = make_question(
        "m", "multi_choice", options=options("a", "b"), other=True, max_selected=2
    )
    assert run(asked, Selection(("a", "other"), "x"))["selected"] == ["a", "other"]
    assert refusal(asked, Selection(("a", "b", "other"), "x")).startswith("Можно отметить")


# --- numbers ---


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("12", 12),
        ("1 234", 1234),
        ("1\u00a0234", 1234),
        ("+7", 7),
        ("0", 0),
        ("12 чел.", 12),
        ("12чел.", 12),
        (" 5000 ", 5000),
    ],
)
def test_integer(raw: str, number: int) -> None:
    value = run(INTEGER, raw)
    assert value == number
    assert type(value) is int


@pytest.mark.parametrize(
    "raw", ["3,5", "3.5", "двенадцать", "12 человек", "1e3", "0x10", "", "--1"]
)
def test_integer_refusals(raw: str) -> None:
    assert refusal(INTEGER, raw) == texts.INTEGER_EXPECTED


@pytest.mark.parametrize(
    ("raw", "message"),
    [("-1", "Число должно быть не меньше 0."), ("5001", "Число должно быть не больше 5000.")],
)
def test_integer_bounds(raw: str, message: str) -> None:
    assert refusal(INTEGER, raw) == message


def test_integer_without_bounds_and_too_many_digits() -> None:
    free = make_question("n", "integer")
    assert run(free, "-3") == -3
    assert run(free, "999 999 999 999 999") == 999_999_999_999_999
    assert refusal(free, "9" * 16) == texts.INTEGER_EXPECTED
    assert refusal(free, "9" * 5000) == texts.INTEGER_EXPECTED


@pytest.mark.parametrize(
    ("raw", "number"), [("3,5", 3.5), ("3.5", 3.5), ("12", 12.0), ("1 234,25", 1234.25)]
)
def test_decimal(raw: str, number: float) -> None:
    assert run(DECIMAL, raw) == pytest.approx(number)


@pytest.mark.parametrize("raw", ["3,", ",5", "3,5,1", "три", "nan", "inf"])
def test_decimal_refusals(raw: str) -> None:
    assert refusal(DECIMAL, raw) == texts.DECIMAL_EXPECTED


@pytest.mark.parametrize(
    ("raw", "number"), [("45%", 45.0), ("45 %", 45.0), ("12,5", 12.5), ("0", 0.0), ("100", 100.0)]
)
def test_percent(raw: str, number: float) -> None:
    assert run(PERCENT, raw) == pytest.approx(number)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("101", "Число должно быть не больше 100."),
        ("-5", "Число должно быть не меньше 0."),
        ("сорок", texts.PERCENT_EXPECTED),
        ("45%%", texts.PERCENT_EXPECTED),
        (Choice("45"), texts.PERCENT_EXPECTED),
    ],
)
def test_percent_refusals(raw: RawInput | str, message: str) -> None:
    assert refusal(PERCENT, raw) == message


def test_decimal_bounds_in_messages_use_a_comma() -> None:
    asked = make_question("d", "decimal", min=0.5, max=2.5)
    assert refusal(asked, "0,4") == "Число должно быть не меньше 0,5."
    assert refusal(asked, "2,6") == "Число должно быть не больше 2,5."


# --- dates ---


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("10.03.2021", "2021-03-10"),
        ("10.03", "2021-03-10"),
        ("10.03.21", "2021-03-10"),
        ("1.3.2021", "2021-03-01"),
        ("01/03/2021", "2021-03-01"),
        ("01-03-2021", "2021-03-01"),
        ("2021-03-01", "2021-03-01"),
        (" 25.12.2020 ", "2020-12-25"),
        (Choice("today"), "2021-03-10"),
        ("29.02.2020", "2020-02-29"),
    ],
)
def test_dates(raw: RawInput | str, iso: str) -> None:
    assert run(DATE, raw) == iso


@pytest.mark.parametrize(
    "raw", ["31.02.2021", "29.02.2021", "10.13.2021", "00.01.2021", "вчера", "10 марта", "2021", ""]
)
def test_date_refusals(raw: str) -> None:
    assert refusal(DATE, raw) == texts.DATE_EXPECTED


def test_date_other_buttons_are_refused() -> None:
    assert refusal(DATE, Choice("yesterday")) == texts.DATE_EXPECTED
    assert refusal(DATE, UPLOAD) == texts.DATE_EXPECTED


def test_date_not_in_future() -> None:
    assert run(PAST_DATE, "10.03.2021") == "2021-03-10"
    assert run(PAST_DATE, Choice("today")) == "2021-03-10"
    assert refusal(PAST_DATE, "11.03.2021") == "Дата не может быть в будущем (сегодня 10.03.2021)."
    # without a year, a later day of this year is in the future too
    assert refusal(PAST_DATE, "25.12").startswith("Дата не может быть в будущем")


def test_date_bounds() -> None:
    asked = make_question("d", "date", min_date="2020-09-01", max_date="2021-05-31")
    assert refusal(asked, "31.08.2020") == "Дата не может быть раньше 01.09.2020."
    assert refusal(asked, "01.06.2021") == "Дата не может быть позже 31.05.2021."
    assert run(asked, "01.09.2020") == "2020-09-01"
    assert run(asked, "31.05.2021") == "2021-05-31"


def test_date_two_digit_year_is_this_century() -> None:
    assert parse_date("10.03.99", TODAY) == date(2099, 3, 10)
    assert parse_date("10.03", date(2024, 1, 1)) == date(2024, 3, 10)
    assert parse_date("30.02", TODAY) is None


# --- text ---


def test_text_is_trimmed() -> None:
    assert run(TEXT, "  Семинар по ОГЭ  ") == "Семинар по ОГЭ"


@pytest.mark.parametrize("raw", ["", "   ", Choice("a"), Selection(("a",)), UPLOAD])
def test_text_refusals(raw: RawInput | str) -> None:
    assert refusal(TEXT, raw) == texts.TEXT_EXPECTED


def test_text_limits() -> None:
    assert run(TEXT, "я" * 300) == "я" * 300
    assert refusal(TEXT, "я" * 301) == texts.TEXT_TOO_LONG.format(length=301, limit=300)
    assert run(LONG_TEXT, "я" * 3000) == "я" * 3000
    assert refusal(LONG_TEXT, "я" * 100_000) == texts.TEXT_TOO_LONG.format(
        length=100_000, limit=3000
    )


def test_text_min_length() -> None:
    asked = make_question("n", "text", min_length=5, max_length=10)
    assert refusal(asked, "СОШ") == "Слишком коротко: нужно хотя бы 5 знаков."
    assert run(asked, "СОШ № 5") == "СОШ № 5"
    assert refusal(asked, "МАОУ СОШ № 5").startswith("Слишком длинно: 12 знаков")


def test_text_keeps_emoji_and_newlines() -> None:
    assert run(LONG_TEXT, "Собрание 👍\nЛекторий") == "Собрание 👍\nЛекторий"


INVISIBLE_ONLY = [
    "\u200b",  # zero-width space
    "\u2060\ufeff",  # word joiner, byte order mark
    "\u200b \u200c\u200d\u200b",
    "\u00ad",  # soft hyphen
    "\u200e\u200f",  # direction marks
    "\u202e\u202c",
    "\u2066\u2069",
    "\u180e",
    " \u200b\n\u2060 ",
]


@pytest.mark.parametrize(
    "raw", [*INVISIBLE_ONLY, "...", "—", "-", "?!", "👍", "👍🏽🙂", "⭐️", "* * *"]
)
@pytest.mark.parametrize("asked", [TEXT, LONG_TEXT], ids=["text", "long_text"])
def test_text_without_a_letter_or_digit_is_no_answer(asked: Question, raw: str) -> None:
    assert refusal(asked, raw) == texts.TEXT_NO_LETTERS
    assert texts.TEXT_NO_LETTERS == (
        "В ответе нет ни одной буквы или цифры. Напишите ответ словами."
    )


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("\u200bСеминар по ОГЭ\u2060", "Семинар по ОГЭ"),
        ("\ufeff 12 \u200b", "12"),
        ("5", "5"),
        ("№ 5", "№ 5"),
        ("٣", "٣"),  # an Arabic-Indic digit
        ("Ⅻ", "Ⅻ"),
        ("שלום", "שלום"),
        ("👍 да", "👍 да"),
        ("Семинар\u200bпо ОГЭ", "Семинар\u200bпо ОГЭ"),  # only the ends are trimmed
        # an emoji flag ends in invisible tag characters: they stay
        ("Лондон 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", None),
    ],
)
def test_text_with_a_letter_or_digit_is_kept(raw: str, value: str | None) -> None:
    assert run(TEXT, raw) == (raw if value is None else value)


def test_invisible_characters_do_not_count_towards_min_length() -> None:
    asked = make_question("n", "text", min_length=3)
    assert refusal(asked, "\u200bАБ\u200b\u200b") == texts.TEXT_TOO_SHORT.format(limit=3)


@pytest.mark.parametrize("other", ["\u200b", "\u2060\ufeff", "...", "👍"])
def test_other_without_a_letter_or_digit_is_no_answer(other: str) -> None:
    assert refusal(SINGLE, Selection(("other",), other)) == texts.TEXT_NO_LETTERS
    assert refusal(MULTI, Selection(("a", "other"), other)) == texts.TEXT_NO_LETTERS


def test_other_is_trimmed_of_invisible_characters() -> None:
    assert run(SINGLE, Selection(("other",), "\u200bонлайн\u200b")) == {
        "selected": "other",
        "other": "онлайн",
    }
    assert run(MULTI, Selection(("a", "other"), "\ufeffлекторий")) == {
        "selected": ["a", "other"],
        "other": "лекторий",
    }


# --- URLs ---


@pytest.mark.parametrize(
    ("raw", "urls"),
    [
        ("https://school5.tomsk.ru/roditelyam", ["https://school5.tomsk.ru/roditelyam"]),
        ("http://school5.tomsk.ru", ["http://school5.tomsk.ru"]),
        ("school5.tomsk.ru/roditelyam", ["https://school5.tomsk.ru/roditelyam"]),
        ("школа5.рф", ["https://школа5.рф"]),
    ],
)
def test_url(raw: str, urls: list[str]) -> None:
    assert run(URL, raw) == urls


def test_several_urls() -> None:
    raw = "https://a.tomsk.ru/1, b.tomsk.ru/2;\nhttp://c.tomsk.ru  d.ru"
    assert run(URLS, raw) == [
        "https://a.tomsk.ru/1",
        "https://b.tomsk.ru/2",
        "http://c.tomsk.ru",
        "https://d.ru",
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("a.ru b.ru", texts.URL_ONLY_ONE),
        ("", texts.URL_EXPECTED),
        (",", texts.URL_EXPECTED),
        (" ; , ", texts.URL_EXPECTED),
        (Choice("a"), texts.URL_EXPECTED),
        ("ссылка", texts.URL_BAD.format(url="ссылка")),
        ("ftp://school.ru", texts.URL_BAD.format(url="ftp://school.ru")),
        ("http://.ru", texts.URL_BAD.format(url="http://.ru")),
        ("school.", texts.URL_BAD.format(url="school.")),
        ("http://[::1", texts.URL_BAD.format(url="http://[::1")),
    ],
)
def test_url_refusals(raw: RawInput | str, message: str) -> None:
    assert refusal(URL, raw) == message


def test_several_urls_name_the_bad_one() -> None:
    assert refusal(URLS, "a.ru сайт b.ru") == texts.URL_BAD.format(url="сайт")
    assert refusal(URLS, "a.ru 1.5 b.ru") == texts.URL_NO_DOMAIN.format(url="1.5")


@pytest.mark.parametrize(
    ("raw", "urls"),
    [
        ("сайт.рф", ["https://сайт.рф"]),
        ("https://сайт.рф/родителям", ["https://сайт.рф/родителям"]),
        ("xn--80aswg.xn--p1ai", ["https://xn--80aswg.xn--p1ai"]),
        ("https://xn--80aswg.xn--p1ai/docs", ["https://xn--80aswg.xn--p1ai/docs"]),
        ("мои\u0306сайт.рф", ["https://мои\u0306сайт.рф"]),  # "й" typed as и + breve
        ("HTTPS://School5.Tomsk.RU/Parents", ["HTTPS://School5.Tomsk.RU/Parents"]),
        ("www.school5.tomsk.ru", ["https://www.school5.tomsk.ru"]),
        ("t.me/school5_tomsk", ["https://t.me/school5_tomsk"]),
        ("vk.com/school5", ["https://vk.com/school5"]),
        ("school5.tomsk.ru:8080/a", ["https://school5.tomsk.ru:8080/a"]),
        ("http://93.184.216.34/plan.pdf", ["http://93.184.216.34/plan.pdf"]),
        ("93.184.216.34", ["https://93.184.216.34"]),
        ("[2001:db8::1]/plan", ["https://[2001:db8::1]/plan"]),
        ("https://[2001:db8::1]:8443/", ["https://[2001:db8::1]:8443/"]),
        ("\u200bschool5.tomsk.ru\u2060", ["https://school5.tomsk.ru"]),
        ("https://school5.tomsk.ru/?q=1.5", ["https://school5.tomsk.ru/?q=1.5"]),
        ("school5.tomsk.ru/?next=https://a.ru", ["https://school5.tomsk.ru/?next=https://a.ru"]),
    ],
)
def test_real_links_are_kept(raw: str, urls: list[str]) -> None:
    assert run(URL, raw) == urls


def test_several_real_links_with_invisible_separators() -> None:
    assert run(URLS, "\u200ba.tomsk.ru\u200b сайт.рф,\u2060xn--80aswg.xn--p1ai") == [
        "https://a.tomsk.ru",
        "https://сайт.рф",
        "https://xn--80aswg.xn--p1ai",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        "1.5",
        "100.0001",
        "12.5",
        "10.03.2021",
        "https://1.5",
        "http://100.0001/page",
        "1.2.3",
        "256.1.1.1",
        "1.2.3.4.5",
        "01234.5.6.7",
        "school.r",
        "school.ru1",
        "school.123",
        "school5.tomsk.r2",
        "site.рф5",
    ],
)
def test_a_host_needs_a_domain_name_after_the_dot(raw: str) -> None:
    assert refusal(URL, raw) == texts.URL_NO_DOMAIN.format(url=raw)
    assert refusal(URL, raw).startswith("Это не похоже на адрес сайта: ")
    assert "После точки должно быть доменное имя, например school5.tomsk.ru" in refusal(URL, raw)


@pytest.mark.parametrize(
    "raw",
    [
        "localhost",
        "LOCALHOST",
        "http://localhost:8000/plan",
        "school.localhost",
        "127.0.0.1",
        "http://127.1.2.3/x",
        "0.0.0.0",
        "[::1]",
        "http://[::1]:80/",
        "[::]",
    ],
)
def test_this_computer_is_no_school_website(raw: str) -> None:
    assert refusal(URL, raw) == texts.URL_LOCAL.format(url=raw)


@pytest.mark.parametrize("raw", ["director@school5.tomsk.ru", "mailto:director@school5.tomsk.ru"])
def test_an_email_address_is_no_link(raw: str) -> None:
    assert refusal(URL, raw) == texts.URL_EMAIL.format(url=raw)


@pytest.mark.parametrize(
    "raw",
    [
        "school5.tomsk.ru:порт",
        "https://",
        "//school5.tomsk.ru",
        "a..ru",
        "-school.ru",
        "school-.ru",
        "школа!.рф",
        "👍.рф",
        "http://[2001:db8::zz]/",
        "javascript:alert(1)",
        "\u200b12345",
        "a" * 64 + ".ru",
    ],
)
def test_other_broken_links(raw: str) -> None:
    assert refusal(URL, raw) == texts.URL_BAD.format(url=raw.strip("\u200b"))


def test_invisible_characters_alone_are_no_link() -> None:
    assert refusal(URL, "\u200b") == texts.URL_EXPECTED
    assert refusal(URLS, "\u200b \u2060\ufeff") == texts.URL_EXPECTED


def test_url_too_long() -> None:
    long_url = "https://school.ru/" + "a" * 2000
    assert refusal(URL, long_url) == texts.URL_BAD.format(url=long_url[:100])


# --- grades ---


@pytest.mark.parametrize(
    ("raw", "grades"),
    [
        ("5-9, 11", [5, 6, 7, 8, 9, 11]),
        ("2–9", [2, 3, 4, 5, 6, 7, 8, 9]),
        ("5 - 9", [5, 6, 7, 8, 9]),
        ("5- 9, 10", [5, 6, 7, 8, 9, 10]),
        ("9 11", [9, 11]),
        ("11, 9, 9", [9, 11]),
        ("4 кл.", [4]),
        ("5-9 классы", [5, 6, 7, 8, 9]),
        ("9-х, 11-х классов", [9, 11]),
        ("1-11", list(range(1, 12))),
        (Selection(("9", "5", "11")), [5, 9, 11]),
    ],
)
def test_grades(raw: RawInput | str, grades: list[int]) -> None:
    assert run(GRADES, raw) == grades


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("9-5", texts.GRADES_EXPECTED),
        ("пятые", texts.GRADES_EXPECTED),
        ("", texts.GRADES_EXPECTED),
        ("5--9", texts.GRADES_EXPECTED),
        ("0", texts.GRADES_OUT_OF_RANGE),
        ("5-12", texts.GRADES_OUT_OF_RANGE),
        (Selection(()), texts.GRADES_EXPECTED),
        (Selection(("5", "a")), texts.GRADES_EXPECTED),
        (Selection(("123",)), texts.GRADES_EXPECTED),
        (Selection(("12",)), texts.GRADES_OUT_OF_RANGE),
        (Choice("5"), texts.GRADES_EXPECTED),
    ],
)
def test_grades_refusals(raw: RawInput | str, message: str) -> None:
    assert refusal(GRADES, raw) == message


def test_parse_grades_helper() -> None:
    assert parse_grades("2-4,  7") == [2, 3, 4, 7]
    assert parse_grades(" , ") is None


# --- files ---


def test_file() -> None:
    assert run(FILE, UPLOAD) == {
        "file_id": "file-1",
        "file_unique_id": "unique-1",
        "name": "график.pdf",
        "size": 12_345,
        "mime": "application/pdf",
        "kind": "document",
    }


def test_file_size_limit() -> None:
    photo = Upload("f", "u", "photo.jpg", MAX_FILE_BYTES, None, "photo")
    assert run(FILE, photo)["kind"] == "photo"
    huge = Upload("f", "u", "video.mp4", MAX_FILE_BYTES + 1, "video/mp4", "document")
    assert refusal(FILE, huge) == "Файл слишком большой: 20 МБ. Боту можно прислать до 20 МБ."


@pytest.mark.parametrize("raw", ["файл", Choice("a"), Unsupported("voice")])
def test_file_refusals(raw: RawInput | str) -> None:
    assert refusal(FILE, raw) == texts.FILE_EXPECTED


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "1 КБ"), (12_345, "12 КБ"), (1024 * 1024, "1 МБ"), (int(2.5 * 1024 * 1024), "2,5 МБ")],
)
def test_file_size_text(size: int, text: str) -> None:
    assert file_size_text(size) == text


# --- a group is answered through its sub-questions, never directly ---


@pytest.mark.parametrize("raw", ["текст", Choice("done"), Selection(("x",)), UPLOAD])
def test_group_is_never_parsed(raw: RawInput | str) -> None:
    assert refusal(GROUP, raw) == texts.CHOOSE_BUTTON


# --- unsupported input is never an answer ---


@pytest.mark.parametrize(
    "question",
    [YES_NO, SINGLE, MULTI, INTEGER, DECIMAL, PERCENT, DATE, TEXT, URL, GRADES, FILE, GROUP],
    ids=lambda question: question.type.value,
)
def test_unsupported_input(question: Question) -> None:
    assert refusal(question, Unsupported("sticker"))


# --- cross-field checks ---

TOTAL = make_question("total", "integer", min=0)
COVERED = make_question(
    "covered",
    "integer",
    min=0,
    checks=[{"compare": "<=", "question": "total", "message": "Охвачено больше, чем всего."}],
)
AT_LEAST = make_question(
    "sessions",
    "decimal",
    checks=[{"compare": ">=", "question": "total", "message": "Меньше, чем нужно."}],
)


def test_cross_check_less_or_equal() -> None:
    assert run(COVERED, "12", {"total": 12}) == 12
    assert run(COVERED, "0", {"total": 12}) == 0
    assert refusal(COVERED, "13", {"total": 12}) == "Охвачено больше, чем всего."


def test_cross_check_greater_or_equal() -> None:
    assert run(AT_LEAST, "12,5", {"total": 12}) == 12.5
    assert refusal(AT_LEAST, "11,9", {"total": 12}) == "Меньше, чем нужно."


@pytest.mark.parametrize("answers", [{}, {"total": None}, {"total": "12"}, {"total": True}])
def test_cross_check_without_a_number_to_compare(answers: dict[str, Any]) -> None:
    assert run(COVERED, "100", answers) == 100


def test_own_bounds_come_before_cross_checks() -> None:
    assert refusal(COVERED, "-1", {"total": 12}) == "Число должно быть не меньше 0."
    assert refusal(COVERED, "много", {"total": 12}) == texts.INTEGER_EXPECTED


def test_several_checks_all_hold() -> None:
    between = make_question(
        "between",
        "integer",
        checks=[
            {"compare": ">=", "question": "low", "message": "Меньше нижней границы."},
            {"compare": "<=", "question": "high", "message": "Больше верхней границы."},
        ],
    )
    answers = {"low": 5, "high": 10}
    assert run(between, "7", answers) == 7
    assert refusal(between, "4", answers) == "Меньше нижней границы."
    assert refusal(between, "11", answers) == "Больше верхней границы."
