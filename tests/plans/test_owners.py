"""Reading "Ответственные" cells into people and other owners, and finding the people."""

import pytest

from core.plans import KnownPerson, Owners, PeopleIndex, WrittenPerson, parse_owners


def person(surname: str, initials: str, position: str = "") -> WrittenPerson:
    return WrittenPerson(surname, initials, position)


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        (
            "Ильина М.А., руководитель отдела образования",
            Owners((person("Ильина", "М.А.", "руководитель отдела образования"),)),
        ),
        (
            "Смирнова Е.А. Дурникова А.В. Макринский А.Н.",
            Owners(
                (
                    person("Смирнова", "Е.А."),
                    person("Дурникова", "А.В."),
                    person("Макринский", "А.Н."),
                )
            ),
        ),
        (
            "Отдел образования Рябцев М.В. системный администратор отдела образования",
            Owners(
                (person("Рябцев", "М.В.", "системный администратор отдела образования"),),
                ("Отдел образования",),
            ),
        ),
        (
            "Дурникова А.В. Макринский А.Н., директор ШНОР",
            Owners((person("Дурникова", "А.В."), person("Макринский", "А.Н.", "директор ШНОР"))),
        ),
        (
            "Ильина М.А., Смирнова Е.А.",
            Owners((person("Ильина", "М.А."), person("Смирнова", "Е.А."))),
        ),
        ("Смирнова Е. А.", Owners((person("Смирнова", "Е.А."),))),
        ("Е.А. Смирнова, методист", Owners((person("Смирнова", "Е.А.", "методист"),))),
        ("Е.А.Смирнова", Owners((person("Смирнова", "Е.А."),))),
        (
            "Смирнова Е. Дурникова А.В.",
            Owners((person("Смирнова", "Е."), person("Дурникова", "А.В."))),
        ),
        (
            "Порошина Оксана Ивановна, директор МБОУ «Средняя школа № 32»",
            Owners((person("Порошина", "О.И.", "директор МБОУ «Средняя школа № 32»"),)),
        ),
        (
            "Макринский А.Н., и.о. директора МАОУ Пудинской СОШ",
            Owners((person("Макринский", "А.Н.", "и.о. директора МАОУ Пудинской СОШ"),)),
        ),
        (
            "Дурникова А.В., директор МКОУ СОШ № 1 г. Кедрового",
            Owners((person("Дурникова", "А.В.", "директор МКОУ СОШ № 1 г. Кедрового"),)),
        ),
        (
            "Иванова И.И., психолог, классные руководители",
            Owners((person("Иванова", "И.И.", "психолог"),), ("классные руководители",)),
        ),
        ("Администрации ШНОР", Owners((), ("Администрации ШНОР",))),
        ("психолог", Owners((), ("психолог",))),
        ("классные руководители", Owners((), ("классные руководители",))),
        ("Зам.директора по УВР", Owners((), ("Зам.директора по УВР",))),
        ("учителя - предметники", Owners((), ("учителя - предметники",))),
        ("психолог, классные руководители", Owners((), ("психолог", "классные руководители"))),
        (
            "Зам.директора по УВР, классные руководители",
            Owners((), ("Зам.директора по УВР", "классные руководители")),
        ),
        (
            "заместитель директора по УМР. Учителя - предметники",
            Owners((), ("заместитель директора по УМР", "Учителя - предметники")),
        ),
        ("Психолог школы", Owners((), ("Психолог школы",))),
        ("", Owners()),
    ],
)
def test_an_owners_cell_is_split_into_people_and_others(text: str, owners: Owners) -> None:
    assert parse_owners(text) == owners


def test_empty_owners_are_false() -> None:
    assert not parse_owners(" ")
    assert parse_owners("психолог")


KNOWN = [
    KnownPerson(1, "Смирнова Елена Александровна"),
    KnownPerson(2, "Смирнова Екатерина Андреевна"),
    KnownPerson(3, "Дурникова А.В."),
    KnownPerson(4, "Ильина Мария Андреевна"),
    KnownPerson(5, "Семёнова Ольга Петровна"),
    KnownPerson(6, "Макринский Андрей"),
    KnownPerson(7, "Рябцев"),  # no initials: never matched
]


@pytest.mark.parametrize(
    ("written", "known_id"),
    [
        (person("Смирнова", "Е.А."), None),  # Елена Александровна or Екатерина Андреевна
        (person("Смирнова", "Е."), None),
        (person("Дурникова", "А.В.", "директор"), 3),
        (person("ДУРНИКОВА", "а.в."), 3),
        (person("Ильина", "М.А."), 4),
        (person("Ильина", "М."), 4),
        (person("Ильина", "М.В."), None),
        (person("Семенова", "О.П."), 5),
        (person("Макринский", "А.Н."), 6),  # the directory has the first name only
        (person("Рябцев", "М.В."), None),
        (person("Зинченко", "Н.А."), None),
    ],
)
def test_a_written_person_resolves_to_one_known_person(
    written: WrittenPerson, known_id: int | None
) -> None:
    assert PeopleIndex(KNOWN).resolve(written) == known_id


def test_the_same_person_listed_twice_is_not_ambiguous() -> None:
    index = PeopleIndex([KnownPerson(1, "Смирнова Е.А."), KnownPerson(1, "Смирнова Елена А.")])
    assert index.resolve(person("Смирнова", "Е.А.")) == 1
