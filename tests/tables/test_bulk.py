"""Issue 17, point 3: the methodist's bulk load. Seed 004's published ВПР tables (its lines
83–125, verbatim in ``data/seed004_vpr.tsv``) loaded for one year into a round of the sample
directory's Tomsk district schools; every school's rows checked against the seed's own numbers.
"""

import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from bot.catalog import builtin_forms
from bot.demo.seed import sample_files
from core.access import Action
from core.actors import Actor
from core.campaigns import CampaignPlan, open_campaign
from core.directory import load_directory
from core.directory_import import import_directory
from core.questionnaires import FormCatalog, open_response, record_answer
from core.tables import bulk as bulk_module
from core.tables.bulk import (
    BulkOutcome,
    bulk_template,
    load_bulk,
    load_target,
    match_school,
    named_schools,
    round_tables,
)
from storage import Database
from storage.directory import School
from storage.people import Role
from storage.responses import (
    Status,
    change_status,
    get_or_create_response,
    get_response,
    load_answers,
)
from storage.rounds import response_id_of
from tests.factories import make_actor

SEED = Path(__file__).parent / "data" / "seed004_vpr.tsv"
METHODIST, TEACHER = 501, 502
NOW = datetime(2019, 5, 20, 3, 0, tzinfo=UTC)
Rows = dict[tuple[str, str], tuple[float, float]]


def seed_numbers(year: int) -> dict[str, Rows]:
    """The seed's tables read plainly: school (as the directory's short name) → (subject,
    grade) → (% «2», % high results), the year's columns only, "-" left out."""
    found: dict[str, Rows] = {}
    subject = ""
    first = {2019: 2, 2018: 4}[year]
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if cells[0] == "№ п/п":
            subject = {"МА": "math", "РУ": "russian"}[cells[2].split()[1]]
        if not cells[0].isdigit():
            continue
        school = cells[1].split('"')[1].split(" имени")[0]
        for start, grade in ((first, "g5"), (first + 4, "g6")):
            fail, high = cells[start], cells[start + 1]
            if fail != "-":
                found.setdefault(school, {})[(subject, grade)] = (float(fail), float(high))
    return found


@dataclass
class Round:
    database: Database
    catalog: FormCatalog
    methodist: Actor
    campaign_id: int
    schools: dict[str, School]
    places: dict[int, str]

    async def load(
        self,
        content: bytes | None = None,
        *,
        name: str = "seed004_vpr.tsv",
        year: int | None = None,
        replace: Collection[str] = (),
    ) -> BulkOutcome:
        return await load_bulk(
            self.database,
            self.catalog,
            self.methodist,
            self.campaign_id,
            "vpr",
            "results",
            name,
            SEED.read_bytes() if content is None else content,
            year=year,
            replace=replace,
            now=NOW,
        )

    async def stored(self, school: str) -> tuple[Status | None, Any]:
        """A school's response status and its table's answer (None: none)."""
        async with self.database.read() as conn:
            found = await response_id_of(conn, self.campaign_id, self.schools[school].id, "vpr")
            response = None if found is None else await get_response(conn, found)
            answers = {} if response is None else await load_answers(conn, response.id)
        answer = answers.get("results")
        return (
            None if response is None else response.status,
            None if answer is None else answer.value,
        )

    async def rows(self, school: str) -> Rows:
        _, value = await self.stored(school)
        return {
            (row["subject"]["selected"], row["grade"]["selected"]): (
                row["fail_pct"],
                row["high_pct"],
            )
            for row in (value or {}).get("items", [])
        }


@pytest.fixture
async def tomsk(database: Database) -> Round:
    """A round of the ВПР form for all 35 Tomsk district schools of the sample directory, on
    each database."""
    report = await import_directory(database, sample_files(), default_timezone="Asia/Tomsk")
    assert report.ok, report.file_errors
    directory = await load_directory(database)
    district = next(m for m in directory.municipalities.values() if m.name == "Томский район")
    schools = directory.schools_of(district.id)
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    methodist = await make_actor(
        database, METHODIST, Role.METHODIST, full_name="Смирнова Е.А.", municipality_id=district.id
    )
    plan = CampaignPlan(
        form_keys=("vpr",),
        municipality_id=district.id,
        period_label="2018/19 учебный год",
        opens_at=NOW,
        deadline_at=NOW + timedelta(days=14),
        school_ids=tuple(school.id for school in schools),
    )
    campaign = await open_campaign(database, catalog, methodist, plan, now=NOW)
    return Round(
        database,
        catalog,
        methodist,
        campaign.id,
        {s.short_name: s for s in schools},
        {district.id: district.name},
    )


