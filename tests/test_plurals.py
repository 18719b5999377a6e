"""Russian plurals by the rules, from one place."""

import pytest

from texts.plurals import OPTIONS, SCHOOLS, counted, word


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 вариантов"),
        (1, "1 вариант"),
        (2, "2 варианта"),
        (4, "4 варианта"),
        (5, "5 вариантов"),
        (11, "11 вариантов"),
        (12, "12 вариантов"),
        (14, "14 вариантов"),
        (21, "21 вариант"),
        (22, "22 варианта"),
        (111, "111 вариантов"),
        (101, "101 вариант"),
    ],
)
def test_counted_follows_russian_rules(count: int, expected: str) -> None:
    assert counted(count, OPTIONS) == expected


def test_a_fraction_takes_the_genitive_singular() -> None:
    assert counted(1.5, SCHOOLS) == "1,5 школы"
    assert word(2.5, OPTIONS) == "варианта"
