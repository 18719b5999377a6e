"""The export workbook, read back with openpyxl and with python-calamine (an independent reader):
sheet by sheet, the values, their types, the school lists and the roll-ups."""

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from core.export import Export
from core.export.layout import fit_long_texts, with_final_titles
from exports.tables import CELL_LIMIT, Column, Format, Sheet
from exports.workbook import render_workbook
from storage import Database
from tests.services.test_export import (
    EVIL_OTHER,
    LONG_REASON,
    MINUS_OTHER,
    TAB_OTHER,
    World,
    city_export,
    region_export,
    sample_world,
)


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await sample_world(sqlite_db)


@pytest.fixture
async def city(sqlite_db: Database, world: World) -> Export:
    return await city_export(sqlite_db, world)


@pytest.fixture
async def region(sqlite_db: Database, world: World) -> Export:
    return await region_export(sqlite_db, world)


HEADERS = {"Округ", "Вариант / показатель"}


class Read:
    """One workbook opened by both readers."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.book = openpyxl.load_workbook(io.BytesIO(content))
        self.calamine = CalamineWorkbook.from_filelike(io.BytesIO(content))

    def sheet(self, title: str) -> Worksheet:
        found = self.book[title]
        assert isinstance(found, Worksheet)
        return found

    def values(self, title: str) -> list[list[Any]]:
        return self.calamine.get_sheet_by_name(title).to_python(skip_empty_area=False)

    def header_row(self, title: str, first: str) -> int:
        """The 1-based row of the header: its first cell is ``first``, its second a column title
        (a preamble line holds a value there instead)."""
        sheet = self.sheet(title)
        return next(
            r
            for r in range(1, sheet.max_row + 1)
            if sheet.cell(r, 1).value == first and sheet.cell(r, 2).value in HEADERS
        )

    def table(self, title: str, first: str = "Период") -> tuple[list[Any], list[tuple[Any, ...]]]:
        """The header and the data rows below it (and below a subtitles row, when there is one)."""
        sheet = self.sheet(title)
        header_at = self.header_row(title, first)
        header = [cell.value for cell in sheet[header_at]]
        first_data = int("".join(c for c in (sheet.freeze_panes or "") if c.isdigit()) or 0)
        rows = list(sheet.iter_rows(min_row=max(first_data, header_at + 1), values_only=True))
        return header, rows


def row_of(header: Sequence[Any], rows: Sequence[Sequence[Any]], school: str) -> Sequence[Any]:
    return next(row for row in rows if row[header.index("Школа")] == school)


async def test_the_sheets_are_there_in_order_with_frozen_filtered_headers(city: Export) -> None:
    read = Read(render_workbook(city.sheets))

    assert read.book.sheetnames == [
        "Сводка",
        "По школам",
        "Ответы",
        "Итоги",
        "Есть и нет",
        "По округам",
        "Не сдали",
        "Диаграммы",
        "Длинные тексты",
    ]
    assert read.calamine.sheet_names == read.book.sheetnames
    summary = read.sheet("Сводка")
    header_at = read.header_row("Сводка", "Период")
    assert summary.freeze_panes == f"D{header_at + 1}"  # period, district, school stay in view
    assert summary.auto_filter.ref == f"A{header_at}:N{header_at + 7}"
    assert summary.column_dimensions["D"].width == 40
    assert summary.cell(header_at, 1).font.b
    answers = read.sheet("Ответы")
    # The question ids in a hidden row above the Russian header, which carries the filter.
    assert answers.freeze_panes == "E3"
    assert answers.row_dimensions[1].hidden
    assert answers.cell(1, 5).value == "low_total"
    assert answers.cell(2, 5).value != "low_total"
    assert answers.auto_filter.ref is not None
    assert answers.auto_filter.ref.startswith("A2:")
    assert answers.print_title_rows == "$2:$2"  # the ids are not printed
    assert read.sheet("Диаграммы").auto_filter.ref is None


async def test_the_summary_has_totals_statuses_real_dates_and_numbers(city: Export) -> None:
    read = Read(render_workbook(city.sheets))
    # A label runs over the empty cells after it: the values follow them.
    preamble = [[v for v in row if v not in (None, "")] for row in read.values("Сводка")[:10]]
    assert preamble[0][:2] == ["Анкета", city.form_title]
    assert preamble[4][:3] == ["Сдали", 5, "из 7"]
    assert preamble[5][:2] == ["С опозданием или не сдали в срок", 3]
    assert preamble[6][:2] == ["Не сдали", 2]
    assert preamble[7][:2] == ["Приняты", 1]  # the review outcome, as seed 003 reports it
    assert preamble[8][:2] == ["На доработке", 1]
    assert isinstance(preamble[3][1], datetime)  # Сформировано

    header, rows = read.table("Сводка")
    eleven = row_of(header, rows, "СОШ № 11")
    assert eleven[header.index("Статус")] == "Сдана"
    assert eleven[header.index("Соблюдение срока")] == "с опозданием"
    assert eleven[header.index("Отправлена")] == datetime(2026, 1, 27, 10)  # Tomsk wall clock
    assert eleven[header.index("Срок")] == datetime(2026, 1, 25, 23, 59, 59)
    assert eleven[header.index("Опоздание, ч")] == 34
    assert eleven[header.index("Опоздание")] == "1 дн. 10 ч"
    five = row_of(header, rows, "СОШ № 5")
    assert five[header.index("Принята")] == datetime(2026, 1, 26, 12)
    assert five[header.index("Кто отвечал")] == "Иванова Мария Петровна\nСидоров Иван Иванович"
    twenty_eight = row_of(header, rows, "СОШ № 28")
    assert twenty_eight[header.index("Возвращалась на доработку, раз")] == 1
    assert twenty_eight[header.index("Соблюдение срока")] == "в срок"
    assert row_of(header, rows, "СОШ № 41")[header.index("Статус")] == "Возвращена на доработку"
    assert row_of(header, rows, "СОШ № 44")[header.index("Соблюдение срока")] == (
        "не сдана, срок прошёл"
    )
    column = header.index("Отправлена") + 1
    cell = read.sheet("Сводка").cell(read.header_row("Сводка", "Период") + 3, column)
    assert isinstance(cell, Cell)
    assert cell.is_date
    assert cell.number_format == "DD.MM.YYYY HH:MM"

    # calamine agrees: real datetimes and numbers, not texts.
    values = read.values("Сводка")
    cal_header_at = next(i for i, row in enumerate(values) if row[:2] == ["Период", "Округ"])
    cal_header = values[cal_header_at]
    cal_eleven = next(r for r in values[cal_header_at + 1 :] if r[2] == "СОШ № 11")
    assert cal_eleven[cal_header.index("Отправлена")] == datetime(2026, 1, 27, 10)
    assert cal_eleven[cal_header.index("Опоздание, ч")] == 34


async def test_answers_are_typed_and_formula_like_texts_stay_text(city: Export) -> None:
    read = Read(render_workbook(city.sheets))
    sheet = read.sheet("Ответы")
    ids = [cell.value for cell in sheet[1]]  # the hidden codes row, above the header
    labels = [cell.value for cell in sheet[2]]
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=3)}
    assert labels[ids.index("subjects.math")] == (
        "По каким предметам проводятся занятия?: Математика"
    )
    assert labels[ids.index("subjects.other")] == (
        "По каким предметам проводятся занятия?: другое (текст)"
    )

    eleven = rows["СОШ № 11"]
    evil = eleven[ids.index("subjects.other")]
    assert evil.value == EVIL_OTHER
    assert evil.data_type == "s"
    assert evil.quotePrefix
    assert eleven[ids.index("subjects.math")].value == "да"
    assert eleven[ids.index("subjects.physics")].value == "нет"
    sessions = eleven[ids.index("sessions")]
    assert sessions.value == 20
    assert sessions.data_type == "n"
    minus = rows["СОШ № 28"][ids.index("subjects.other")]
    assert minus.value == MINUS_OTHER
    assert minus.data_type == "s"
    assert minus.quotePrefix
    five = rows["СОШ № 5"]
    assert five[ids.index("grades")].value == "2–9"
    assert five[ids.index("schedule_link")].value == "https://school5.tomsk.ru/grafik"
    assert five[ids.index("evidence")].value == (
        "График консультаций.pdf (файл пришлёт бот: /file U1)"
    )
    assert rows["СОШ № 44"][ids.index("held")].value is None

    # Nothing in the file is a formula.
    with zipfile.ZipFile(io.BytesIO(read.content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)

    cal = read.values("Ответы")
    cal_rows = {row[2]: row for row in cal[2:]}
    assert cal_rows["СОШ № 11"][ids.index("subjects.other")] == EVIL_OTHER
    assert cal_rows["СОШ № 11"][ids.index("sessions")] == 20
    assert cal_rows["СОШ № 5"][ids.index("students")] == 30


async def test_a_text_longer_than_a_cell_is_kept_whole_on_its_own_sheet(city: Export) -> None:
    read = Read(render_workbook(city.sheets))
    sheet = read.sheet("Ответы")
    ids = [cell.value for cell in sheet[1]]
    reason = next(
        row[ids.index("not_held_reason")]
        for row in sheet.iter_rows(min_row=3)
        if row[2].value == "ООШ № 66"
    )
    assert reason.data_type == "s"
    assert reason.quotePrefix
    assert isinstance(reason.value, str)
    assert len(reason.value) == CELL_LIMIT
    assert reason.value.startswith(LONG_REASON[:1000])
    assert reason.value.endswith(f"ячейка Ответы!{reason.coordinate}]")

    parts = [row for row in read.values("Длинные тексты")[1:] if row[0] == "Ответы"]
    assert {(row[0], row[1]) for row in parts} == {("Ответы", reason.coordinate)}
    assert "".join(row[3] for row in parts) == LONG_REASON
    assert [row[2] for row in parts] == [1, 2]


async def test_totals_list_schools_as_the_orders_do(city: Export) -> None:
    read = Read(render_workbook(city.sheets))
    header, rows = read.table("Итоги", "Вопрос")
    held = city.questions[1].text
    yes = next(r for r in rows if r[0] == held and r[1] == "да")
    assert yes[header.index("Школ")] == 4
    assert yes[header.index("Доля от всех школ")] == pytest.approx(4 / 7, abs=1e-6)  # not 4 of 5
    assert yes[header.index("Нет ответа, школ")] == 2  # 41 (returned) and 44 (a draft)
    assert yes[header.index("Школы")] == (
        "СОШ № 5 (2–9 классы), 11 (5–9 классы), 28 (4–11 классы); ООШ № 38 (5–9 классы)"
    )
    share_cell = next(
        row[header.index("Доля от всех школ")]
        for row in read.sheet("Итоги").iter_rows(min_row=2)
        if row[0].value == held and row[1].value == "да"
    )
    assert share_cell.number_format == "0.0%"

    subjects = "По каким предметам проводятся занятия?"
    other = next(r for r in rows if r[0] == subjects and r[1] == "Другое")
    assert other[header.index("Школы")] == "СОШ № 11, 28"
    assert other[header.index("Пояснения («другое»)")] == (
        f"СОШ № 11: {EVIL_OTHER}; СОШ № 28: {MINUS_OTHER}"
    )
    sessions = "Сколько дополнительных занятий проведено за отчётный период?"
    stats = {r[1]: r[header.index("Значение")] for r in rows if r[0] == sessions}
    assert stats == {
        "Ответили (школ)": None,
        "Минимум": 10,
        "Среднее": 32.5,
        "Медиана": 30,
        "Максимум": 60,
        "Сумма": 130,
    }

    cal = read.values("Итоги")
    cal_header_at = next(i for i, row in enumerate(cal) if row[0] == "Вопрос")
    cal_yes = next(r for r in cal[cal_header_at + 1 :] if r[0] == held and r[1] == "да")
    assert cal_yes[3] == pytest.approx(4 / 7, abs=1e-6)
    assert cal_yes[2] == 4


async def test_the_missing_sheet_has_the_contacts_for_the_calls(city: Export) -> None:
    read = Read(render_workbook(city.sheets))
    header, rows = read.table("Не сдали")
    assert [row[header.index("Школа")] for row in rows] == ["СОШ № 41", "СОШ № 44"]
    forty_four = rows[1]
    assert forty_four[header.index("Ответственные")] == (
        "Кузнецова Анна Сергеевна\nПетров Пётр Петрович"
    )
    assert forty_four[header.index("Должности")] == "учитель\nзавуч"
    assert forty_four[header.index("Telegram")] == "\n@petrov44"
    assert forty_four[header.index("Бот недоступен")] == "да\nнет"


async def test_the_region_rolls_up_by_district_and_compares_periods(region: Export) -> None:
    read = Read(render_workbook(region.sheets))
    assert read.book.sheetnames == [
        "Сводка",
        "По школам",
        "Ответы",
        "Мероприятие (повтор)",
        "Итоги",
        "Есть и нет",
        "По округам",
        "Динамика",
        "Не сдали",
        "Диаграммы",
    ]

    sheet = read.sheet("По округам")
    header_at = read.header_row("По округам", "Вопрос")
    titles = [cell.value for cell in sheet[header_at]]
    subtitles = [cell.value for cell in sheet[header_at + 1]]
    rows = list(sheet.iter_rows(min_row=header_at + 2, values_only=True))
    zonal = titles.index("Зональненский образовательный округ")
    assert subtitles[zonal : zonal + 2] == ["школ / значение", "Доля от всех школ"]
    total = titles.index("Томский район")
    submitted = next(row for row in rows if row[1] == "Сдали")
    assert submitted[zonal] == 1
    assert submitted[zonal + 1] == pytest.approx(1 / 9)
    assert submitted[total] == 3
    assert submitted[total + 1] == pytest.approx(3 / 35)
    assert next(row for row in rows if row[1] == "Школ в мониторинге")[total] == 35
    mentoring = "Организовано ли в школе наставничество?"
    yes = next(row for row in rows if row[0] == mentoring and row[1] == "да")
    assert yes[zonal] == 1
    assert yes[total] == 2
    assert yes[total + 1] == pytest.approx(2 / 35, abs=1e-6)
    assert titles.count("Без округа") == 2

    header_at = read.header_row("Динамика", "Вопрос")
    dyn = read.sheet("Динамика")
    assert [c.value for c in dyn[header_at]][2:] == ["1 полугодие", "2 полугодие", "Изменение"]
    dyn_rows = list(dyn.iter_rows(min_row=header_at + 2, values_only=True))
    yes_row = next(r for r in dyn_rows if r[0] == mentoring and r[1] == "да: доля от всех школ, %")
    assert list(yes_row[2:]) == [pytest.approx(2.9), pytest.approx(5.7), pytest.approx(2.8)]

    group = read.sheet("Мероприятие (повтор)")
    ids = [cell.value for cell in group[1]]
    items = list(group.iter_rows(min_row=3))
    assert len(items) == 4
    # by period, then district (Заречный before Зональненский), then school
    assert [row[2].value for row in items] == [
        "Мирненская СОШ",
        "Мирненская СОШ",
        "Моряковская СОШ",
        "Мирненская СОШ",
    ]
    assert [row[4].value for row in items[:2]] == [1, 2]  # № пункта
    webinar = items[1]
    assert webinar[ids.index("direction.other")].value == TAB_OTHER
    assert webinar[ids.index("direction.other")].data_type == "s"
    assert webinar[ids.index("held_on")].value == datetime(2025, 11, 2)
    assert webinar[ids.index("held_on")].number_format == "DD.MM.YYYY"
    cal = read.values("Мероприятие (повтор)")
    assert cal[3][ids.index("held_on")] == date(2025, 11, 2)
    assert cal[3][ids.index("teachers")] == 2


async def test_charts_show_completion_per_district_and_option_shares(region: Export) -> None:
    content = render_workbook(region.sheets)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        xml = [archive.read(name).decode() for name in charts]
    # completion; internal_support and contests (multiple choice); imc direction is a sub-question
    assert len(xml) == 3
    assert "<barChart>" in xml[0]
    assert "Сдача анкеты по округам" in xml[0]
    assert "'Диаграммы'!$B$" in xml[0]
    assert "stacked" in xml[0]
    assert all("<barChart>" in chart for chart in xml[1:])
    read = Read(content)
    rows = read.values("Диаграммы")
    districts = [row[0] for row in rows[2:9]]
    assert districts[0] == "Воронинский образовательный округ"
    assert "Без округа" in districts


def test_plain_sheets_render_types_and_forced_text() -> None:
    sheet = Sheet(
        "Проба",
        [Column("Текст"), Column("Доля", format=Format.SHARE), Column("День", format=Format.DATE)],
        [["#N/A", 0.25, date(2026, 3, 1)], ["+1", None, None], ["\rвозврат", 1, None]],
    )
    read = Read(render_workbook([sheet]))
    ws = read.sheet("Проба")
    assert ws["A2"].value == "#N/A"
    assert ws["A2"].data_type == "s"
    assert ws["A3"].value == "+1"
    assert ws["A3"].quotePrefix
    assert ws["B2"].number_format == "0.0%"
    assert ws["C2"].is_date
    assert read.values("Проба")[1] == ["#N/A", 0.25, date(2026, 3, 1)]


def test_a_pointer_to_a_long_text_names_the_sheet_as_the_workbook_titles_it() -> None:
    """Two repeat groups whose sheet names collide: the second is "(2)" in the pointer too."""
    text = "y" * (CELL_LIMIT + 10)
    sheets = fit_long_texts(
        with_final_titles(
            [
                Sheet("Мероприятие/семинар", [Column("A")], [["first"]]),
                Sheet("Мероприятие/семинар", [Column("A"), Column("B")], [["second", text]]),
            ]
        )
    )
    read = Read(render_workbook(sheets))

    assert read.book.sheetnames == [
        "Мероприятие семинар",
        "Мероприятие семинар (2)",
        "Длинные тексты",
    ]
    cut = read.values("Мероприятие семинар (2)")[1][1]
    assert cut.endswith("ячейка Мероприятие семинар (2)!B2]")


def test_wrapped_rows_grow_to_their_text_and_sheets_print_landscape_one_page_wide() -> None:
    long = "Проанализированы ли внутренние и внешние причины низких образовательных результатов?"
    sheet = Sheet(
        "Лист",
        [Column("Школа", width=12), Column("Вопрос", width=20, wrap=True), Column("Код", width=8)],
        [["СОШ № 5", long, "x" * 60], ["СОШ № 11", "да", "y"]],
    )

    book = openpyxl.load_workbook(io.BytesIO(render_workbook([sheet])))
    ws = book["Лист"]

    # 84 characters in a column 20 wide: five lines; a cell that does not wrap adds none
    assert ws.row_dimensions[2].height == 5 * 15
    assert ws.row_dimensions[3].height is None  # one line: the default height
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$1"  # the header on every printed page
    fit = ws.sheet_properties.pageSetUpPr
    assert fit is not None
    assert fit.fitToPage is True


def test_columns_are_as_wide_as_their_content_and_pages_say_where_they_are() -> None:
    label = "Не сдали хотя бы одну анкету мониторинга"  # a preamble label, 40 characters
    sheet = Sheet(
        "Сводка",
        [
            Column("Школа", width=12),
            Column("Пояснения", width=20, wrap=True),
            Column("Дата", format=Format.DATE, width=6),
            Column("Код", width=8, hidden=True),
            Column("Ссылка", width=10),
            Column("Итог", width=5),
        ],
        [
            [
                "МАОУ СОШ № 5 имени А.К. Ерохина",
                "коротко, но сверхдлинноесловобезпробелов",
                date(2021, 1, 5),
                "k" * 40,
                "h" * 90,
                None,
            ],
            ["СОШ № 11", None, None, None, None, None],
        ],
        preamble=[[label, 7], ["Сформировано", datetime(2021, 1, 28, 12)]],
    )
    book = openpyxl.load_workbook(io.BytesIO(render_workbook([sheet])))
    ws = book["Сводка"]
    width = {letter: ws.column_dimensions[letter].width for letter in "ABCDEF"}
    assert width["A"] == len("МАОУ СОШ № 5 имени А.К. Ерохина") + 1  # its longest value
    assert width["B"] == len("сверхдлинноесловобезпробелов") + 1  # a wrapped one: its longest word
    assert width["D"] == 8  # hidden: as laid out
    assert width["E"] == 60  # at most this; the rest is cut on paper, kept in the cell
    # The label (40) runs over A and B (32 + 29); its value starts in C, which a date widens.
    assert [ws.cell(1, column).value for column in (1, 2, 3)] == [label, None, 7]
    assert ws.cell(2, 3).value == datetime(2021, 1, 28, 12)
    assert width["C"] == 18  # a date and time, not "###"
    header, footer = ws.oddHeader, ws.oddFooter
    assert header is not None
    assert footer is not None
    assert header.center.text == "&A"
    assert footer.center.text == "Страница &P из &N"


def test_a_table_wider_than_a_page_prints_on_several_pages_with_its_first_columns() -> None:
    columns = [Column("Школа", width=14)] + [Column(f"Вопрос {n}", width=20) for n in range(30)]
    sheet = Sheet("Ответы", columns, [["СОШ № 5", *["да"] * 30]], frozen_columns=1)
    narrow = Sheet("Сводка", columns[:5], [["СОШ № 5", "да", "да", "да", "да"]])
    book = openpyxl.load_workbook(io.BytesIO(render_workbook([sheet, narrow])))
    wide = book["Ответы"]
    # 14 + 30 × 20 = 614 units: three pages side by side, the school on each of them
    assert wide.page_setup.fitToWidth == 3
    assert wide.print_title_cols == "$A:$A"
    assert book["Сводка"].page_setup.fitToWidth == 1
