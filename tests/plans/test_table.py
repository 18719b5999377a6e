"""Reading a plan table: the Kedrovy road map of seed 001, broken rows, and the kinds of row."""

from datetime import date

import pytest

from core.plans import (
    DeadlineKind,
    Item,
    PlanTable,
    RowProblem,
    problem_lines,
    read_plan,
)
from tests.plans.seed import CAPTION, SCHOOL_YEAR, seed_draft, seed_rows

HEADER = ["№ п/п", "Содержание мероприятия", "Сроки", "Ответственные"]
M, MS, SY, ON = (
    DeadlineKind.MONTH,
    DeadlineKind.MONTHS,
    DeadlineKind.SCHOOL_YEAR,
    DeadlineKind.ONGOING,
)
AUG_20, SEP_20, OCT_20 = date(2020, 8, 31), date(2020, 9, 30), date(2020, 10, 31)
YEAR_END = date(2021, 8, 31)
SMIRNOVA = "Смирнова Е.А."
SMIRNOVA_METHODIST = "Смирнова Е.А., методист отдела образования"
ILINA = "Ильина М.А."
ILINA_HEAD = "Ильина М.А., руководитель отдела образования"
SCHOOLS = ["Дурникова А.В.", "Макринский А.Н."]
SECTIONS = [
    "Методическая работа",
    "Аналитические и организационные мероприятия",
    "Работа с обучающимися",
    "Работа с родителями обучающихся",
]
# (section, number, row in the seed, kind, due, people, other owners, content starts with)
EXPECTED: list[tuple[int, str, int, DeadlineKind, date, list[str], list[str], str]] = [
    (0, "1", 70, M, AUG_20, [ILINA_HEAD], [], "Проведение тематического планерного"),
    (0, "2", 71, M, AUG_20, [ILINA_HEAD], [], "Назначение куратора"),
    (0, "3", 72, M, AUG_20, [SMIRNOVA_METHODIST], [], "Создание муниципальной системы"),
    (0, "3.1", 73, SY, YEAR_END, [SMIRNOVA, *SCHOOLS], [], "Рекомендации для педагогического"),
    (0, "3.2", 74, SY, YEAR_END, [SMIRNOVA_METHODIST], [], "Систематическое повышение"),
    (0, "3.3", 75, SY, YEAR_END, [SMIRNOVA, *SCHOOLS], [], "Проведение мастер-классов"),
    (0, "4", 76, M, AUG_20, [SMIRNOVA, *SCHOOLS, ILINA_HEAD], [], "Методический десант"),
    (0, "5", 79, M, AUG_20, [SMIRNOVA_METHODIST], [], "Формирование программ развития"),
    (
        0,
        "6",
        80,
        M,
        AUG_20,
        ["Дурникова А.В.", "Макринский А.Н., директор ШНОР"],
        [],
        "Устранение дефицита",
    ),
    (0, "7", 81, M, AUG_20, [SMIRNOVA], [], "Проведение тематических методических"),
    (0, "8", 82, SY, YEAR_END, [SMIRNOVA_METHODIST], [], "Обеспечение сотрудничества"),
    (0, "9", 83, M, SEP_20, [ILINA], [], "Обучающий семинар"),
    (0, "10", 84, M, OCT_20, [ILINA, SMIRNOVA], [], "Посещение уроков"),
    (1, "1", 86, M, SEP_20, [], ["Администрации ШНОР"], "Создание внутришкольной системы"),
    (1, "2", 87, SY, YEAR_END, [], ["Администрации ШНОР"], "Мониторинг и оценка"),
    (
        1,
        "3",
        88,
        SY,
        YEAR_END,
        ["Рябцев М.В., системный администратор отдела образования"],
        ["Отдел образования"],
        "Помощь в ресурсном обеспечении",
    ),
    (1, "4", 89, M, AUG_20, [ILINA], [], "Анализ результатов мониторинга"),
    (1, "5", 90, M, SEP_20, SCHOOLS, [], "Детальный анализ результатов"),
    (1, "6", 91, M, SEP_20, SCHOOLS, [], "Корректировка рабочих программ"),
    (1, "7", 94, M, date(2020, 5, 31), ["Зинченко Н.А.", "Сербушко Т.Ф."], [], "Разработка и"),
    (1, "8", 95, M, SEP_20, SCHOOLS, [], "Детальный анализ выполнения"),
    (1, "9", 96, MS, date(2021, 5, 31), [SMIRNOVA, *SCHOOLS], [], "Обеспечение объективных"),
    (1, "10", 97, M, YEAR_END, [ILINA, *SCHOOLS], [], "Комплексный мониторинг"),
    (2, "1", 99, SY, YEAR_END, SCHOOLS, [], "Повышение учебной мотивации"),
    (2, "2", 100, SY, YEAR_END, SCHOOLS, [], "Создание индивидуальных"),
    (2, "3", 101, ON, YEAR_END, SCHOOLS, [], "Организация индивидуальных занятий"),
    (2, "4", 102, SY, YEAR_END, SCHOOLS, [], "Организация психолого-педагогического"),
    (2, "5", 103, ON, YEAR_END, SCHOOLS, [], "Ведение обязательного"),
    (2, "6", 104, ON, YEAR_END, SCHOOLS, [], "Внутришкольный контроль"),
    (
        2,
        "7",
        105,
        M,
        SEP_20,
        [],
        ["заместитель директора по УМР", "Учителя - предметники"],
        "Снижение уровня учебной неуспешности",
    ),
    (2, "8", 107, SY, YEAR_END, [], ["Психолог школы"], "Психологическая поддержка"),
    (2, "9", 108, M, AUG_20, [ILINA_HEAD], [], "Создание система оценки"),
    (2, "10", 109, SY, YEAR_END, [], ["учителя - предметники"], "Повышение дисциплины"),
    (3, "1", 111, SY, YEAR_END, SCHOOLS, [], "Вовлечение родителей"),
    (3, "2", 112, M, SEP_20, [], ["Зам.директора по УВР"], "Психологическая программа"),
    (3, "3", 113, SY, YEAR_END, [], ["психолог", "классные руководители"], "Работа школьной"),
    (
        3,
        "4",
        114,
        SY,
        YEAR_END,
        [],
        ["Зам.директора по УВР", "классные руководители"],
        "Повышение школьного благополучия",
    ),
    (3, "5", 115, SY, YEAR_END, [], ["психолог", "классные руководители"], "Сопровождение семей"),
    (
        3,
        "6",
        116,
        SY,
        YEAR_END,
        [],
        ["психолог", "классные руководители"],
        "Сопровождение интеграции",
    ),
]


