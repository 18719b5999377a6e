"""/new_campaign and /campaigns over the fake Bot API: open a round, change it, close it."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from bot.handlers.campaigns.callbacks import CampaignAction, CloseCampaign, ManageCampaign
from bot.handlers.campaigns.states import CampaignWizard
from bot.handlers.campaigns.wizard import CampaignDraft
from botapi_emulator import BotMessage, FakeUser
from core.actors import Actor
from core.campaigns import CampaignPlan, close_early, open_campaign
from core.reminders import run_tick
from core.schedule import Recurrence, ReminderPlan, first_period
from storage.campaigns import Campaign, campaign_school_ids, get_campaign
from storage.directory import School, add_district, add_municipality, add_school
from storage.people import Role
from storage.schema import campaigns
from storage.types import utcnow
from tests.factories import Town, make_person, make_town
from tests.harness import BotHarness
from texts import campaigns as texts
from texts import common as common_texts
from texts import people as people_texts

METHODIST, OTHER_METHODIST, TEACHER, FAR_TEACHER = 501, 502, 503, 504
ZONE = ZoneInfo("Asia/Tomsk")


DISTRICT = "Зональненский округ"


@pytest.fixture
async def towns(harness: BotHarness) -> tuple[Town, Town]:
    """Томск: five schools, three of them in one district; СОШ № 5 and ООШ № 66 are ШНОР."""
    database = harness.database
    async with database.write() as conn:
        municipality = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        district = await add_district(conn, municipality.id, DISTRICT)
        schools = [
            await add_school(
                conn,
                municipality_id=municipality.id,
                full_name=f"МАОУ {short}",
                short_name=short,
                district_id=district.id if short in ("СОШ № 5", "СОШ № 11", "ООШ № 66") else None,
                is_shnor=short in ("СОШ № 5", "ООШ № 66"),
            )
            for short in ("СОШ № 5", "СОШ № 11", "ООШ № 66", "СОШ № 28", "Гимназия № 1")
        ]
    town = Town(municipality, schools)
    other = await make_town(database, name="Город Северск", short_names=("СОШ № 2",))
    await make_person(database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id)
    await make_person(
        database, OTHER_METHODIST, Role.METHODIST, municipality_id=other.municipality.id
    )
    await make_person(database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    await make_person(database, FAR_TEACHER, Role.RESPONDENT, school_id=other.schools[0].id)
    return town, other


async def _campaigns(harness: BotHarness) -> list[Campaign]:
    async with harness.database.read() as conn:
        ids = (await conn.scalars(select(campaigns.c.id).order_by(campaigns.c.id))).all()
        found = [await get_campaign(conn, campaign_id) for campaign_id in ids]
    return [campaign for campaign in found if campaign is not None]


async def _schools_of(harness: BotHarness, campaign_id: int) -> set[int]:
    async with harness.database.read() as conn:
        return await campaign_school_ids(conn, campaign_id)


def _ids(schools: list[School]) -> set[int]:
    return {school.id for school in schools}


async def test_a_methodist_opens_a_one_off_round_for_picked_schools(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    town, _ = towns
    methodist = harness.user(METHODIST)
    await methodist.send("/new_campaign")
    forms = await methodist.next_message()
    assert forms.plain_text == texts.CHOOSE_FORM  # one municipality: no municipality step
    await methodist.press("Внутренняя система оценки качества образования (ВСОКО)")
    assert (await methodist.next_message()).plain_text == texts.CHOOSE_RECURRENCE
    await methodist.press(texts.RECURRENCE_ONCE)
    period = await methodist.next_message()
    assert period.plain_text == texts.ASK_PERIOD
    assert len(period.button_texts) == 3  # this month, this quarter, this school year

    await methodist.send("x" * 101)
    assert (await methodist.next_message()).plain_text == texts.PERIOD_TOO_LONG
    await methodist.send("/help")  # a command is a command, never a period label
    assert ((await methodist.next_message()).plain_text or "").startswith("Что можно сделать")
    await methodist.send("  1 полугодие   2026/27 ")
    schools = await methodist.next_message()
    assert schools.plain_text == texts.CHOOSE_SCHOOLS
    assert schools.button_texts[0] == "Все школы (5)"
    assert schools.button_texts[-1] == texts.SCHOOLS_PICK

    await methodist.press(texts.SCHOOLS_PICK)
    picker = await methodist.next_message()
    assert picker.plain_text == texts.PICK_SCHOOLS
    await methodist.press("Готово (0)")
    await harness.settle()
    await methodist.press("СОШ № 11")
    await harness.settle()
    await methodist.send("28")  # search narrows the picker; the ticks survive it
    searched = await methodist.next_message()
    assert searched.button_texts[0] == "СОШ № 28"
    await methodist.press("СОШ № 28")
    await harness.settle()
    await methodist.press("Готово (2)")
    named = await methodist.next_message()
    assert named.plain_text == "Выбраны 2 школы: СОШ № 11 и СОШ № 28"

    opening = await methodist.next_message()
    assert "по местному времени (Томск)" in (opening.plain_text or "")
    await methodist.send("вчера")
    assert (await methodist.next_message()).plain_text == texts.BAD_MOMENT
    await methodist.send("01.01.2020 09:00")
    refused = await methodist.next_message()
    assert (refused.plain_text or "").startswith("Это время уже прошло (сейчас ")
    await methodist.press(texts.OPEN_NOW)
    asked = await methodist.next_message()
    assert (asked.plain_text or "").startswith("Срок сдачи")
    assert "по местному времени (Томск)" in (asked.plain_text or "")

    now = utcnow()
    deadline_day = (now + timedelta(days=20)).astimezone(ZONE).date()
    await methodist.send(deadline_day.strftime("%d.%m.%Y") + " 18:00")
    reminders = await methodist.next_message()
    assert "в 10:00 — за 3 и за 1 день до срока" in (reminders.plain_text or "")
    await methodist.press(texts.REMINDERS_CUSTOM)
    assert (await methodist.next_message()).plain_text == texts.ASK_REMINDER_DAYS
    await methodist.send("7 три")
    assert (await methodist.next_message()).plain_text == texts.BAD_REMINDER_DAYS
    await methodist.send("7, 3 1")
    summary = await methodist.next_message()
    text = summary.plain_text or ""
    assert "Период: 1 полугодие 2026/27" in text
    assert "Повторяется: Однократно" in text
    assert "Школы (2): СОШ № 11 и СОШ № 28" in text
    assert f"Срок: {deadline_day.strftime('%d.%m.%Y')} 18:00" in text
    assert "Открытие: сейчас" in text
    assert "за 7, за 3 и за 1 день до срока" in text
    assert await _campaigns(harness) == []  # nothing is opened before the confirmation

    await methodist.press(texts.CONFIRM)
    opened = await methodist.next_message()
    assert "В нём 2 школы" in (opened.plain_text or "")
    [campaign] = await _campaigns(harness)
    assert campaign.period_label == "1 полугодие 2026/27"
    assert campaign.recurrence is None
    assert campaign.municipality_id == town.municipality.id
    assert campaign.deadline_at.astimezone(ZONE).replace(tzinfo=None) == datetime.combine(
        deadline_day, datetime.min.time()
    ).replace(hour=18)
    assert now - timedelta(seconds=5) <= campaign.opens_at <= utcnow()
    assert ReminderPlan.from_json(campaign.reminder_plan or {}).days_before == (7, 3, 1)
    assert await _schools_of(harness, campaign.id) == {town.schools[1].id, town.schools[3].id}
    async with harness.database.read() as conn:
        state = await conn.scalar(
            select(campaigns.c.created_by).where(campaigns.c.id == campaign.id)
        )
    assert state is not None  # the methodist is recorded as its author


async def test_a_recurring_round_takes_its_label_and_dates_from_the_schedule(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    town, _ = towns
    methodist = harness.user(METHODIST)
    await methodist.send("/new_campaign")
    await harness.settle()
    await methodist.press("Внутренняя система оценки качества образования (ВСОКО)")
    await harness.settle()
    await methodist.press(texts.RECURRENCE_LABELS[Recurrence.MONTHLY])
    await harness.settle()
    period = first_period(Recurrence.MONTHLY, utcnow().astimezone(ZONE).date())
    await methodist.press(period.label)  # the period is asked: the schedule's one is offered
    await harness.settle()
    await methodist.press(f"{DISTRICT} (3)")
    await harness.settle()
    deadline = methodist.last_message()
    assert deadline is not None
    assert (deadline.plain_text or "").startswith("Срок сдачи")
    assert deadline.button_texts == [period.deadline_on.strftime("%d.%m.%Y")]
    await methodist.press(period.deadline_on.strftime("%d.%m.%Y"))
    await harness.settle()
    await methodist.press(texts.REMINDERS_DEFAULT)
    await harness.settle()
    summary = methodist.last_message()
    assert summary is not None
    assert f"Период: {period.label}" in (summary.plain_text or "")
    await methodist.press(texts.CONFIRM)
    await harness.settle()

    [campaign] = await _campaigns(harness)
    assert campaign.recurrence == Recurrence.MONTHLY
    assert campaign.period_label == period.label
    assert campaign.deadline_at.astimezone(ZONE).date() == period.deadline_on
    # It opens with its period (local midnight of its first day), so later rounds open so too.
    assert campaign.opens_at == datetime.combine(period.opens_on, datetime.min.time(), ZONE)
    assert await _schools_of(harness, campaign.id) == _ids(town.schools[:3])


async def test_opening_reminders_reach_the_chosen_schools_only(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    """ШНОР only: the teacher of a ШНОР school gets the opening reminder, nobody else does."""
    town, _ = towns
    methodist = harness.user(METHODIST)
    await methodist.send("/new_campaign")
    await harness.settle()
    await methodist.press("Внутренняя система оценки качества образования (ВСОКО)")
    await harness.settle()
    await methodist.press(texts.RECURRENCE_ONCE)
    await harness.settle()
    await methodist.press(methodist.last_message().button_texts[0])  # type: ignore[union-attr]
    await harness.settle()
    shnor = [s for s in town.schools if s.is_shnor]
    await methodist.press(texts.SCHOOLS_SHNOR.format(count=len(shnor)))
    await harness.settle()
    await methodist.press(texts.OPEN_NOW)
    await harness.settle()
    await methodist.send((utcnow() + timedelta(days=30)).astimezone(ZONE).strftime("%d.%m.%Y"))
    await harness.settle()
    await methodist.press(texts.REMINDERS_DEFAULT)
    await harness.settle()
    await methodist.press(texts.CONFIRM)
    await harness.settle()
    [campaign] = await _campaigns(harness)
    assert await _schools_of(harness, campaign.id) == _ids(shnor)

    # Run the tick at a daytime moment after the opening, so quiet hours do not hold it.
    local_noon = datetime.combine(utcnow().astimezone(ZONE).date(), datetime.min.time())
    noon = local_noon.replace(hour=12, tzinfo=ZONE).astimezone(UTC)
    if noon < campaign.opens_at:
        noon += timedelta(days=1)
    await run_tick(harness.database, harness.catalog, harness.deliver, now=noon)
    teacher = harness.user(TEACHER)
    reminder = await teacher.next_message()  # СОШ № 5 is a ШНОР school
    assert "ВСОКО" in (reminder.plain_text or "")
    assert reminder.button_texts == ["Открыть анкету"]
    await harness.user(FAR_TEACHER).expect_no_message()


@pytest.fixture
async def opened(harness: BotHarness, towns: tuple[Town, Town]) -> Campaign:
    town, _ = towns
    now = utcnow()
    plan = CampaignPlan(
        form_keys=("vsoko",),
        municipality_id=town.municipality.id,
        period_label="2 четверть 2026/27",
        opens_at=now,
        deadline_at=now + timedelta(days=10),
        school_ids=(town.schools[0].id, town.schools[1].id),
        recurrence=Recurrence.QUARTERLY,
    )
    organiser = Actor(telegram_id=0, user=None, bootstrap_admin=True)
    return await open_campaign(harness.database, harness.catalog, organiser, plan, now=now)


async def test_the_methodist_moves_the_deadline_adds_schools_and_closes(
    harness: BotHarness, towns: tuple[Town, Town], opened: Campaign
) -> None:
    town, _ = towns
    methodist = harness.user(METHODIST)
    await methodist.send("/campaigns")
    listing = await methodist.next_message()
    assert listing.plain_text == texts.LIST_HEADER.replace("<b>", "").replace("</b>", "")
    [button] = listing.button_texts
    assert button.startswith("ВСОКО · 2 четверть 2026/27 · 0/2 · до ")

    await methodist.press(button)
    card = await methodist.next_message()
    assert "Сдали: 0 из 2" in (card.plain_text or "")
    assert "(1 раз в четверть)" in (card.plain_text or "")

    # The deadline: a wrong date is re-asked, a past one refused, a good one saved.
    await methodist.press(texts.CHANGE_DEADLINE, message=card)
    assert "Напишите новый" in ((await methodist.next_message()).plain_text or "")
    await methodist.send("31.02.2027")
    assert (await methodist.next_message()).plain_text == texts.BAD_MOMENT
    await methodist.send("01.01.2021")
    assert (await methodist.next_message()).plain_text == texts.PROBLEMS["deadline_passed"]
    new_day = (utcnow() + timedelta(days=40)).astimezone(ZONE).date()
    await methodist.send(new_day.strftime("%d.%m.%Y"))
    changed = await methodist.next_message()
    assert f"{new_day.strftime('%d.%m.%Y')} 23:59" in (changed.plain_text or "")
    [campaign] = await _campaigns(harness)
    assert campaign.deadline_at.astimezone(ZONE).date() == new_day

    # Adding schools offers only those not in the campaign yet.
    await methodist.press(texts.ADD_SCHOOLS, message=card)
    picker = await methodist.next_message()
    assert "Уже участвуют: 2" in (picker.plain_text or "")
    assert "СОШ № 5" not in " ".join(picker.button_texts)
    await methodist.press("ООШ № 66", message=picker)
    await harness.settle()
    await methodist.press("Готово (1)")
    assert (await methodist.next_message()).plain_text == texts.SCHOOLS_ADDED.format(count=1)
    assert await _schools_of(harness, opened.id) == {
        town.schools[0].id,
        town.schools[1].id,
        town.schools[2].id,
    }

    # Closing asks for a confirmation first.
    await methodist.press(texts.CLOSE, message=card)
    confirm = await methodist.next_message()
    assert "следующие периоды не откроются" in (confirm.plain_text or "")
    await methodist.press(texts.CLOSE_YES, message=confirm)
    assert "закрыт" in ((await methodist.next_message()).plain_text or "")
    [campaign] = await _campaigns(harness)
    assert campaign.closed_at is not None
    await methodist.send("/campaigns")
    assert (await methodist.next_message()).plain_text == texts.LIST_EMPTY

    # The school no longer sees the form, and a stale card button is refused.
    teacher = harness.user(TEACHER)
    await teacher.send("/forms")
    assert "ВСОКО" not in ((await teacher.next_message()).plain_text or "")
    pressed = await methodist.press(texts.CHANGE_DEADLINE, message=card)
    await harness.settle()
    answer = methodist.callback_answer(pressed)
    assert answer is not None
    assert answer["text"] == texts.PROBLEMS["closed"]


async def test_others_cannot_manage_or_open(
    harness: BotHarness, towns: tuple[Town, Town], opened: Campaign
) -> None:
    teacher = harness.user(TEACHER)
    await teacher.send("/new_campaign")
    assert (await teacher.next_message()).plain_text == texts.NOT_ALLOWED
    await teacher.send("/campaigns")
    assert (await teacher.next_message()).plain_text == texts.NOT_ALLOWED

    # A methodist of another municipality sees nothing and cannot forge a way in.
    stranger = harness.user(OTHER_METHODIST)
    await stranger.send("/campaigns")
    listing = await stranger.next_message()
    assert listing.plain_text == texts.LIST_EMPTY
    for forged in (
        ManageCampaign(campaign_id=opened.id),
        CampaignAction(campaign_id=opened.id, act="deadline"),
        CloseCampaign(campaign_id=opened.id),
    ):
        pressed = await stranger.press_data(listing, forged.pack())
        await harness.settle()
        answer = stranger.callback_answer(pressed)
        assert answer is not None
        assert answer["text"] == people_texts.ACCESS_DENIED
    [campaign] = await _campaigns(harness)
    assert campaign.closed_at is None
    assert campaign.deadline_at == opened.deadline_at


async def test_each_person_gets_a_command_menu_of_their_roles(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    for telegram_id in (METHODIST, TEACHER):
        await harness.user(telegram_id).send("/start")
    await harness.settle()

    def menu(chat_id: int) -> list[str]:
        scope = {"type": "chat", "chat_id": chat_id}
        return [command["command"] for command in harness.emulator.my_commands(scope)]

    assert menu(METHODIST) == [
        "start",
        "help",
        "status",
        "new_campaign",
        "campaigns",
        "review",
        "export",
        "order",
        "order_template",
        "plans",
        "plan",
        "forms_admin",
        "invite",
        "people",
        "whoami",
        "cancel",
    ]
    assert menu(TEACHER) == ["start", "help", "forms", "plans", "whoami", "cancel"]
    assert menu(FAR_TEACHER) == []  # has not written yet: the default menu applies


async def test_a_round_closed_while_schools_are_being_added_ends_the_step(
    harness: BotHarness, towns: tuple[Town, Town], opened: Campaign
) -> None:
    methodist = harness.user(METHODIST)
    await methodist.send("/campaigns")
    await methodist.press((await methodist.next_message()).button_texts[0])
    card = await methodist.next_message()
    await methodist.press(texts.ADD_SCHOOLS, message=card)
    picker = await methodist.next_message()
    organiser = Actor(telegram_id=0, user=None, bootstrap_admin=True)
    await close_early(harness.database, organiser, opened.id, now=utcnow())  # someone else

    pressed = await methodist.press("ООШ № 66", message=picker)
    await harness.settle()
    answer = methodist.callback_answer(pressed)
    assert answer is not None
    assert answer["text"] == texts.PROBLEMS["closed"]
    await methodist.send("28")  # the step is over: a search is no longer taken
    reply = await methodist.next_message()
    assert reply.button_texts == []
    assert await _schools_of(harness, opened.id) == {s.id for s in towns[0].schools[:2]}


async def test_many_open_rounds_page_in_place(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    """23 open rounds: 10 buttons a page and a page row, so the keyboard never nears 100."""
    town, _ = towns
    now = utcnow()
    organiser = Actor(telegram_id=0, user=None, bootstrap_admin=True)
    for number in range(23):
        plan = CampaignPlan(
            form_keys=("vsoko",),
            municipality_id=town.municipality.id,
            period_label=f"Раунд {number + 1:02d}",
            opens_at=now,
            deadline_at=now + timedelta(days=1 + number),
            school_ids=(town.schools[0].id,),
        )
        await open_campaign(harness.database, harness.catalog, organiser, plan, now=now)
    methodist = harness.user(METHODIST)
    await methodist.send("/campaigns")
    listing = await methodist.next_message()
    first = listing.button_texts
    assert len(first) == 10 + 2  # ten rounds, then "1/3" and ▶️
    assert first[0].startswith("ВСОКО · Раунд 01 ·")
    assert first[-2:] == ["1/3", "▶️"]

    await methodist.press("▶️", message=listing)
    await harness.settle()
    second = methodist.last_message()
    assert second is not None
    assert second.message_id == listing.message_id  # edited in place
    assert second.button_texts[0].startswith("ВСОКО · Раунд 11 ·")
    assert second.button_texts[-3:] == ["◀️", "2/3", "▶️"]

    await methodist.press("▶️", message=second)
    await harness.settle()
    third = methodist.last_message()
    assert third is not None
    assert [text.split(" · ")[1] for text in third.button_texts[:-2]] == [
        "Раунд 21",
        "Раунд 22",
        "Раунд 23",
    ]


# --- what the wizard says (issue 11, point 12): a fixed moment, so dates are exact ---------------

NOON = datetime(2026, 12, 3, 12, 0, tzinfo=ZONE).astimezone(UTC)  # Thursday, local noon
VSOKO = "Внутренняя система оценки качества образования (ВСОКО)"


async def _text_of_next(methodist: FakeUser) -> str:
    return (await methodist.next_message()).plain_text or ""


async def test_the_wizard_names_the_schools_and_says_which_reminders_go_when(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    harness.clock.set(NOON)
    methodist = harness.user(METHODIST)
    await methodist.send("/new_campaign")
    await methodist.next_message()
    await methodist.press(VSOKO)
    await methodist.next_message()
    await methodist.press(texts.RECURRENCE_ONCE)
    await methodist.next_message()
    await methodist.press("декабрь 2026")
    schools = await methodist.next_message()
    await methodist.press("Все школы (5)", message=schools)
    assert await _text_of_next(methodist) == (
        "Выбрано 5 школ: Гимназия № 1, ООШ № 66, СОШ № 5 и ещё 2"
    )
    assert (schools.plain_text or "").endswith("→ Все школы (5)")  # the button, as written

    await methodist.next_message()  # when to open
    await methodist.send("03.12.2026 08:00")  # earlier today: opened now, and said so
    assert await _text_of_next(methodist) == texts.OPENING_PASSED_TODAY
    await methodist.next_message()  # the deadline
    await methodist.send("20.12.2026")
    reminders = (
        "при открытии; 17.12 и 19.12 в 10:00 — за 3 и за 1 день до срока; "
        "20.12 в 10:00 — в день срока"
    )
    assert reminders in await _text_of_next(methodist)
    await methodist.press(texts.REMINDERS_DEFAULT)
    summary = await _text_of_next(methodist)
    assert "Школы (5): Гимназия № 1, ООШ № 66, СОШ № 5 и ещё 2" in summary
    assert "Открытие: сейчас\n" in summary
    assert "Срок: 20.12.2026 23:59\n" in summary
    assert "Даты и время — по местному времени (Томск)" in summary
    assert f"Напоминания: {reminders}" in summary

    await methodist.press(texts.CONFIRM)
    assert "В нём 5 школ" in await _text_of_next(methodist)
    [campaign] = await _campaigns(harness)
    assert campaign.opens_at == NOON


async def test_a_later_opening_leaves_out_the_reminders_before_it_and_a_past_one_is_refused(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    harness.clock.set(NOON)
    methodist = harness.user(METHODIST)
    await methodist.send("/new_campaign")
    await harness.settle()
    await methodist.press(VSOKO)
    await harness.settle()
    await methodist.press(texts.RECURRENCE_ONCE)
    await harness.settle()
    await methodist.send("Проверка")
    await harness.settle()
    await methodist.press(f"{DISTRICT} (3)")
    await harness.settle()
    assert methodist.last_message().plain_text.startswith("Когда открыть")  # type: ignore[union-attr]
    await methodist.send("01.12.2026 09:00")
    await harness.settle()
    refused = methodist.last_message()
    assert refused is not None
    assert refused.plain_text == texts.OPENING_IN_PAST.format(now="03.12.2026 12:00")
    await methodist.send("05.12.2026 09:00")
    await harness.settle()
    await methodist.send("06.12.2026")
    await harness.settle()
    await methodist.press(texts.REMINDERS_CUSTOM)
    await harness.settle()
    await methodist.send("7 3 1")
    await harness.settle()
    summary = methodist.last_message()
    assert summary is not None
    text = summary.plain_text or ""
    assert "Школы (3): ООШ № 66, СОШ № 5 и СОШ № 11" in text
    assert "Открытие: 05.12.2026 09:00\n" in text
    assert (
        "Напоминания: 05.12 в 09:00 — при открытии; 05.12 в 10:00 — за 1 день до срока; "
        "06.12 в 10:00 — в день срока; за 7 и за 3 дня до срока — не будет: это раньше открытия"
    ) in text


async def test_a_recurring_round_asks_its_period_and_says_a_passed_start_means_now(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    harness.clock.set(NOON)
    methodist = harness.user(METHODIST)
    await methodist.send("/new_campaign")
    await harness.settle()
    await methodist.press(VSOKO)
    await harness.settle()
    await methodist.press(texts.RECURRENCE_LABELS[Recurrence.MONTHLY])
    await harness.settle()
    asked = methodist.last_message()
    assert asked is not None
    assert asked.plain_text == texts.ASK_RECURRING_PERIOD.format(
        suggested="декабрь 2026", example="январь 2027"
    )
    assert asked.button_texts == ["декабрь 2026"]
    await methodist.press("декабрь 2026")
    await harness.settle()
    await methodist.press(f"{DISTRICT} (3)")
    await harness.settle()
    await methodist.press("31.12.2026")
    await harness.settle()
    await methodist.press(texts.REMINDERS_DEFAULT)
    await harness.settle()
    summary = methodist.last_message()
    assert summary is not None
    text = summary.plain_text or ""
    assert "Период: декабрь 2026" in text
    assert "Открытие: сейчас (период начался 01.12.2026, это время уже прошло)" in text
    assert (
        "Напоминания: при открытии; 28.12 и 30.12 в 10:00 — за 3 и за 1 день до срока; "
        "31.12 в 10:00 — в день срока"
    ) in text


async def test_a_recurring_round_takes_a_typed_period_the_schedule_knows(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    harness.clock.set(NOON)
    methodist = harness.user(METHODIST)
    await methodist.send("/new_campaign")
    await harness.settle()
    await methodist.press(VSOKO)
    await harness.settle()
    await methodist.press(texts.RECURRENCE_LABELS[Recurrence.MONTHLY])
    await harness.settle()
    await methodist.send("ноябрь 2026")  # over already
    await harness.settle()
    refused = methodist.last_message()
    assert refused is not None
    assert refused.plain_text == texts.RECURRING_PERIOD_UNKNOWN.format(
        recurrence="Ежемесячно", suggested="декабрь 2026", example="январь 2027"
    )
    await methodist.send("1 полугодие")  # not a month: the next rounds could not follow it
    await harness.settle()
    assert methodist.last_message().plain_text == refused.plain_text  # type: ignore[union-attr]
    await methodist.send("Январь  2027")
    await harness.settle()
    await methodist.press(f"{DISTRICT} (3)")
    await harness.settle()
    deadline = methodist.last_message()
    assert deadline is not None
    assert deadline.button_texts == ["31.01.2027"]  # the typed period's own dates
    await methodist.press("31.01.2027")
    await harness.settle()
    await methodist.press(texts.REMINDERS_DEFAULT)
    await harness.settle()
    text = methodist.last_message().plain_text or ""  # type: ignore[union-attr]
    assert "Период: январь 2027" in text
    assert "Открытие: 01.01.2027 00:00\n" in text
    # The opening falls in quiet hours: its reminder waits for 08:00.
    assert (
        "Напоминания: 01.01 в 08:00 — при открытии; 28.01 и 30.01 в 10:00 — за 3 и за 1 день "
        "до срока; 31.01 в 10:00 — в день срока"
    ) in text
    await methodist.press(texts.CONFIRM)
    await harness.settle()
    [campaign] = await _campaigns(harness)
    assert campaign.period_label == "январь 2027"
    assert campaign.recurrence == Recurrence.MONTHLY
    assert campaign.opens_at == datetime(2027, 1, 1, tzinfo=ZONE)
    assert campaign.deadline_at.astimezone(ZONE).date() == datetime(2027, 1, 31).date()


async def test_a_round_closed_before_done_is_said_even_after_the_button_was_answered(
    harness: BotHarness, towns: tuple[Town, Town], opened: Campaign
) -> None:
    methodist = harness.user(METHODIST)
    await methodist.send("/campaigns")
    await methodist.press((await methodist.next_message()).button_texts[0])
    card = await methodist.next_message()
    await methodist.press(texts.ADD_SCHOOLS, message=card)
    picker = await methodist.next_message()
    await methodist.press("ООШ № 66", message=picker)
    await harness.settle()
    organiser = Actor(telegram_id=0, user=None, bootstrap_admin=True)
    await close_early(harness.database, organiser, opened.id, now=utcnow())
    await methodist.press("Готово (1)")
    await harness.settle()
    # "Готово" was answered before the refusal: the refusal comes as a message, not silence.
    assert harness.emulator.messages(METHODIST)[-1].plain_text == texts.PROBLEMS["closed"]


# --- a monitoring of several forms ------------------------------------------------------------


async def _several_forms(methodist: FakeUser) -> BotMessage:
    """/new_campaign → "Несколько анкет": the message with a toggle per form."""
    await methodist.send("/new_campaign")
    forms = await methodist.next_message()
    assert forms.button_texts[-1] == texts.SEVERAL_FORMS  # after the one-tap forms
    await methodist.press(texts.SEVERAL_FORMS, message=forms)
    ticking = await methodist.next_message()
    assert ticking.plain_text == texts.CHOOSE_FORMS
    assert (forms.plain_text or "").endswith(f"→ {texts.SEVERAL_FORMS}")
    return ticking


async def _toggle(harness: BotHarness, methodist: FakeUser, ticking: BotMessage, key: str) -> None:
    form = harness.catalog.current[key].short_title
    ticked = texts.FORM_CHECKED.format(form=form)
    label = ticked if ticked in ticking.button_texts else texts.FORM_UNCHECKED.format(form=form)
    await methodist.press(label, message=ticking)
    await harness.settle()


async def _up_to_the_summary(harness: BotHarness, methodist: FakeUser) -> str:
    """From the recurrence question on, as for a monitoring of one form: the summary's text."""
    for label in (texts.RECURRENCE_ONCE, "декабрь 2026", "Все школы (5)", texts.OPEN_NOW):
        await methodist.press(label)
        await harness.settle()
    await methodist.send("20.12.2026")
    await harness.settle()
    await methodist.press(texts.REMINDERS_DEFAULT)
    await harness.settle()
    summary = methodist.last_message()
    assert summary is not None
    return summary.plain_text or ""


