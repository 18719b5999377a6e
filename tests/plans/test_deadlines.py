"""Reading "Сроки" cells: the seed's road map, the instructions of seeds 000 and 002, and more."""

from datetime import date

import pytest

from core.plans import DeadlineKind, find_school_year, parse_deadline, school_year_end

D, M, MS = DeadlineKind.DATE, DeadlineKind.MONTH, DeadlineKind.MONTHS
SQ, CQ, H = DeadlineKind.SCHOOL_QUARTER, DeadlineKind.CALENDAR_QUARTER, DeadlineKind.HALF_YEAR
SY, ON = DeadlineKind.SCHOOL_YEAR, DeadlineKind.ONGOING
YEAR_END = date(2021, 8, 31)


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        # seed 001, the Kedrovy road map for 2020\21
        ("август", M, date(2020, 8, 31)),
        ("сентябрь", M, date(2020, 9, 30)),
        ("октябрь", M, date(2020, 10, 31)),
        ("Август 2020", M, date(2020, 8, 31)),
        ("Сентябрь 2020", M, date(2020, 9, 30)),
        ("Май 2020", M, date(2020, 5, 31)),
        ("Август 2021", M, date(2021, 8, 31)),
        ("октябрь 2020 март, апрель, май 2021", MS, date(2021, 5, 31)),
        ("в течение учебного года", SY, YEAR_END),
        ("В течение учебного года", SY, YEAR_END),
        ("постоянно", ON, YEAR_END),
        ("систематически", ON, YEAR_END),
        # seeds 000 and 002: the instructions' deadlines
        ("до 10.03.2021", D, date(2021, 3, 10)),
        ("в срок до 19.03.2021", D, date(2021, 3, 19)),
        ("10.03.2021", D, date(2021, 3, 10)),
        # seed 001's order: "до 23.06.2020 г."
        ("до 23.06.2020 г.", D, date(2020, 6, 23)),
        # months in any case and inflection; bare months by the school-year rule
        ("сентября", M, date(2020, 9, 30)),
        ("в мае", M, date(2021, 5, 31)),
        ("ЯНВАРЬ", M, date(2021, 1, 31)),
        ("июнь", M, date(2020, 6, 30)),
        ("до конца декабря", M, date(2020, 12, 31)),
        ("февраль 2024", M, date(2024, 2, 29)),
        ("сент.", M, date(2020, 9, 30)),
        ("март-апрель", MS, date(2021, 4, 30)),
        ("март – апрель 2021 г.", MS, date(2021, 4, 30)),
        ("с сентября по май", MS, date(2021, 5, 31)),
        ("сентябрь 2020 - май 2021", MS, date(2021, 5, 31)),
        # days
        ("10 марта", D, date(2021, 3, 10)),
        ("до 15 октября 2020 года", D, date(2020, 10, 15)),
        ("10.03", D, date(2021, 3, 10)),
        ("10.03.21", D, date(2021, 3, 10)),
        ("15.09.2020-20.09.2020", D, date(2020, 9, 20)),
        ("сентябрь, до 15.10.2020", D, date(2020, 10, 15)),
        # school quarters, calendar quarters, halves
        ("I четверть", SQ, date(2020, 10, 31)),
        ("II четверть", SQ, date(2020, 12, 31)),
        ("по итогам III четверти", SQ, date(2021, 3, 31)),
        ("IV четверть", SQ, date(2021, 5, 31)),
        ("1-2 четверти", SQ, date(2020, 12, 31)),
        ("первая четверть", SQ, date(2020, 10, 31)),
        ("I четверть 2021/22", SQ, date(2021, 10, 31)),
        ("1 квартал", CQ, date(2021, 3, 31)),
        ("2 квартал", CQ, date(2021, 6, 30)),
        ("IV квартал", CQ, date(2020, 12, 31)),
        ("III квартал 2021", CQ, date(2021, 9, 30)),
        ("1 полугодие", H, date(2020, 12, 31)),
        ("2 полугодие", H, date(2021, 5, 31)),
        ("за первое полугодие", H, date(2020, 12, 31)),
        # the whole year, and ongoing
        ("в течение года", SY, YEAR_END),
        ("в течение 2020-2021 учебного года", SY, YEAR_END),
        ("в течение 2021/22 учебного года", SY, date(2022, 8, 31)),
        ("в теч. уч. года", SY, YEAR_END),
        ("весь период", SY, YEAR_END),
        ("ежемесячно", ON, YEAR_END),
        ("по мере необходимости", ON, YEAR_END),
        ("ежемесячно в течение учебного года", ON, YEAR_END),
    ],
)
def test_a_deadline_is_read_within_the_school_year(
    text: str, kind: DeadlineKind, due: date
) -> None:
    deadline = parse_deadline(text, 2020)
    assert deadline is not None
    assert (deadline.kind, deadline.due, deadline.label) == (kind, due, text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "когда-нибудь",
        "скоро",
        "Ильина М.А.",
        "Дурникова А.В. Макринский А.Н.",
        "Администрации ШНОР",
        "заместитель директора по УМР. Учителя - предметники",
        "2021 год",
        "в течение месяца",
        "до конца года",
        "31.02.2021",
        "10.13.2021",
        "1 полугодие 2021",  # a calendar half or a school one?
        "5 четверть",
        "2020/2022 учебный год",
        "август или когда получится",
    ],
)
def test_what_is_not_clearly_a_deadline_is_none(text: str) -> None:
    assert parse_deadline(text, 2020) is None


def test_the_label_is_the_cell_with_its_spaces_tidied() -> None:
    deadline = parse_deadline("  Август\n 2020 ", 2020)
    assert deadline is not None
    assert deadline.label == "Август 2020"


def test_school_years() -> None:
    assert school_year_end(2020) == date(2021, 8, 31)
    assert find_school_year("на 2020\\21 учебный год") == 2020
    assert find_school_year("на 2020-2021 учебный год") == 2020
    assert find_school_year("план на 2023/24") == 2023
    assert find_school_year("приказ от 16.06.2020 № 63") is None