def people(item: Item) -> list[str]:
    return [
        f"{person.name}, {person.position}" if person.position else person.name
        for person in item.owners.people
    ]


def test_the_seed_road_map_reads_whole() -> None:
    draft = seed_draft()
    assert draft.title == CAPTION
    assert draft.school_year == 2020
    assert [section.title for section in draft.sections] == SECTIONS
    found = [
        (
            SECTIONS.index(section.title),
            item.number,
            item.row,
            item.deadline.kind,
            item.deadline.due,
            people(item),
            list(item.owners.others),
        )
        for section in draft.sections
        for item in section.items
    ]
    assert found == [expected[:7] for expected in EXPECTED]
    for item, expected in zip(draft.items, EXPECTED, strict=True):
        assert item.content.startswith(expected[7]), item.number


def test_the_seed_deadlines_keep_their_labels() -> None:
    labels = {(item.row, item.deadline.label) for item in seed_draft().items}
    assert {
        (70, "август"),
        (73, "в течение учебного года"),
        (82, "В течение учебного года"),
        (89, "Август 2020"),
        (94, "Май 2020"),
        (96, "октябрь 2020 март, апрель, май 2021"),
        (97, "Август 2021"),
        (101, "систематически"),
        (103, "постоянно"),
    } <= labels


def test_page_break_rows_are_glued_to_their_item() -> None:
    by_row = {item.row: item for item in seed_draft().items}
    fourth = by_row[76]  # section 1, item 4: "…с обсуждением основных" / "факторов риска…"
    assert fourth.content.endswith(
        "с обсуждением основных факторов риска снижения результатов обучения и возможных путей "
        "решения проблем, связанных с этими факторами"
    )
    assert people(fourth)[-1] == ILINA_HEAD  # "…руководитель отдела" / "образования"
    sixth = by_row[91]  # section 2, item 6, its "Сроки" and "Ответственные" swapped
    assert sixth.content == (
        "Корректировка рабочих программ по предметам на 2020\\21 учебный год с учетом "
        "проблемных зон по результатам мониторинга качества образования 2019\\20 учебного года "
        "в общеобразовательных организациях"
    )
    assert people(sixth) == SCHOOLS  # "Дурникова А.В." / "Макринский А.Н."
    assert {78, 93}.isdisjoint(by_row)  # the continuation rows are no items of their own


