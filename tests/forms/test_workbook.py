"""A questionnaire as a workbook: written, read back the same, every mistake named where it is,
and nothing a file holds can break the reader (sizes, formulas, broken cells)."""

import io
import random
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.__main__ import main
from bot.catalog import builtin_forms
from core.forms.models import FormDefinition
from core.forms.workbook import layout
from core.forms.workbook.example import example_form
from core.forms.workbook.reader import Problem, read_form_workbook
from core.forms.workbook.writer import form_workbook, template_workbook

FORMS = builtin_forms()
SHEETS = [spec.title for spec in layout.READ_SHEETS]


def _grid(content: bytes) -> dict[str, list[list[Any]]]:
    """Each sheet of a workbook as rows of values (openpyxl's own view)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def _workbook(grid: dict[str, list[list[Any]]]) -> bytes:
    """A workbook of these rows; a text starting with "=" is a formula."""
    book = openpyxl.Workbook(write_only=True)
    for title, rows in grid.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _column(rows: list[list[Any]], header: str) -> int:
    return rows[0].index(header)


def _row(rows: list[list[Any]], question_id: str) -> list[Any]:
    """The top-level question's row on «Вопросы»."""
    group, code = _column(rows, "группа"), _column(rows, "код")
    return next(row for row in rows if row[code] == question_id and not row[group])


# --- round trip ---


@pytest.mark.parametrize("key", sorted(FORMS))
def test_every_builtin_form_round_trips(key: str) -> None:
    form = FORMS[key]

    reading = read_form_workbook(form_workbook(form))

    assert reading.problems == []
    assert reading.definition == form


def test_the_blank_template_reads_as_its_example_form() -> None:
    reading = read_form_workbook(template_workbook())

    assert reading.problems == []
    assert reading.definition == example_form()


def test_the_example_form_has_every_question_type_and_rule() -> None:
    form = example_form()
    asked = [
        question for question in form.questions for question in (question, *question.questions)
    ]
    assert {question.type.value for question in asked} == set(layout.TYPE_NAMES) - {layout.SECTION}
    conditions = {
        name
        for question in asked
        for condition in question.show_if
        for name, value in condition.model_dump().items()
        if name != "question" and value is not None
    }
    assert conditions == {"equals", "one_of", "includes", "answered"}
    table = form.question("results")
    assert table is not None
    assert all((table.key, table.row_checks, table.required_rows, table.thresholds))
    assert any(question.checks for question in asked)
    assert any(question.order.finding for question in asked)
    assert any(option.instruction for question in asked for option in question.options)


def test_the_template_has_its_sheets_dropdowns_and_a_frozen_header() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_workbook()))

    assert book.sheetnames == [*SHEETS, "Как заполнять"]
    questions = book["Вопросы"]
    assert questions.freeze_panes == "C2"
    assert [cell.value for cell in questions[1]][:4] == ["группа", "код", "тип", "текст"]
    lists = [validation.formula1 for validation in questions.data_validations.dataValidation]
    assert any("да/нет" in formula and "таблица" in formula for formula in lists)
    assert '"да,нет"' in lists
    guide = [cell.value for row in book["Как заполнять"].iter_rows() for cell in row]
    assert "held = да" in guide
    assert "answered(код)" in guide


# --- mistakes ---


