"""Importing the directory: the sample files, re-imports, workbooks, and refusals with reasons."""

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import select

import bot
from core.directory_import import (
    Column,
    ImportReport,
    RowOutcome,
    TableKind,
    canonical_timezone,
    derive_legal_form,
    directory_template,
    format_report,
    header_column,
    import_directory,
    parse_flag,
    parse_problem_categories,
    plan_import,
)
from exports.sheets import CellValue, RawTable, SheetData, read_tables, write_workbook
from storage import Database
from storage.directory import (
    DirectorySnapshot,
    District,
    Municipality,
    School,
    list_districts,
    list_municipalities,
    list_schools,
    load_directory,
)
from storage.schema import schools as schools_table
from tests.factories import make_town

SAMPLES = Path(bot.__file__).parent / "samples" / "directory"
SAMPLE_NAMES = ("municipalities.csv", "districts.csv", "schools.csv")
TZ = "Asia/Tomsk"
EMPTY = DirectorySnapshot((), (), ())

MUNICIPALITIES_HEADER = ["Муниципалитет", "Часовой пояс"]
DISTRICTS_HEADER = ["Муниципалитет", "Округ", "Базовая школа", "Руководитель"]
SCHOOLS_HEADER = [
    "Муниципалитет",
    "Округ",
    "Полное наименование",
    "Краткое наименование",
    "Правовая форма",
    "ШНОР",
    "Неблагоприятные условия",
    "Категории проблем",
]


def sample_files() -> list[tuple[str, bytes]]:
    return [(name, (SAMPLES / name).read_bytes()) for name in SAMPLE_NAMES]


def sample_rows(name: str) -> list[list[str]]:
    return read_tables(name, (SAMPLES / name).read_bytes())[0].rows


def csv_file(
    name: str, rows: Sequence[Sequence[str]], *, delimiter: str = ";", encoding: str = "utf-8"
) -> tuple[str, bytes]:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return name, buffer.getvalue().encode(encoding)


def replace_cell(rows: list[list[str]], key: str, column: str, value: str) -> list[list[str]]:
    """The rows with ``column`` set to ``value`` in the row whose cells include ``key``."""
    index = rows[0].index(column)
    changed = [list(row) for row in rows]
    [row] = [row for row in changed[1:] if key in row]
    row[index] = value
    return changed


async def counts(database: Database) -> tuple[int, int, int]:
    async with database.read() as conn:
        snapshot = await load_directory(conn)
    return len(snapshot.municipalities), len(snapshot.districts), len(snapshot.schools)


def actions(report: ImportReport, table: TableKind) -> dict[str, int]:
    return {action: n for action, n in report.counts()[table].items() if n}


def errors_of(report: ImportReport) -> set[tuple[TableKind, int, str]]:
    return {(o.table, o.row, error) for o in report.rejected for error in o.errors}


# --- the sample files, on SQLite and PostgreSQL ---


async def test_sample_files_import(database: Database) -> None:
    report = await import_directory(database, sample_files(), default_timezone=TZ)

    assert report.ok, format_report(report)
    assert report.applied
    assert actions(report, TableKind.MUNICIPALITIES) == {"created": 2}
    assert actions(report, TableKind.DISTRICTS) == {"created": 6}
    assert actions(report, TableKind.SCHOOLS) == {"created": 42}
    assert await counts(database) == (2, 6, 42)

    async with database.read() as conn:
        municipalities = {m.name: m for m in await list_municipalities(conn)}
        districts = {d.name: d for d in await list_districts(conn)}
        schools = {s.short_name: s for s in await list_schools(conn)}
    tomsk, region = municipalities["Город Томск"], municipalities["Томский район"]
    assert tomsk.timezone == region.timezone == "Asia/Tomsk"

    zarechny = districts["Заречный образовательный округ"]
    assert zarechny.municipality_id == region.id
    assert zarechny.base_school_id == schools["Моряковская СОШ"].id
    assert zarechny.head_name == "Суворова Т.Г., директор МАОУ «Моряковская СОШ» Томского района"
    assert all(d.base_school_id is not None for d in districts.values())
    for district in districts.values():
        assert schools_by_id(schools)[district.base_school_id].district_id == district.id

    city_schools = [s for s in schools.values() if s.municipality_id == tomsk.id]
    assert len(city_schools) == 7
    assert all(s.district_id is None for s in city_schools)
    assert all(s.is_shnor for s in city_schools)
    assert schools["Рассветовская СОШ"].district_id is None
    assert schools["Моряковская СОШ"].district_id == zarechny.id

    assert schools["Семилуженская СОШ"].problem_categories == (
        "методическая",
        "кадровая",
        "инфраструктурная",
    )
    assert schools["Спасская СОШ"].problem_categories == (
        "управленческая",
        "методическая",
        "социальная",
    )
    assert schools["Зональненская СОШ"].problem_categories == ()
    assert not schools["Зональненская СОШ"].is_shnor
    assert schools["ООШ № 66"].legal_form == "МБОУ"
    assert not any(s.unfavourable_conditions for s in schools.values())


