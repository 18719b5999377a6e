"""Every built-in form, walked completely through the engine by a scripted answerer."""

import json
import re
from typing import Any

import pytest

from bot.catalog import builtin_forms
from core.forms.display import format_answer
from core.forms.engine import (
    effective_answers,
    group_items,
    is_complete,
    is_visible,
    visible_questions,
)
from core.forms.inputs import Choice, RawInput, Selection
from core.forms.models import BUTTON_CHARS, FormDefinition, Question, QuestionType
from tests.forms.walking import Policy, Walk, walk
from texts.forms import CHECKED

FORMS = builtin_forms()


def form(form_id: str) -> FormDefinition:
    return FORMS[form_id]


# (form, policy, overrides) -> (top-level questions asked, group sub-questions asked)
SCENARIOS: list[tuple[str, Policy, dict[str, RawInput], int, int]] = [
    ("vsoko", "show", {}, 7, 0),
    ("vsoko", "hide", {}, 3, 0),
    ("vsoko", "hide", {"regulation": Choice("vshk_only")}, 7, 0),
    ("extra_classes", "show", {}, 11, 0),
    ("extra_classes", "hide", {}, 4, 0),
    ("extra_classes", "hide", {"held": Choice("yes")}, 10, 0),
    ("parents", "show", {}, 7, 0),
    ("parents", "hide", {}, 6, 0),
    ("students_website", "show", {}, 11, 0),
    ("students_website", "hide", {}, 6, 0),
    ("students_website", "hide", {"site_posted": Choice("yes")}, 10, 0),
    ("teachers", "show", {}, 17, 8),
    ("teachers", "hide", {}, 12, 0),
    ("teachers", "hide", {"contests": Selection(("champion", "mentor"))}, 14, 0),
    ("roadmap", "show", {}, 5, 0),
    ("roadmap", "show", {"status": Choice("approved")}, 5, 0),
    ("roadmap", "hide", {}, 2, 0),
    ("vpr", "show", {}, 3, 8),
    ("vpr", "hide", {}, 3, 4),
    ("management", "show", {}, 13, 0),
    ("management", "hide", {}, 11, 0),
    ("management", "hide", {"causes_analysed": Choice("yes")}, 12, 0),
    ("social_passport", "show", {}, 15, 0),
    ("social_passport", "hide", {}, 14, 0),
    ("social_passport", "hide", {"location": Choice("remote")}, 15, 0),
]


def scenario_id(scenario: tuple[str, Policy, dict[str, RawInput], int, int]) -> str:
    form_id, policy, overrides, _, _ = scenario
    return "-".join([form_id, policy, *overrides])


@pytest.fixture(params=SCENARIOS, ids=[scenario_id(s) for s in SCENARIOS])
def scenario(request: pytest.FixtureRequest) -> tuple[FormDefinition, Walk, int, int]:
    form_id, policy, overrides, asked, sub_asked = request.param
    return form(form_id), walk(form(form_id), policy, overrides), asked, sub_asked


def test_every_builtin_form_has_scenarios() -> None:
    assert {s[0] for s in SCENARIOS} == set(FORMS)
    for form_id in FORMS:
        assert {s[1] for s in SCENARIOS if s[0] == form_id} == {"show", "hide"}


def test_walk_completes(scenario: tuple[FormDefinition, Walk, int, int]) -> None:
    walked_form, walked, asked, sub_asked = scenario
    assert is_complete(walked_form, walked.answers)
    assert len(walked.asked) == asked
    assert len(walked.sub_asked) == sub_asked


def test_asked_exactly_the_visible_questions(
    scenario: tuple[FormDefinition, Walk, int, int],
) -> None:
    walked_form, walked, _, _ = scenario
    assert walked.asked == [q.id for q in visible_questions(walked_form, walked.answers)]


