"""The campaign wizard's words (issue 11, point 11): real plurals, no IANA zone names, and a
pressed button echoed as it was written."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from botapi_emulator import BotMessage
from core.schedule import Recurrence
from storage.directory import School, add_district, add_municipality, add_school
from storage.people import Role
from tests.factories import make_person
from tests.harness import BotHarness
from texts import campaigns as texts

METHODIST = 601
ZONE = ZoneInfo("Asia/Tomsk")
NOON = datetime(2026, 12, 3, 12, 0, tzinfo=ZONE).astimezone(UTC)
VSOKO = "Внутренняя система оценки качества образования (ВСОКО)"
DISTRICT = "Кировский район"
# "школ(ы)", "раз(а)", "дней(я)": a plural dodged with brackets.
BRACKET_PLURAL = re.compile(r"\w\((?:ы|а|ов|ей|и|я|ь)\)")
IANA_ZONE = re.compile(r"\b(?:Asia|Europe|America|Africa|Etc|Pacific|Atlantic|Indian)/\w+")


@pytest.fixture
async def town(harness: BotHarness) -> list[School]:
    """Томск: one school in the district, four outside it."""
    async with harness.database.write() as conn:
        municipality = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        district = await add_district(conn, municipality.id, DISTRICT)
        schools = [
            await add_school(
                conn,
                municipality_id=municipality.id,
                full_name=f"МАОУ {short}",
                short_name=short,
                district_id=district.id if short == "СОШ № 2" else None,
            )
            for short in ("СОШ № 2", "СОШ № 3", "СОШ № 4", "СОШ № 21", "Лицей № 7")
        ]
    await make_person(harness.database, METHODIST, Role.METHODIST, municipality_id=municipality.id)
    return schools


def _every_text(harness: BotHarness) -> list[str]:
    return [message.plain_text or "" for message in harness.emulator.messages(METHODIST)]


def test_the_campaign_texts_dodge_no_plural_with_brackets() -> None:
    strings = [
        value
        for name, value in vars(texts).items()
        if not name.startswith("_") and isinstance(value, str)
    ]
    strings += [value for value in texts.RECURRENCE_LABELS.values()]
    strings += list(texts.PROBLEMS.values())
    assert [s for s in strings if BRACKET_PLURAL.search(s)] == []
    assert [s for s in strings if IANA_ZONE.search(s)] == []


async def test_a_one_off_round_speaks_plainly_and_echoes_the_buttons(
    harness: BotHarness, town: list[School]
) -> None:
    harness.clock.set(NOON)
    methodist = harness.user(METHODIST)
    pressed: list[tuple[BotMessage, str]] = []

    async def press(label: str) -> None:
        message = methodist.last_message()
        assert message is not None
        await methodist.press(label, message=message)
        await harness.settle()
        pressed.append((message, label))

    async def send(text: str) -> None:
        await methodist.send(text)
        await harness.settle()

    await send("/new_campaign")
    await press(VSOKO)
    await press(texts.RECURRENCE_ONCE)
    await press("декабрь 2026")
    await press(f"{DISTRICT} (1)")
    assert _every_text(harness)[-2] == "Выбрана 1 школа: СОШ № 2"
    await press(texts.OPEN_NOW)
    await send("20.12.2026")
    await press(texts.REMINDERS_CUSTOM)
    await send("3 2")
    await press(texts.CONFIRM)

    said = _every_text(harness)
    assert [text for text in said if BRACKET_PLURAL.search(text)] == []
    assert [text for text in said if IANA_ZONE.search(text)] == []
    assert any("по местному времени (Томск)" in text for text in said)
    summary = next(text for text in said if text.startswith("Проверьте мониторинг"))
    assert "за 3 и за 2 дня до срока" in summary
    assert "В нём 1 школа" in said[-1]
    for message, label in pressed:  # every answered question shows the button it got
        assert (message.plain_text or "").endswith(f"\n→ {label}"), (message.plain_text, label)


async def test_picked_schools_and_a_recurring_round_are_counted_in_words(
    harness: BotHarness, town: list[School]
) -> None:
    harness.clock.set(NOON)
    methodist = harness.user(METHODIST)
    await methodist.send("/new_campaign")
    await harness.settle()
    for label in (VSOKO, texts.RECURRENCE_LABELS[Recurrence.QUARTERLY], "2 четверть 2026/27"):
        await methodist.press(label)
        await harness.settle()
    schools = methodist.last_message()
    assert schools is not None
    await methodist.press("Все школы (5)", message=schools)
    await harness.settle()
    assert (schools.plain_text or "").endswith("\n→ Все школы (5)")
    assert "Выбрано 5 школ: Лицей № 7, СОШ № 2, СОШ № 3 и ещё 2" in _every_text(harness)
    said = _every_text(harness)
    assert [text for text in said if BRACKET_PLURAL.search(text)] == []
    assert [text for text in said if IANA_ZONE.search(text)] == []


def test_the_words_of_the_wizard() -> None:
    from bot.handlers.campaigns.words import days_before_phrase, school_names
    from bot.handlers.shared.views import local_place

    def school(number: int) -> School:
        return School(number, 1, None, f"МАОУ СОШ № {number}", f"СОШ № {number}")

    assert local_place(ZoneInfo("Asia/Tomsk"), "Город Томск") == "Томск"
    assert local_place(ZoneInfo("Europe/Moscow"), "Москва") == "Москва"
    assert local_place(ZoneInfo("Etc/UTC"), "Город Томск") == "Город Томск"
    assert school_names([school(1)]) == "СОШ № 1"
    assert school_names([school(n) for n in (1, 2, 3, 4)]) == "СОШ № 1, СОШ № 2, СОШ № 3 и СОШ № 4"
    assert school_names([school(n) for n in range(1, 8)]) == "СОШ № 1, СОШ № 2, СОШ № 3 и ещё 4"
    assert days_before_phrase([1]) == "за 1 день до срока"
    assert days_before_phrase([2, 3]) == "за 3 и за 2 дня до срока"
    assert days_before_phrase([7, 5, 21]) == "за 21, за 7 и за 5 дней до срока"