def schools_by_id(schools: dict[str, School]) -> dict[int | None, School]:
    return {s.id: s for s in schools.values()}


async def test_problem_categories_are_stored_as_json_lists(database: Database) -> None:
    await import_directory(database, sample_files(), default_timezone=TZ)

    async with database.read() as conn:
        stored = dict(
            (
                await conn.execute(
                    select(schools_table.c.short_name, schools_table.c.problem_categories)
                )
            ).all()
        )
    assert stored["Моряковская СОШ"] == ["методическая"]
    assert stored["Турунтаевская СОШ"] == ["кадровая", "инфраструктурная"]
    assert stored["СОШ № 5"] == []


async def test_reimport_changes_nothing(database: Database) -> None:
    await import_directory(database, sample_files(), default_timezone=TZ)
    async with database.read() as conn:
        before = await load_directory(conn)

    report = await import_directory(database, sample_files(), default_timezone=TZ)

    assert report.applied
    assert {o.action for o in report.outcomes} == {"unchanged"}
    assert len(report.outcomes) == 2 + 6 + 42
    async with database.read() as conn:
        assert await load_directory(conn) == before


async def test_a_changed_cell_updates_that_row_only(database: Database) -> None:
    await import_directory(database, sample_files(), default_timezone=TZ)
    schools = replace_cell(sample_rows("schools.csv"), "Итатская СОШ", "ШНОР", "нет")
    schools = replace_cell(schools, "Итатская СОШ", "Категории проблем", "Кадровая проблема")
    districts = replace_cell(
        sample_rows("districts.csv"),
        "Кедровый образовательный округ",
        "Руководитель",
        "Иванов И.И.",
    )
    files = [
        ("municipalities.csv", (SAMPLES / "municipalities.csv").read_bytes()),
        csv_file("districts.csv", districts),
        csv_file("schools.csv", schools),
    ]

    report = await import_directory(database, files, default_timezone=TZ)

    assert report.applied
    assert actions(report, TableKind.MUNICIPALITIES) == {"unchanged": 2}
    assert actions(report, TableKind.DISTRICTS) == {"updated": 1, "unchanged": 5}
    assert actions(report, TableKind.SCHOOLS) == {"updated": 1, "unchanged": 41}
    [updated] = [o for o in report.outcomes if o.action == "updated" and o.table == "schools"]
    assert (updated.key, updated.row) == ("Итатская СОШ", 31)
    assert await counts(database) == (2, 6, 42)
    async with database.read() as conn:
        itatskaja = next(s for s in await list_schools(conn) if s.short_name == "Итатская СОШ")
        kedrovy = next(d for d in await list_districts(conn) if d.name.startswith("Кедровый"))
    assert not itatskaja.is_shnor
    assert itatskaja.problem_categories == ("кадровая",)
    assert kedrovy.head_name == "Иванов И.И."
    assert kedrovy.base_school_id is not None


async def test_schools_absent_from_the_file_are_left_alone(database: Database) -> None:
    await import_directory(database, sample_files(), default_timezone=TZ)
    schools = sample_rows("schools.csv")
    only_two = [schools[0], schools[1], schools[2]]

    report = await import_directory(
        database, [csv_file("schools.csv", only_two)], default_timezone=TZ
    )

    assert report.applied
    assert actions(report, TableKind.SCHOOLS) == {"unchanged": 2}
    assert await counts(database) == (2, 6, 42)


