"""Reading uploaded spreadsheets as tables of strings, and writing formatted workbooks.

openpyxl is used here only to look at what ``write_workbook`` produced (styles, cell types).
"""

import io
import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from exports.sheets import RawTable, SheetData, SheetError, cell_text, read_tables, write_workbook

FORMULA_LIKE = ["=1+2", "+7 (999) 123-45-67", "-5", "@SUM(A1)", "\tTab", "\rCR", "=HYPERLINK(1)"]


def _workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_xlsx_round_trip_shows_values_as_excel_does() -> None:
    content = write_workbook(
        [
            SheetData(
                title="Школы",
                header=["Название", "Число", "Дробь", "Дата", "Момент", "Пусто"],
                rows=[
                    ["  СОШ № 5  ", 5, 5.0, date(2026, 1, 2), datetime(2026, 1, 2, 9, 30), None],
                    ["Интеграция", 0, 2.5, date(2025, 12, 31), datetime(2026, 3, 4), ""],
                ],
            ),
            SheetData(title="Второй", header=["A"], rows=[["x"]]),
        ]
    )

    tables = read_tables("directory.xlsx", content)

    assert tables == [
        RawTable(
            source="Школы",
            rows=[
                ["Название", "Число", "Дробь", "Дата", "Момент", "Пусто"],
                ["СОШ № 5", "5", "5", "02.01.2026", "02.01.2026 09:30", ""],
                ["Интеграция", "0", "2.5", "31.12.2025", "04.03.2026", ""],
            ],
        ),
        RawTable(source="Второй", rows=[["A"], ["x"]]),
    ]


def test_header_is_bold_frozen_and_filtered_with_widths() -> None:
    content = write_workbook(
        [
            SheetData("Авто", ["Короткий", "Столбец"], [["a" * 100, 1]]),
            SheetData("Заданные", ["A", "B"], [["x", "y"]], column_widths=[12, 40]),
        ]
    )

    workbook = _workbook(content)
    auto, fixed = workbook["Авто"], workbook["Заданные"]
    assert all(cell.font.bold for cell in auto[1])
    assert not auto["A2"].font.bold
    assert auto.freeze_panes == "A2"
    assert auto.auto_filter.ref == "A1:B2"
    assert auto.column_dimensions["A"].width == 60  # capped
    assert 8 <= auto.column_dimensions["B"].width < 20
    assert fixed.column_dimensions["A"].width == 12
    assert fixed.column_dimensions["B"].width == 40


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_stays_text(text: str) -> None:
    content = write_workbook([SheetData("Ссылки", ["Значение"], [[text]])])

    # A bare carriage return survives when openpyxl writes through lxml (escaped), and becomes a
    # line feed through the standard library's writer: either way the text is the same text.
    stored = (text, text.replace("\r", "\n"))
    cell = _workbook(content)["Ссылки"]["A2"]
    assert cell.data_type == "s"
    assert cell.value in stored
    assert cell.quotePrefix
    # An independent reader sees a string, not a formula...
    [seen] = (
        CalamineWorkbook.from_filelike(io.BytesIO(content))
        .get_sheet_by_name("Ссылки")
        .to_python()[1]
    )
    assert seen in stored
    # ...and so does read_tables, which reads cached values (a formula would have none).
    assert read_tables("links.xlsx", content)[0].rows[1] == [text.strip()]


def test_plain_text_gets_no_quote_prefix() -> None:
    content = write_workbook([SheetData("S", ["h"], [["СОШ № 5"]])])

    cell = _workbook(content)["S"]["A2"]
    assert cell.data_type == "s"
    assert not cell.quotePrefix


