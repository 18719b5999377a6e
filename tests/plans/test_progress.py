"""An item moved on: started, postponed (a new deadline read like a plan's, with a reason),
done with evidence, or not done by the plan's manager; who may do which; closed items refuse."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.access import AccessDenied
from core.actors import Actor
from core.plans import Deadline, DeadlineKind, Item, Owners, PlanDraft, Section, WrittenPerson
from core.plans.progress import (
    LINK_LIMIT,
    BadDeadline,
    BadLink,
    DeadlineProblem,
    Evidence,
    EvidenceKind,
    ItemAction,
    ItemClosed,
    LinkProblem,
    current_school_year,
    drop_item,
    file_evidence,
    item_card,
    postpone_item,
    read_link,
    read_new_deadline,
    report_done,
    start_item,
)
from core.plans.store import save_plan
from storage import Database
from storage.people import Role
from storage.plans import ItemStatus
from tests.factories import make_actor, make_town

TOMSK = ZoneInfo("Asia/Tomsk")
NOW = datetime(2020, 10, 15, 10, tzinfo=TOMSK)
TODAY = NOW.date()
SEPTEMBER = Deadline(DeadlineKind.MONTH, date(2020, 9, 30), "сентябрь")
MAY = Deadline(DeadlineKind.MONTH, date(2021, 5, 31), "май")
DURNIKOVA = Owners((WrittenPerson("Дурникова", "А.В."),))


class Cast:
    def __init__(self, methodist: Actor, owner: Actor, other_school: Actor, stranger: Actor):
        self.methodist, self.owner = methodist, owner
        self.other_school, self.stranger = other_school, stranger


async def _plan(database: Database) -> tuple[Cast, list[int]]:
    """Kedrovy's two-item plan for 2020/21: Дурникова owns both."""
    kedrovy = await make_town(database, "Город Кедровый", ("МКОУ СОШ № 1", "МАОУ Пудинская СОШ"))
    elsewhere = await make_town(database, "Город Томск", ("СОШ № 5",))
    mid = kedrovy.municipality.id
    cast = Cast(
        await make_actor(database, 1, Role.METHODIST, municipality_id=mid),
        await make_actor(
            database,
            2,
            Role.RESPONDENT,
            full_name="Дурникова Анна Викторовна",
            school_id=kedrovy.schools[0].id,
        ),
        await make_actor(database, 3, Role.RESPONDENT, school_id=kedrovy.schools[1].id),
        await make_actor(database, 4, Role.METHODIST, municipality_id=elsewhere.municipality.id),
    )
    draft = PlanDraft(
        "Дорожная карта на 2020/21 учебный год",
        2020,
        (
            Section(
                "Методическая работа",
                (
                    Item("1", "Семинар по анализу урока", SEPTEMBER, DURNIKOVA, 1),
                    Item("2", "Открытые уроки", MAY, DURNIKOVA, 2),
                ),
            ),
        ),
    )
    plan_id = await save_plan(database, cast.methodist, draft, municipality_id=mid, now=NOW)
    card = await item_card(database, cast.methodist, 1, today=TODAY)
    assert card.plan.id == plan_id
    return cast, [item.id for item in card.plan.items]