async def test_names_match_ignoring_case_and_yo(database: Database) -> None:
    await import_directory(database, sample_files(), default_timezone=TZ)
    municipalities = [MUNICIPALITIES_HEADER, ["город  томск", ""]]
    schools = [
        ["муниципалитет", "КРАТКОЕ НАИМЕНОВАНИЕ", "полное наименование"],
        ["Город Томск", "сош № 5", "МАОУ СОШ № 5 имени А.К. Ерохина"],
    ]

    report = await import_directory(
        database,
        [csv_file("m.csv", municipalities), csv_file("s.csv", schools)],
        default_timezone="Europe/Moscow",
    )

    assert report.applied, format_report(report)
    assert actions(report, TableKind.MUNICIPALITIES) == {"updated": 1}
    assert actions(report, TableKind.SCHOOLS) == {"updated": 1}
    assert await counts(database) == (2, 6, 42)
    async with database.read() as conn:
        names = {m.name: m.timezone for m in await list_municipalities(conn)}
        shorts = {s.short_name for s in await list_schools(conn)}
    # Renamed to the file's spelling; an empty time zone keeps the stored one.
    assert names == {"город томск": "Asia/Tomsk", "Томский район": "Asia/Tomsk"}
    assert "сош № 5" in shorts
    assert "СОШ № 5" not in shorts


async def test_a_workbook_with_three_sheets_imports_the_same(database: Database) -> None:
    sheets = [
        sheet("Школы", "schools.csv"),
        sheet("Округа", "districts.csv"),
        sheet("Муниц.", "municipalities.csv"),
    ]
    content = write_workbook(sheets)

    report = await import_directory(database, [("справочник.xlsx", content)], default_timezone=TZ)

    assert report.ok, format_report(report)
    assert actions(report, TableKind.MUNICIPALITIES) == {"created": 2}
    assert actions(report, TableKind.DISTRICTS) == {"created": 6}
    assert actions(report, TableKind.SCHOOLS) == {"created": 42}
    assert {o.source for o in report.outcomes} == {"Школы", "Округа", "Муниц."}
    async with database.read() as conn:
        from_workbook = await load_directory(conn)

    again = await import_directory(database, sample_files(), default_timezone=TZ)
    assert {o.action for o in again.outcomes} == {"unchanged"}
    async with database.read() as conn:
        assert await load_directory(conn) == from_workbook


def sheet(title: str, sample: str) -> SheetData:
    header, *rows = sample_rows(sample)
    return SheetData(title, header, [list[CellValue](row) for row in rows])


async def test_the_template_imports_into_an_empty_directory(database: Database) -> None:
    content = directory_template()
    tables = read_tables("template.xlsx", content)
    assert [t.source for t in tables] == ["Муниципалитеты", "Округа", "Школы"]
    assert [t.rows[0] for t in tables] == [MUNICIPALITIES_HEADER, DISTRICTS_HEADER, SCHOOLS_HEADER]
    assert all(len(t.rows) == 2 for t in tables)

    report = await import_directory(database, [("template.xlsx", content)], default_timezone=TZ)

    assert report.applied, format_report(report)
    assert await counts(database) == (1, 1, 1)


async def test_cp1251_csv_with_commas(database: Database) -> None:
    files = [
        csv_file(name, sample_rows(name), delimiter=",", encoding="cp1251") for name in SAMPLE_NAMES
    ]

    report = await import_directory(database, files, default_timezone=TZ)

    assert report.applied, format_report(report)
    assert await counts(database) == (2, 6, 42)