async def _confirmed(harness: BotHarness, methodist: FakeUser) -> str:
    await methodist.press(texts.CONFIRM)
    await harness.settle()
    opened = methodist.last_message()
    assert opened is not None
    return opened.plain_text or ""


async def test_a_methodist_opens_a_monitoring_of_three_forms_with_a_typed_title(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    harness.clock.set(NOON)
    catalog = harness.catalog.current
    methodist = harness.user(METHODIST)
    ticking = await _several_forms(methodist)
    assert ticking.button_texts == [
        *(texts.FORM_UNCHECKED.format(form=form.short_title) for form in catalog.values()),
        texts.FORMS_DONE.format(count=0),
    ]
    for key in ("vsoko", "parents", "vpr"):  # not in the catalog's order
        await _toggle(harness, methodist, ticking, key)
    assert texts.FORM_CHECKED.format(form=catalog["vsoko"].short_title) in ticking.button_texts
    assert ticking.button_texts[-1] == texts.FORMS_DONE.format(count=3)
    chosen = [key for key in catalog if key in ("vsoko", "parents", "vpr")]  # the catalog's order
    await methodist.press(texts.FORMS_DONE.format(count=3), message=ticking)
    asked = await methodist.next_message()
    shorts = ", ".join(catalog[key].short_title for key in chosen)
    assert (ticking.plain_text or "").endswith(f"→ {shorts}")
    assert asked.plain_text == texts.ASK_TITLE.format(limit=200, untitled=f"Мониторинг: {shorts}")
    assert asked.button_texts == [texts.USUAL_TITLE, texts.NO_TITLE]

    await methodist.send("Ш" * 201)
    assert await _text_of_next(methodist) == texts.TITLE_TOO_LONG.format(limit=200, length=201)
    await methodist.send("  Программа   ШНОР, 2026  ")  # a second chance; spaces tidied
    assert await _text_of_next(methodist) == texts.CHOOSE_RECURRENCE

    summary = await _up_to_the_summary(harness, methodist)
    titles = ", ".join(f"«{catalog[key].title}»" for key in chosen)
    assert "Название: Программа ШНОР, 2026\n" in summary
    assert f"Анкеты (3): {titles}\n" in summary
    opened = await _confirmed(harness, methodist)
    assert opened.startswith("Мониторинг открыт: «Программа ШНОР, 2026» (3 анкеты), декабрь 2026.")
    assert "В нём 5 школ" in opened

    [campaign] = await _campaigns(harness)
    assert campaign.form_keys == tuple(chosen)
    assert campaign.title == "Программа ШНОР, 2026"


@pytest.mark.parametrize(
    ("button", "title"), [(texts.NO_TITLE, None), (texts.USUAL_TITLE, texts.USUAL_TITLE)]
)
async def test_a_monitoring_takes_the_usual_title_or_none_by_a_button(
    harness: BotHarness, towns: tuple[Town, Town], button: str, title: str | None
) -> None:
    harness.clock.set(NOON)
    catalog = harness.catalog.current
    methodist = harness.user(METHODIST)
    ticking = await _several_forms(methodist)
    for key in ("vsoko", "roadmap"):
        await _toggle(harness, methodist, ticking, key)
    await methodist.press(texts.FORMS_DONE.format(count=2), message=ticking)
    asked = await methodist.next_message()
    await methodist.press(button, message=asked)
    assert await _text_of_next(methodist) == texts.CHOOSE_RECURRENCE
    assert (asked.plain_text or "").endswith(f"→ {button}")

    summary = await _up_to_the_summary(harness, methodist)
    assert ("Название: " in summary) is (title is not None)
    assert f"Анкеты (2): «{catalog['roadmap'].title}», «{catalog['vsoko'].title}»" in summary
    opened = await _confirmed(harness, methodist)
    named = title or f"Мониторинг: {catalog['roadmap'].short_title}, {catalog['vsoko'].short_title}"
    assert opened.startswith(f"Мониторинг открыт: «{named}» (2 анкеты), декабрь 2026.")
    [campaign] = await _campaigns(harness)
    assert campaign.form_keys == ("roadmap", "vsoko")
    assert campaign.title == title


async def test_done_with_no_form_ticked_is_refused_and_the_wizard_stays(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    methodist = harness.user(METHODIST)
    ticking = await _several_forms(methodist)
    pressed = await methodist.press(texts.FORMS_DONE.format(count=0), message=ticking)
    await harness.settle()
    answer = methodist.callback_answer(pressed)
    assert answer is not None
    assert answer["text"] == texts.PICK_AT_LEAST_ONE_FORM
    assert answer["show_alert"] is True
    await methodist.expect_no_message()
    assert ticking.plain_text == texts.CHOOSE_FORMS  # the question is still open

    # One form ticked after all: no title is asked, the form names the monitoring.
    await _toggle(harness, methodist, ticking, "vsoko")
    await methodist.press(texts.FORMS_DONE.format(count=1), message=ticking)
    assert await _text_of_next(methodist) == texts.CHOOSE_RECURRENCE
    summary = await _up_to_the_summary(harness, methodist)
    assert f"Анкета: {VSOKO}\n" in summary
    assert "Название: " not in summary
    assert (await _confirmed(harness, methodist)).startswith(f"Мониторинг открыт: «{VSOKO}», ")
    [campaign] = await _campaigns(harness)
    assert campaign.form_keys == ("vsoko",)
    assert campaign.title is None


async def test_a_form_ticked_twice_is_unticked_in_the_same_message(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    methodist = harness.user(METHODIST)
    ticking = await _several_forms(methodist)
    short = harness.catalog.current["parents"].short_title
    await _toggle(harness, methodist, ticking, "parents")
    assert texts.FORM_CHECKED.format(form=short) in ticking.button_texts
    assert ticking.button_texts[-1] == texts.FORMS_DONE.format(count=1)
    await _toggle(harness, methodist, ticking, "parents")
    assert texts.FORM_UNCHECKED.format(form=short) in ticking.button_texts
    assert ticking.button_texts[-1] == texts.FORMS_DONE.format(count=0)
    await methodist.expect_no_message()  # edited in place, nothing new sent
    pressed = await methodist.press(texts.FORMS_DONE.format(count=0), message=ticking)
    await harness.settle()
    answer = methodist.callback_answer(pressed)
    assert answer is not None
    assert answer["text"] == texts.PICK_AT_LEAST_ONE_FORM


async def _plant_old_draft(harness: BotHarness, town: Town, form_key: str) -> None:
    """A draft the release before monitorings of several forms saved: one ``form_key``."""
    assert harness.bot is not None
    assert harness.dispatcher is not None
    new = CampaignDraft(
        municipality_id=town.municipality.id,
        period_label="декабрь 2026",
        school_ids=[town.schools[0].id],
        opens_at=NOON,
        opens_now=True,
        deadline_at=NOON + timedelta(days=10),
    ).model_dump(mode="json")
    old = {key: value for key, value in new.items() if key not in ("form_keys", "title")}
    key = StorageKey(bot_id=harness.bot.id, chat_id=METHODIST, user_id=METHODIST)
    await harness.dispatcher.storage.set_state(key, CampaignWizard.reminder_days.state)
    await harness.dispatcher.storage.set_data(key, {**old, "form_key": form_key})


async def test_a_draft_of_one_form_from_before_resumes_and_an_unknown_form_ends_it(
    harness: BotHarness, towns: tuple[Town, Town]
) -> None:
    harness.clock.set(NOON)
    town, _ = towns
    methodist = harness.user(METHODIST)
    await _plant_old_draft(harness, town, "vsoko")
    await methodist.send("3 1")
    assert f"Анкета: {VSOKO}\n" in await _text_of_next(methodist)
    await methodist.press(texts.CONFIRM)
    assert (await _text_of_next(methodist)).startswith(f"Мониторинг открыт: «{VSOKO}», ")
    [campaign] = await _campaigns(harness)
    assert campaign.form_keys == ("vsoko",)

    await _plant_old_draft(harness, town, "gone")  # a form this release no longer has
    await methodist.send("3 1")
    assert await _text_of_next(methodist) == common_texts.STALE_CONVERSATION
    assert len(await _campaigns(harness)) == 1