def _broken_workbook() -> bytes:
    """The template with a dozen mistakes, one in each place."""
    grid = _grid(template_workbook())
    settings, questions = grid["Настройки"], grid["Вопросы"]
    options, tables = grid["Варианты"], grid["Таблицы"]
    settings[2][1] = "первая"  # the version
    settings[3][1] = None  # the title
    kind, code, show_if = (_column(questions, name) for name in ("тип", "код", "показывать, если"))
    _row(questions, "grades")[kind] = "число"
    _row(questions, "absentees")[code] = "students"
    _row(questions, "consultations_share")[show_if] = "ghost = да"
    _row(questions, "routes")[_column(questions, "варианты")] = "colours"
    students = _row(questions, "students")
    students[_column(questions, "мин.")], students[_column(questions, "макс.")] = 100, 10
    _row(questions, "extra_hours")[_column(questions, "подсказка")] = "=1+1"
    _row(questions, "comment")[_column(questions, "текст")] = "а" * 1001
    nested: list[Any] = [None] * len(questions[0])
    nested[_column(questions, "группа")], nested[code] = "parent_events", "inner"
    nested[kind], nested[_column(questions, "текст")] = "группа", "Группа в группе"
    questions.append(nested)
    label = _column(options, "вариант")
    for row in options:
        del row[label]
    key = next(row for row in tables if row[1] == "ключ")
    key[2] = "subject, fail_pct"
    return _workbook(grid)


BROKEN_REPORT = [
    ("Настройки", 3, "значение", "«первая»: версия — целое число от 1"),
    ("Настройки", 4, "значение", "не заполнено"),
    ("Вопросы", 4, "мин.", "«мин.» больше «макс.»"),
    ("Вопросы", 5, "тип", "неизвестный тип «число»: выберите тип из списка в ячейке"),
    ("Вопросы", 7, "код", "код «students» уже есть в строке 4"),
    ("Вопросы", 9, "варианты", "списка «colours» нет на листе «Варианты»"),
    ("Вопросы", 11, "показывать, если", "условие называет «ghost» — такого вопроса нет"),
    ("Вопросы", 12, "подсказка", "формулы не допускаются: впишите значение"),
    ("Вопросы", 27, "текст", "не длиннее 1000 знаков (сейчас 1001)"),
    ("Вопросы", 28, "группа", "группа или таблица не может быть внутри другой группы"),
    ("Варианты", 1, "вариант", "нет столбца «вариант»"),
    (
        "Таблицы",
        2,
        "столбцы",
        "столбец ключа «fail_pct» должен быть вопросом «один вариант» без «Другого»",
    ),
]


def test_a_workbook_with_a_dozen_mistakes_gets_each_named_where_it_is() -> None:
    reading = read_form_workbook(_broken_workbook())

    assert reading.definition is None
    assert [(p.sheet, p.row, p.column, p.message) for p in reading.problems] == BROKEN_REPORT


def test_a_problem_reads_as_sheet_row_column_and_message() -> None:
    assert str(Problem("Вопросы", 7, "код", "код «a» уже есть в строке 4")) == (
        "Вопросы, строка 7, столбец «код»: код «a» уже есть в строке 4"
    )
    assert str(Problem("Вопросы", None, None, "вопросов больше 500")) == (
        "Вопросы: вопросов больше 500"
    )
    assert str(Problem("", None, None, "не читается как книга Excel (.xlsx)")) == (
        "Файл: не читается как книга Excel (.xlsx)"
    )