async def test_bad_rows_are_all_reported_and_nothing_is_written(database: Database) -> None:
    await make_town(database, "Город Томск", ("СОШ № 5",))
    municipalities = [
        MUNICIPALITIES_HEADER,
        ["Томский район", "Asia/Tomsk"],
        ["Северск", "Mars/Base"],
    ]
    districts = [
        DISTRICTS_HEADER,
        ["Томский район", "Заречный", "Моряковская СОШ", ""],
        ["Томский район", "", "", ""],
        ["Томский район", "Кедровый", "Моряковская СОШ", ""],
        ["Томский район", "заречный", "", ""],
        ["Томский район", "Туганский", "Нет такой СОШ", ""],
    ]
    schools = [
        SCHOOLS_HEADER,
        [
            "Томский район",
            "Заречный",
            "МАОУ «Моряковская СОШ»",
            "Моряковская СОШ",
            "",
            "да",
            "",
            "",
        ],
        ["Томский район", "Заречный", "", "Нелюбинская СОШ", "", "", "", ""],
        ["Томский район", "Лесной", "МБОУ «Итатская СОШ»", "Итатская СОШ", "", "", "", ""],
        ["Томский район", "Кедровый", "МБОУ «Калтайская СОШ»", "Калтайская СОШ", "", "", "", ""],
        ["Томский район", "Кедровый", "МБОУ «Калтайская СОШ №2»", "калтайская сош", "", "", "", ""],
        ["", "", "", "", "", "", "", ""],
        ["Томский район", "", "МБОУ «Кисловская СОШ»", "Кисловская СОШ", "", "может", "", ""],
        ["Томский район", "", "МБОУ «Курлекская СОШ»", "Курлекская СОШ", "", "", "", "финансовая"],
        ["Кемерово", "", "МБОУ «Школа»", "Школа", "", "", "", ""],
        ["Город Томск", "", "МАОУ СОШ № 5 (новое имя)", "СОШ № 5", "", "", "", ""],
        ["Город Томск", "", "МАОУ СОШ № 99", "", "", "нет", "да", "социальная"],
    ]
    files = [
        csv_file("municipalities.csv", municipalities),
        csv_file("districts.csv", districts),
        csv_file("schools.csv", schools),
    ]
    before_counts = await counts(database)
    async with database.read() as conn:
        before = await load_directory(conn)

    report = await import_directory(database, files, default_timezone=TZ)

    assert not report.applied
    assert not report.ok
    assert report.file_errors == ()
    found = errors_of(report)
    m, d, s = TableKind.MUNICIPALITIES, TableKind.DISTRICTS, TableKind.SCHOOLS
    expected_fragments = [
        (m, 3, "неизвестный часовой пояс «Mars/Base»"),
        (d, 3, "не указано название округа"),
        (d, 2, "округ «Заречный» указан несколько раз: строки 2 и 5"),
        (d, 5, "округ «заречный» указан несколько раз: строки 2 и 5"),
        (d, 4, "базовая школа «Моряковская СОШ» относится к другому округу: «Заречный»"),
        (d, 6, "базовая школа «Нет такой СОШ» не найдена среди школ муниципалитета"),
        (s, 3, "не указано полное наименование"),
        (s, 4, "округ «Лесной» не найден в муниципалитете «Томский район»"),
        (s, 5, "краткое наименование «Калтайская СОШ» повторяется: строки 5 и 6"),
        (s, 6, "краткое наименование «калтайская сош» повторяется: строки 5 и 6"),
        (s, 8, "«ШНОР»: непонятное значение «может»"),
        (s, 9, "неизвестная категория проблем «финансовая»"),
        (s, 10, "муниципалитет «Кемерово» не найден"),
        (s, 12, "не указано краткое наименование"),
    ]
    for table, row, fragment in expected_fragments:
        assert any((t, r) == (table, row) and fragment in error for t, r, error in found), (
            table,
            row,
            fragment,
            sorted(found),
        )
    assert len(found) == len(expected_fragments)
    rejected_rows = {(o.table, o.row) for o in report.rejected}
    assert (s, 2) not in rejected_rows  # good rows are not rejected...
    assert (s, 11) not in rejected_rows
    assert (s, 7) not in {(o.table, o.row) for o in report.outcomes}  # blank row skipped
    # ...but nothing at all is written, the good rows included.
    assert await counts(database) == before_counts
    async with database.read() as conn:
        assert await load_directory(conn) == before

    text = format_report(report)
    assert text.startswith("Файл не загружен: 14 ошибок — исправьте их и пришлите файл снова.\n")
    assert "Школы, строка 3: не указано полное наименование" in text
    assert "Муниципалитеты, строка 3: неизвестный часовой пояс «Mars/Base»" in text


async def test_unknown_headers_are_a_file_error(sqlite_db: Database) -> None:
    files = [
        csv_file("people.csv", [["Фамилия", "Имя"], ["Иванова", "Мария"]]),
        ("schools.csv", (SAMPLES / "schools.csv").read_bytes()),
    ]

    report = await import_directory(sqlite_db, files, default_timezone=TZ)

    assert not report.applied
    [error] = report.file_errors
    assert error.startswith("Таблица «people.csv»: непонятно, что в ней.")
    assert "Школы: Муниципалитет, Полное наименование, Краткое наименование" in error
    # References are not checked when a table could not be recognised: no cascade of errors.
    assert report.rejected == ()
    assert await counts(sqlite_db) == (0, 0, 0)
    assert format_report(report).startswith("Файл не загружен: 1 ошибка — исправьте её")


