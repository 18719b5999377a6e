"""The demo's cast: one person per role, and what they hold."""

from dataclasses import dataclass

from storage.people import Role


@dataclass(frozen=True, slots=True)
class DemoPerson:
    key: str
    telegram_id: int
    first_name: str
    last_name: str
    position: str
    role: Role | None
    label: str


CAST: tuple[DemoPerson, ...] = (
    DemoPerson(
        "respondent",
        1001,
        "Мария",
        "Иванова",
        "заместитель директора по УВР",
        Role.RESPONDENT,
        "ответственный от СОШ № 5",
    ),
    DemoPerson(
        "coordinator",
        1002,
        "Ольга",
        "Смирнова",
        "куратор ШНОР",
        Role.COORDINATOR,
        "координатор Зональненского округа",
    ),
    DemoPerson(
        "methodist",
        1003,
        "Елена",
        "Петрова",
        "методист департамента образования",
        Role.METHODIST,
        "методист Города Томска",
    ),
    DemoPerson(
        "admin",
        1004,
        "Андрей",
        "Кузнецов",
        "администратор",
        Role.ADMIN,
        "администратор",
    ),
    DemoPerson("stranger", 1005, "Гость", "Незнакомый", "", None, "незнакомый человек"),
)


def person(key: str) -> DemoPerson:
    for candidate in CAST:
        if candidate.key == key:
            return candidate
    raise KeyError(key)