async def test_seed_004_published_tables_load_for_the_year_the_methodist_picks(
    tomsk: Round,
) -> None:
    asked = await tomsk.load()
    assert asked == BulkOutcome(years=(2018, 2019))  # two years' columns: which one?
    assert await tomsk.stored("Александровская СОШ") == (None, None)  # nothing saved yet

    loaded = await tomsk.load(year=2019)
    expected = seed_numbers(2019)
    assert len(expected) == 18
    assert loaded.problems == []
    assert loaded.conflicts == []
    assert sorted(loaded.loaded) == sorted(expected)
    assert loaded.rows == 70  # 18 schools in mathematics, 17 in Russian, grades 5 and 6
    assert sorted(loaded.absent) == sorted(set(tomsk.schools) - set(expected))
    for school, rows in expected.items():
        assert await tomsk.rows(school) == rows, school
        status, value = await tomsk.stored(school)
        assert status is Status.DRAFT  # the school still answers the rest and submits
        assert value["done"] is True
    # Spot checks against the seed's lines, as printed.
    assert (await tomsk.rows("Спасская СОШ"))[("math", "g5")] == (0, 25)  # 'ИАОУ "Спасская СОШ"'
    assert (await tomsk.rows("Лучановская СОШ"))[("russian", "g5")] == (44, 0)
    assert ("russian", "g5") not in await tomsk.rows("Халдеевская ООШ")  # not in table 4
    assert await tomsk.stored("Зональненская СОШ") == (None, None)

    again = await tomsk.load(year=2019)  # the same file again: nothing to change
    assert again.loaded == []
    assert sorted(again.unchanged) == sorted(expected)


async def test_the_other_years_columns_leave_out_the_dashes(tomsk: Round) -> None:
    loaded = await tomsk.load(year=2018)
    expected = seed_numbers(2018)
    assert loaded.rows == sum(len(rows) for rows in expected.values())
    for school, rows in expected.items():
        assert await tomsk.rows(school) == rows, school
    assert ("math", "g6") not in await tomsk.rows("Итатская СОШ")  # "-" in the seed


async def test_an_unknown_school_is_reported_by_its_cell_and_nothing_is_saved(
    tomsk: Round,
) -> None:
    content = SEED.read_text(encoding="utf-8").replace("Халдеевская ООШ", "Заречная ООШ")
    refused = await tomsk.load(content.encode(), year=2019)
    assert refused.problems == ['B21: нет такой школы в мониторинге: «МБОУ "Заречная ООШ"»']
    assert refused.loaded == []
    for school in tomsk.schools:
        assert await tomsk.stored(school) == (None, None)


async def test_a_table_a_school_entered_itself_is_replaced_only_when_confirmed(
    tomsk: Round,
) -> None:
    school = tomsk.schools["Александровская СОШ"]
    teacher = await make_actor(tomsk.database, TEACHER, Role.RESPONDENT, school_id=school.id)
    async with tomsk.database.write() as conn:
        response = await get_or_create_response(
            conn, tomsk.campaign_id, school.id, "vpr", tomsk.catalog.row_id("vpr"), NOW
        )
    view = await open_response(tomsk.database, tomsk.catalog, teacher, response.id, Action.ANSWER)
    own = {
        "items": [
            {
                "subject": {"selected": "math", "other": None},
                "grade": {"selected": "g5", "other": None},
                "fail_pct": 19.0,
                "high_pct": 1.0,
            }
        ],
        "done": True,
    }
    await record_answer(tomsk.database, teacher, view, "results", own, seen=None, now=NOW)

    asked = await tomsk.load(year=2019)
    assert asked.conflicts == ["Александровская СОШ"]
    assert asked.loaded == []
    assert await tomsk.rows("Александровская СОШ") == {("math", "g5"): (19.0, 1.0)}
    assert await tomsk.stored("Корниловская СОШ") == (None, None)  # all or nothing

    replaced = await tomsk.load(year=2019, replace=asked.confirm)
    assert len(replaced.loaded) == 18
    assert await tomsk.rows("Александровская СОШ") == seed_numbers(2019)["Александровская СОШ"]