async def test_structural_errors_of_a_known_table(sqlite_db: Database) -> None:
    files = [
        csv_file(
            "schools.csv",
            [
                ["Муниципалитет", "Полное наименование", "Номер", "ШНОР", "shnor"],
                ["Город Томск", "МАОУ СОШ № 5", "5", "да", "да"],
            ],
        ),
        ("scan.pdf", b"%PDF-1.4"),
        ("broken.xlsx", b"not a workbook"),
        ("empty.csv", b""),
    ]

    report = await import_directory(sqlite_db, files, default_timezone=TZ)

    assert report.file_errors == (
        "Файл «scan.pdf»: такой формат не подходит — пришлите таблицу .xlsx или .csv "
        "(файл .xls откройте в Excel и сохраните как .xlsx).",
        "Файл «broken.xlsx»: не удалось прочитать, возможно, он повреждён. "
        "Сохраните его заново как .xlsx или .csv.",
        "Файл «empty.csv»: в нём нет ни одной заполненной ячейки.",
        "Таблица «schools.csv» (Школы): непонятный столбец «Номер». Допустимые столбцы: "
        "Муниципалитет, Округ, Полное наименование, Краткое наименование, Правовая форма, "
        "ШНОР, Неблагоприятные условия, Категории проблем.",
        "Таблица «schools.csv» (Школы): столбец «ШНОР» встречается дважды.",
        "Таблица «schools.csv» (Школы): нет обязательного столбца «Краткое наименование».",
    )
    assert not report.applied


async def test_no_files_and_no_rows(sqlite_db: Database) -> None:
    nothing = await import_directory(sqlite_db, [], default_timezone=TZ)
    headers_only = await import_directory(
        sqlite_db, [csv_file("s.csv", [SCHOOLS_HEADER])], default_timezone=TZ
    )

    assert nothing.file_errors == ("Не получено ни одного файла.",)
    assert headers_only.file_errors == (
        "В таблицах нет ни одной заполненной строки под заголовком.",
    )
    assert not nothing.applied
    assert not headers_only.applied


async def test_optional_columns_left_out_keep_stored_values(sqlite_db: Database) -> None:
    await import_directory(sqlite_db, sample_files(), default_timezone=TZ)
    minimal = [
        ["Муниципалитет", "Полное наименование", "Краткое наименование"],
        ["Томский район", "МАОУ «Моряковская СОШ» (новое)", "Моряковская СОШ"],
    ]
    districts = [["Муниципалитет", "Округ"], ["Томский район", "Заречный образовательный округ"]]

    report = await import_directory(
        sqlite_db, [csv_file("s.csv", minimal), csv_file("d.csv", districts)], default_timezone=TZ
    )

    assert report.applied, format_report(report)
    assert actions(report, TableKind.SCHOOLS) == {"updated": 1}
    assert actions(report, TableKind.DISTRICTS) == {"unchanged": 1}
    async with sqlite_db.read() as conn:
        school = next(s for s in await list_schools(conn) if s.short_name == "Моряковская СОШ")
        district = next(d for d in await list_districts(conn) if d.name.startswith("Заречный"))
    assert school.full_name == "МАОУ «Моряковская СОШ» (новое)"
    assert school.district_id == district.id
    assert school.is_shnor
    assert school.problem_categories == ("методическая",)
    assert district.base_school_id == school.id


async def test_base_school_may_be_one_already_stored(sqlite_db: Database) -> None:
    await import_directory(sqlite_db, sample_files(), default_timezone=TZ)
    districts = [
        DISTRICTS_HEADER,
        ["Томский район", "Заречный образовательный округ", "Нелюбинская СОШ", ""],
    ]

    report = await import_directory(sqlite_db, [csv_file("d.csv", districts)], default_timezone=TZ)

    assert report.applied, format_report(report)
    assert actions(report, TableKind.DISTRICTS) == {"updated": 1}
    async with sqlite_db.read() as conn:
        schools = {s.id: s.short_name for s in await list_schools(conn)}
        district = next(d for d in await list_districts(conn) if d.name.startswith("Заречный"))
    assert district.base_school_id is not None
    assert schools[district.base_school_id] == "Нелюбинская СОШ"
    assert district.head_name is None  # the column is there and the cell empty: cleared


