"""Seed 002 end to end: the Norilsk справка No. 12/01-13 (15.01.2021) read back from the workbook.

Ten schools of Город Норильск (Asia/Krasnoyarsk) are imported; the methodist opens one monitoring
of the forms that hold the справка's eight indicators; nine schools answer as the справка says
(``facts``), and СШ № 28, whose head "не принял участие", answers nothing. The methodist's
/export must let each indicator and each item of the Выводы be read off a named cell
(``FINDINGS``), and show СШ № 28 as not answered: "не ответила" in По школам, and in the
"Нет ответа" column of every row of Итоги.

The справка names no school for some of its Выводы; the test picks them and says so:
- Выводы 3, "в ряде школ отсутствие системы наставничества": СШ № 20, 23, 41;
- Выводы 5, "в нескольких ... не предусмотрена работа с одаренными": СШ № 32, 33.
"""

import re
from typing import Any

from openpyxl import Workbook

from core.directory_import import import_directory
from core.export import labels
from storage.directory import load_directory
from storage.people import Role
from tests.conversations.scripted import SKIP, Script, answer_form
from tests.conversations.test_seed_000 import (
    FORMS,
    Finding,
    by_school,
    check_findings,
    export_workbook,
    open_monitoring,
    totals,
)
from tests.factories import make_person
from tests.harness import BotHarness
from texts import campaigns as wizard

TOWN, TIMEZONE = "Город Норильск", "Asia/Krasnoyarsk"
PERIOD = "1 полугодие 2020-2021 учебного года"
# The forms with the справка's indicators (tests/forms/test_builtin_forms.py, SEED_ITEMS "002"),
# in the catalog's order, which the monitoring keeps.
MONITORING_FORMS = ("management", "parents", "students_website", "teachers")
SCHOOLS = {  # short name: full name, as the справка addresses them
    **{f"СШ № {n}": f"МБОУ «Средняя школа № {n}»" for n in (13, 16, 17, 20, 23, 28, 32, 33, 41)},
    "Школа-интернат № 2": "МБОУ «Школа – Интернат № 2»",
}
ABSENT = "СШ № 28"  # "В мероприятии не принял участие руководитель МБОУ «Средняя школа № 28»."
METHODIST = 2000
RESPONDENTS = {school: 2001 + number for number, school in enumerate(SCHOOLS)}


def directory_files() -> list[tuple[str, bytes]]:
    municipalities = f"Муниципалитет;Часовой пояс\n{TOWN};{TIMEZONE}\n"
    schools = "Муниципалитет;Полное наименование;Краткое наименование;Правовая форма;ШНОР\n"
    schools += "".join(f"{TOWN};{full};{short};МБОУ;да\n" for short, full in SCHOOLS.items())
    return [
        ("municipalities.csv", municipalities.encode()),
        ("schools.csv", schools.encode()),
    ]


# --- the facts of the справка --------------------------------------------------------------

# What every school reported: each indicator is in place ("Руководителями МБОУ подготовлена
# информация по предложенным показателям"), and Выводы 1, 2 and 6 hold "во всех".
EVERYWHERE: dict[str, Script] = {
    "management": {
        "causes_analysed": True,  # "провели предварительный анализ работы ОУ"
        # Выводы 2, a problem zone of all: "определение предметных компетенций учителей"
        "causes": ["teacher_deficits"],
        "roadmap_developed": True,  # Выводы 1: "разработан план (дорожная карта)"
        "method_meetings": True,  # Выводы 1: "проведены методические совещания"
        # Выводы 2: "недостаточное развитие ... внутришкольного мониторинга качества"
        "mechanisms_status": "in_progress",
        "independent_monitoring": True,  # indicator 1, with the factor analysis
        "factor_analysis": True,
        "failure_prevention": True,  # indicator 3; Выводы 5 "наряду с наличием мероприятий"
        "assessment_system": True,  # indicator 4
    },
    "teachers": {"growth_plans": True, "mentoring": True},  # indicator 2
    "students_website": {
        "gifted": True,  # indicator 7
        "self_government": True,  # indicator 5
        "site_posted": True,  # indicator 8, Выводы 6: "обеспечена информационная открытость"
        "plan_on_site": True,
    },
    "parents": {
        # Выводы 6: "индивидуальная работа с родителями (встречи, различные тренинги,
        # консультации специалистов)"
        "forms": ["consultations"],
        "individual_work": True,
        "parent_education": True,  # indicator 6
        "parent_community": True,  # indicator 5
    },
}
# Выводы 4: "руководители МБОУ «Средняя школа № 13, 16, 17» отметили ... обучение
# детей-иностранцев, социально-экономическое неблагополучие семей обучающихся, низкая
# заинтересованность родителей"
SOCIAL_CAUSES = ["migrant_children", "family_hardship", "parents_interest", "teacher_deficits"]
NO_MENTORING = ("СШ № 20", "СШ № 23", "СШ № 41")  # Выводы 3, picked
NO_GIFTED = ("СШ № 32", "СШ № 33")  # Выводы 5, picked