def _one_question(**cells: Any) -> bytes:
    """A workbook of one section and one question, its cells by header."""
    header = [column.header for column in layout.QUESTIONS.columns]
    row = [cells.get(name) for name in header]
    return _workbook(
        {
            "Настройки": [
                ["параметр", "значение"],
                ["код формы", "probe"],
                ["версия", 1],
                ["название", "Проба"],
                ["краткое название", "Проба"],
            ],
            "Вопросы": [header, [None, None, "раздел", "Раздел", *[None] * (len(header) - 4)], row],
        }
    )


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            {"код": "n", "тип": "целое число", "текст": "?", "мин.": "много"},
            "мин.",
            "«много» — не число",
        ),
        ({"код": "n", "тип": "дата", "текст": "?", "мин.": "вчера"}, "мин.", "«вчера» — не дата"),
        (
            {"код": "n", "тип": "да/нет", "текст": "?", "обязательный": "может"},
            "обязательный",
            "«может»",
        ),
        ({"код": "N", "тип": "текст", "текст": "?"}, "код", "«N»: код — латинские"),
        (
            {"код": "n", "тип": "текст", "текст": "?", "единица": "чел."},
            "единица",
            "не заполняется",
        ),
        ({"код": "n", "тип": "текст", "текст": "?", "макс.": 100_000}, "макс.", "больше 3000"),
        ({"код": "n", "тип": "файл", "текст": "?", "мин.": 1}, "мин.", "не заполняется"),
        (
            {"код": "n", "тип": "целое число", "текст": "?", "проверки": "больше x"},
            "проверки",
            "«больше x»",
        ),
        (
            {"код": "n", "тип": "текст", "текст": "?", "показывать, если": "n = да"},
            "показывать, если",
            "условие называет сам вопрос",
        ),
        (
            {"код": "n", "тип": "текст", "текст": "?", "дополнительно": "срочно"},
            "дополнительно",
            "неизвестная отметка",
        ),
        (
            {"код": "n", "тип": "да/нет", "текст": "?", "вывод": "есть {value}"},
            "вывод",
            "{value} — для ответа",
        ),
        ({"код": "n", "тип": "группа", "текст": "?"}, "тип", "у группы нет вопросов"),
    ],
)
def test_each_cell_mistake_is_said_in_its_column(
    cells: dict[str, Any], column: str, message: str
) -> None:
    reading = read_form_workbook(_one_question(**cells))

    assert reading.definition is None
    assert [(p.sheet, p.row, p.column) for p in reading.problems] == [("Вопросы", 3, column)]
    assert message in reading.problems[0].message


def _option_row(rows: list[list[Any]], list_name: str, option_id: str) -> list[Any]:
    return next(row for row in rows if row[0] == list_name and row[1] == option_id)


def _long_label(grid: dict[str, list[list[Any]]]) -> None:
    _option_row(grid["Варианты"], "causes", "motivation")[2] = (
        "Очень низкая учебная мотивация у ряда"
    )


def _same_button(grid: dict[str, list[list[Any]]]) -> None:
    _option_row(grid["Варианты"], "routes", "some")[3] = "Да, для всех"


def _unknown_required_option(grid: dict[str, list[list[Any]]]) -> None:
    next(row for row in grid["Таблицы"] if row[1] == "обязательная строка")[3] = "math, g11"


def _threshold_on_key(grid: dict[str, list[list[Any]]]) -> None:
    next(row for row in grid["Таблицы"] if row[1] == "порог не меньше")[2] = "grade"


def _unknown_option_in_condition(grid: dict[str, list[list[Any]]]) -> None:
    questions = grid["Вопросы"]
    _row(questions, "routes_count")[_column(questions, "показывать, если")] = "routes in all, most"


def _finding_no_on_a_number(grid: dict[str, list[list[Any]]]) -> None:
    questions = grid["Вопросы"]
    _row(questions, "students")[_column(questions, "вывод при «нет»")] = "списка нет"


@pytest.mark.parametrize(
    ("mistake", "where", "message"),
    [
        (
            _long_label,
            ("Варианты", 3, "кнопка"),
            "вариант длиннее 35 знаков (сейчас 37): дайте короткую «кнопку»",
        ),
        (
            _same_button,
            ("Варианты", 8, "кнопка"),
            "у вариантов «all» и «some» одинаковая кнопка «Да, для всех»",
        ),
        (
            _unknown_required_option,
            ("Таблицы", 4, "значение"),
            "«g11» — не вариант столбца «grade»",
        ),
        (_threshold_on_key, ("Таблицы", 5, "столбцы"), "порог — у числового столбца таблицы"),
        (
            _unknown_option_in_condition,
            ("Вопросы", 10, "показывать, если"),
            "у вопроса «routes» нет варианта «most»",
        ),
        (
            _finding_no_on_a_number,
            ("Вопросы", 4, "вывод при «нет»"),
            "этот вывод — только у вопроса да/нет",
        ),
    ],
)
def test_what_the_model_refuses_is_said_in_the_cell_it_came_from(
    mistake: Any, where: tuple[str, int, str], message: str
) -> None:
    grid = _grid(template_workbook())
    mistake(grid)

    reading = read_form_workbook(_workbook(grid))

    assert [(p.sheet, p.row, p.column, p.message) for p in reading.problems] == [(*where, message)]


