"""Профиль школ: the social passport's profile (seed 003's radar charts), from a hand-made export
of the built-in form: the values and means on the sheet, a radar per school read back from the
saved workbook, the bound on radars, and the profile's validation and storage as a cosmetic field.
"""

import io
import random
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from core.export.aggregate import summarize
from core.export.labels import PROFILE
from core.export.model import Export, Period, SchoolReport
from core.export.monitoring import monitoring_sheets, single_form_sheets
from core.export.profile import MAX_RADARS, profile_sheets
from core.export.rollups import areas_of
from core.forms.loader import load_form
from core.forms.models import FormDefinition
from exports.workbook import render_workbook
from storage import Database
from storage.directory import District, School
from storage.forms import FormVersionConflict, ensure_form_version, get_form
from storage.responses import Status
from tests.factories import school_report

PASSPORT = load_form(Path(__file__).parents[2] / "bot" / "forms" / "social_passport.yaml")
OMSK = ZoneInfo("Asia/Omsk")
DEADLINE = datetime(2020, 9, 15, 23, 59, tzinfo=OMSK)
GENERATED = datetime(2020, 9, 20, 12, tzinfo=OMSK)
DISTRICTS = [
    District(1, 1, "Центральный округ", None, None),
    District(2, 1, "Ленинский округ", None, None),
    District(3, 1, "Кировский округ", None, None),
]