def test_required_visible_questions_are_answered(
    scenario: tuple[FormDefinition, Walk, int, int],
) -> None:
    walked_form, walked, _, _ = scenario
    for question in visible_questions(walked_form, walked.answers):
        assert question.id in walked.answers
        value = walked.answers[question.id]
        if question.required:
            assert value is not None, question.id
        if question.repeats and value is not None:
            assert value["done"] is True
            for item in group_items(value):
                for sub in question.questions:
                    if is_visible(sub, item):
                        assert sub.id in item, (question.id, sub.id)
                        if sub.required:
                            assert item[sub.id] is not None, (question.id, sub.id)
                    else:
                        assert sub.id not in item, (question.id, sub.id)


def test_effective_answers_have_no_hidden_questions(
    scenario: tuple[FormDefinition, Walk, int, int],
) -> None:
    walked_form, walked, _, _ = scenario
    shown = {q.id for q in visible_questions(walked_form, walked.answers)}
    effective = effective_answers(walked_form, walked.answers)
    assert set(effective) == shown
    assert effective == walked.answers  # a forward walk never answers a hidden question


def test_answers_serialise_and_display(scenario: tuple[FormDefinition, Walk, int, int]) -> None:
    walked_form, walked, _, _ = scenario
    assert json.loads(json.dumps(walked.answers, allow_nan=False)) == walked.answers
    for question_id, value in effective_answers(walked_form, walked.answers).items():
        question = walked_form.question(question_id)
        assert question is not None
        text = format_answer(question, value)
        assert text.strip(), question_id


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_changing_branches_hides_stale_answers(form_id: str) -> None:
    """Answer everything, then go back and take the branches that hide: the stale answers stay
    stored but drop out of what counts."""
    walked_form = form(form_id)
    full = walk(walked_form, "show")
    narrow = walk(walked_form, "hide")
    merged: dict[str, Any] = {**full.answers, **narrow.answers}
    assert is_complete(walked_form, merged)
    assert [q.id for q in visible_questions(walked_form, merged)] == narrow.asked
    assert effective_answers(walked_form, merged) == effective_answers(walked_form, narrow.answers)
    stale = set(full.answers) - set(narrow.answers)
    assert stale.isdisjoint(effective_answers(walked_form, merged))
    if len(full.asked) > len(narrow.asked):
        assert stale


def test_hide_walk_skips_every_optional_question() -> None:
    for form_id, walked_form in FORMS.items():
        narrow = walk(walked_form, "hide")
        optional = [
            q.id
            for q in visible_questions(walked_form, narrow.answers)
            if not q.required and not q.repeats
        ]
        assert set(optional) <= set(narrow.skipped), form_id


# --- the wording rules of the built-in forms ---

RUSSIAN = re.compile(r"[А-Яа-яЁё]")


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_builtin_form_style(form_id: str) -> None:
    checked = form(form_id)
    assert len(checked.short_title) <= 30
    assert checked.source
    assert RUSSIAN.search(checked.title)
    assert RUSSIAN.search(checked.description)
    for question in checked.questions:
        for asked in [question, *question.questions]:
            assert len(asked.id) <= 24
            assert RUSSIAN.search(asked.text), asked.id
            for option in asked.options:
                assert len(option.label) <= 60
                assert RUSSIAN.search(option.label) or option.label.isdigit(), option.id
                # a ticked option of a multiple choice gains "✅ " and must still fit
                room = BUTTON_CHARS - len(CHECKED) * (asked.type is QuestionType.MULTI)
                assert len(option.button_text) <= room, option.id
                assert RUSSIAN.search(option.button_text) or option.label.isdigit(), option.id
        if question.repeats:
            assert question.item_name


def test_roadmap_directions_are_the_seven_of_omsk() -> None:
    directions = form("roadmap").question("directions")
    assert directions is not None
    assert len(directions.options) == 7
    assert (directions.min_selected, directions.max_selected) == (3, 3)


