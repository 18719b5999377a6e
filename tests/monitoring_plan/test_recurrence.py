"""Recurrences on any months (issue 18): every periodicity of seed 004's schedule and the usual
variants, chains of rounds on chosen months, their labels, stored values read back."""

from datetime import date

import pytest

from core.schedule import (
    Months,
    Period,
    PeriodicityError,
    Recurrence,
    first_period,
    next_period,
    parse_periodicity,
    parse_recurrence,
    recurrence_months,
    recurrence_of,
    school_year_months,
)
from tests.monitoring_plan.seed import schedule_text

JUNE = Months((6,))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ежемесячно", Recurrence.MONTHLY),
        ("1 раз в четверть", Recurrence.QUARTERLY),
        ("2 раза в год", Recurrence.SEMIANNUAL),
        ("2 раз в год (входной-октябрь, итоговый-май)", Recurrence.SEMIANNUAL),
        ("1 раз в год", Recurrence.YEARLY),
        ("1 раз в год, Май", Recurrence.YEARLY),
        ("1 раз в год, июнь", JUNE),
        ("октябрь, май", Recurrence.SEMIANNUAL),
        ("июнь", JUNE),
        ("ежеквартально", Recurrence.QUARTERLY),
        ("ежегодно", Recurrence.YEARLY),
        ("  ЕЖЕМЕСЯЧНО  ", Recurrence.MONTHLY),
        ("1 раз в месяц", Recurrence.MONTHLY),
        ("раз в полугодие", Recurrence.SEMIANNUAL),
        ("4 раза в год", Recurrence.QUARTERLY),
        ("12 раз в год", Recurrence.MONTHLY),
        ("2 раза в год: в декабре и в мае", Months((5, 12))),
        ("сентябрь, январь, май", Months((1, 5, 9))),
        ("в мае", Recurrence.YEARLY),
        ("3 раза в год (сентябрь, январь, май)", Months((1, 5, 9))),
        ("октябрь, декабрь, март, май", Recurrence.QUARTERLY),
    ],
)
def test_periodicities(text: str, expected: object) -> None:
    assert parse_periodicity(text) == expected


def test_every_periodicity_of_seed_004() -> None:
    rows = [line.split("\t") for line in schedule_text().splitlines()[1:]]
    written = {row[3].strip() for row in rows if len(row) > 3 and row[0].strip().isdigit()}
    read = {text: parse_periodicity(text) for text in sorted(written)}
    assert read == {
        "1 раз в год": Recurrence.YEARLY,
        "1 раз в год, Май": Recurrence.YEARLY,
        "1 раз в год, июнь": JUNE,
        "1 раз в четверть": Recurrence.QUARTERLY,
        "2 раз в год (входной-октябрь, итоговый-май)": Recurrence.SEMIANNUAL,
        "2 раза в год": Recurrence.SEMIANNUAL,
        "Ежемесячно": Recurrence.MONTHLY,
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("по запросу", "unknown"),
        ("", "unknown"),
        ("в течение года", "unknown"),
        ("3 раза в год", "no_months"),
        ("2 раза в год, май", "count_mismatch"),
    ],
)
def test_unreadable_periodicities(text: str, problem: str) -> None:
    with pytest.raises(PeriodicityError, match=r"periodicity|rounds") as raised:
        parse_periodicity(text)
    assert raised.value.problem == problem
    assert isinstance(raised.value, ValueError)


def test_named_months_and_stored_values() -> None:
    assert recurrence_of([10, 5]) is Recurrence.SEMIANNUAL
    assert recurrence_of([5]) is Recurrence.YEARLY
    assert recurrence_of(range(1, 13)) is Recurrence.MONTHLY
    assert recurrence_of([6]) == JUNE
    assert JUNE.value == "months:6"
    assert Months((5, 10, 12)).value == "months:5,10,12"
    for value in ("monthly", "quarterly", "semiannual", "yearly"):
        assert parse_recurrence(value) is Recurrence(value)
    assert parse_recurrence("months:6") == JUNE
    assert parse_recurrence("months:5,10") is Recurrence.SEMIANNUAL
    for bad in ("weekly", "months:", "months:13", "months:10,5", "months:x", ""):
        with pytest.raises(ValueError, match=r"recurrence|month"):
            parse_recurrence(bad)
    assert recurrence_months(Recurrence.QUARTERLY) == {10, 12, 3, 5}
    assert school_year_months(Months((1, 5, 9))) == [9, 1, 5]
    with pytest.raises(ValueError, match="month"):
        Months(())


