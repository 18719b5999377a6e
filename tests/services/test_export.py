"""The export service over the sample schools, on both databases, without openpyxl.

Two worlds: Город Томск answering ``extra_classes`` in one period (the findings of seed 000:
extra classes "в ООУ № 5 (для 2-9 классов), 11 (для 5-9 классов)…"), with on-time, late,
returned, draft, missing and "held: no" schools, "other" texts, formula-like texts and a text
longer than an Excel cell; and Томский район answering ``teachers`` (a repeat group) over two
periods, in its educational districts.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import builtin_forms
from bot.demo.seed import sample_files
from core.access import AccessDenied
from core.actors import Actor
from core.directory_import import import_directory
from core.export import (
    Export,
    MixedForms,
    build_export,
    campaigns_of_series,
    export_filename,
    list_exportable,
)
from core.export.layout import column_letter, fit_long_texts
from core.export.model import Timeliness
from core.export.school_lists import Listed, grades_note, school_list
from core.questionnaires import FormCatalog
from exports.tables import CELL_LIMIT, Column, Sheet
from storage import Database
from storage.campaigns import CampaignForm, add_campaign
from storage.directory import load_directory
from storage.people import Role, add_user, grant_role, list_grants
from storage.reminders import mark_unreachable
from storage.responses import Status, change_status, get_or_create_response, save_answer

TOMSK = ZoneInfo("Asia/Tomsk")
OPENS = datetime(2026, 1, 10, 9, tzinfo=TOMSK)
DEADLINE = datetime(2026, 1, 25, 23, 59, 59, tzinfo=TOMSK)
NOW = datetime(2026, 1, 28, 12, tzinfo=TOMSK)
FIRST_OPENS = datetime(2025, 9, 10, 9, tzinfo=TOMSK)
FIRST_DEADLINE = datetime(2025, 12, 25, 23, 59, 59, tzinfo=TOMSK)

EVIL_OTHER = '=HYPERLINK("http://evil.example","клик")'
MINUS_OTHER = "-подготовка к ОГЭ"
TAB_OTHER = "\t=1+1 вебинар"
LONG_REASON = "@" + "Ведутся только курсы внеурочной деятельности. " * 800  # > 32,767
FILE = {
    "file_id": "F1",
    "file_unique_id": "U1",
    "name": "График консультаций.pdf",
    "size": 20480,
    "mime": "application/pdf",
    "kind": "document",
}


def at(day: int, hour: int = 12, month: int = 1, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TOMSK)


@dataclass
class World:
    catalog: FormCatalog
    schools: dict[str, int]  # short name -> id (Город Томск and Томский район differ)
    districts: dict[str, int]
    users: dict[str, int] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    campaigns: dict[str, int] = field(default_factory=dict)


async def _person(
    database: Database,
    world: World,
    key: str,
    telegram_id: int,
    role: Role,
    *,
    full_name: str,
    position: str | None = None,
    username: str | None = None,
    **scope: int,
) -> None:
    async with database.write() as conn:
        user = await add_user(
            conn, telegram_id=telegram_id, full_name=full_name, position=position, username=username
        )
        await grant_role(conn, user.id, role, **scope)
        grants = await list_grants(conn, user.id)
    world.users[key] = user.id
    world.actors[key] = Actor(telegram_id=telegram_id, user=user, grants=tuple(grants))


async def answer(
    database: Database,
    world: World,
    campaign: str,
    form_key: str,
    school: str,
    values: dict[str, Any],
    *,
    by: str | None = None,
    events: tuple[tuple[Status, datetime], ...] = (),
    started: datetime = OPENS,
    extra_by: dict[str, str] | None = None,
) -> None:
    """A response with these answers (one respondent, or another for some questions), then
    these status changes in order."""
    async with database.write() as conn:
        response = await get_or_create_response(
            conn,
            world.campaigns[campaign],
            world.schools[school],
            form_key,
            world.catalog.row_id(form_key),
            started,
        )
        response = await change_status(conn, response, Status.DRAFT, user_id=None, now=started)
        for question_id, value in values.items():
            who = (extra_by or {}).get(question_id, by)
            user_id = None if who is None else world.users[who]
            await save_answer(conn, response.id, question_id, value, user_id=user_id, now=started)
        for status, when in events:
            response = await change_status(conn, response, status, user_id=None, now=when)


async def sample_world(database: Database) -> World:
    """The sample directory, the forms, people of each role, and the two campaigns' answers."""
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    report = await import_directory(database, sample_files(), default_timezone="Asia/Tomsk")
    assert report.ok
    async with database.read() as conn:
        snapshot = await load_directory(conn)
    towns = {m.name: m.id for m in snapshot.municipalities}
    city, region = towns["Город Томск"], towns["Томский район"]
    schools = {s.short_name: s.id for s in snapshot.schools}
    districts = {d.name.split()[0]: d.id for d in snapshot.districts}
    world = World(catalog, schools, districts)
    async with database.write() as conn:
        for key, form_key, town, label, opens, deadline in (
            ("city", "extra_classes", city, "1 полугодие", OPENS, DEADLINE),
            ("region_1", "teachers", region, "1 полугодие", FIRST_OPENS, FIRST_DEADLINE),
            ("region_2", "teachers", region, "2 полугодие", OPENS, DEADLINE),
        ):
            campaign = await add_campaign(
                conn,
                forms=[CampaignForm(form_key, catalog.row_id(form_key))],
                municipality_id=town,
                period_label=label,
                opens_at=opens,
                deadline_at=deadline,
                school_ids=[s.id for s in snapshot.schools if s.municipality_id == town],
            )
            world.campaigns[key] = campaign.id
    people: list[tuple[str, int, Role, dict[str, Any]]] = [
        ("ivanova", 1, Role.RESPONDENT, {"school_id": schools["СОШ № 5"]}),
        ("sidorov", 2, Role.RESPONDENT, {"school_id": schools["СОШ № 5"]}),
        ("petrov", 3, Role.RESPONDENT, {"school_id": schools["СОШ № 44"]}),
        ("kuznetsova", 4, Role.RESPONDENT, {"school_id": schools["СОШ № 44"]}),
        ("methodist", 10, Role.METHODIST, {"municipality_id": city}),
        ("region_methodist", 11, Role.METHODIST, {"municipality_id": region}),
        ("coordinator", 12, Role.COORDINATOR, {"district_id": districts["Зональненский"]}),
        ("admin", 13, Role.ADMIN, {}),
    ]
    names = {
        "ivanova": ("Иванова Мария Петровна", "заместитель директора по УВР", "ivanova5"),
        "sidorov": ("Сидоров Иван Иванович", None, None),
        "petrov": ("Петров Пётр Петрович", "завуч", "petrov44"),
        "kuznetsova": ("Кузнецова Анна Сергеевна", "учитель", None),
    }
    for key, telegram_id, role, scope in people:
        full_name, position, username = names.get(key, (key.title(), None, None))
        await _person(
            database,
            world,
            key,
            telegram_id,
            role,
            full_name=full_name,
            position=position,
            username=username,
            **scope,
        )
    async with database.write() as conn:
        await mark_unreachable(conn, world.users["kuznetsova"], at(20))
    await _city_answers(database, world)
    await _region_answers(database, world)
    return world


