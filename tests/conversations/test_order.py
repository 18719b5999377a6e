"""/order over the fake Bot API: a round, the instructions' deadline, the instructions kept, and
the .docx read back with python-docx — in the asker's scope only."""

from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from docx import Document as read_document

from bot.handlers.order.callbacks import OrderToggle
from bot.handlers.order.deadline import months_later
from botapi_emulator import BotAPIEmulator, BotMessage, FakeUser
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.forms.models import FormDefinition
from storage import Database
from storage.directory import add_district, add_municipality, add_school
from storage.people import Role
from storage.types import utcnow
from tests.conversations.scripted import answer_form
from tests.factories import campaign_of, make_person
from tests.harness import BotHarness
from texts import common as common_texts
from texts import order_chat as texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
METHODIST, COORDINATOR, FIVE, ELEVEN, SIXTY_SIX = 801, 802, 811, 812, 866
PERIOD = "1 полугодие 2026/27"
REGULATION = "Разработать положение о внутренней системе оценки качества образования"
PLAN = "Разработать и утвердить план внутришкольного контроля на учебный год"
MISSING = "Представить результаты мониторинга в полном объёме"

ORDER_FORM = FormDefinition.model_validate(
    {
        "id": "order_check",
        "version": 1,
        "title": "Мониторинг внутренней системы оценки качества образования",
        "short_title": "Проверка ВСОКО",
        "sections": [
            {
                "title": "Положение о ВСОКО",
                "questions": [
                    {
                        "id": "regulation",
                        "type": "yes_no",
                        "text": "Есть ли в школе положение о ВСОКО?",
                        "order": {
                            "finding": "имеется положение о ВСОКО",
                            "instruction": REGULATION,
                        },
                    },
                    {
                        "id": "plan",
                        "type": "yes_no",
                        "text": "Утверждён ли план внутришкольного контроля?",
                        "order": {"finding": "утверждён план ВШК", "instruction": PLAN},
                    },
                ],
            }
        ],
    }
)
BUTTON = f"{ORDER_FORM.short_title} — {PERIOD}"


@pytest.fixture
async def harness(emulator: BotAPIEmulator, sqlite_db: Database) -> AsyncIterator[BotHarness]:
    running = BotHarness(emulator, sqlite_db, extra_forms={ORDER_FORM.id: ORDER_FORM})
    await running.start()
    yield running
    await running.stop()


@dataclass(frozen=True)
class Round:
    campaign_id: int
    today: date  # in Tomsk, the municipality's time


@pytest.fixture
async def round_(harness: BotHarness) -> Round:
    """Томск: СОШ № 5 (yes, yes) and СОШ № 11 (did not submit) in the north, ООШ № 66 (no, no)
    in the south."""
    database = harness.database
    async with database.write() as conn:
        municipality = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        north = await add_district(conn, municipality.id, "Северный округ")
        south = await add_district(conn, municipality.id, "Южный округ")
        schools = [
            await add_school(
                conn,
                municipality_id=municipality.id,
                full_name=f"{legal} {short}",
                short_name=short,
                legal_form=legal,
                district_id=district.id,
            )
            for legal, short, district in (
                ("МАОУ", "СОШ № 5", north),
                ("МАОУ", "СОШ № 11", north),
                ("МБОУ", "ООШ № 66", south),
            )
        ]
    for telegram_id, school in zip((FIVE, ELEVEN, SIXTY_SIX), schools, strict=True):
        await make_person(database, telegram_id, Role.RESPONDENT, school_id=school.id)
    await make_person(database, METHODIST, Role.METHODIST, municipality_id=municipality.id)
    await make_person(database, COORDINATOR, Role.COORDINATOR, district_id=north.id)
    await open_form_for_schools(
        database,
        harness.catalog,
        ORGANISER,
        ORDER_FORM.id,
        deadline=(utcnow() + timedelta(days=10)).date(),
        period_label=PERIOD,
        now=utcnow(),
    )
    answers = {FIVE: True, SIXTY_SIX: False}
    for telegram_id, yes in answers.items():
        script = {"regulation": yes, "plan": yes}
        await answer_form(harness, harness.user(telegram_id), ORDER_FORM, script)
    today = harness.clock().astimezone(ZoneInfo("Asia/Tomsk")).date()
    return Round(await campaign_of(database, municipality.id), today)