async def test_the_by_rows_template_is_loaded_with_the_same_checks(tomsk: Round) -> None:
    target = await load_target(
        tomsk.database, tomsk.catalog, tomsk.methodist, tomsk.campaign_id, "vpr", "results"
    )
    assert await round_tables(tomsk.database, tomsk.catalog, target.campaign) != []
    template = await bulk_template(target)
    assert template.name == "Результаты ВПР — 2018 19 учебный год — загрузка по школам.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    assert [cell.value for cell in sheet[4]] == ["Школа", "Предмет", "Класс", "«2», %", "«4–5», %"]
    assert sheet["A5"].value == "Александровская СОШ"  # a row per school, in the directory's order
    assert sheet.max_row == 4 + 35

    def filled(rows: list[list[Any]]) -> bytes:
        for number, row in enumerate(rows, start=5):
            for column, value in enumerate(row, start=1):
                sheet.cell(number, column, value)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    bad = filled(
        [
            ["Александровская СОШ", "Математика", "5", 60, 50],
            ["МБОУ «Александровская СОШ»", "математика", "5 класс", 1, 1],
            ["Богашевская СОШ", "Химия", "8 кл.", "12,5", 0],
        ]
    )
    refused = await tomsk.load(bad, name="школы.xlsx")
    assert refused.problems == [
        "D5–E5: доля «2» и доля «4–5» вместе больше 100 %",
        "B6–C6: эта строка уже есть (строка 5)",
    ]
    good = filled(
        [
            ["Александровская СОШ", "Математика", "5", 20, 0],
            ["МБОУ «Александровская СОШ»", "Русский язык", "5 класс", 40, 0],
            ["Богашевская СОШ им. А.И. Федорова", "Химия", "8 кл.", "12,5", 0],
        ]
    )
    loaded = await tomsk.load(good, name="школы.xlsx")
    assert sorted(loaded.loaded) == ["Александровская СОШ", "Богашевская СОШ"]
    assert loaded.rows == 3
    assert await tomsk.rows("Богашевская СОШ") == {("chemistry", "g8"): (12.5, 0)}


async def test_schools_are_matched_whatever_the_quotes_legal_form_and_name(tomsk: Round) -> None:
    known = named_schools(list(tomsk.schools.values()), tomsk.places)

    def found(name: str) -> list[str]:
        return [school.short_name for school in match_school(name, known)]

    assert found('ИАОУ "Спасская СОШ"') == ["Спасская СОШ"]
    assert found('МБОУ "Лучановская СОШ имени В.В. Михетко"') == ["Лучановская СОШ"]
    assert found("мбоу «Халдеевская ООШ» Томского района") == ["Халдеевская ООШ"]
    assert found("МАОУ «Интеграция»") == ["Интеграция"]
    assert found("Заречная ООШ") == []


# --- the review's cases: a wrong school, a handed-in response, a year, a lost row, a race ---


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


async def test_a_name_of_another_school_is_refused_with_what_it_looks_like(tomsk: Round) -> None:
    content = (
        seed_text()
        .replace('МБОУ "Октябрьская СОШ"', "Октябрьская СОШ Кожевниковского района", 1)
        .replace('МБОУ "Лучановская СОШ имени В.В. Михетко"', "Лучановская СОШ имени Гагарина", 1)
        .replace('МБОУ "Мирненская СОШ"', 'Мирненская ООШ — филиал МБОУ "Мирненская СОШ"', 1)
    )
    refused = await tomsk.load(content.encode(), year=2019)
    assert refused.problems == [
        "B10: нет такой школы в мониторинге: «Лучановская СОШ имени Гагарина» — похоже на "
        "«Лучановская СОШ»?",
        'B12: нет такой школы в мониторинге: «Мирненская ООШ — филиал МБОУ "Мирненская СОШ"» '
        "— похоже на «Мирненская СОШ»?",
        "B17: нет такой школы в мониторинге: «Октябрьская СОШ Кожевниковского района» — похоже "
        "на «Октябрьская СОШ»?",
    ]
    assert await tomsk.stored("Октябрьская СОШ") == (None, None)


