"""Issue 17, point 2: a table question as an Excel template — the sheet a school gets (title,
instruction, header with units, dropdowns of the key columns, prefilled keys) and the filled file
read back cell by cell, every problem with its cell, all or nothing."""

import io
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from bot.catalog import builtin_forms
from core.forms.models import Question
from core.tables.reading import column_letter, grade_number, option_named, read_filled
from core.tables.template import render, template_sheet
from exports.sheets import read_tables


def _results() -> Question:
    found = builtin_forms()["vpr"].question("results")
    assert found is not None
    return found


TABLE = _results()
HEADING = "Результаты ВПР по предметам и классам — СОШ № 5, весна 2021"


def row(
    subject: str, grade: str, fail: float | None = None, high: float | None = None
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "subject": {"selected": subject, "other": None},
        "grade": {"selected": grade, "other": None},
    }
    if fail is not None:
        found["fail_pct"] = fail
    if high is not None:
        found["high_pct"] = high
    return found


def table(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"items": list(rows), "done": True}


LAST_YEAR = table(row("math", "g5", 20, 0), row("russian", "g5", 40, 0), row("math", "g6", 29, 14))


def workbook(current: Any = None, previous: Any = None, of: Question = TABLE) -> openpyxl.Workbook:
    content = render(template_sheet(of, heading=HEADING, current=current, previous=previous))
    return openpyxl.load_workbook(io.BytesIO(content))


def sheet_of(book: openpyxl.Workbook) -> Worksheet:
    found = book.active
    assert isinstance(found, Worksheet)
    return found


def rows_of(book: openpyxl.Workbook, first: int, last: int) -> list[tuple[Any, ...]]:
    return list(sheet_of(book).iter_rows(min_row=first, max_row=last, values_only=True))


def read_back(book: openpyxl.Workbook) -> Any:
    buffer = io.BytesIO()
    book.save(buffer)
    return read_filled(TABLE, read_tables("шаблон.xlsx", buffer.getvalue()))


# --- the template ---


def test_the_template_has_a_title_an_instruction_a_header_with_units_and_dropdowns() -> None:
    book = workbook()
    sheet = sheet_of(book)
    assert sheet.title == "Таблица"
    assert sheet["A1"].value == HEADING
    assert sheet["A2"].value == (
        "Каждая строка — своё сочетание: предмет, класс (выберите из списка в ячейке). В "
        "остальных столбцах — числа, например 12,5. Строки без чисел не загружаются. "
        "Заполненный файл пришлите в чат с ботом."
    )
    assert rows_of(book, 4, 4) == [("Предмет", "Класс", "«2», %", "«4–5», %")]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {
        "A5:A24": '"Русский язык,Математика,Окружающий мир,Биология,История,География,'
        'Обществознание,Физика,Химия,Иностранный язык"',
        "B5:B24": '"4 класс,5 класс,6 класс,7 класс,8 класс,10 класс,11 класс"',
    }
    # No rows known: twenty empty ones to fill.
    assert rows_of(book, 5, 24) == [(None, None, None, None)] * 20


def test_the_previous_rounds_keys_are_prefilled_without_its_numbers() -> None:
    book = workbook(previous=LAST_YEAR)
    assert rows_of(book, 5, 8) == [
        ("Математика", "5 класс", None, None),
        ("Русский язык", "5 класс", None, None),
        ("Математика", "6 класс", None, None),
        (None, None, None, None),
    ]


def test_the_schools_own_rows_come_first_with_their_numbers() -> None:
    book = workbook(current=table(row("biology", "g7", 12.5, 35)), previous=LAST_YEAR)
    assert rows_of(book, 5, 6) == [("Биология", "7 класс", 12.5, 35), (None, None, None, None)]


def test_else_the_required_rows_are_prefilled() -> None:
    data = TABLE.model_dump()
    data["required_rows"] = [
        {"subject": "russian", "grade": "g4"},
        {"subject": "math", "grade": "g4"},
    ]
    required = Question.model_validate(data)
    book = workbook(of=required)
    assert rows_of(book, 5, 6) == [
        ("Русский язык", "4 класс", None, None),
        ("Математика", "4 класс", None, None),
    ]