async def test_a_new_district_with_a_school_moved_into_it(sqlite_db: Database) -> None:
    await import_directory(sqlite_db, sample_files(), default_timezone=TZ)
    districts = [DISTRICTS_HEADER, ["Томский район", "Новый округ", "Рассветовская СОШ", "Петров"]]
    schools = [
        ["Муниципалитет", "Округ", "Полное наименование", "Краткое наименование"],
        ["Томский район", "Новый округ", "МБОУ «Рассветовская СОШ»", "Рассветовская СОШ"],
    ]

    report = await import_directory(
        sqlite_db, [csv_file("s.csv", schools), csv_file("d.csv", districts)], default_timezone=TZ
    )

    assert report.applied, format_report(report)
    async with sqlite_db.read() as conn:
        district = next(d for d in await list_districts(conn) if d.name == "Новый округ")
        school = next(s for s in await list_schools(conn) if s.short_name == "Рассветовская СОШ")
    assert school.district_id == district.id
    assert district.base_school_id == school.id
    assert school.legal_form == "МБОУ"
    assert school.is_shnor  # no ШНОР column: kept


async def test_a_base_school_stored_in_another_district_is_refused(sqlite_db: Database) -> None:
    await import_directory(sqlite_db, sample_files(), default_timezone=TZ)
    districts = [
        DISTRICTS_HEADER,
        ["Томский район", "Заречный образовательный округ", "Калтайская СОШ", ""],
        ["Томский район", "Воронинский образовательный округ", "Рассветовская СОШ", ""],
    ]

    report = await import_directory(sqlite_db, [csv_file("d.csv", districts)], default_timezone=TZ)

    assert errors_of(report) == {
        (
            TableKind.DISTRICTS,
            2,
            "базовая школа «Калтайская СОШ» относится к другому округу: "
            "«Кедровый образовательный округ»",
        ),
        (
            TableKind.DISTRICTS,
            3,
            "базовая школа «Рассветовская СОШ» не относится ни к одному округу",
        ),
    }
    assert not report.applied


async def test_new_municipality_gets_the_default_time_zone(sqlite_db: Database) -> None:
    files = [csv_file("m.csv", [["Municipality"], ["ЗАТО Северск"]])]

    report = await import_directory(sqlite_db, files, default_timezone="Asia/Novosibirsk")

    assert report.applied
    async with sqlite_db.read() as conn:
        [municipality] = await list_municipalities(conn)
    assert municipality.timezone == "Asia/Novosibirsk"


# --- pure planning and values, no database ---


def raw(source: str, rows: list[list[str]]) -> RawTable:
    return RawTable(source, rows)


def test_plan_recognises_tables_in_any_order_with_english_headers() -> None:
    tables = [
        raw(
            "s",
            [
                [
                    "Municipality",
                    "District",
                    "Full_Name",
                    "SHORT NAME",
                    "shnor",
                    "problem_categories",
                ],
                ["Томский район", "Северный", "МКОУ «Школа»", "Школа", "yes", "Кадровая проблема"],
            ],
        ),
        raw(
            "d",
            [
                ["municipality", "district", "base_school", "head"],
                ["Томский район", "Северный", "Школа", ""],
            ],
        ),
        raw(
            "m",
            [
                ["Муниципалитет [municipality]", "Часовой пояс (IANA)"],
                ["Томский район", "asia/tomsk"],
            ],
        ),
    ]

    plan = plan_import(tables, EMPTY, default_timezone="UTC")

    assert plan.ok, plan.outcomes
    assert plan.municipalities[0].timezone == "Asia/Tomsk"
    [school] = plan.schools
    assert (school.legal_form, school.is_shnor, school.problem_categories) == (
        "МКОУ",
        True,
        ("кадровая",),
    )
    assert plan.districts[0].base_school == "школа"
    assert [o.table for o in plan.outcomes] == [
        TableKind.MUNICIPALITIES,
        TableKind.DISTRICTS,
        TableKind.SCHOOLS,
    ]