async def answered(
    tomsk: Round, school_name: str, status: Status, fail: float = 19.0
) -> tuple[Actor, int]:
    """The school's own table (Математика, 5 класс), its response then put in ``status``."""
    school = tomsk.schools[school_name]
    teacher = await make_actor(tomsk.database, TEACHER, Role.RESPONDENT, school_id=school.id)
    async with tomsk.database.write() as conn:
        response = await get_or_create_response(
            conn, tomsk.campaign_id, school.id, "vpr", tomsk.catalog.row_id("vpr"), NOW
        )
    view = await open_response(tomsk.database, tomsk.catalog, teacher, response.id, Action.ANSWER)
    own = {"items": [own_row(fail)], "done": True}
    await record_answer(tomsk.database, teacher, view, "results", own, seen=None, now=NOW)
    if status is not Status.DRAFT:
        async with tomsk.database.write() as conn:
            current = await get_response(conn, response.id)
            assert current is not None
            await change_status(conn, current, status, user_id=None, now=NOW)
    return teacher, response.id


def own_row(fail: float) -> dict[str, Any]:
    return {
        "subject": {"selected": "math", "other": None},
        "grade": {"selected": "g5", "other": None},
        "fail_pct": fail,
        "high_pct": 1.0,
    }


async def test_an_accepted_response_is_never_overwritten(tomsk: Round) -> None:
    await answered(tomsk, "Александровская СОШ", Status.ACCEPTED)
    for replace in ((), ("anything",)):
        refused = await tomsk.load(year=2019, replace=replace)
        assert refused.problems == [
            "Александровская СОШ: ответ уже принят — верните его на доработку в /review, "
            "чтобы заменить"
        ]
        assert refused.loaded == []
    assert await tomsk.stored("Александровская СОШ") == (
        Status.ACCEPTED,
        {"items": [own_row(19.0)], "done": True},
    )
    assert await tomsk.stored("Корниловская СОШ") == (None, None)  # all or nothing


async def test_a_submitted_response_is_replaced_only_when_confirmed_and_stays_submitted(
    tomsk: Round,
) -> None:
    await answered(tomsk, "Александровская СОШ", Status.SUBMITTED)
    asked = await tomsk.load(year=2019)
    assert asked.conflicts == ["Александровская СОШ"]
    assert asked.handed_in == ["Александровская СОШ"]
    assert await tomsk.stored("Корниловская СОШ") == (None, None)

    loaded = await tomsk.load(year=2019, replace=asked.confirm)
    assert len(loaded.loaded) == 18
    assert loaded.handed_in == ["Александровская СОШ"]
    status, _ = await tomsk.stored("Александровская СОШ")
    assert status is Status.SUBMITTED
    assert await tomsk.rows("Александровская СОШ") == seed_numbers(2019)["Александровская СОШ"]
    assert (await tomsk.stored("Корниловская СОШ"))[0] is Status.DRAFT


async def test_a_confirmation_is_for_the_table_as_it_stood(tomsk: Round) -> None:
    teacher, response_id = await answered(tomsk, "Александровская СОШ", Status.DRAFT)
    asked = await tomsk.load(year=2019)
    # The school saves other rows before the methodist presses "Заменить": asked again.
    view = await open_response(tomsk.database, tomsk.catalog, teacher, response_id, Action.ANSWER)
    later = NOW + timedelta(minutes=1)
    again = {"items": [own_row(7.0)], "done": True}
    await record_answer(tomsk.database, teacher, view, "results", again, seen=None, now=later)
    asked_again = await tomsk.load(year=2019, replace=asked.confirm)
    assert asked_again.conflicts == ["Александровская СОШ"]
    assert asked_again.confirm != asked.confirm
    assert await tomsk.rows("Александровская СОШ") == {("math", "g5"): (7.0, 1.0)}
    assert await tomsk.stored("Корниловская СОШ") == (None, None)