def _day(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _docx_text(message: BotMessage) -> str:
    assert message.document is not None
    printed = read_document(BytesIO(message.document.content))
    lines = [paragraph.text for paragraph in printed.paragraphs]
    lines += [cell.text for table in printed.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines).replace("\u00a0", " ")


async def _new(harness: BotHarness, user: FakeUser, action: Awaitable[int]) -> list[BotMessage]:
    """What the bot sent in answer to ``action`` (a respondent's chat already holds the form's
    screens, so the chat is counted, not read from its start)."""
    before = len(harness.emulator.messages(user.chat_id))
    await action
    await harness.settle()
    return harness.emulator.messages(user.chat_id)[before:]


async def _said(harness: BotHarness, user: FakeUser, text: str) -> BotMessage:
    [answer] = await _new(harness, user, user.send(text))
    return answer


async def _made(harness: BotHarness, user: FakeUser, screen: BotMessage) -> BotMessage:
    """Press "Сформировать": the progress message comes and goes, the document stays; with a
    deadline and instructions kept, an offer to put them under follow-up comes last."""
    preparing, document, *offer = await _new(harness, user, user.press(texts.MAKE_BUTTON, screen))
    assert preparing.plain_text == texts.PREPARING
    assert preparing.deleted
    for message in offer:
        assert message.button_texts == [texts.TRACK_BUTTON]
    return document


def _toggle(screen: BotMessage, mark: str, number: int) -> str:
    return next(t for t in screen.button_texts if t.startswith(f"{mark} {number}. "))


async def _to_the_deadline(harness: BotHarness, user: FakeUser) -> BotMessage:
    menu = await _said(harness, user, "/order")
    assert menu.plain_text == texts.CHOOSE
    assert menu.button_texts == [BUTTON]
    [ask] = await _new(harness, user, user.press(BUTTON, menu))
    return ask


async def test_a_methodist_drafts_an_order_choosing_the_deadline_and_the_instructions(
    harness: BotHarness, round_: Round
) -> None:
    methodist = harness.user(METHODIST)
    today = round_.today
    ask = await _to_the_deadline(harness, methodist)
    example = _day(today + timedelta(days=14))
    assert ask.plain_text == texts.ASK_DEADLINE.format(example=example)
    assert ask.button_texts == [
        f"до {_day(today + timedelta(days=7))}",
        f"до {example}",
        f"до {_day(months_later(today, 1))}",
        texts.NO_DEADLINE_BUTTON,
    ]

    # A wrong date, one in the past, one years ahead: each said why, the step stays.
    wrong = await _said(harness, methodist, "31.02.2027")
    assert wrong.plain_text == texts.BAD_DATE.format(example=example)
    past = await _said(harness, methodist, _day(today - timedelta(days=1)))
    assert past.plain_text == texts.DATE_IN_PAST.format(today=_day(today))
    far = await _said(harness, methodist, _day(today + timedelta(days=800)))
    assert far.plain_text == texts.DATE_TOO_FAR.format(limit=_day(months_later(today, 12)))

    deadline = today + timedelta(days=20)
    screen = await _said(harness, methodist, _day(deadline))
    lines = (screen.plain_text or "").splitlines()
    assert lines[1] == "Поручения школам — снимите отметку с тех, что не нужны:"
    assert lines[3:6] == [
        f"1. ✅ {REGULATION} — МБОУ ООШ № 66.",
        f"2. ✅ {PLAN} — МБОУ ООШ № 66.",
        f"3. ✅ {MISSING} — МАОУ СОШ № 11.",
    ]
    assert lines[-1] == texts.DEADLINE_LINE.format(deadline=_day(deadline))
    assert screen.button_texts[-2:] == [f"📅 Срок: до {_day(deadline)}", texts.MAKE_BUTTON]
    assert all(len(label) <= 64 for label in screen.button_texts)

    # Untick the plan: the screen changes in place, nothing new is sent.
    assert await _new(harness, methodist, methodist.press(_toggle(screen, "✅", 2), screen)) == []
    assert (screen.plain_text or "").splitlines()[4] == f"2. ⬜ {PLAN} — МБОУ ООШ № 66."
    assert _toggle(screen, "⬜", 2)

    document = await _made(harness, methodist, screen)
    assert [c.params.get("action") for c in harness.emulator.calls_of("sendChatAction")] == [
        "upload_document"
    ]
    assert document.document is not None
    assert (document.document.file_name or "").startswith("Распоряжение — ")
    assert (document.document.file_name or "").endswith(".docx")
    caption = document.plain_text or ""
    assert "Сдали 2 из 3." in caption
    assert f"2 поручения школам со сроком до {_day(deadline)}" in caption
    assert "Отредактируйте и подпишите." in caption

    text = _docx_text(document)
    assert f"в срок до {_day(deadline)}" in text
    assert f"{REGULATION} — МБОУ ООШ № 66." in text
    assert f"{MISSING} — МАОУ СОШ № 11." in text
    assert PLAN not in text
    assert "Не представили результаты мониторинга: МАОУ СОШ № 11." in text

    # The conversation is over: the old screen's buttons are stale.
    pressed = await methodist.press_data(
        screen, OrderToggle(campaign_id=round_.campaign_id, index=0).pack()
    )
    await harness.settle()
    assert (methodist.callback_answer(pressed) or {}).get("text") == texts.STALE


async def test_a_coordinator_drafts_for_their_schools_only(
    harness: BotHarness, round_: Round
) -> None:
    coordinator = harness.user(COORDINATOR)
    ask = await _to_the_deadline(harness, coordinator)
    week = f"до {_day(round_.today + timedelta(days=7))}"
    [screen] = await _new(harness, coordinator, coordinator.press(week, ask))
    assert (ask.plain_text or "").endswith(f"→ {week}")  # the quick buttons are closed
    assert (screen.plain_text or "").splitlines()[3:] == [
        f"1. ✅ {MISSING} — МАОУ СОШ № 11.",
        "",
        texts.DEADLINE_LINE.format(deadline=week.removeprefix("до ")),
    ]
    document = await _made(harness, coordinator, screen)
    assert "Сдали 1 из 2." in (document.plain_text or "")
    text = _docx_text(document)
    assert "СОШ № 11" in text
    assert "ООШ № 66" not in text
    assert REGULATION not in text


async def test_a_respondent_is_refused(harness: BotHarness, round_: Round) -> None:
    teacher = harness.user(FIVE)
    assert (await _said(harness, teacher, "/order")).plain_text == texts.NOT_ALLOWED


async def test_a_stale_index_and_a_changed_round_get_an_alert(
    harness: BotHarness, round_: Round
) -> None:
    methodist = harness.user(METHODIST)
    ask = await _to_the_deadline(harness, methodist)
    [screen] = await _new(harness, methodist, methodist.press(texts.NO_DEADLINE_BUTTON, ask))
    assert (screen.plain_text or "").splitlines()[-1] == texts.DEADLINE_LINE_BLANK
    assert len(screen.button_texts) == 5

    pressed = await methodist.press_data(
        screen, OrderToggle(campaign_id=round_.campaign_id, index=50).pack()
    )
    await harness.settle()
    assert (methodist.callback_answer(pressed) or {}).get("text") == texts.STALE

    # СОШ № 11 hands in meanwhile: its instruction goes, the numbers mean other items now.
    await answer_form(harness, harness.user(ELEVEN), ORDER_FORM, {"regulation": True, "plan": True})
    pressed = await methodist.press(_toggle(screen, "✅", 1), screen)
    await harness.settle()
    assert (methodist.callback_answer(pressed) or {}).get("text") == texts.CHANGED
    toggles, rest = screen.button_texts[:-2], screen.button_texts[-2:]
    assert [label[:4] for label in toggles] == ["✅ 1.", "✅ 2."]  # nothing unticked
    assert rest == [texts.DEADLINE_CHANGE_BUTTON_BLANK, texts.MAKE_BUTTON]

    document = await _made(harness, methodist, screen)
    assert "2 поручения школам, срок впишите от руки" in (document.plain_text or "")
    assert "Руководителям общеобразовательных учреждений в срок до «___»" in _docx_text(document)


async def test_making_the_file_after_the_list_changed_shows_the_new_list_first(
    harness: BotHarness, round_: Round
) -> None:
    """An instruction the methodist has not seen ticked never goes into the file."""
    methodist = harness.user(METHODIST)
    ask = await _to_the_deadline(harness, methodist)
    [screen] = await _new(harness, methodist, methodist.press(texts.NO_DEADLINE_BUTTON, ask))
    await answer_form(
        harness, harness.user(ELEVEN), ORDER_FORM, {"regulation": False, "plan": True}
    )
    before = len(harness.emulator.messages(methodist.chat_id))
    pressed = await methodist.press(texts.MAKE_BUTTON, screen)
    await harness.settle()
    assert (methodist.callback_answer(pressed) or {}).get("text") == texts.CHANGED
    [redrawn] = harness.emulator.messages(methodist.chat_id)[before:]
    assert redrawn.document is None
    assert f"1. ✅ {REGULATION} — ООУ № 11, 66." in (redrawn.plain_text or "")
    assert screen.button_texts == []  # the old screen's buttons are gone
    document = await _made(harness, methodist, redrawn)
    assert f"{REGULATION} — ООУ № 11, 66." in _docx_text(document)


async def test_cancel_ends_the_conversation_at_the_deadline(
    harness: BotHarness, round_: Round
) -> None:
    methodist = harness.user(METHODIST)
    ask = await _to_the_deadline(harness, methodist)
    assert (await _said(harness, methodist, "/cancel")).plain_text == common_texts.CANCELLED
    pressed = await methodist.press(ask.button_texts[0], ask)
    await harness.settle()
    assert (methodist.callback_answer(pressed) or {}).get("text") == texts.STALE
    assert (await _said(harness, methodist, _day(round_.today))).plain_text == (
        common_texts.UNEXPECTED_TEXT
    )
