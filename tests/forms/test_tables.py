"""A table's rules (``core.forms.tables``): a row's key and summary, duplicate keys, row checks,
required rows, thresholds, everything wrong with a table — and how the review and the export
word a table (``format_answer``, ``answer_text``)."""

from typing import Any

import pytest

from bot.catalog import builtin_forms
from core.export.answer_text import answer_text
from core.forms.display import format_answer, table_lines
from core.forms.models import Question
from core.forms.tables import (
    Crossing,
    crossings,
    duplicate_of,
    key_label,
    missing_rows,
    row_key,
    row_problems,
    row_summary,
    table_problems,
)
from tests.forms.builders import make_question


def _results() -> Question:
    found = builtin_forms()["vpr"].question("results")
    assert found is not None
    return found


RESULTS = _results()

# A small table: one required row, a row check, a threshold; the value columns without a
# short name are named by their text.
SMALL = make_question(
    "marks",
    "table",
    key=["subject", "grade"],
    required_rows=[{"subject": "math", "grade": "g5"}],
    row_checks=[{"sum": ["low", "high"], "at_most": 100, "message": "вместе больше 100 %"}],
    thresholds=[{"column": "low", "at_least": 25, "label": "«2» от 25 %"}],
    questions=[
        {
            "id": "subject",
            "type": "single_choice",
            "text": "Предмет",
            "options": [{"id": "math", "label": "Математика"}, {"id": "rus", "label": "Русский"}],
        },
        {
            "id": "grade",
            "type": "single_choice",
            "text": "Класс",
            "options": [{"id": "g5", "label": "5 класс"}, {"id": "g6", "label": "6 класс"}],
        },
        {"id": "low", "type": "percent", "text": "Доля «2»", "short": "«2»"},
        {"id": "high", "type": "percent", "text": "Доля «4–5»"},
    ],
)


def choice(option: str) -> dict[str, Any]:
    return {"selected": option, "other": None}


def row(
    subject: str, grade: str, low: float | None = None, high: float | None = None
) -> dict[str, Any]:
    cells: dict[str, Any] = {"subject": choice(subject), "grade": choice(grade)}
    if low is not None:
        cells["low"] = low
    if high is not None:
        cells["high"] = high
    return cells


def vpr_row(subject: str, grade: str, fail: float, high: float) -> dict[str, Any]:
    return {
        "subject": choice(subject),
        "grade": choice(grade),
        "fail_pct": fail,
        "high_pct": high,
    }


def test_a_row_is_keyed_by_its_key_columns_in_the_tables_order() -> None:
    assert row_key(SMALL, row("math", "g5")) == ("math", "g5")
    reordered = {"grade": choice("g6"), "low": 3, "subject": choice("rus")}
    assert row_key(SMALL, reordered) == ("rus", "g6")
    assert row_key(SMALL, {"subject": choice("math")}) is None  # the grade not chosen yet
    assert row_key(SMALL, {"subject": "math", "grade": choice("g5")}) is None  # not a choice
    assert key_label(SMALL, ("math", "g5")) == "Математика, 5 класс"
    assert key_label(SMALL, ("math", "gone")) == "Математика, gone"  # an option since removed


def test_the_summary_names_each_value_by_its_column() -> None:
    assert (
        row_summary(RESULTS, vpr_row("math", "g5", 12.5, 35))
        == "Математика, 5 класс: «2» — 12,5 %, «4–5» — 35 %"
    )
    # A column without a short name is named by its text; a value not given yet is "—".
    assert row_summary(SMALL, row("rus", "g6", low=0)) == (
        "Русский, 6 класс: «2» — 0 %, Доля «4–5» — не заполнено"
    )
    assert row_summary(SMALL, {"low": 4}) == (
        "(строка не выбрана): «2» — 4 %, Доля «4–5» — не заполнено"
    )


def test_a_duplicate_is_the_other_row_with_the_same_key() -> None:
    rows = [row("math", "g5"), row("rus", "g5"), row("math", "g5"), {"subject": choice("math")}]
    assert duplicate_of(SMALL, rows, 0) == 2
    assert duplicate_of(SMALL, rows, 2) == 0
    assert duplicate_of(SMALL, rows, 1) is None
    assert duplicate_of(SMALL, rows, 3) is None  # no key yet: not a duplicate of anything


@pytest.mark.parametrize(
    ("low", "high", "refused"),
    [
        (12.5, 87.5, False),  # exactly 100
        (12.5, 95, True),
        (100, 0.0001, True),
        (0, 0, False),
        (60, None, False),  # the other value not given yet: checked once it is
    ],
)
def test_the_row_check_refuses_a_sum_over_its_limit(
    low: float, high: float | None, refused: bool
) -> None:
    problems = row_problems(SMALL, row("math", "g5", low, high))
    assert problems == (["вместе больше 100 %"] if refused else [])