async def test_a_school_saving_while_the_load_is_checked_is_not_overwritten(
    tomsk: Round, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The school saves its rows after the load read the answers and before it writes them."""
    school = tomsk.schools["Александровская СОШ"]
    teacher = await make_actor(tomsk.database, TEACHER, Role.RESPONDENT, school_id=school.id)
    async with tomsk.database.write() as conn:
        response = await get_or_create_response(
            conn, tomsk.campaign_id, school.id, "vpr", tomsk.catalog.row_id("vpr"), NOW
        )
    original = bulk_module._plan
    saves: list[dict[str, Any]] = []

    async def plan_then_the_school_saves(*args: Any, **kwargs: Any) -> Any:
        plan = await original(*args, **kwargs)
        if not saves:
            view = await open_response(
                tomsk.database, tomsk.catalog, teacher, response.id, Action.ANSWER
            )
            own = {"items": [own_row(3.0)], "done": True}
            await record_answer(tomsk.database, teacher, view, "results", own, seen=None, now=NOW)
            saves.append(own)
        return plan

    monkeypatch.setattr(bulk_module, "_plan", plan_then_the_school_saves)
    asked = await tomsk.load(year=2019)
    assert saves
    assert asked.conflicts == ["Александровская СОШ"]  # checked again: asked, not overwritten
    assert asked.loaded == []
    assert await tomsk.rows("Александровская СОШ") == {("math", "g5"): (3.0, 1.0)}
    assert await tomsk.stored("Корниловская СОШ") == (None, None)


def only_2019() -> bytes:
    """The seed's tables with their 2019 columns only (a file of one year)."""
    lines = []
    for line in seed_text().splitlines():
        cells = line.split("\t")
        lines.append("\t".join(cells[:4] + cells[6:8]) if len(cells) > 2 else line)
    return "\n".join(lines).encode()


async def test_a_file_of_one_year_is_loaded_only_once_the_year_is_confirmed(
    tomsk: Round,
) -> None:
    asked = await tomsk.load(only_2019())
    assert asked == BulkOutcome(years=(2019,))
    assert await tomsk.stored("Александровская СОШ") == (None, None)
    loaded = await tomsk.load(only_2019(), year=2019)
    assert loaded.problems == []
    assert len(loaded.loaded) == 18
    assert await tomsk.rows("Александровская СОШ") == seed_numbers(2019)["Александровская СОШ"]


async def test_numbers_without_a_school_and_formulas_without_values_are_problems(
    tomsk: Round,
) -> None:
    lines = seed_text().splitlines()
    cells = lines[14].split("\t")  # 12, Наумовская СОШ: its name left out
    lines[14] = "\t".join([cells[0], "", *cells[2:]])
    refused = await tomsk.load("\n".join(lines).encode(), year=2019)
    assert refused.problems == ["B15: не указана школа, а числа есть"]

    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["Школа", "Предмет", "Класс", "«2», %", "«4–5», %"])
    sheet.append(["Александровская СОШ", "Математика", "5", "=1/0", "=1/0"])
    sheet.append(["Богашевская СОШ", "Математика", "5", 0.2, 0.05])
    sheet["D3"].number_format = sheet["E3"].number_format = "0%"
    sheet.merge_cells("A3:A4")  # a merged school cell over two rows of numbers
    sheet.append([None, "Математика", "6", 30, 5])
    buffer = io.BytesIO()
    book.save(buffer)
    refused = await tomsk.load(buffer.getvalue(), name="школы.xlsx")
    assert refused.problems == [
        "D2: формула без значения — впишите число",
        "E2: формула без значения — впишите число",
        "A4: не указана школа, а числа есть",
    ]
    sheet.unmerge_cells("A3:A4")
    sheet["A4"] = "Богашевская СОШ"
    sheet["D2"], sheet["E2"] = 10, 0
    buffer = io.BytesIO()
    book.save(buffer)
    loaded = await tomsk.load(buffer.getvalue(), name="школы.xlsx")
    assert loaded.problems == []
    assert await tomsk.rows("Богашевская СОШ") == {
        ("math", "g5"): (20, 5),  # percent cells: 0,2 is 20 %
        ("math", "g6"): (30, 5),
    }