def _held(
    low: int, grades: list[int], subjects: list[str], other: str | None, **more: Any
) -> dict[str, Any]:
    return {
        "low_total": low,
        "held": True,
        "grades": grades,
        "subjects": {"selected": subjects, "other": other},
        **more,
    }


async def _city_answers(database: Database, world: World) -> None:
    submitted = Status.SUBMITTED
    five = _held(
        35,
        list(range(2, 10)),
        ["russian", "math"],
        None,
        sessions=40,
        consultations=12,
        students=30,
        schedule_published=True,
        schedule_link=["https://school5.tomsk.ru/grafik"],
        evidence=FILE,
    )
    await answer(
        database,
        world,
        "city",
        "extra_classes",
        "СОШ № 5",
        five,
        by="ivanova",
        extra_by={"evidence": "sidorov"},
        events=((submitted, at(20)), (Status.ACCEPTED, at(26))),
    )
    eleven = _held(
        20,
        list(range(5, 10)),
        ["math", "other"],
        EVIL_OTHER,
        sessions=20,
        consultations=0,
        students=15,
        schedule_published=False,
    )
    late = datetime(2026, 1, 27, 10, tzinfo=TOMSK)  # 34 hours after the deadline
    await answer(
        database, world, "city", "extra_classes", "СОШ № 11", eleven, events=((submitted, late),)
    )
    twenty_eight = _held(
        50,
        list(range(4, 12)),
        ["russian", "math", "physics", "other"],
        MINUS_OTHER,
        sessions=60,
        consultations=25,
        students=44,
        schedule_published=False,
    )
    await answer(
        database,
        world,
        "city",
        "extra_classes",
        "СОШ № 28",
        twenty_eight,
        events=((submitted, at(15)), (Status.RETURNED, at(16)), (submitted, at(18))),
    )
    thirty_eight = _held(
        12,
        list(range(5, 10)),
        ["russian"],
        None,
        sessions=10,
        consultations=4,
        students=12,
        schedule_published=False,
    )
    await answer(
        database,
        world,
        "city",
        "extra_classes",
        "ООШ № 38",
        thirty_eight,
        events=((submitted, at(22)),),
    )
    forty_one = _held(
        8,
        [9, 11],
        ["math"],
        None,
        sessions=5,
        consultations=1,
        students=8,
        schedule_published=False,
    )
    await answer(
        database,
        world,
        "city",
        "extra_classes",
        "СОШ № 41",
        forty_one,
        events=((submitted, at(14)), (Status.RETURNED, at(24))),
    )
    await answer(
        database, world, "city", "extra_classes", "СОШ № 44", {"low_total": 10}, by="petrov"
    )
    sixty_six = {"low_total": 5, "held": False, "not_held_reason": LONG_REASON}
    await answer(
        database,
        world,
        "city",
        "extra_classes",
        "ООШ № 66",
        sixty_six,
        events=((submitted, at(25, 20)),),
    )