def chain(recurrence: Months, first: Period, rounds: int) -> list[Period]:
    periods = [first]
    while len(periods) < rounds:
        periods.append(next_period(recurrence, periods[-1]))
    return periods


def test_a_june_chain() -> None:
    first = first_period(JUNE, date(2026, 9, 1))
    periods = chain(JUNE, first, 3)
    assert [(p.label, p.opens_on, p.deadline_on) for p in periods] == [
        ("июнь 2027", date(2027, 6, 1), date(2027, 6, 30)),
        ("июнь 2028", date(2028, 6, 1), date(2028, 6, 30)),
        ("июнь 2029", date(2029, 6, 1), date(2029, 6, 30)),
    ]
    assert first_period(JUNE, date(2027, 6, 30)).label == "июнь 2027"


def test_a_chain_on_three_months_keeps_its_offsets() -> None:
    months = Months((1, 5, 9))
    first = Period("сентябрь 2026", date(2026, 9, 1), date(2026, 9, 20))
    periods = chain(months, first, 5)
    assert [(p.label, p.deadline_on) for p in periods] == [
        ("сентябрь 2026", date(2026, 9, 20)),
        ("январь 2027", date(2027, 1, 20)),
        ("май 2027", date(2027, 5, 20)),
        ("сентябрь 2027", date(2027, 9, 20)),
        ("январь 2028", date(2028, 1, 20)),
    ]
    # A month's last day stays the last day across months of different lengths.
    end = Period("январь 2027", date(2027, 1, 1), date(2027, 1, 31))
    assert next_period(Months((1, 2)), end).deadline_on == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("label", "following"),
    [
        ("  Июнь   2027 ", "июнь 2028"),
        ("2026/27 учебный год", "июнь 2027"),  # a chain that was yearly (May) goes on in June
        ("1 полугодие 2026/27", "июнь 2027"),
        ("3 четверть 2026/27", "июнь 2027"),
    ],
)
def test_custom_months_continue_from_any_label(label: str, following: str) -> None:
    previous = Period(label, date(2027, 3, 1), date(2027, 3, 2))
    assert next_period(JUNE, previous).label == following


def test_custom_months_refuse_an_unreadable_label() -> None:
    with pytest.raises(ValueError, match="label"):
        next_period(JUNE, Period("демо", date(2027, 3, 1), date(2027, 3, 2)))


SCHOOL_MONTHS = Months((1, 2, 3, 4, 5, 9, 10, 11, 12))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ежемесячно (сентябрь — май)", SCHOOL_MONTHS),
        ("ежемесячно, сентябрь-май", SCHOOL_MONTHS),
        ("Ежемесячно с сентября по май", SCHOOL_MONTHS),
        ("ежемесячно, с сентября до мая", SCHOOL_MONTHS),
        ("Ежемесячно, кроме июля и августа", Months((1, 2, 3, 4, 5, 6, 9, 10, 11, 12))),
        ("ежемесячно (сентябрь — май), кроме января", Months((2, 3, 4, 5, 9, 10, 11, 12))),
        ("ежемесячно (сентябрь — декабрь, февраль — май)", Months((2, 3, 4, 5, 9, 10, 11, 12))),
        ("ежегодно, до 1 сентября", Recurrence.YEARLY),
        ("1 раз в год, июнь, срок сдачи — 1 сентября", JUNE),
        ("Ежемесячно, до 5 числа", Recurrence.MONTHLY),
    ],
)
def test_monthly_ranges_exclusions_and_deadlines(text: str, expected: object) -> None:
    assert parse_periodicity(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ежемесячно, сентябрь, май", "ambiguous"),  # which: every month, or these two?
        ("ежемесячно до мая", "ambiguous"),
        ("с сентября по май", "ambiguous"),  # a range without "ежемесячно"
        ("2 раза в год (сентябрь — май)", "ambiguous"),
        ("кроме июля", "ambiguous"),
        ("ежемесячно, кроме всего", "ambiguous"),
        ("1 раз в четверть, май", "count_mismatch"),  # never fewer months than said
        ("ежегодно, октябрь, май", "count_mismatch"),
    ],
)
def test_months_are_never_guessed(text: str, problem: str) -> None:
    with pytest.raises(PeriodicityError) as raised:
        parse_periodicity(text)
    assert raised.value.problem == problem
