"""Issue 17 review: what a spreadsheet of a table holds beyond plain cells. A percent-formatted
cell reads as the percent Excel shows; a formula without a computed value is a problem, not an
empty cell; a sheet larger than a table's is refused before it is read whole; a school's name
matches only its own school (never a guess); a school's problem reads as one sentence."""

import io
import re
import time
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
from openpyxl.styles import Border, Side
from openpyxl.worksheet.worksheet import Worksheet

from bot.catalog import builtin_forms
from core.forms.models import Question
from core.tables.bulk import (
    BULK_LIMITS,
    match_school,
    named_schools,
    place_suffixes,
    similar_schools,
)
from core.tables.entry import read_table_file, read_template, sheet_problem
from core.tables.reading import Grid, Placed, check_rows, lower_first
from core.tables.template import render, template_sheet
from exports.sheets import SheetError, read_tables
from storage.directory import School
from texts import table_files as texts


def _results() -> Question:
    found = builtin_forms()["vpr"].question("results")
    assert found is not None
    return found


TABLE = _results()


def template() -> openpyxl.Workbook:
    content = render(template_sheet(TABLE, heading="Результаты ВПР — СОШ № 5, весна 2021"))
    return openpyxl.load_workbook(io.BytesIO(content))


def sheet_of(book: openpyxl.Workbook) -> Worksheet:
    found = book.active
    assert isinstance(found, Worksheet)
    return found


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_sheet_xml(content: bytes, change: Callable[[str], str]) -> bytes:
    """The workbook with its sheet's XML changed, as another program might have written it."""
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name].decode()).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)
    return buffer.getvalue()


def row(subject: str, grade: str, fail: float, high: float) -> dict[str, Any]:
    return {
        "subject": {"selected": subject, "other": None},
        "grade": {"selected": grade, "other": None},
        "fail_pct": fail,
        "high_pct": high,
    }


# --- percents ---


def test_a_percent_formatted_cell_reads_as_the_percent_excel_shows() -> None:
    book = template()
    sheet = sheet_of(book)
    sheet["A5"], sheet["B5"], sheet["C5"], sheet["D5"] = "Математика", "5 класс", 0.3, 0.125
    sheet["C5"].number_format = "0%"  # Excel stores "30%" typed in as 0.3
    sheet["D5"].number_format = "0.0%"
    sheet["A6"], sheet["B6"], sheet["C6"], sheet["D6"] = "Математика", "6 класс", 29, 0.14
    sheet["D6"].number_format = '0.00" %"'  # a "%" in quotes is only a sign: the number as is
    read = read_template(TABLE, "шаблон.xlsx", saved(book))
    assert read.problems == []
    assert read.value == {
        "items": [row("math", "g5", 30, 12.5), row("math", "g6", 29, 0.14)],
        "done": True,
    }
    # The directory import reads values as they are stored, as before.
    assert read_tables("шаблон.xlsx", saved(book))[0].rows[4][2:] == ["0.3", "0.125"]


def test_the_templates_value_columns_are_plain_numbers() -> None:
    prefilled = {"items": [row("math", "g5", 12.5, 35)], "done": True}
    content = render(template_sheet(TABLE, heading="Шаблон", current=prefilled))
    sheet = sheet_of(openpyxl.load_workbook(io.BytesIO(content)))
    for cell in ("C5", "D5", "C6", "D6"):
        assert "%" not in sheet[cell].number_format, cell
        assert sheet[cell].number_format == "General", cell


# --- formulas without a value ---


def test_a_formula_without_a_value_is_named_not_dropped() -> None:
    book = template()
    sheet = sheet_of(book)
    sheet["A5"], sheet["B5"], sheet["C5"], sheet["D5"] = "Математика", "5 класс", "=1/0", 0
    sheet["A6"], sheet["B6"], sheet["C6"], sheet["D6"] = "Математика", "6 класс", "=C5", "=D5"
    sheet["A7"], sheet["B7"], sheet["C7"], sheet["D7"] = "=A5", "7 класс", 1, 2
    read = read_template(TABLE, "шаблон.xlsx", saved(book))
    assert read.value is None
    assert read.problems == [
        "C5: формула без значения — впишите число",
        "C6: формула без значения — впишите число",
        "D6: формула без значения — впишите число",
        "A7: формула без значения — впишите число",
    ]