def _event(
    direction: str, name: str, day: date, teachers: int, other: str | None = None
) -> dict[str, Any]:
    return {
        "direction": {"selected": direction, "other": other},
        "name": name,
        "held_on": day.isoformat(),
        "teachers": teachers,
    }


async def _region_answers(database: Database, world: World) -> None:
    first_done = ((Status.SUBMITTED, at(20, month=12, year=2025)),)
    mirny_1 = {
        "imc_events": {
            "items": [
                _event("gia", "Семинар «Трудные задания ОГЭ»", date(2025, 10, 1), 3),
                _event("other", "Вебинар", date(2025, 11, 2), 2, TAB_OTHER),
            ],
            "done": True,
        },
        "courses": 4,
        "internal_support": {"selected": ["gia", "seminars"], "other": None},
        "mentoring": True,
        "mentor_pairs": 2,
        "contests": {"selected": ["teacher_of_year"], "other": None},
        "contestants": 1,
    }
    bogashevo_1 = {
        "imc_events": None,
        "courses": 0,
        "internal_support": None,
        "mentoring": False,
        "contests": None,
    }
    for school, values in (("Мирненская СОШ", mirny_1), ("Богашевская СОШ", bogashevo_1)):
        await answer(
            database,
            world,
            "region_1",
            "teachers",
            school,
            values,
            events=first_done,
            started=FIRST_OPENS,
        )
    done = ((Status.SUBMITTED, at(20)),)
    mirny_2 = {
        "imc_events": {
            "items": [_event("vpr", "Разбор ВПР", date(2026, 1, 15), 5)],
            "done": True,
        },
        "courses": 6,
        "internal_support": {"selected": ["vpr"], "other": None},
        "mentoring": True,
        "mentor_pairs": 3,
        "contests": {"selected": ["mentor", "champion"], "other": None},
        "contestants": 2,
    }
    moryakovka_2 = {
        "imc_events": {
            "items": [_event("gia", "ОГЭ: математика", date(2026, 1, 12), 4)],
            "done": True,
        },
        "courses": 2,
        "internal_support": {
            "selected": ["gia", "open_lessons", "other"],
            "other": "наставник-методист",
        },
        "mentoring": True,
        "mentor_pairs": 1,
        "contests": None,
    }
    rassvet_2 = {
        "imc_events": None,
        "courses": 1,
        "internal_support": None,
        "mentoring": False,
        "contests": None,
    }
    for school, values in (
        ("Мирненская СОШ", mirny_2),
        ("Моряковская СОШ", moryakovka_2),
        ("Рассветовская СОШ", rassvet_2),
    ):
        await answer(database, world, "region_2", "teachers", school, values, events=done)


@pytest.fixture
async def world(database: Database) -> World:
    return await sample_world(database)


