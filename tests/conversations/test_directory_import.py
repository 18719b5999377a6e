"""An administrator loads the directory by sending a file to the bot."""

import io

import openpyxl
from sqlalchemy import func, select

from bot.demo.seed import sample_files
from exports.sheets import CellValue, SheetData, read_tables, write_workbook
from storage.people import Role
from storage.schema import districts, municipalities, schools
from tests.factories import make_person, make_town
from tests.harness import ADMIN_TELEGRAM_ID, BotHarness
from texts import directory as texts


def sample_workbook() -> bytes:
    sheets = []
    for name, content in sample_files():
        (table,) = read_tables(name, content)
        rows: list[list[CellValue]] = [list(row) for row in table.rows[1:]]
        sheets.append(SheetData(title=name.removesuffix(".csv"), header=table.rows[0], rows=rows))
    return write_workbook(sheets)


async def directory_counts(harness: BotHarness) -> tuple[int, int, int]:
    async with harness.database.read() as conn:
        found = [
            (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            for table in (municipalities, districts, schools)
        ]
    return found[0], found[1], found[2]


async def test_an_administrator_imports_the_sample_directory_twice(harness: BotHarness) -> None:
    admin = harness.user(ADMIN_TELEGRAM_ID)

    await admin.send_document("справочник.xlsx", sample_workbook())
    first = (await admin.next_message(timeout=15)).plain_text or ""

    assert first.startswith("Справочник загружен")
    assert await directory_counts(harness) == (2, 6, 42)

    await admin.send_document("справочник.xlsx", sample_workbook())
    second = (await admin.next_message(timeout=15)).plain_text or ""
    assert "без изменений 42" in second
    assert await directory_counts(harness) == (2, 6, 42)


async def test_a_file_with_bad_rows_is_not_imported_at_all(harness: BotHarness) -> None:
    admin = harness.user(ADMIN_TELEGRAM_ID)
    bad = (
        "Муниципалитет;Округ;Полное наименование;Краткое наименование\n"
        "Город Томск;;МАОУ СОШ № 5;СОШ № 5\n"
        "Город Томск;;;СОШ № 11\n"
        "Город Томск;Несуществующий округ;МАОУ СОШ № 28;СОШ № 28\n"
        "Город Томск;;МАОУ СОШ № 5 (дубль);СОШ № 5\n"
    ).encode()
    await make_town(harness.database, short_names=())

    await admin.send_document("школы.csv", bad)

    report = (await admin.next_message(timeout=15)).plain_text or ""
    assert report.startswith("Файл не загружен")
    assert "строка 3" in report
    assert "строка 4" in report
    assert "строка 5" in report
    assert await directory_counts(harness) == (1, 0, 0)  # not even the good row 2


async def test_import_command_sends_a_template_and_is_admin_only(harness: BotHarness) -> None:
    town = await make_town(harness.database)
    await make_person(harness.database, 50, Role.METHODIST, municipality_id=town.municipality.id)
    admin, methodist = harness.user(ADMIN_TELEGRAM_ID), harness.user(50)

    await admin.send("/import")
    template = await admin.next_message()
    assert template.document is not None
    workbook = openpyxl.load_workbook(io.BytesIO(template.document.content))
    assert len(workbook.sheetnames) == 3

    await methodist.send("/import")
    assert (await methodist.next_message()).plain_text == texts.IMPORT_NOT_ALLOWED
    await methodist.send_document("школы.csv", b"x")
    assert await directory_counts(harness) == (1, 0, 2)


async def test_a_file_of_another_type_is_explained(harness: BotHarness) -> None:
    admin = harness.user(ADMIN_TELEGRAM_ID)

    await admin.send_document("photo.jpg", b"\xff\xd8\xff")

    assert (await admin.next_message()).plain_text == texts.IMPORT_WRONG_TYPE