def facts(school: str) -> dict[str, dict[str, Any]]:
    """A school's answers, form by form: what all reported, and what the Выводы single out."""
    found = {key: dict(script) for key, script in EVERYWHERE.items()}
    if school in ("СШ № 13", "СШ № 16", "СШ № 17"):
        found["management"]["causes"] = SOCIAL_CAUSES
    if school in NO_MENTORING:
        found["teachers"]["mentoring"] = False
    if school in NO_GIFTED:
        found["students_website"]["gifted"] = False
    return found


# What the справка does not speak of (the Tomsk ИМЦ, contests, ...): given where asked.
NEUTRAL: dict[str, Script] = {
    "management": {
        "decisions_taken": True,
        "goals_set": True,
        "priority_actions": True,
        "gia_plan": True,
    },
    "teachers": {
        "imc_gia": "none",
        "imc_vpr": "none",
        "imc_events": SKIP,
        "courses_gia": True,
        "courses_vpr": True,
        "courses": 2,
        "support_gia": True,
        "support_vpr": True,
        "internal_support": SKIP,
        "mentor_pairs": 2,
        "contests": ["none"],
    },
    "students_website": {
        "student_forms": ["class_hours"],
        "imc_trainings": False,
        "site_audience": ["parents"],
        "site_links": "https://school.norilsk.ru/kachestvo",
        "links_active": True,
        "site_extra": SKIP,
    },
    "parents": {"events": 3, "description": SKIP},
}

# --- what the workbook must say -------------------------------------------------------------

NINE = "ООУ № 2, 13, 16, 17, 20, 23, 32, 33, 41"  # "Школа-интернат № 2" is ООУ № 2 here

FINDINGS: list[Finding] = [
    # The eight indicators.
    totals(
        "1: мониторинг независимых процедур",
        "management",
        "independent_monitoring",
        "yes",
        "D38",
        NINE,
    ),
    totals("1: факторный анализ", "management", "factor_analysis", "yes", "D40", NINE),
    totals("2: планы профессионального развития", "teachers", "growth_plans", "yes", "D119", NINE),
    totals(
        "3: профилактика неуспеваемости", "management", "failure_prevention", "yes", "D42", NINE
    ),
    totals("4: школьная система оценивания", "management", "assessment_system", "yes", "D44", NINE),
    totals(
        "5: ученическое самоуправление", "students_website", "self_government", "yes", "D86", NINE
    ),
    totals("5: родительская общественность", "parents", "parent_community", "yes", "D62", NINE),
    totals(
        "6: индивидуальная работа с родителями", "parents", "individual_work", "yes", "D58", NINE
    ),
    totals("6: родительское просвещение", "parents", "parent_education", "yes", "D60", NINE),
    totals(
        "7: работа с одарёнными",
        "students_website",
        "gifted",
        "yes",
        "D84",
        "ООУ № 2, 13, 16, 17, 20, 23, 41",
    ),
    totals("8: материалы на сайте", "students_website", "site_posted", "yes", "D88", NINE),
    totals("8: план на сайте", "students_website", "plan_on_site", "yes", "D95", NINE),
    # Выводы.
    totals("В1: план (дорожная карта)", "management", "roadmap_developed", "yes", "D29", NINE),
    totals("В1: методические совещания", "management", "method_meetings", "yes", "D31", NINE),
    totals(
        "В2: предметные компетенции учителей",
        "management",
        "causes",
        "teacher_deficits",
        "D18",
        NINE,
    ),
    totals(
        "В2: внутришкольный мониторинг не развит",
        "management",
        "mechanisms_status",
        "in_progress",
        "D34",
        NINE,
    ),
    totals("В3: нет наставничества", "teachers", "mentoring", "no", "D122", "ООУ № 20, 23, 41"),
    *[
        totals(f"В4: {option}", "management", "causes", option, cell, "ООУ № 13, 16, 17")
        for option, cell in [
            ("migrant_children", "D14"),
            ("family_hardship", "D15"),
            ("parents_interest", "D16"),
        ]
    ],
    totals(
        "В5: нет работы с одарёнными", "students_website", "gifted", "no", "D85", "ООУ № 32, 33"
    ),
    totals("В6: консультации специалистов", "parents", "forms", "consultations", "D47", NINE),
    # СШ № 28 did not take part.
    totals(
        "СШ № 28: нет ответа",
        "management",
        "roadmap_developed",
        "yes",
        "H29",
        "ООУ № 28",
        labels.NO_ANSWER,
    ),
    by_school("СШ № 28: не ответила", ABSENT, SCHOOLS[ABSENT], "C225", "не ответила"),
    by_school(
        "СШ № 13: все анкеты сданы", "СШ № 13", SCHOOLS["СШ № 13"], "C7", "сдано 4 из 4 анкет"
    ),
    Finding(
        "СШ № 28: сдано анкет",
        labels.SUMMARY,
        ((labels.SCHOOL, ABSENT),),
        labels.FORMS_DONE,
        "G19",
        0,
    ),
    Finding(
        "СШ № 28: не сданы анкеты",
        labels.MISSING,
        ((labels.SCHOOL, ABSENT),),
        labels.FORMS_MISSING,
        "B6",
        ", ".join(FORMS[key].short_title for key in MONITORING_FORMS),
    ),
]