def test_a_formula_excel_computed_reads_as_its_value() -> None:
    book = template()
    sheet = sheet_of(book)
    sheet["A5"], sheet["B5"], sheet["C5"], sheet["D5"] = "Математика", "5 класс", "=10+2", 1
    # As Excel saves it: the formula with its computed value.
    computed = _with_sheet_xml(
        saved(book),
        lambda xml: re.sub(r"<f>10\+2</f>(<v\s*/>|<v></v>)?", "<f>10+2</f><v>12</v>", xml),
    )
    read = read_template(TABLE, "шаблон.xlsx", computed)
    assert read.value == {"items": [row("math", "g5", 12, 1)], "done": True}


# --- sheets too large ---


def _bomb(*, dimension: str | None) -> bytes:
    """A few kilobytes: one cell at row 20000, column 16000, and the dimension given."""
    book = openpyxl.Workbook()
    sheet = sheet_of(book)
    sheet["A1"] = "Предмет"
    sheet.cell(20000, 16000, 1)

    def declared(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)
        if dimension is None:
            return xml
        return xml.replace("<sheetViews>", f'<dimension ref="{dimension}"/><sheetViews>', 1)

    return _with_sheet_xml(saved(book), declared)


def test_a_tiny_file_declaring_a_huge_sheet_is_refused_at_once() -> None:
    too_large = (
        "Лист «Sheet» в «шаблон.xlsx» слишком большой: можно не больше 300 строк и 30 "
        "столбцов. Оставьте в файле только таблицу и пришлите снова."
    )
    for dimension in ("A1:WQJ20000", None, "A1:D5"):  # as written, none, a false one
        content = _bomb(dimension=dimension)
        assert len(content) < 10_000
        started = time.monotonic()
        read = read_template(TABLE, "шаблон.xlsx", content)
        assert time.monotonic() - started < 2, dimension
        assert read.problems == [too_large], dimension
    bulk = read_table_file("школы.xlsx", _bomb(dimension=None), BULK_LIMITS, texts.BULK_KINDS)
    assert bulk == too_large.replace("шаблон", "школы").replace("300", "2000").replace(
        "30 столбцов", "60 столбцов"
    )


def test_a_bordered_empty_area_or_a_false_size_changes_nothing() -> None:
    book = template()
    sheet = sheet_of(book)
    sheet["A5"], sheet["B5"], sheet["C5"], sheet["D5"] = "Математика", "5 класс", 20, 0
    sheet["A6"], sheet["B6"], sheet["C6"], sheet["D6"] = "Математика", "6 класс", 29, 14
    for line in range(7, 501):  # borders drawn down to row 500, nothing in them
        for column in range(1, 8):
            sheet.cell(line, column).border = Border(bottom=Side(style="thin"))
    content = saved(book)
    assert (
        "A1:G500" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    )
    expected = {"items": [row("math", "g5", 20, 0), row("math", "g6", 29, 14)], "done": True}
    assert read_template(TABLE, "шаблон.xlsx", content).value == expected
    # A size declared too small (some programs write "A1:A1") cuts no row off.
    false_size = _with_sheet_xml(content, lambda xml: xml.replace("A1:G500", "A1:D5"))
    assert read_template(TABLE, "шаблон.xlsx", false_size).value == expected


def test_a_sheet_of_many_empty_rows_stops_at_the_cell_budget() -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(1, 60_001))

    def many(xml: str) -> str:
        xml = re.sub(
            r"<sheetData\s*/>|<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>", xml
        )
        return re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)

    content = _with_sheet_xml(saved(openpyxl.Workbook()), many)
    read = read_template(TABLE, "шаблон.xlsx", content)
    assert len(read.problems) == 1
    assert "слишком большой" in read.problems[0]


def test_a_csv_beyond_the_limits_is_refused() -> None:
    wide = ("Предмет" + ";" * 70 + "x\n").encode()
    assert "слишком большой" in str(read_table_file("t.csv", wide, BULK_LIMITS, ""))
    long = ("Предмет\n" + "x\n" * 2500).encode()
    assert "2000 строк" in str(read_table_file("t.csv", long, BULK_LIMITS, ""))
    assert read_table_file("t.csv", "Предмет\nx\n".encode(), BULK_LIMITS, "") != ""