def test_vpr_grades() -> None:
    results = form("vpr").question("results")
    assert results is not None
    grade = next(sub for sub in results.questions if sub.id == "grade")
    assert [option.label for option in grade.options] == [
        f"{number} класс" for number in (4, 5, 6, 7, 8, 10, 11)
    ]


def test_file_header_comment_names_a_seed() -> None:
    from bot.catalog import FORMS_DIRECTORY

    for path in FORMS_DIRECTORY.glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# "), path.name
        assert "seed 00" in path.read_text(encoding="utf-8").split("\nid:")[0], path.name


def test_long_options_list_their_full_labels() -> None:
    patrol = form("parents").question("forms")
    assert patrol is not None
    legend = patrol.option_legend()
    assert len(legend) == len(patrol.options)
    assert "8. Родительское патрулирование: наблюдение за учебным процессом" in legend
    option = patrol.option("patrol")
    assert option is not None
    assert option.button_text == "Родительское патрулирование"
    regulation = form("vsoko").question("regulation")
    assert regulation is not None
    assert regulation.option_legend() == []  # every label fits its button


# --- every finding of the seeds has a question with an explicit answer ---
#
# An order's instruction is addressed to the schools that answered "no" (seed 000, 1.2:
# "Организовать внутришкольное методическое сопровождение ... МАОУ СОШ № 5, 11"), so the "no" must
# be an answer given, not a question skipped. Each row: the seed item, the questions whose answers
# state it (required; yes/no, a choice with a "no"-like option, or a required list of the forms
# the order names, where an unticked form is the "no"), and further questions that must exist.

NO_LIKE = frozenset({"none", "no", "outdated"})  # "outdated": "указана не действующая база"
LIST_ANSWERS = frozenset({("parents", "forms"), ("students_website", "student_forms")})