def test_markup_is_dropped_from_the_text() -> None:
    ninth = {item.row: item for item in seed_draft().items}[96]
    assert ninth.content == (
        "Обеспечение объективных условий проведения процедур оценки качества образования в "
        "2020\\21 учебном году: ✓ присутствие специалистов отдела образования; ✓ присутствие "
        "общественных наблюдателей; ✓ проверка ученических работ независимой предметной "
        "комиссией; ✓ передача результатов мониторинговых исследований качества образования "
        "специалистами отдела образования."
    )


def test_the_title_is_the_row_just_above_the_header() -> None:
    rows = [
        ["ПРИКАЗ № 63", "", ""],
        ["План мероприятий", "", ""],
        ["", "", ""],
        *[row[:4] for row in seed_rows()],
    ]
    reading = read_plan([PlanTable("sheet", rows)], SCHOOL_YEAR)
    assert reading.draft is not None
    assert reading.draft.title == "План мероприятий"
    assert reading.draft.items[0].row == 6  # order, title, blank, header, section, item


def test_broken_rows_are_each_reported_and_give_no_draft() -> None:
    rows = [
        HEADER,
        ["<b>Методическая работа</b>", "", "", ""],
        ["1", "Проведение совещания", "", "Ильина М.А."],
        ["2", "Семинар для заместителей", "когда-нибудь", "Смирнова Е.А."],
        ["3", "", "сентябрь", "Смирнова Е.А."],
        ["4", "Посещение уроков", "октябрь", "Ильина М.А."],
        ["5", "Анализ результатов", "Ильина М.А.", "не скоро"],  # swapped columns
        ["", "Проведение семинаров", "", "Смирнова Е.А."],
    ]
    reading = read_plan([PlanTable("plan.xlsx", rows)], SCHOOL_YEAR)
    assert reading.draft is None
    found = [(problem.row, problem.column) for problem in reading.problems]
    assert found == [
        (3, "Сроки"),
        (4, "Сроки"),
        (5, "Содержание мероприятия"),
        (7, "Ответственные"),
        (8, "Сроки"),
    ]
    messages = [problem.message for problem in reading.problems]
    assert messages[0].startswith("не указан срок — напишите дату (10.03.2021)")
    assert messages[1].startswith("не удалось понять срок «когда-нибудь» — напишите дату")
    assert messages[2] == "не написано мероприятие — заполните «Содержание мероприятия»"
    assert messages[3].startswith("не удалось понять срок «не скоро»")
    lines = problem_lines(reading.problems)
    assert lines[1].startswith("Строка 4, «Сроки»: не удалось понять срок «когда-нибудь»")