# --- schools by name: never a guess ---


def school(number: int, municipality: int, short: str, full: str) -> School:
    return School(number, municipality, None, full, short)


TOMSKY, ASINO, KOZHEVNIKOVO = 1, 2, 3
PLACES = {TOMSKY: "Томский район", ASINO: "Асиновский район", KOZHEVNIKOVO: "Кожевниковский район"}
ROUND = [
    school(1, TOMSKY, "Октябрьская СОШ", "МБОУ «Октябрьская СОШ» Томского района"),
    school(
        2, TOMSKY, "Лучановская СОШ", "МБОУ «Лучановская СОШ имени В.В. Михетко» Томского района"
    ),
    school(3, ASINO, "СОШ № 1", "МАОУ «СОШ № 1 г. Асино»"),
    school(4, TOMSKY, "Александровская СОШ", "МБОУ «Александровская СОШ»"),
]
KNOWN = named_schools(ROUND, PLACES)


def found(name: str) -> list[str]:
    return [one.short_name for one in match_school(name, KNOWN)]


def similar(name: str) -> list[str]:
    return [one.short_name for one in similar_schools(name, KNOWN)]


def test_another_towns_school_of_the_same_number_is_not_matched() -> None:
    assert found('МБОУ "СОШ № 1 г. Колпашево"') == []
    assert similar('МБОУ "СОШ № 1 г. Колпашево"') == ["СОШ № 1"]  # asked, not guessed
    assert found("МАОУ СОШ №1") == ["СОШ № 1"]


def test_another_districts_school_of_the_same_name_is_not_matched() -> None:
    assert found("Октябрьская СОШ Кожевниковского района") == []
    assert found("МБОУ «Октябрьская СОШ» Томского района") == ["Октябрьская СОШ"]
    assert found("Октябрьская СОШ Томского муниципального района") == ["Октябрьская СОШ"]
    assert found("Александровская СОШ Томского района") == ["Александровская СОШ"]
    assert place_suffixes("Томский район")[0] == "томского района"
    assert place_suffixes("Город Томск")[:2] == ("г томска", "города томска")


def test_a_branch_is_not_its_main_school() -> None:
    assert found("Октябрьская ООШ — филиал МБОУ «Октябрьская СОШ»") == []
    assert similar("Октябрьская ООШ — филиал МБОУ «Октябрьская СОШ»") == ["Октябрьская СОШ"]


def test_a_school_named_after_someone_else_is_not_matched() -> None:
    assert found("МБОУ «Лучановская СОШ имени Ю.А. Гагарина»") == []
    assert found('МБОУ "Лучановская СОШ имени В.В. Михетко"') == ["Лучановская СОШ"]
    assert found("Лучановская СОШ им. В. В. Михетко") == ["Лучановская СОШ"]
    assert found("Лучановская СОШ") == ["Лучановская СОШ"]


# --- texts ---


def test_a_schools_problem_reads_as_one_sentence() -> None:
    data = TABLE.model_dump()
    data["required_rows"] = [{"subject": "russian", "grade": "g4"}]
    required = Question.model_validate(data)
    content = "Предмет;Класс;«2», %;«4–5», %\nМатематика;5;1;1\n".encode()
    grid = Grid(read_tables("t.csv", content)[0])
    columns = {"fail_pct": 2, "high_pct": 3}
    placed = Placed(row("math", "g5", 1, 1), grid, 1, columns, (0, 1))
    problems = [problem.text for problem in check_rows(required, [placed], owner="СОШ № 5")]
    assert problems == ["СОШ № 5: не хватает обязательных строк: Русский язык, 4 класс"]
    assert lower_first("ВПР не найдены") == "ВПР не найдены"


def test_each_flow_names_the_files_it_takes() -> None:
    error = SheetError("unsupported", "итоги.doc")
    assert sheet_problem(error, "итоги.doc", texts.BULK_KINDS) == (
        "Нужен файл .xlsx, .xlsm, .csv, .tsv или .txt, а «итоги.doc» — другой."
    )
    assert sheet_problem(error, "итоги.doc", texts.TEMPLATE_KINDS) == (
        "Нужен файл .xlsx, .xlsm или .csv, а «итоги.doc» — другой."
    )