def test_a_missing_sheet_and_a_foreign_file_are_named() -> None:
    only_settings = _grid(template_workbook())
    del only_settings["Вопросы"]

    missing = read_form_workbook(_workbook(only_settings))
    foreign = read_form_workbook(b"PK\x03\x04 not really a workbook")

    assert [str(p) for p in missing.problems] == ["Вопросы: нет листа «Вопросы»"]
    assert [str(p) for p in foreign.problems] == ["Файл: не читается как книга Excel (.xlsx)"]


# --- safety ---


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _with_sheet(sheet_xml: bytes) -> bytes:
    """The template with its first sheet's XML replaced."""
    with zipfile.ZipFile(io.BytesIO(template_workbook())) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    return _zip(parts)


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


@pytest.mark.parametrize(
    "content",
    [
        # a million rows, packed into a few hundred kilobytes
        pytest.param(
            _with_sheet(
                SHEET_HEAD
                + b"<sheetData>"
                + b"".join(
                    b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 60_001)
                )
                + b'<row r="1000000"><c r="A1000000"><v>1</v></c></row></sheetData></worksheet>'
            ),
            id="rows",
        ),
        # a sheet that says it is a million rows
        pytest.param(
            _with_sheet(SHEET_HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData/></worksheet>'),
            id="dimension",
        ),
        # 200 MB of one character, zipped into a few hundred kilobytes
        pytest.param(
            _zip({"xl/sharedStrings.xml": b"<sst>" + b"a" * 200_000_000 + b"</sst>"}), id="zip"
        ),
        pytest.param(random.Random(1).randbytes(3 * 1024 * 1024), id="big"),
        pytest.param(
            _with_sheet(
                b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>'
                + SHEET_HEAD[21:]
                + b"<sheetData/></worksheet>"
            ),
            id="entities",
        ),
    ],
)
def test_a_size_bomb_is_refused_in_well_under_a_second(content: bytes) -> None:
    started = time.perf_counter()

    reading = read_form_workbook(content)

    assert time.perf_counter() - started < 0.3
    assert reading.definition is None
    assert len(reading.problems) == 1


def test_a_form_over_the_limits_is_refused() -> None:
    grid = _grid(template_workbook())
    questions = grid["Вопросы"]
    template = _row(questions, "comment")
    code = _column(questions, "код")
    for number in range(layout.MAX_QUESTIONS):
        row = list(template)
        row[code] = f"q{number}"
        questions.append(row)

    reading = read_form_workbook(_workbook(grid))

    assert reading.definition is None
    assert [str(p) for p in reading.problems] == ["Вопросы: вопросов больше 500"]


# --- fuzz ---

POOL: list[Any] = [
    None,
    "",
    " ",
    "да",
    "нет",
    "может быть",
    0,
    -1,
    3.5,
    10**18,
    date(2021, 3, 10),
    "=1+1",
    "=SUM(A1:A3)",
    "x" * 2_500,
    "я" * 1_001,
    "has_list",
    "students",
    "causes",
    "results",
    "subject",
    "fail_pct",
    "parent_events",
    "ghost",
    "Bad Id",
    "раздел",
    "группа",
    "таблица",
    "один вариант",
    "несколько вариантов",
    "целое число",
    "дата",
    "has_list = да",
    "has_list = может",
    "routes in all, ghost",
    "causes includes attendance",
    "causes includes",
    "answered(",
    "not answered(report)",
    ">= students: больше",
    "<= has_list: нет",
    "subject, grade",
    "math, g9, g7",
    "ключ",
    "порог не больше",
    "не позже сегодня, суммировать",
    "{value}",
    "конкурс {value} г.",
    "{x}",
    "a;b\nc",
    "01.01.2030",
    "31.02.2020",
]