def test_a_table_without_a_plan_header_is_one_problem() -> None:
    rows = [["Школа", "Директор"], ["СОШ № 1", "Дурникова А.В."]]
    reading = read_plan([PlanTable("other", rows)], SCHOOL_YEAR)
    assert reading.draft is None
    assert reading.problems == (
        RowProblem(
            None,
            "",
            "Не нашлась строка заголовка плана. Нужны столбцы «Содержание мероприятия» и "
            "«Сроки», а обычно ещё «№ п/п» и «Ответственные».",
        ),
    )
    assert problem_lines(reading.problems) == [reading.problems[0].message]


def test_a_header_with_nothing_under_it_is_a_problem() -> None:
    reading = read_plan([PlanTable("empty", [HEADER, ["", "", "", ""]])], SCHOOL_YEAR)
    assert reading.draft is None
    assert [problem.message for problem in reading.problems] == [
        "Под заголовком плана нет ни одного мероприятия."
    ]


def test_the_first_table_with_a_header_is_the_plan() -> None:
    letterhead = PlanTable("doc", [["ОТДЕЛ ОБРАЗОВАНИЯ", "ПРИКАЗ"]])
    plan = PlanTable("doc", [HEADER, ["1", "Совещание", "август", "Ильина М.А."]])
    reading = read_plan([letterhead, plan], SCHOOL_YEAR)
    assert reading.draft is not None
    assert [item.content for item in reading.draft.items] == ["Совещание"]


@pytest.mark.parametrize(
    "header",
    [
        ["№", "Мероприятие", "Срок", "Ответственный"],
        ["  № П/П ", "СОДЕРЖАНИЕ  МЕРОПРИЯТИЯ", "сроки:", "Исполнители"],
        ["N п/п", "Содержание", "Сроки исполнения", "Ответственные исполнители"],
    ],
)
def test_headers_are_recognised_by_their_names(header: list[str]) -> None:
    reading = read_plan(
        [PlanTable("t", [header, ["1.", "Совещание", "август", "Ильина М.А."]])], 2020
    )
    assert reading.draft is not None
    item = reading.draft.items[0]
    assert (item.number, item.deadline.due, people(item)) == ("1", AUG_20, [ILINA])


def test_other_kinds_of_row() -> None:
    rows = [
        ["План", "", "", ""],
        HEADER,
        ["1", "2", "3", "4"],  # the columns' numbers
        ["I", "Организационные мероприятия", "", ""],  # a Roman-numbered section
        ["1", "Совещание", "август", "Ильина М.А."],
        ["2", "Методические мероприятия", "", ""],  # a section: the next rows are 2.x
        ["2.1", "Семинар", "I четверть", "Смирнова Е.А."],
        HEADER,  # repeated on a new page
        ["2.2", "Открытые уроки", "март-апрель", "учителя начальных"],
        ["", "", "", "классов"],  # the owners' cell goes on over a page break
        ["", "Консультации", "ежемесячно", "психолог"],  # a sub-item of 2.2
    ]
    reading = read_plan([PlanTable("t", rows)], SCHOOL_YEAR)
    assert reading.problems == ()
    assert reading.draft is not None
    assert [section.title for section in reading.draft.sections] == [
        "Организационные мероприятия",
        "Методические мероприятия",
    ]
    found = [
        (item.number, item.deadline.due, list(item.owners.others)) for item in reading.draft.items
    ]
    assert found == [
        ("1", AUG_20, []),
        ("2.1", OCT_20, []),
        ("2.2", date(2021, 4, 30), ["учителя начальных классов"]),
        ("2.2.1", YEAR_END, ["психолог"]),
    ]


def test_a_table_without_numbers_numbers_its_items() -> None:
    rows = [
        ["Мероприятие", "Срок", "Ответственный"],
        ["Совещание", "август", "Ильина М.А."],
        ["Семинар", "сентябрь", "Смирнова Е.А."],
    ]
    reading = read_plan([PlanTable("t", rows)], SCHOOL_YEAR)
    assert reading.draft is not None
    assert [item.number for item in reading.draft.items] == ["1", "2"]
    assert reading.draft.sections[0].title == ""