async def test_an_owner_starts_postpones_and_reports_an_item_done_with_a_link(
    database: Database,
) -> None:
    cast, (seminar, _) = await _plan(database)
    card = await item_card(database, cast.owner, seminar, today=TODAY)
    assert (card.owner, card.manager) == (True, False)
    assert card.actions == {ItemAction.START, ItemAction.DONE, ItemAction.POSTPONE}
    assert card.postpone_limit == date(2021, 8, 31)  # the plan's school year

    started = await start_item(database, cast.owner, seminar, now=NOW)
    assert started.status is ItemStatus.IN_PROGRESS
    again = await start_item(database, cast.owner, seminar, now=NOW)  # a second press
    assert again.status is ItemStatus.IN_PROGRESS

    with pytest.raises(BadDeadline) as late:
        await postpone_item(
            database, cast.owner, seminar, "сентябрь 2021", "нет зала", now=NOW, today=TODAY
        )
    assert late.value.problem is DeadlineProblem.TOO_LATE
    moved = await postpone_item(
        database, cast.owner, seminar, "декабрь", "  нет зала  ", now=NOW, today=TODAY
    )
    assert (moved.status, moved.due_on) == (ItemStatus.POSTPONED, date(2020, 12, 31))
    assert (moved.deadline_kind, moved.deadline_label) == ("month", "декабрь")

    link = read_link("https://school1.ru/seminar")
    done = await report_done(
        database, cast.owner, seminar, "Семинар проведён", now=NOW, evidence=link
    )
    assert (done.status, done.report, done.evidence) == (
        ItemStatus.DONE,
        "Семинар проведён",
        "https://school1.ru/seminar",
    )

    card = await item_card(database, cast.methodist, seminar, today=TODAY)
    assert card.actions == frozenset()  # closed
    assert [(e.from_status, e.to_status) for e in card.events] == [
        (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS),  # once: the second press changed nothing
        (ItemStatus.IN_PROGRESS, ItemStatus.POSTPONED),
        (ItemStatus.POSTPONED, ItemStatus.DONE),
    ]
    postponed = card.events[1]
    assert (postponed.user_name, postponed.comment, postponed.due_on) == (
        "Дурникова Анна Викторовна",
        "нет зала",
        date(2020, 12, 31),
    )
    with pytest.raises(ItemClosed):
        await start_item(database, cast.owner, seminar, now=NOW)
    with pytest.raises(ItemClosed):
        await postpone_item(database, cast.methodist, seminar, "март", "x", now=NOW, today=TODAY)
    with pytest.raises(ItemClosed):
        await drop_item(database, cast.methodist, seminar, "поздно", now=NOW)


async def test_only_the_plan_s_manager_marks_an_item_not_done_or_moves_it_past_the_year(
    database: Database,
) -> None:
    cast, (_, lessons) = await _plan(database)
    manager = await item_card(database, cast.methodist, lessons, today=TODAY)
    assert (manager.owner, manager.manager) == (False, True)
    assert manager.actions == set(ItemAction)
    assert manager.postpone_limit == date(2022, 8, 31)  # the end of the next school year

    with pytest.raises(AccessDenied):
        await drop_item(database, cast.owner, lessons, "не успели", now=NOW)
    with pytest.raises(ValueError, match="characters"):
        await drop_item(database, cast.methodist, lessons, "   ", now=NOW)
    moved = await postpone_item(
        database, cast.methodist, lessons, "до 10.09.2021", "ремонт", now=NOW, today=TODAY
    )
    assert moved.due_on == date(2021, 9, 10)
    dropped = await drop_item(database, cast.methodist, lessons, "  учитель уволился ", now=NOW)
    assert dropped.status is ItemStatus.NOT_DONE
    with pytest.raises(ItemClosed):
        await report_done(database, cast.owner, lessons, "всё же сделали", now=NOW)