# --- reading it back ---


def test_a_filled_template_with_three_errors_is_refused_with_each_cell() -> None:
    book = workbook(previous=LAST_YEAR)
    sheet = sheet_of(book)
    sheet["C5"], sheet["D5"] = 20, 0  # Математика, 5 класс
    sheet["C6"], sheet["D6"] = 120, 0  # Русский язык, 5 класс: more than 100 %
    sheet["C7"], sheet["D7"] = "29", "14"  # Математика, 6 класс
    sheet["A8"], sheet["B8"], sheet["C8"], sheet["D8"] = "математика", "5 кл.", 1, 2  # twice
    sheet["A9"], sheet["B9"], sheet["C9"], sheet["D9"] = "Матем", "7 класс", 5, 5  # no subject
    read = read_back(book)
    assert read.value is None
    # In the order of the cells.
    assert read.problems == [
        "C6: число должно быть не больше 100.",
        "A8–B8: эта строка уже есть (строка 5)",
        "A9: «Матем» — такого нет в столбце «Предмет»",
    ]


def test_a_good_template_becomes_the_tables_value() -> None:
    book = workbook(previous=LAST_YEAR)
    sheet = sheet_of(book)
    sheet["C5"], sheet["D5"] = "12,5", "35 %"
    sheet["C6"], sheet["D6"] = 40, 0
    sheet["C7"], sheet["D7"] = "-", "-"  # not written this year: no row
    sheet["A10"], sheet["B10"], sheet["C10"], sheet["D10"] = " окружающий  МИР ", "4", "12.5 %", 8
    read = read_back(book)
    assert read.problems == []
    assert read.value == table(
        row("math", "g5", 12.5, 35.0),
        row("russian", "g5", 40.0, 0.0),
        row("world", "g4", 12.5, 8.0),
    )


def test_missing_values_a_row_check_and_a_key_left_empty_are_named_by_cell() -> None:
    book = workbook()
    sheet = sheet_of(book)
    sheet["A5"], sheet["B5"], sheet["C5"] = "Математика", "5 класс", 10  # no «4–5»
    sheet["A6"], sheet["B6"], sheet["C6"], sheet["D6"] = "История", "5 класс", 60, 50
    sheet["B7"], sheet["C7"], sheet["D7"] = "6 класс", 1, 1  # no subject
    sheet["A8"], sheet["B8"], sheet["C8"], sheet["D8"] = "Физика", "9 класс", "пять", -1
    assert read_back(book).problems == [
        "D5: не заполнено",
        "C6–D6: доля «2» и доля «4–5» вместе больше 100 %",
        "A7: не заполнено",
        "B8: «9 класс» — такого нет в столбце «Класс»",
        "C8: нужен процент от 0 до 100, например: 45 или 12,5.",
        "D8: число должно быть не меньше 0.",
    ]


def test_a_template_without_numbers_or_without_its_header_is_refused() -> None:
    assert read_back(workbook(previous=LAST_YEAR)).problems == [
        "В таблице нет ни одной заполненной строки."
    ]
    book = workbook()
    sheet_of(book)["C4"] = "Доля"
    assert read_back(book).problems == ["В строке заголовков 4 нет столбцов: «„2“, %»."]


def test_keys_are_read_as_people_write_them() -> None:
    grade = TABLE.questions[1]
    subject = TABLE.questions[0]
    for typed in ("5", "5 кл.", "5 класс", "5-й класс", "5кл", " 5  КЛАСС "):
        assert option_named(grade, typed) == "g5", typed
    assert option_named(grade, "9") is None
    assert option_named(subject, "РУССКИЙ ЯЗЫК") == "russian"
    assert option_named(subject, "Русский") is None
    assert grade_number("10 класс") == 10
    assert [column_letter(n) for n in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


@pytest.mark.parametrize("name", ["шаблон.csv"])
def test_a_csv_of_the_table_is_read_as_well(name: str) -> None:
    content = "Предмет;Класс;«2», %;«4–5», %\nМатематика;5;12,5;35\n".encode("cp1251")
    read = read_filled(TABLE, read_tables(name, content))
    assert read.value == table(row("math", "g5", 12.5, 35.0))