async def city_export(database: Database, world: World, actor: str = "methodist") -> Export:
    return await build_export(
        database,
        world.catalog,
        world.actors[actor],
        campaign_ids=[world.campaigns["city"]],
        now=NOW,
    )


async def region_export(
    database: Database, world: World, actor: str = "region_methodist"
) -> Export:
    return await build_export(
        database,
        world.catalog,
        world.actors[actor],
        campaign_ids=[world.campaigns["region_2"], world.campaigns["region_1"]],
        now=NOW,
    )


def _summary(export: Export, key: str) -> Any:
    return next(s for s in export.summary if s.key == key)


def _option(export: Export, key: str, option: str) -> Any:
    return next(o for o in _summary(export, key).options if o.key == option)


# --- the city: statuses, timing, aggregates and the seed's school lists ---


async def test_the_city_export_has_every_school_with_its_status_and_timing(
    database: Database, world: World
) -> None:
    export = await city_export(database, world)

    reports = {r.school.short_name: r for r in export.reports}
    assert [r.school.short_name for r in export.reports] == [
        "ООШ № 38",
        "ООШ № 66",
        "СОШ № 5",
        "СОШ № 11",
        "СОШ № 28",
        "СОШ № 41",
        "СОШ № 44",
    ]
    assert {name: r.status for name, r in reports.items()} == {
        "СОШ № 5": Status.ACCEPTED,
        "СОШ № 11": Status.SUBMITTED,
        "СОШ № 28": Status.SUBMITTED,
        "ООШ № 38": Status.SUBMITTED,
        "СОШ № 41": Status.RETURNED,
        "СОШ № 44": Status.DRAFT,
        "ООШ № 66": Status.SUBMITTED,
    }
    assert reports["СОШ № 11"].timeliness is Timeliness.LATE
    assert reports["СОШ № 11"].late_by is not None
    assert int(reports["СОШ № 11"].late_by.total_seconds() // 3600) == 34
    assert reports["СОШ № 44"].timeliness is Timeliness.OVERDUE
    assert reports["СОШ № 5"].timeliness is Timeliness.ON_TIME
    assert reports["СОШ № 5"].accepted_at == at(26)
    # Returned once, then sent again: on time by its first submission, the latest one kept.
    assert reports["СОШ № 28"].returned == 1
    assert reports["СОШ № 28"].first_submitted_at == at(15)
    assert reports["СОШ № 28"].submitted_at == at(18)
    assert reports["СОШ № 5"].answered_by == ("Иванова Мария Петровна", "Сидоров Иван Иванович")
    assert reports["ООШ № 66"].answers["not_held_reason"] == LONG_REASON  # whole
    assert [
        (c.full_name, c.position, c.username, c.unreachable)
        for c in reports["СОШ № 44"].respondents
    ] == [
        ("Кузнецова Анна Сергеевна", "учитель", None, True),
        ("Петров Пётр Петрович", "завуч", "petrov44", False),
    ]
    assert export.scope == "Город Томск"
    assert export.dynamics == ()
    assert [s.title for s in export.sheets] == [
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


async def test_the_city_totals_read_like_the_order_of_seed_000(
    database: Database, world: World
) -> None:
    export = await city_export(database, world)

    held = _summary(export, "held")
    assert held.answered == 5  # submitted and accepted only: not 41 (returned) nor 44 (draft)
    yes, no = held.options
    assert (yes.count, yes.share) == (4, round(4 / 7, 6))  # of all 7 schools, not of the 5
    assert yes.schools == (
        "СОШ № 5 (2–9 классы), 11 (5–9 классы), 28 (4–11 классы); ООШ № 38 (5–9 классы)"
    )
    assert (no.count, no.schools) == (1, "ООШ № 66")

    assert _option(export, "subjects", "russian").schools == "СОШ № 5, 28; ООШ № 38"
    assert _option(export, "subjects", "math").schools == "СОШ № 5, 11, 28"
    assert (
        _option(export, "subjects", "math").count,
        _option(export, "subjects", "math").share,
    ) == (3, round(3 / 7, 6))
    other = _option(export, "subjects", "other")
    assert (other.count, other.schools) == (2, "СОШ № 11, 28")
    assert (
        _summary(export, "subjects").other_texts
        == f"СОШ № 11: {EVIL_OTHER}; СОШ № 28: {MINUS_OTHER}"
    )

    sessions = _summary(export, "sessions").numbers
    assert (
        sessions.count,
        sessions.minimum,
        sessions.mean,
        sessions.median,
        sessions.maximum,
        sessions.total,
    ) == (
        4,
        10,
        32.5,
        30,
        60,
        130,
    )
    grades = {o.key: (o.count, o.schools) for o in _summary(export, "grades").options}
    assert grades["grade:2"] == (1, "СОШ № 5")
    assert grades["grade:9"] == (4, "СОШ № 5, 11, 28; ООШ № 38")
    assert grades["grade:11"] == (1, "СОШ № 28")
    assert "grade:1" not in grades
    # No district in the city: the municipality alone. Late: 34 h late, missing, and the school
    # returned for revision that has not sent it again since the deadline passed.
    assert [(a.name, a.total, a.done, a.late) for a in export.areas] == [("Город Томск", 7, 5, 3)]


async def test_the_export_sheets_carry_the_values_and_keep_long_texts_whole(
    database: Database, world: World
) -> None:
    export = await city_export(database, world)
    sheets = {sheet.title: sheet for sheet in export.sheets}

    answers = sheets["Ответы"]
    ids = [column.code for column in answers.columns]
    rows = {row[2]: row for row in answers.rows}  # by school (the third column)
    eleven = rows["СОШ № 11"]
    assert eleven[ids.index("subjects.math")] == "да"
    assert eleven[ids.index("subjects.russian")] == "нет"
    assert eleven[ids.index("subjects.other")] == EVIL_OTHER
    assert eleven[ids.index("sessions")] == 20
    assert rows["СОШ № 5"][ids.index("grades")] == "2–9"
    assert rows["СОШ № 5"][ids.index("evidence")] == (
        "График консультаций.pdf (файл пришлёт бот: /file U1)"
    )
    assert rows["СОШ № 44"][ids.index("held")] is None
    reason = rows["ООШ № 66"][ids.index("not_held_reason")]
    assert isinstance(reason, str)
    assert len(reason) <= CELL_LIMIT
    assert reason.endswith(
        "[полный текст: лист «Длинные тексты», ячейка Ответы!"
        + _cell(answers, "ООШ № 66", "not_held_reason")
        + "]"
    )
    long_rows = [row for row in sheets["Длинные тексты"].rows if row[0] == "Ответы"]
    assert "".join(str(row[3]) for row in long_rows) == LONG_REASON
    assert all(len(str(row[3])) <= CELL_LIMIT for row in long_rows)

    missing = sheets["Не сдали"]
    names = [row[2] for row in missing.rows]
    assert names == ["СОШ № 41", "СОШ № 44"]
    header = [column.title for column in missing.columns]
    forty_four = missing.rows[1]
    assert forty_four[header.index("Ответственные")] == (
        "Кузнецова Анна Сергеевна\nПетров Пётр Петрович"
    )
    assert forty_four[header.index("Telegram")] == "\n@petrov44"
    assert forty_four[header.index("Бот недоступен")] == "да\nнет"
    assert forty_four[header.index("Соблюдение срока")] == "не сдана, срок прошёл"


def _cell(sheet: Sheet, school: str, question_id: str) -> str:
    row = next(i for i, row in enumerate(sheet.rows) if row[2] == school)
    column = [c.code for c in sheet.columns].index(question_id)
    return f"{column_letter(column)}{sheet.first_data_row + row}"


# --- the region: districts, repeat groups, two periods, a coordinator's scope ---


async def test_two_periods_give_dynamics_district_rollups_and_group_items(
    database: Database, world: World
) -> None:
    export = await region_export(database, world)

    assert [p.label for p in export.periods] == ["1 полугодие", "2 полугодие"]
    latest = export.latest_reports()
    assert len(latest) == 35
    assert sum(r.done for r in latest) == 3
    areas = {a.name: a for a in export.areas}
    assert list(areas)[-2:] == ["Без округа", "Томский район"]
    assert (
        areas["Зональненский образовательный округ"].total,
        areas["Зональненский образовательный округ"].done,
    ) == (9, 1)
    assert (
        areas["Заречный образовательный округ"].total,
        areas["Заречный образовательный округ"].done,
    ) == (5, 1)
    assert (areas["Без округа"].total, areas["Без округа"].done) == (1, 1)
    assert (areas["Томский район"].total, areas["Томский район"].done) == (35, 3)
    mentoring = {
        a.name: next(s for s in a.questions if s.key == "mentoring").options[0]
        for a in export.areas
    }
    # По округам shows counts and shares: the areas are summed up without school lists.
    assert (mentoring["Томский район"].count, mentoring["Томский район"].schools) == (2, "")
    assert mentoring["Без округа"].count == 0

    rows = {(row.question, row.indicator): row for row in export.dynamics}
    completion = rows[("Сдали анкету", "Доля сдавших, %")]
    assert completion.values == (round(2 / 35 * 100, 1), round(3 / 35 * 100, 1))
    question = world.catalog.current["teachers"].question("mentoring")
    assert question is not None
    yes = rows[(question.text, "да: доля от всех школ, %")]
    assert yes.values == (round(1 / 35 * 100, 1), round(2 / 35 * 100, 1))  # 2.9, 5.7
    assert yes.change == pytest.approx(2.8)
    courses = world.catalog.current["teachers"].question("courses")
    assert courses is not None
    assert rows[(courses.text, "Сумма")].values == (4, 9)

    events = _summary(export, "imc_events")
    assert (events.items, events.answered, events.schools) == (
        2,
        2,
        "Мирненская СОШ; Моряковская СОШ",
    )
    directions = {
        o.key: (o.count, o.schools) for o in _summary(export, "imc_events.direction").options
    }
    assert directions["gia"] == (1, "Моряковская СОШ")
    assert directions["vpr"] == (
        1,
        "Мирненская СОШ",
    )
    group_sheet = next(s for s in export.sheets if s.title == "Мероприятие (повтор)")
    assert len(group_sheet.rows) == 4  # two items in the first period, one each in the second
    assert TAB_OTHER in group_sheet.rows[1]


async def test_a_coordinator_exports_only_their_district(database: Database, world: World) -> None:
    export = await region_export(database, world, "coordinator")

    schools = {r.school.short_name for r in export.reports}
    assert len(schools) == 9
    assert "Мирненская СОШ" in schools
    assert "Моряковская СОШ" not in schools
    assert "Рассветовская СОШ" not in schools
    assert export.scope == "Томский район, 9 из 35 школ"
    assert [a.name for a in export.areas] == [
        "Зональненский образовательный округ",
        "Томский район",
    ]
    assert _summary(export, "mentoring").options[0].schools == "Мирненская СОШ"
    for sheet in export.sheets:
        text = repr(sheet.rows)
        assert "Моряковская" not in text
        assert "наставник-методист" not in text


async def test_a_district_narrows_a_methodists_export(database: Database, world: World) -> None:
    export = await build_export(
        database,
        world.catalog,
        world.actors["region_methodist"],
        campaign_ids=[world.campaigns["region_2"]],
        district_id=world.districts["Заречный"],
        now=NOW,
    )
    assert sorted(r.school.short_name for r in export.reports) == [
        "Зоркальцевская СОШ",
        "Моряковская СОШ",
        "Нелюбинская СОШ",
        "Поросинская СОШ",
        "Рыбаловская СОШ",
    ]
    assert export.scope == "Томский район, Заречный образовательный округ"


async def test_a_district_keeps_the_rounds_that_include_it(
    database: Database, world: World
) -> None:
    """An administrator's export of a form over two municipalities, narrowed to a district of one
    of them: the other municipality's round has no school there and is left out, not refused."""
    async with database.write() as conn:
        snapshot = await load_directory(conn)
        five = next(s for s in snapshot.schools if s.id == world.schools["СОШ № 5"])
        city_teachers = await add_campaign(
            conn,
            forms=[CampaignForm("teachers", world.catalog.row_id("teachers"))],
            municipality_id=five.municipality_id,
            period_label="2 полугодие",
            opens_at=OPENS,
            deadline_at=DEADLINE,
            school_ids=[world.schools["СОШ № 5"]],
        )
    export = await build_export(
        database,
        world.catalog,
        world.actors["admin"],
        campaign_ids=[city_teachers.id, world.campaigns["region_2"]],
        district_id=world.districts["Заречный"],
        now=NOW,
    )
    assert {r.campaign_id for r in export.reports} == {world.campaigns["region_2"]}
    assert len(export.reports) == 5
    with pytest.raises(AccessDenied):  # a district none of the rounds includes
        await build_export(
            database,
            world.catalog,
            world.actors["admin"],
            campaign_ids=[city_teachers.id],
            district_id=world.districts["Заречный"],
            now=NOW,
        )


# --- refusals ---


async def test_a_respondent_and_an_out_of_scope_export_are_refused(
    database: Database, world: World
) -> None:
    with pytest.raises(AccessDenied):
        await city_export(database, world, "ivanova")
    with pytest.raises(AccessDenied):
        await list_exportable(database, world.catalog, world.actors["ivanova"])
    with pytest.raises(AccessDenied):  # the city's campaign has no school of their district
        await city_export(database, world, "coordinator")
    with pytest.raises(AccessDenied):  # an unknown campaign
        await build_export(
            database, world.catalog, world.actors["admin"], campaign_ids=[999_999], now=NOW
        )
    stranger = Actor(telegram_id=777, user=None)
    with pytest.raises(AccessDenied):
        await build_export(
            database, world.catalog, stranger, campaign_ids=[world.campaigns["city"]], now=NOW
        )
    with pytest.raises(MixedForms):
        await build_export(
            database,
            world.catalog,
            world.actors["admin"],
            campaign_ids=[world.campaigns["city"], world.campaigns["region_2"]],
            now=NOW,
        )


# --- choosing what to export, and naming the file ---


async def test_exportable_campaigns_follow_the_scope(database: Database, world: World) -> None:
    coordinator = await list_exportable(database, world.catalog, world.actors["coordinator"])
    assert [(c.label, c.schools) for c in coordinator] == [
        ("Развитие педагогов — 2 полугодие", 9),
        ("Развитие педагогов — 1 полугодие", 9),
    ]
    assert campaigns_of_series(coordinator, "teachers") == [
        world.campaigns["region_2"],
        world.campaigns["region_1"],
    ]
    admin = await list_exportable(database, world.catalog, world.actors["admin"])
    assert {(c.municipality, c.period_label, c.schools) for c in admin} == {
        ("Город Томск", "1 полугодие", 7),
        ("Томский район", "1 полугодие", 35),
        ("Томский район", "2 полугодие", 35),
    }


async def test_the_file_is_named_after_the_form_period_and_day(
    database: Database, world: World
) -> None:
    city = await city_export(database, world)
    assert export_filename(city, date(2026, 1, 28)) == (
        "Доп. занятия и консультации — 1 полугодие — 28.01.2026.xlsx"
    )
    region = await region_export(database, world)
    assert export_filename(region, date(2026, 1, 28)) == (
        "Развитие педагогов — 1 полугодие … 2 полугодие — 28.01.2026.xlsx"
    )


# --- pure pieces ---


def test_school_lists_group_by_type_with_numbers_ascending() -> None:
    entries = [
        Listed("ООШ № 38"),
        Listed("СОШ № 28"),
        Listed("Мирненская СОШ"),
        Listed("СОШ № 5"),
        Listed("СОШ № 11"),
        Listed("ООШ № 66"),
    ]
    assert school_list(entries) == "СОШ № 5, 11, 28; ООШ № 38, 66; Мирненская СОШ"
    assert school_list([Listed("СОШ № 5", grades_note([2, 3, 4, 5, 6, 7, 8, 9]))]) == (
        "СОШ № 5 (2–9 классы)"
    )
    assert grades_note([9]) == "9 класс"
    assert grades_note([9, 11, 10]) == "9–11 классы"
    assert grades_note([5, 6, 7, 9]) == "5–7, 9 классы"
    assert school_list([]) == ""


def test_a_text_longer_than_a_cell_is_cut_with_a_pointer_and_kept_whole() -> None:
    text = "=" + "x" * (CELL_LIMIT * 2)
    sheet = Sheet("Ответы", [Column("A"), Column("B")], [["short", text]])
    sheets = fit_long_texts([sheet])

    assert [s.title for s in sheets] == ["Ответы", "Длинные тексты"]
    cut = sheet.rows[0][1]
    assert isinstance(cut, str)
    assert len(cut) == CELL_LIMIT
    assert cut.endswith("ячейка Ответы!B2]")
    parts = sheets[1].rows
    assert [row[2] for row in parts] == [1, 2, 3]
    assert "".join(str(row[3]) for row in parts) == text
    assert fit_long_texts([Sheet("S", [Column("A")], [["short"]])])[-1].title == "S"