async def test_others_see_the_card_without_buttons_or_not_at_all(database: Database) -> None:
    cast, (seminar, _) = await _plan(database)
    viewer = await item_card(database, cast.other_school, seminar, today=TODAY)
    assert (viewer.actions, viewer.owner, viewer.manager) == (frozenset(), False, False)
    with pytest.raises(AccessDenied):
        await start_item(database, cast.other_school, seminar, now=NOW)
    with pytest.raises(AccessDenied):
        await item_card(database, cast.stranger, seminar, today=TODAY)
    with pytest.raises(AccessDenied):
        await report_done(database, cast.stranger, seminar, "чужое", now=NOW)
    with pytest.raises(AccessDenied):
        await item_card(database, cast.methodist, 999_999, today=TODAY)
    # An item past its plan's year: its owner may not move it, its manager may.
    late = await item_card(database, cast.owner, seminar, today=date(2021, 9, 1))
    assert ItemAction.POSTPONE not in late.actions
    assert (
        ItemAction.POSTPONE
        in (await item_card(database, cast.methodist, seminar, today=date(2021, 9, 1))).actions
    )


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("декабрь", date(2020, 12, 31)),
        ("25.12.2020", date(2020, 12, 25)),
        ("25.12", date(2020, 12, 25)),
        ("до 10.03.2021", date(2021, 3, 10)),
        ("март", date(2021, 3, 31)),
        ("II четверть", date(2020, 12, 31)),
        ("в течение учебного года", date(2021, 8, 31)),
    ],
)
def test_a_new_deadline_reads_like_a_plan_s_in_today_s_school_year(text: str, due: date) -> None:
    deadline = read_new_deadline(text, today=TODAY, current=SEPTEMBER.due, limit=date(2021, 8, 31))
    assert (deadline.due, deadline.label) == (due, text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("когда-нибудь", DeadlineProblem.UNCLEAR),
        ("", DeadlineProblem.UNCLEAR),
        ("2021 год", DeadlineProblem.UNCLEAR),
        ("август", DeadlineProblem.NOT_AFTER_TODAY),  # August 2020: the school year's first
        ("15.10.2020", DeadlineProblem.NOT_AFTER_TODAY),
        ("30.09.2021", DeadlineProblem.TOO_LATE),
        ("31.12.2020", DeadlineProblem.SAME),
        ("декабрь " * 40, DeadlineProblem.UNCLEAR),  # longer than a deadline's column
    ],
)
def test_a_new_deadline_must_be_read_ahead_new_and_within_the_limit(
    text: str, problem: DeadlineProblem
) -> None:
    with pytest.raises(BadDeadline) as refused:
        read_new_deadline(text, today=TODAY, current=date(2020, 12, 31), limit=date(2021, 8, 31))
    assert refused.value.problem is problem


def test_the_school_year_of_a_day_turns_in_june() -> None:
    assert [current_school_year(date(2021, month, 1)) for month in (5, 6, 9)] == [
        2020,
        2021,
        2021,
    ]


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("https://school1.ru/seminar", "https://school1.ru/seminar"),
        (" http://ИМЦ.рф/отчёт?id=5 ", "http://ИМЦ.рф/отчёт?id=5"),
        ("www.school1.ru/x", "https://www.school1.ru/x"),
        ("https://10.0.0.5:8080/report", "https://10.0.0.5:8080/report"),
    ],
)
def test_a_link_is_evidence(text: str, stored: str) -> None:
    evidence = read_link(text)
    assert (evidence.kind, evidence.stored) == (EvidenceKind.LINK, stored)
    assert Evidence.from_stored(evidence.stored) == evidence


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("сайт школы", LinkProblem.NOT_A_LINK),
        ("school1.ru", LinkProblem.NOT_A_LINK),  # no scheme: maybe a file's name
        ("ftp://school1.ru/x", LinkProblem.NOT_A_LINK),
        ("https://localhost/x", LinkProblem.NOT_A_LINK),
        ("https://user:pass@school1.ru/", LinkProblem.NOT_A_LINK),
        ("https://school1.ru:port/", LinkProblem.NOT_A_LINK),
        ("javascript:alert(1)", LinkProblem.NOT_A_LINK),
        ("", LinkProblem.NOT_A_LINK),
        ("https://school1.ru/" + "x" * LINK_LIMIT, LinkProblem.TOO_LONG),
    ],
)
def test_what_is_not_a_link_is_refused(text: str, problem: LinkProblem) -> None:
    with pytest.raises(BadLink) as refused:
        read_link(text)
    assert refused.value.problem is problem


def test_a_file_is_stored_by_its_telegram_id() -> None:
    document = file_evidence(EvidenceKind.DOCUMENT, "BQACAgIAAxkBAAI-00000001")
    assert document.stored == "tg:document:BQACAgIAAxkBAAI-00000001"
    assert Evidence.from_stored(document.stored) == document
    photo = file_evidence(EvidenceKind.PHOTO, "AgACAgIAAxk_5")
    assert Evidence.from_stored(photo.stored) == photo
    for kind, file_id in [
        (EvidenceKind.DOCUMENT, ""),
        (EvidenceKind.DOCUMENT, "id with spaces"),
        (EvidenceKind.PHOTO, "x" * 256),
        (EvidenceKind.LINK, "BQACAgIAAxkBAAI"),
    ]:
        with pytest.raises(ValueError):  # noqa: PT011 -- the message does not matter
            file_evidence(kind, file_id)
    assert Evidence.from_stored("tg:voice:abc") is None
    assert Evidence.from_stored(None) is None