def test_plan_against_a_snapshot_decides_updates() -> None:
    snapshot = DirectorySnapshot(
        municipalities=(Municipality(1, "Томский район", "Asia/Tomsk"),),
        districts=(District(10, 1, "Северный", 100, "Петров"),),
        schools=(School(100, 1, 10, "МКОУ «Школа»", "Школа", "ЧОУ", True, False, ("кадровая",)),),
    )
    unchanged = [
        raw(
            "s",
            [
                ["Муниципалитет", "Округ", "Полное наименование", "Краткое наименование", "ШНОР"],
                ["Томский район", "северный", "МКОУ «Школа»", "Школа", "да"],
            ],
        ),
    ]
    changed = [
        raw(
            "s",
            [
                ["Муниципалитет", "Округ", "Полное наименование", "Краткое наименование", "ШНОР"],
                ["Томский район", "", "МКОУ «Школа»", "Школа", "да"],
            ],
        ),
    ]

    same = plan_import(unchanged, snapshot, default_timezone="UTC")
    moved = plan_import(changed, snapshot, default_timezone="UTC")

    assert [o.action for o in same.outcomes] == ["unchanged"]
    assert same.schools == ()
    assert [o.action for o in moved.outcomes] == ["updated"]
    assert moved.schools[0].existing_id == 100
    assert moved.schools[0].district is None
    # Columns left out keep what is stored (the legal form is not re-derived).
    assert moved.schools[0].legal_form == "ЧОУ"
    assert moved.schools[0].problem_categories == ("кадровая",)


def test_plan_counts_row_numbers_from_the_sheet() -> None:
    table = RawTable(
        "m",
        [["Муниципалитет", "Часовой пояс"], ["", ""], ["Город", "Nowhere/Zone"]],
        first_row=4,
    )

    plan = plan_import([table], EMPTY, default_timezone="UTC")

    assert [(o.row, o.errors) for o in plan.outcomes] == [
        (
            6,
            ("неизвестный часовой пояс «Nowhere/Zone» — укажите его по IANA, например Asia/Tomsk",),
        )
    ]


def test_long_values_are_refused_before_the_database_sees_them() -> None:
    table = raw(
        "s",
        [
            ["Муниципалитет", "Полное наименование", "Краткое наименование", "Правовая форма"],
            ["Город", "Ш" * 501, "Школа", "Очень длинная правовая форма"],
        ],
    )
    municipalities = raw("m", [["Муниципалитет"], ["Город"]])

    plan = plan_import([municipalities, table], EMPTY, default_timezone="UTC")

    [rejected] = [o for o in plan.outcomes if o.action == "rejected"]
    assert rejected.errors == (
        "«Полное наименование»: не больше 500 символов, а здесь 501",
        "«Правовая форма»: не больше 20 символов, а здесь 28",
    )


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        ("да", True),
        ("Да", True),
        ("YES", True),
        ("1", True),
        ("+", True),
        ("нет", False),
        ("no", False),
        ("0", False),
        ("-", False),
        ("", False),
        ("  ", False),
        ("может", None),
    ],
)
def test_parse_flag(value: str, flag: bool | None) -> None:
    assert parse_flag(value) is flag


@pytest.mark.parametrize(
    ("value", "categories", "unknown"),
    [
        ("", (), []),
        ("кадровая, управленческая", ("управленческая", "кадровая"), []),
        ("Кадровая проблема; МЕТОДИЧЕСКАЯ", ("методическая", "кадровая"), []),
        ("проблемы инфраструктурные", ("инфраструктурная",), []),
        ("социальная, социальная,", ("социальная",), []),
        ("финансовая, кадровая", ("кадровая",), ["финансовая"]),
        ("проблема", (), ["проблема"]),
    ],
)
def test_parse_problem_categories(
    value: str, categories: tuple[str, ...], unknown: list[str]
) -> None:
    assert parse_problem_categories(value) == (categories, unknown)


@pytest.mark.parametrize(
    ("full_name", "legal_form"),
    [
        ("МАОУ «Зональненская СОШ» Томского района", "МАОУ"),
        ("мбоу ООШ № 66", "МБОУ"),
        ("«МКОУ» школа", "МКОУ"),
        ("АНО «Школа будущего»", "АНО"),
        ("Школа № 1", None),
        ("", None),
    ],
)
def test_derive_legal_form(full_name: str, legal_form: str | None) -> None:
    assert derive_legal_form(full_name) == legal_form