def passport_answers(rng: random.Random) -> dict[str, Any]:
    total = rng.randint(150, 1200)
    teachers = max(10, total // 15)

    def part(low: float, high: float) -> int:
        return round(total * rng.uniform(low, high))

    return {
        "students_total": total,
        "low_income": part(0.05, 0.3),
        "single_parent": part(0.1, 0.35),
        "large_family": part(0.05, 0.2),
        "non_native": part(0.0, 0.15),
        "disabled": part(0.01, 0.08),
        "on_register": part(0.0, 0.05),
        "orphans": part(0.0, 0.04),
        "parents_higher_ed": round(rng.uniform(15, 60), 1),
        "parents_no_job": round(rng.uniform(2, 20), 1),
        "location": {"selected": rng.choice(["city", "outskirts"]), "other": None},
        "shifts": {"selected": rng.choice(["one", "two"]), "other": None},
        "teachers_total": teachers,
        "vacancies": rng.randint(0, 4),
    }


def passport_report(
    number: int, answers: dict[str, Any], *, done: bool = True, town: str = "Город Омск"
) -> SchoolReport:
    district = DISTRICTS[number % len(DISTRICTS)]
    return school_report(
        School(number, 1, district.id, f"МБОУ СОШ № {number}", f"СОШ № {number}"),
        answers,
        deadline=DEADLINE,
        status=Status.SUBMITTED if done else Status.DRAFT,
        municipality=town,
        district=district,
        timezone="Asia/Omsk",
    )


def passport_export(schools: int, *, seed: int = 3, drafts: int = 1) -> Export:
    """A round of the social passport in ``schools`` schools of Омск (the last ``drafts`` of
    them not handed in), aggregated as ``build_export`` does, with its sheets."""
    rng = random.Random(seed)
    reports = [
        passport_report(n, passport_answers(rng), done=n <= schools - drafts)
        for n in range(1, schools + 1)
    ]
    return with_sheets(
        Export(
            form_key=PASSPORT.id,
            form_title=PASSPORT.title,
            short_title=PASSPORT.short_title,
            questions=tuple(PASSPORT.questions),
            periods=(Period("2020/2021 учебный год", (1,), GENERATED),),
            scope="Город Омск",
            generated_at=GENERATED,
            reports=tuple(reports),
            summary=(),
            areas=(),
            dynamics=(),
            sheets=(),
            profile=PASSPORT.profile,
        )
    )


def with_sheets(export: Export) -> Export:
    latest = export.latest_reports()
    aggregated = replace(
        export,
        summary=tuple(summarize(export.questions, latest)),
        areas=tuple(areas_of(export.questions, latest)),
    )
    return replace(aggregated, sheets=tuple(single_form_sheets(aggregated)))


def chart_xml(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        names.sort(key=lambda name: int(name.removeprefix("xl/charts/chart").split(".")[0]))
        return [archive.read(name).decode() for name in names]


def test_the_profile_sheet_holds_each_school_and_the_mean() -> None:
    export = passport_export(5)
    sheet = next(sheet for sheet in export.sheets if sheet.title == PROFILE)
    titles = [column.title for column in sheet.columns]
    assert titles[:2] == ["Школа", "Округ"]
    assert titles[2:] == [axis.label for axis in PASSPORT.profile.axes]  # type: ignore[union-attr]
    mean, *schools = sheet.rows
    assert mean[0] == "Среднее: Город Омск"
    assert [row[0] for row in schools] == ["СОШ № 1", "СОШ № 2", "СОШ № 3", "СОШ № 4"]  # 5: draft
    first = export.reports[0].answers
    low_income = titles.index("Малоимущие семьи")
    assert schools[0][low_income] == round(first["low_income"] / first["students_total"], 6)
    higher = titles.index("Родители с высшим образованием")
    assert schools[0][higher] == round(first["parents_higher_ed"] / 100, 6)
    vacancies = titles.index("Вакансии педагогов")
    assert schools[0][vacancies] == round(first["vacancies"] / first["teachers_total"], 6)
    expected = sum(row[low_income] for row in schools) / 4  # type: ignore[misc]
    assert mean[low_income] == pytest.approx(expected, abs=1e-6)
    assert sheet.bold_rows == frozenset({0})
    assert ["Учтено школ", 4, "из 5"] in sheet.preamble


def test_an_unanswered_axis_is_empty_and_left_out_of_the_mean() -> None:
    rng = random.Random(1)
    answered = passport_answers(rng)
    missing = passport_answers(rng) | {"students_total": 0}  # nothing to take a share of
    del missing["parents_no_job"]
    reports = (passport_report(1, answered), passport_report(2, missing))
    export = replace(passport_export(2), reports=reports)
    sheet = profile_sheets(export)[0]
    titles = [column.title for column in sheet.columns]
    no_job = titles.index("Семьи без работающих родителей")
    orphans = titles.index("Сироты, под опекой")
    assert sheet.rows[2][no_job] is None
    assert sheet.rows[2][orphans] is None
    assert sheet.rows[0][no_job] == sheet.rows[1][no_job]


def test_a_radar_per_school_draws_the_school_over_the_mean() -> None:
    export = passport_export(6)
    content = render_workbook(export.sheets)
    radars = [xml for xml in chart_xml(content) if "<radarChart>" in xml]
    assert len(radars) == 5  # the handed-in schools
    first = radars[0]
    assert first.count("<ser>") == 2
    assert "Среднее: Город Омск" in first
    assert "СОШ № 1" in first
    # the axes are the column titles: the header row of the sheet, across the axis columns
    assert f"'{PROFILE}'!$C$" in first
    assert 'prstDash val="dash"' in first  # the mean is dashed
    assert '<c:delete val="0"/>' in first or '<delete val="0"/>' in first


def test_a_large_export_keeps_the_table_and_draws_the_means_only() -> None:
    export = passport_export(MAX_RADARS + 3, drafts=0)
    sheet = profile_sheets(export)[0]
    assert len(sheet.rows) == 1 + MAX_RADARS + 3
    assert len(sheet.charts) == 1
    assert sheet.charts[0].series_rows == (0,)
    assert any("только средние" in str(line[1]) for line in sheet.preamble)


def test_several_towns_each_have_their_mean() -> None:
    export = passport_export(4, drafts=0)
    reports = tuple(
        replace(report, municipality="Город Омск" if n < 2 else "Омский район")
        for n, report in enumerate(export.reports)
    )
    sheet = profile_sheets(replace(export, reports=reports))[0]
    assert [row[0] for row in sheet.rows[:2]] == ["Среднее: Город Омск", "Среднее: Омский район"]
    assert "Муниципалитет" in [column.title for column in sheet.columns]
    by_school = {
        sheet.rows[chart.series_rows[1]][0]: chart.series_rows[0] for chart in sheet.charts
    }
    assert by_school == {"СОШ № 1": 0, "СОШ № 2": 0, "СОШ № 3": 1, "СОШ № 4": 1}


def test_a_form_without_a_profile_has_no_profile_sheet() -> None:
    export = replace(passport_export(3), profile=None)
    assert profile_sheets(export) == []
    assert PROFILE not in [sheet.title for sheet in single_form_sheets(export)]


def test_a_monitoring_of_several_forms_keeps_the_passport_profile() -> None:
    export = passport_export(3)
    other = replace(export, form_key="other", short_title="Другая", profile=None)
    titles = [sheet.title for sheet in monitoring_sheets([export, other], "Мониторинг")]
    assert titles.count(PROFILE) == 1


def _passport_with(profile: dict[str, Any]) -> dict[str, Any]:
    data = PASSPORT.model_dump(mode="json")
    data["profile"] = profile
    return data


@pytest.mark.parametrize(
    ("axes", "message"),
    [
        ([{"question": "nope", "label": "A"}], "not a question of the form"),
        ([{"question": "students_total", "label": "A"}], "a percent question"),
        ([{"question": "low_income", "of": "location", "label": "A"}], "not another number"),
        ([{"question": "location", "of": "students_total", "label": "A"}], "must be a number"),
        (
            [
                {"question": "parents_no_job", "label": "A"},
                {"question": "parents_no_job", "label": "B"},
            ],
            "given twice",
        ),
        (
            [
                {"question": "parents_no_job", "label": "A"},
                {"question": "parents_higher_ed", "label": "A"},
            ],
            "same label",
        ),
    ],
)
def test_a_profile_names_number_questions_of_the_form(
    axes: list[dict[str, Any]], message: str
) -> None:
    padding = [
        {"question": "low_income", "of": "students_total", "label": "Малообеспеченные"},
        {"question": "orphans", "of": "students_total", "label": "Сироты"},
    ]
    with pytest.raises(ValidationError, match=message):
        FormDefinition.model_validate(_passport_with({"title": "П", "axes": padding + axes}))


def test_a_profile_needs_three_axes() -> None:
    axes = [
        {"question": "parents_no_job", "label": "A"},
        {"question": "parents_higher_ed", "label": "B"},
    ]
    with pytest.raises(ValidationError, match="at least 3"):
        FormDefinition.model_validate(_passport_with({"title": "П", "axes": axes}))


async def test_a_profile_added_to_a_stored_version_needs_no_new_version(
    sqlite_db: Database,
) -> None:
    """The passport stored before it had a profile (and every form before the field existed)
    keeps its version: the stored copy takes the profile, and still loads."""
    async with sqlite_db.write() as conn:
        before = {k: v for k, v in PASSPORT.model_dump(mode="json").items() if k != "profile"}
        first = await ensure_form_version(conn, PASSPORT.id, 1, PASSPORT.title, before)
        again = await ensure_form_version(
            conn, PASSPORT.id, 1, PASSPORT.title, PASSPORT.model_dump(mode="json")
        )
        stored = await get_form(conn, first.id)
    assert again.id == first.id
    assert stored is not None
    assert FormDefinition.model_validate(stored.definition).profile == PASSPORT.profile


async def test_a_question_changed_beside_the_profile_still_needs_a_new_version(
    sqlite_db: Database,
) -> None:
    changed = PASSPORT.model_dump(mode="json")
    changed["sections"][0]["questions"][0]["text"] = "Сколько обучающихся?"
    async with sqlite_db.write() as conn:
        await ensure_form_version(
            conn, PASSPORT.id, 1, PASSPORT.title, PASSPORT.model_dump(mode="json")
        )
    with pytest.raises(FormVersionConflict, match="raise its version"):
        async with sqlite_db.write() as conn:
            await ensure_form_version(conn, PASSPORT.id, 1, PASSPORT.title, changed)