SEED_ITEMS: list[tuple[str, list[str], list[str]]] = [
    # seed 000, Tomsk order No. 128: findings 1-9 and instructions 1.1-1.3
    (
        "000 finding 1: causes analysed, management decisions taken",
        ["management.causes_analysed", "management.decisions_taken"],
        ["management.causes"],
    ),
    ("000 finding 1: real goals and tasks by subject, class, level", ["management.goals_set"], []),
    ("000 finding 1: priority actions of near development", ["management.priority_actions"], []),
    ("000 finding 2: extra classes and consultations held", ["extra_classes.held"], []),
    ("000 finding 2: for which grades", ["extra_classes.held"], ["extra_classes.grades"]),
    (
        "000 finding 2: only extracurricular courses (ООШ № 66)",
        ["extra_classes.held", "extra_classes.extracurricular"],
        [],
    ),
    (
        "000 finding 2: schedule approved and published",
        [
            "extra_classes.held",
            "extra_classes.schedule_approved",
            "extra_classes.schedule_published",
        ],
        ["extra_classes.schedule_link", "extra_classes.evidence"],
    ),
    ("000 finding 3: forms of work with parents", ["parents.forms"], []),
    ("000 finding 3: forms of work with students", ["students_website.student_forms"], []),
    (
        "000 finding 4: materials on the website, links active, other materials",
        ["students_website.site_posted", "students_website.links_active"],
        [
            "students_website.site_audience",
            "students_website.site_links",
            "students_website.site_extra",
        ],
    ),
    ("000 finding 5: internal monitoring mechanisms", ["management.mechanisms_status"], []),
    (
        "000 finding 5: ВСОКО regulation, mechanisms, legal base, programme for the year",
        ["vsoko.regulation", "vsoko.mechanisms", "vsoko.legal_base", "vsoko.year_programme"],
        ["vsoko.approved_on"],
    ),
    ("000 finding 5: plan-schedule of preparation for the ГИА", ["management.gia_plan"], []),
    ("000 finding 6: ИМЦ events on preparation for the ГИА", ["teachers.imc_gia"], []),
    ("000 finding 6: courses for the ГИА", ["teachers.courses_gia"], ["teachers.courses"]),
    ("000 finding 6: internal methodological support, ГИА", ["teachers.support_gia"], []),
    ("000 finding 7: ИМЦ events on the ВПР results", ["teachers.imc_vpr"], []),
    ("000 finding 7: courses for the ВПР", ["teachers.courses_vpr"], ["teachers.courses"]),
    ("000 finding 7: internal methodological support, ВПР", ["teachers.support_vpr"], []),
    (
        "000 finding 8: students at ИМЦ trainings on hard topics",
        ["students_website.imc_trainings"],
        ["students_website.training_grades"],
    ),
    (
        "000 finding 9: professional contests with their edition",
        ["teachers.contests"],
        [
            "teachers.year_teacher_of_year",
            "teachers.year_champion",
            "teachers.year_first_steps",
            "teachers.year_mentor",
        ],
    ),
    ("000 instruction 1.1: develop internal mechanisms", ["management.mechanisms_status"], []),
    (
        "000 instruction 1.2: internal support for the ГИА and the ВПР",
        ["teachers.support_gia", "teachers.support_vpr"],
        [],
    ),
    (
        "000 instruction 1.3: events on hard topics, for grades",
        ["students_website.imc_trainings"],
        ["students_website.training_grades"],
    ),
    # seed 002, Norilsk справка: the eight indicators, and Выводы 1 and 3
    (
        "002 monitoring of independent assessments, work with the results",
        ["management.independent_monitoring", "management.factor_analysis"],
        [],
    ),
    ("002 teacher professional development plans", ["teachers.growth_plans"], []),
    ("002 prevention of school failure", ["management.failure_prevention"], []),
    ("002 school assessment system", ["management.assessment_system"], []),
    (
        "002 student self-government, parent community",
        ["students_website.self_government", "parents.parent_community"],
        [],
    ),
    (
        "002 individual work with parents, parent education",
        ["parents.individual_work", "parents.parent_education"],
        [],
    ),
    ("002 work with gifted students", ["students_website.gifted"], []),
    (
        "002 information openness",
        ["students_website.site_posted", "students_website.plan_on_site"],
        [],
    ),
    ("002 Выводы 1: plan (road map) developed", ["management.roadmap_developed"], []),
    ("002 Выводы 1: methodological meetings on the analysis", ["management.method_meetings"], []),
    ("002 Выводы 3: mentoring system", ["teachers.mentoring"], []),
]


def find(path: str) -> Question:
    """A question by "form.question" or "form.group.sub"; fails the test when it is missing."""
    form_id, question_id, *sub = path.split(".")
    assert form_id in FORMS, path
    question = FORMS[form_id].question(question_id)
    assert question is not None, path
    if sub:
        found = next((s for s in question.questions if s.id == sub[0]), None)
        assert found is not None, path
        return found
    return question


def states_yes_or_no(form_id: str, question: Question) -> bool:
    if question.type is QuestionType.YES_NO:
        return True
    if question.type not in (QuestionType.SINGLE, QuestionType.MULTI):
        return False
    if any(o.id in NO_LIKE or o.label.startswith("Нет") for o in question.options):
        return True
    return (form_id, question.id) in LIST_ANSWERS and question.type is QuestionType.MULTI


@pytest.mark.parametrize(
    ("item", "answers", "details"), SEED_ITEMS, ids=[row[0] for row in SEED_ITEMS]
)
def test_each_seed_finding_has_an_explicit_answer(
    item: str, answers: list[str], details: list[str]
) -> None:
    for path in answers:
        question = find(path)
        assert question.required, f"{item}: {path} can be skipped, and a skip loses the no"
        assert states_yes_or_no(path.split(".")[0], question), f"{item}: {path}"
        # shown always, or as a follow-up of another answer of this item (held -> extracurricular)
        for condition in question.show_if:
            parent = f"{path.split('.')[0]}.{condition.question}"
            assert parent in answers, f"{item}: {path} hides behind {parent}"
    for path in details:
        find(path)