def numbers(listed: object) -> set[int]:
    """ "ООУ № 2, 13, 28" → {2, 13, 28}."""
    return {int(number) for number in re.findall(r"\d+", str(listed or ""))}


def column_under(workbook: Workbook, sheet: str, title: str) -> list[object]:
    """The values under the header ``title`` of ``sheet``, down to its last row."""
    rows = list(workbook[sheet].iter_rows())
    for index, row in enumerate(rows):
        for cell in row:
            if cell.value == title:
                return [below[cell.column - 1].value for below in rows[index + 1 :]]
    raise AssertionError(f"no column {title!r} in {sheet}")


async def test_the_norilsk_report_reads_off_the_monitoring_workbook(harness: BotHarness) -> None:
    report = await import_directory(harness.database, directory_files(), default_timezone=TIMEZONE)
    assert report.ok, report.file_errors
    async with harness.database.read() as conn:
        directory = await load_directory(conn)
    [town] = directory.municipalities
    assert (town.name, town.timezone) == (TOWN, TIMEZONE)
    schools = {school.short_name: school for school in directory.schools}
    assert set(schools) == set(SCHOOLS)
    await make_person(harness.database, METHODIST, Role.METHODIST, municipality_id=town.id)
    for school, telegram_id in RESPONDENTS.items():
        await make_person(
            harness.database, telegram_id, Role.RESPONDENT, school_id=schools[school].id
        )

    methodist = harness.user(METHODIST)
    opened = await open_monitoring(
        harness, methodist, MONITORING_FORMS, PERIOD, len(SCHOOLS), TIMEZONE
    )
    assert opened.startswith(f"Мониторинг открыт: «{wizard.USUAL_TITLE}» (4 анкеты), {PERIOD}.")

    catalog = harness.catalog.current
    for school, telegram_id in RESPONDENTS.items():
        if school == ABSENT:
            continue
        user = harness.user(telegram_id)
        for key, script in facts(school).items():
            await answer_form(harness, user, catalog[key], script, if_asked=NEUTRAL[key])

    caption, workbook = await export_workbook(harness, methodist, PERIOD)
    assert "9 из 10" in caption  # schools with every form in
    check_findings(workbook, FINDINGS)
    # СШ № 28 is in "Нет ответа" of every row of Итоги.
    no_answer = column_under(workbook, labels.TOTALS, labels.NO_ANSWER)
    assert len(no_answer) > 100
    assert [listed for listed in no_answer if 28 not in numbers(listed)] == []