def _mutate(grid: dict[str, list[list[Any]]], rng: random.Random) -> None:
    titles = [title for title in grid if title in SHEETS]
    if not titles:
        return
    title = rng.choice(titles)
    rows = grid[title]
    action = rng.random()
    if not rows:
        rows.append([rng.choice(POOL)])
    elif action < 0.6:
        row = rng.choice(rows)
        width = max(len(row), 1)
        column = rng.randrange(width + 1)
        while len(row) <= column:
            row.append(None)
        others = [value for line in rows for value in line if value is not None]
        source = POOL if rng.random() < 0.7 or not others else others
        row[column] = rng.choice(source)
    elif action < 0.7:
        del rows[rng.randrange(len(rows))]
    elif action < 0.8:
        rows.insert(rng.randrange(len(rows) + 1), list(rng.choice(rows)))
    elif action < 0.85:
        first, second = rng.randrange(len(rows)), rng.randrange(len(rows))
        rows[first], rows[second] = rows[second], rows[first]
    elif action < 0.9:
        column = rng.randrange(max(len(rows[0]), 1))
        for row in rows:
            if column < len(row):
                del row[column]
    elif action < 0.95:
        grid[title + "2" if rng.random() < 0.5 else title.upper()] = grid.pop(title)
    else:
        del grid[title]


def _check_reading(content: bytes) -> None:
    reading = read_form_workbook(content)
    if reading.definition is not None:
        assert reading.problems == []
        definition = reading.definition
        assert FormDefinition.model_validate(definition.model_dump()) == definition
        again = read_form_workbook(form_workbook(definition))
        assert again.definition == definition
        return
    assert reading.problems
    for problem in reading.problems:
        assert problem.sheet in ("", *SHEETS)
        assert problem.row is None or problem.row >= 1
        assert problem.message
        assert "недопустимое значение" not in problem.message  # every model error translated


@pytest.mark.parametrize("chunk", range(4))
def test_broken_workbooks_never_break_the_reader(chunk: int) -> None:
    """200 workbooks, each the template or a built-in form with one to six random mutations."""
    sources = [template_workbook(), *(form_workbook(FORMS[key]) for key in ("vpr", "teachers"))]
    grids = [_grid(source) for source in sources]
    for case in range(chunk * 50, chunk * 50 + 50):
        rng = random.Random(case)
        grid = {title: [list(row) for row in rows] for title, rows in rng.choice(grids).items()}
        for _ in range(rng.randint(1, 6)):
            _mutate(grid, rng)
        _check_reading(_workbook(grid))


@pytest.mark.parametrize("seed", range(20))
def test_damaged_files_never_break_the_reader(seed: int) -> None:
    rng = random.Random(seed)
    content = bytearray(template_workbook())
    for _ in range(rng.randint(1, 20)):
        content[rng.randrange(len(content))] = rng.randrange(256)
    if rng.random() < 0.3:
        del content[rng.randrange(len(content)) :]

    _check_reading(bytes(content))


# --- the command ---


def test_the_command_writes_the_template_and_a_builtin_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template, vpr = tmp_path / "template.xlsx", tmp_path / "vpr.xlsx"

    assert main(["form-template", "-o", str(template)]) == 0
    assert main(["form-template", "--form", "vpr", "-o", str(vpr)]) == 0
    assert main(["form-template", "--form", "nope"]) == 2

    out, err = capsys.readouterr()
    assert out.split() == [str(template), str(vpr)]
    assert "no built-in form 'nope'" in err
    assert read_form_workbook(template.read_bytes()).definition == example_form()
    assert read_form_workbook(vpr.read_bytes()).definition == FORMS["vpr"]