def test_the_seed_table_covers_the_nine_findings_and_the_instructions() -> None:
    items = [row[0] for row in SEED_ITEMS]
    for number in range(1, 10):
        assert any(item.startswith(f"000 finding {number}:") for item in items), number
    for instruction in ("1.1", "1.2", "1.3"):
        assert any(item.startswith(f"000 instruction {instruction}:") for item in items)
    assert sum(item.startswith("002 ") and "Выводы" not in item for item in items) == 8


def test_no_yes_no_or_single_choice_can_be_skipped() -> None:
    """A skipped yes/no is a blank, not a "no": the choices that decide are always required."""
    for form_id, checked in FORMS.items():
        for question in checked.questions:
            for asked in [question, *question.questions]:
                if asked.type in (QuestionType.YES_NO, QuestionType.SINGLE):
                    assert asked.required, f"{form_id}.{asked.id}"


def test_the_lists_name_every_form_of_work_of_the_order() -> None:
    parents = find("parents.forms")
    assert parents.other
    assert {o.id for o in parents.options} >= {
        "meetings",
        "consultations",
        "admin_meetings",
        "prevention",
        "online",
        "lectures",
        "committee",
        "patrol",
        "migrant_course",
        "calendar_plan",
        "pmp",
    }
    students = find("students_website.student_forms")
    assert students.other
    assert {o.id for o in students.options} >= {
        "class_hours",
        "psychology",
        "routes",
        "tech_maps",
        "universities",
        "science_days",
        "migrant_courses",
        "ethno_quests",
        "career",
        "digital_platform",
        "gifted_network",
        "subject_weeks",
        "science_society",
        "eco_centre",
        "extra_programmes",
    }
    audience = find("students_website.site_audience")
    assert {o.id for o in audience.options} == {"students", "teachers", "parents"}


def test_the_order_s_answers_are_options() -> None:
    """The wording of seed 000 as the answers to choose from."""

    def option_ids(path: str) -> list[str]:
        return [option.id for option in find(path).options]

    assert option_ids("management.mechanisms_status") == ["developed", "in_progress", "none"]
    assert option_ids("vsoko.regulation") == ["vsoko", "vshk_only", "none"]
    assert option_ids("vsoko.mechanisms") == ["yes", "partly", "no"]
    assert option_ids("vsoko.legal_base") == ["current", "outdated"]
    for path in ("teachers.imc_gia", "teachers.imc_vpr"):
        assert option_ids(path) == ["all_subjects", "some_events", "none"]
    contests = find("teachers.contests")
    assert contests.other
    assert option_ids("teachers.contests") == [
        "teacher_of_year",
        "champion",
        "first_steps",
        "mentor",
        "none",
    ]
    for contest in option_ids("teachers.contests")[:4]:  # "«Учитель года-2021»": the year
        year = find(f"teachers.year_{contest}")
        assert [(c.question, c.includes) for c in year.show_if] == [("contests", contest)]
    assert find("extra_classes.grades").type is QuestionType.GRADES
    assert find("students_website.training_grades").type is QuestionType.GRADES


def test_the_social_passport_counts_people_against_the_total() -> None:
    passport = form("social_passport")
    numbers = [q for q in passport.questions if q.type is QuestionType.INTEGER]
    assert len(numbers) >= 8
    for question in numbers:
        assert question.unit, question.id
        assert question.min is not None, question.id
        assert question.max is not None, question.id
    counted = [
        "low_income",
        "single_parent",
        "large_family",
        "non_native",
        "disabled",
        "on_register",
        "orphans",
    ]
    for question_id in counted:
        checked = find(f"social_passport.{question_id}")
        assert [(c.compare.value, c.question) for c in checked.checks] == [
            ("<=", "students_total")
        ], question_id
    for question in passport.questions:
        if question.type is QuestionType.PERCENT:
            assert question.hint, question.id