def test_the_vpr_row_check_speaks_of_both_shares() -> None:
    assert row_problems(RESULTS, vpr_row("math", "g5", 12.5, 95)) == [
        "доля «2» и доля «4–5» вместе больше 100 %"
    ]


def test_missing_rows_are_the_required_ones_not_given_in_the_forms_order() -> None:
    two = make_question(
        "t",
        "table",
        key=["subject", "grade"],
        required_rows=[
            {"subject": "rus", "grade": "g6"},
            {"grade": "g5", "subject": "math"},  # written in any order
        ],
        questions=SMALL.model_dump(mode="json")["questions"],
    )
    assert missing_rows(two, []) == [("rus", "g6"), ("math", "g5")]
    assert missing_rows(two, [row("math", "g5", 1, 2)]) == [("rus", "g6")]
    assert missing_rows(two, [row("math", "g5"), row("rus", "g6"), row("rus", "g5")]) == []
    assert missing_rows(RESULTS, []) == []  # the ВПР table requires no row


def test_crossings_are_the_values_past_a_threshold_row_by_row() -> None:
    rows = [row("math", "g5", 25, 10), row("rus", "g5", 24.9, 10), row("rus", "g6", 40)]
    threshold = SMALL.thresholds[0]
    assert crossings(SMALL, [*rows, {"low": 90}]) == [
        Crossing(("math", "g5"), threshold, 25.0),
        Crossing(("rus", "g6"), threshold, 40.0),
    ]
    at_most = make_question(
        "t",
        "table",
        key=["subject"],
        thresholds=[{"column": "high", "at_most": 5, "label": "мало высоких"}],
        questions=[SMALL.questions[0].model_dump(), SMALL.questions[3].model_dump()],
    )
    low_high = [{"subject": choice("math"), "high": 5}, {"subject": choice("rus"), "high": 6}]
    assert [c.key for c in crossings(at_most, low_high)] == [("math",)]


def test_table_problems_say_everything_wrong_in_words() -> None:
    value = {
        "items": [
            {"subject": choice("rus"), "low": 3, "high": 4},  # no grade
            row("rus", "g5", 30),  # «4–5» missing
            row("rus", "g6", 60, 50),  # over 100
            row("rus", "g6", 1, 2),  # the same key again
        ],
        "done": True,
    }
    assert table_problems(SMALL, value) == [
        "строка 1: не заполнено — Предмет, Класс",
        "Русский, 5 класс: не заполнено — Доля «4–5»",
        "Русский, 6 класс: вместе больше 100 %",
        "Русский, 6 класс: эта строка уже есть — каждая пара указывается один раз",
        "Не хватает обязательных строк: Математика, 5 класс",
    ]
    good = {"items": [row("math", "g5", 10, 20), row("rus", "g5", 0, 100)], "done": True}
    assert table_problems(SMALL, good) == []
    assert table_problems(SMALL, None) == ["Не хватает обязательных строк: Математика, 5 класс"]


def test_the_review_and_the_export_show_one_line_per_row() -> None:
    value = {
        "items": [vpr_row("math", "g5", 12.5, 35), vpr_row("russian", "g6", 0, 100)],
        "done": True,
    }
    lines = [
        "Математика, 5 класс: «2» — 12,5 %, «4–5» — 35 %",
        "Русский язык, 6 класс: «2» — 0 %, «4–5» — 100 %",
    ]
    assert table_lines(RESULTS, value) == lines
    assert format_answer(RESULTS, value) == "\n".join(lines)
    assert answer_text(RESULTS, value) == "\n".join(lines)
    empty = {"items": [], "done": True}
    assert format_answer(RESULTS, empty) == "нет строк"
    assert answer_text(RESULTS, empty) == "нет"
    assert format_answer(RESULTS, None) == "пропущено"


def test_a_tables_value_columns_are_its_questions_not_in_the_key() -> None:
    assert RESULTS.repeats
    assert [column.id for column in RESULTS.columns] == ["fail_pct", "high_pct"]
    assert [column.label for column in RESULTS.columns] == ["«2»", "«4–5»"]


def test_an_older_row_with_another_subject_reads_as_typed() -> None:
    """A row of the form's first version (a repeat group whose subject had «Другое»), read by
    the table it became: its typed subject, not "other"."""
    older: dict[str, Any] = {
        "subject": {"selected": "other", "other": "Астрономия"},
        "grade": choice("g5"),
        "fail_pct": 10,
    }
    assert row_summary(RESULTS, older).startswith("Астрономия, 5 класс: «2» — 10 %")