def test_formulas_are_not_written_into_the_workbook_xml() -> None:
    content = write_workbook([SheetData("S", ["=A1"], [["=1+2"]])])

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def test_control_characters_are_dropped_and_titles_made_valid() -> None:
    content = write_workbook(
        [
            SheetData("a/b:c*?[d]", ["h"], [["x\x00y\x07z"]]),
            SheetData("a/b:c*?[d]", ["h"], [["second"]]),
            SheetData("Очень длинное название листа, длиннее тридцати одного", ["h"], []),
        ]
    )

    workbook = _workbook(content)
    titles = workbook.sheetnames
    assert titles[0] == "a b c   d"
    assert titles[1] == "a b c   d (2)"
    assert len(titles[2]) == 31
    assert workbook[titles[0]]["A2"].value == "xyz"


def test_aware_datetimes_are_written_as_wall_clock_time() -> None:
    moment = datetime(2026, 5, 1, 10, 15, tzinfo=UTC)
    content = write_workbook([SheetData("S", ["Когда"], [[moment]])])

    assert read_tables("t.xlsx", content)[0].rows[1] == ["01.05.2026 10:15"]


def test_empty_sheets_are_skipped_and_blank_top_rows_counted() -> None:
    workbook = openpyxl.Workbook()
    workbook.worksheets[0].title = "Пустой"
    sheet = workbook.create_sheet("Данные")
    sheet["A3"] = "Муниципалитет"
    sheet["B3"] = "Часовой пояс"
    sheet["A4"] = "Город Томск"
    sheet["A6"] = "Томский район"
    sheet["B6"] = 7
    buffer = io.BytesIO()
    workbook.save(buffer)

    [table] = read_tables("d.xlsx", buffer.getvalue())

    assert table.source == "Данные"
    assert table.first_row == 3
    assert table.rows == [
        ["Муниципалитет", "Часовой пояс"],
        ["Город Томск", ""],
        ["", ""],
        ["Томский район", "7"],
    ]


def test_csv_utf8_with_semicolons_and_bom() -> None:
    content = "\ufeffМуниципалитет;Часовой пояс\r\n Город Томск ;Asia/Tomsk\r\n".encode()

    assert read_tables("m.csv", content) == [
        RawTable("m.csv", [["Муниципалитет", "Часовой пояс"], ["Город Томск", "Asia/Tomsk"]])
    ]


def test_csv_cp1251_with_commas_and_quotes() -> None:
    text = 'Муниципалитет,Округ\n"Томский район","Округ ""Кедровый"", восток"\n'
    content = text.encode("cp1251")

    [table] = read_tables("Округа.CSV", content)

    assert table.rows == [["Муниципалитет", "Округ"], ["Томский район", 'Округ "Кедровый", восток']]


def test_csv_with_tabs_and_ragged_rows() -> None:
    content = b"a\tb\tc\n1\n\n2\t3\n\n"

    [table] = read_tables("t.txt", content)

    assert table.rows == [["a", "b", "c"], ["1", "", ""], ["", "", ""], ["2", "3", ""]]


@pytest.mark.parametrize(
    ("filename", "content", "kind"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "unsupported"),
        ("photo.jpg", b"\xff\xd8", "unsupported"),
        ("noextension", b"a;b", "unsupported"),
        ("broken.xlsx", b"this is not a zip", "unreadable"),
        ("truncated.xlsx", write_workbook([SheetData("S", ["a"], [])])[:200], "unreadable"),
        ("zip.xlsx", b"PK\x05\x06" + b"\x00" * 18, "unreadable"),
        ("binary.csv", b"a;b\x00c", "unreadable"),
        ("empty.csv", b"", "empty"),
        ("blank.csv", b" ; \n;;\n", "empty"),
        ("blank.xlsx", write_workbook([SheetData("S", [], [])]), "empty"),
    ],
)
def test_bad_files_raise_sheet_error(filename: str, content: bytes, kind: str) -> None:
    with pytest.raises(SheetError) as raised:
        read_tables(filename, content)

    assert raised.value.kind == kind
    assert raised.value.source == filename


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "ИСТИНА"),
        (False, "ЛОЖЬ"),
        (12, "12"),
        (12.0, "12"),
        (-3.0, "-3"),
        (0.1 + 0.2, "0.3"),
        (date(2026, 9, 1), "01.09.2026"),
        ("  text\u00a0", "text"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text