@pytest.mark.parametrize(
    ("title", "column"),
    [
        ("Муниципалитет", Column.MUNICIPALITY),
        ("  часовой   ПОЯС ", Column.TIMEZONE),
        ("Базовая школа*", Column.BASE_SCHOOL),
        ("base_school", Column.BASE_SCHOOL),
        ("Неблагоприятные условия (да/нет)", Column.UNFAVOURABLE),
        ("Категории проблем [problem_categories]", Column.PROBLEMS),
        ("Краткое наименование", Column.SHORT_NAME),
        ("Руководитель", Column.HEAD),
        ("ПРАВОВАЯ ФОРМА", Column.LEGAL_FORM),
        ("Неблагоприятные услoвия", None),  # a Latin "o"
        ("Номер", None),
    ],
)
def test_header_column(title: str, column: Column | None) -> None:
    assert header_column(title) is column


def test_canonical_timezone() -> None:
    assert canonical_timezone("asia/tomsk") == "Asia/Tomsk"
    assert canonical_timezone("UTC") == "UTC"
    assert canonical_timezone("UTC+7") is None
    assert canonical_timezone("../etc/passwd") is None


# --- the report ---


def outcome(table: TableKind, row: int, action: str, *errors: str, source: str = "f") -> RowOutcome:
    return RowOutcome(table, source, row, "k", action, tuple(errors))  # type: ignore[arg-type]


def test_format_success() -> None:
    report = ImportReport(
        outcomes=(
            outcome(TableKind.MUNICIPALITIES, 2, "created"),
            outcome(TableKind.MUNICIPALITIES, 3, "unchanged"),
            outcome(TableKind.SCHOOLS, 2, "updated"),
        ),
        file_errors=(),
        applied=True,
    )

    assert format_report(report) == (
        "Справочник загружен.\n"
        "Муниципалитеты: 2 (новых 1, обновлено 0, без изменений 1)\n"
        "Школы: 1 (новых 0, обновлено 1, без изменений 0)"
    )


def test_format_success_without_changes() -> None:
    report = ImportReport((outcome(TableKind.DISTRICTS, 2, "unchanged"),), (), applied=True)

    assert format_report(report) == (
        "Справочник загружен: изменений нет, всё уже совпадало.\n"
        "Округа: 1 (новых 0, обновлено 0, без изменений 1)"
    )


def test_format_failure_names_sources_only_when_ambiguous() -> None:
    report = ImportReport(
        outcomes=(
            outcome(
                TableKind.SCHOOLS, 5, "rejected", "не указано полное наименование", source="a.csv"
            ),
            outcome(TableKind.SCHOOLS, 2, "created", source="b.csv"),
            outcome(TableKind.DISTRICTS, 3, "rejected", "не указано название округа", "x"),
        ),
        file_errors=("Файл «c.pdf»: такой формат не подходит.",),
        applied=False,
    )

    assert format_report(report) == (
        "Файл не загружен: 4 ошибки — исправьте их и пришлите файл снова.\n"
        "Файл «c.pdf»: такой формат не подходит.\n"
        "Школы (a.csv), строка 5: не указано полное наименование\n"
        "Округа, строка 3: не указано название округа\n"
        "Округа, строка 3: x"
    )


@pytest.mark.parametrize(
    ("count", "head", "tail"),
    [
        (1, "1 ошибка — исправьте её", None),
        (3, "3 ошибки", "…и ещё 1 ошибка"),
        (7, "7 ошибок", "…и ещё 5 ошибок"),
        (21, "21 ошибка", "…и ещё 19 ошибок"),
        (24, "24 ошибки", "…и ещё 22 ошибки"),
        (112, "112 ошибок", "…и ещё 110 ошибок"),
    ],
)
def test_format_failure_plurals_and_truncation(count: int, head: str, tail: str | None) -> None:
    report = ImportReport(
        outcomes=tuple(
            outcome(TableKind.SCHOOLS, row, "rejected", "ошибка") for row in range(2, 2 + count)
        ),
        file_errors=(),
        applied=False,
    )

    lines = format_report(report, max_errors=2).split("\n")

    assert lines[0].startswith(f"Файл не загружен: {head}")
    assert lines[1:3] == ["Школы, строка 2: ошибка", "Школы, строка 3: ошибка"][: min(count, 2)]
    if tail is None:
        assert len(lines) == 1 + count
    else:
        assert lines[-1] == tail
        assert len(lines) == 4


async def test_a_bad_default_time_zone_is_a_programming_error(sqlite_db: Database) -> None:
    with pytest.raises(ValueError, match="Mars/Base"):
        await import_directory(sqlite_db, sample_files(), default_timezone="Mars/Base")
