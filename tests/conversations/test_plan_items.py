"""A plan's items over the fake Bot API: an owner opens an item's card from "📌 Мои пункты",
starts it, postpones it (a wrong date first), reports it done with a link; the methodist opens
the plan's items from its board, marks one не выполнено and sees the evidence; an owner is
refused what only the methodist may do; old buttons change nothing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.handlers.plans.callbacks import ItemDone
from bot.handlers.plans.item_callbacks import ItemDrop, PlanItems
from core.actors import Actor
from core.plans import Deadline, DeadlineKind, Item, Owners, PlanDraft, Section, WrittenPerson
from core.plans.store import plan_board, save_plan
from storage.people import Role
from tests.factories import make_actor, make_person, make_town
from tests.harness import BotHarness
from tests.plans.seed import seed_draft
from texts import common as common_texts
from texts import plan_items as texts
from texts import plans as plan_texts

METHODIST, TEACHER, OTHER_TEACHER = 911, 912, 913
TOMSK = ZoneInfo("Asia/Tomsk")
NOW = datetime(2020, 10, 15, 10, tzinfo=TOMSK)
DURNIKOVA = Owners((WrittenPerson("Дурникова", "А.В."),))


async def _kedrovy(harness: BotHarness, draft: PlanDraft) -> tuple[Actor, int, list[int]]:
    """Kedrovy with its methodist, Дурникова at its school, another school's teacher, and the
    plan stored: the methodist, the plan's id, its items' ids."""
    harness.clock.set(NOW)
    kedrovy = await make_town(harness.database, "Город Кедровый", ("МКОУ СОШ № 1", "Пудинская"))
    mid = kedrovy.municipality.id
    methodist = await make_actor(
        harness.database, METHODIST, Role.METHODIST, full_name="Смирнова Елена Александровна",
        municipality_id=mid,
    )  # fmt: skip
    await make_person(
        harness.database, TEACHER, Role.RESPONDENT, full_name="Дурникова Анна Викторовна",
        school_id=kedrovy.schools[0].id,
    )  # fmt: skip
    await make_person(
        harness.database, OTHER_TEACHER, Role.RESPONDENT, school_id=kedrovy.schools[1].id
    )
    plan_id = await save_plan(harness.database, methodist, draft, municipality_id=mid, now=NOW)
    board = await plan_board(harness.database, methodist, plan_id, today=NOW.date())
    return methodist, plan_id, [item.id for item in board.plan.items]


def _small_plan() -> PlanDraft:
    september = Deadline(DeadlineKind.MONTH, date(2020, 9, 30), "сентябрь")
    may = Deadline(DeadlineKind.MONTH, date(2021, 5, 31), "май")
    items = (
        Item("1", "Семинар «Схема анализа урока по ФГОС»", september, DURNIKOVA, 1),
        Item("2", "Открытые уроки русского языка", may, DURNIKOVA, 2),
    )
    return PlanDraft("Дорожная карта на 2020/21", 2020, (Section("Методическая работа", items),))


async def test_an_owner_starts_postpones_and_reports_an_item_done(harness: BotHarness) -> None:
    _, _, (seminar, lessons) = await _kedrovy(harness, _small_plan())
    teacher = harness.user(TEACHER)
    await teacher.send("/plans")
    await teacher.press(plan_texts.MY_ITEMS_BUTTON, message=await teacher.next_message())
    mine = await teacher.next_message()
    assert (mine.plain_text or "").splitlines()[1:] == [
        "1. п. 1. Семинар «Схема анализа урока по ФГОС» — до 30.09.2020 ⏰",
        "2. п. 2. Открытые уроки русского языка — до 31.05.2021",
    ]
    assert mine.button_texts == ["1", "2"]

    await teacher.press("1", message=mine)
    card = await teacher.next_message()
    shown = card.plain_text or ""
    assert shown.startswith("п. 1. Семинар «Схема анализа урока по ФГОС»\nПлан: Дорожная карта")
    assert "Срок: до 30.09.2020 (сентябрь) ⏰ просрочен" in shown
    assert "Ответственные: Дурникова А.В." in shown
    assert "Статус: 🕓 запланировано" in shown
    assert texts.CARD_NO_HISTORY in shown
    # An owner may not mark it не выполнено: no such button.
    assert card.button_texts == [
        texts.START_BUTTON,
        texts.DONE_BUTTON,
        texts.POSTPONE_BUTTON,
        texts.MY_ITEMS_BACK,
    ]

    pressed = await teacher.press(texts.START_BUTTON, message=card)
    await harness.settle()
    assert (teacher.callback_answer(pressed) or {}).get("text") == texts.STARTED_ALERT
    assert "Статус: ▶️ в работе" in (card.plain_text or "")  # the card redrawn
    assert "15.10.2020 10:00 · Дурникова Анна Викторовна: ▶️ в работе" in (card.plain_text or "")
    assert texts.START_BUTTON not in card.button_texts

    await teacher.press(texts.POSTPONE_BUTTON, message=card)
    asked = (await teacher.next_message()).plain_text or ""
    assert "срок сейчас — до 30.09.2020" in asked
    assert "не позднее 31.08.2021" in asked
    await teacher.send("когда-нибудь")
    assert (await teacher.next_message()).plain_text == texts.DEADLINE_UNCLEAR.format(
        text="когда-нибудь"
    )
    await teacher.send("август")  # August 2020: past
    assert (await teacher.next_message()).plain_text == texts.DEADLINE_NOT_AFTER_TODAY.format(
        due="31.08.2020", today="15.10.2020"
    )
    await teacher.send("сентябрь 2021")  # past the plan's year: the methodist's to decide
    assert (await teacher.next_message()).plain_text == texts.DEADLINE_TOO_LATE_OWNER.format(
        due="30.09.2021", limit="31.08.2021"
    )
    await teacher.send("декабрь")
    assert (await teacher.next_message()).plain_text == texts.ASK_POSTPONE_REASON.format(
        due="31.12.2020", limit=500
    )
    await teacher.send_sticker()
    assert (await teacher.next_message()).plain_text == texts.TEXT_WANTED
    await teacher.send("/help")  # a command still works and the step waits
    await teacher.next_message()
    await teacher.send("Зал на ремонте до конца ноября")
    moved = await teacher.next_message()
    assert moved.plain_text == (
        "📅 Перенесено: п. 1 «Семинар «Схема анализа урока по ФГОС»» — теперь до 31.12.2020."
    )

    await teacher.press(texts.OPEN_BUTTON, message=moved)
    card = await teacher.next_message()
    shown = card.plain_text or ""
    assert "Срок: до 31.12.2020 (декабрь)\n" in shown
    assert "Статус: 📅 перенесено" in shown
    assert (
        "Дурникова Анна Викторовна: 📅 перенесено до 31.12.2020 — «Зал на ремонте до конца ноября»"
        in shown
    )

    await teacher.press(texts.DONE_BUTTON, message=card)
    assert "Коротко напишите, что сделано" in ((await teacher.next_message()).plain_text or "")
    await teacher.send("Семинар проведён 10.12, 14 участников")
    evidence = await teacher.next_message()
    assert evidence.plain_text == texts.ASK_EVIDENCE
    assert evidence.button_texts == [texts.NO_EVIDENCE_BUTTON]
    await teacher.send("сайт школы")
    assert (await teacher.next_message()).plain_text == texts.EVIDENCE_NOT_A_LINK
    await teacher.send_voice()
    assert (await teacher.next_message()).plain_text == texts.EVIDENCE_WRONG_KIND
    await teacher.send("https://school1.ru/seminar-2020")
    done = (await teacher.next_message()).plain_text or ""
    assert done == (
        "✅ Отмечено выполненным: п. 1 «Семинар «Схема анализа урока по ФГОС»» (со ссылкой). "
        "Спасибо!"
    )

    # Old buttons: the item is closed now.
    for button in (texts.DONE_BUTTON, texts.POSTPONE_BUTTON):
        again = await teacher.press(button, message=card)
        await harness.settle()
        assert (teacher.callback_answer(again) or {}).get("text") == texts.ITEM_CLOSED
    # The other item is open, but only the methodist marks it не выполнено (a forged button).
    forged = await teacher.press_data(card, ItemDrop(i=lessons).pack())
    await harness.settle()
    assert (teacher.callback_answer(forged) or {}).get("text") == texts.ONLY_MANAGER_DROPS
    # Another school's teacher sees the card, but may do nothing to it.
    other = harness.user(OTHER_TEACHER)
    refused = await other.press_data(card.message_id, ItemDone(i=lessons).pack())
    await harness.settle()
    assert (other.callback_answer(refused) or {}).get("text") == texts.ITEM_GONE
    await teacher.press(texts.MY_ITEMS_BACK, message=card)
    assert (await teacher.next_message()).button_texts == ["1"]  # the seminar is closed
    assert seminar != lessons


async def test_the_methodist_marks_an_item_not_done_and_sees_the_evidence(
    harness: BotHarness,
) -> None:
    _, plan_id, (seminar, lessons) = await _kedrovy(harness, _small_plan())
    teacher = harness.user(TEACHER)
    await teacher.send("/plans")
    await teacher.press(plan_texts.MY_ITEMS_BUTTON, message=await teacher.next_message())
    await teacher.press("1", message=await teacher.next_message())
    await teacher.press(texts.DONE_BUTTON, message=await teacher.next_message())
    await teacher.next_message()
    await teacher.send("Семинар проведён")
    await teacher.next_message()
    await teacher.send_document("протокол.pdf", b"%PDF-1.7 protocol")
    assert (await teacher.next_message()).plain_text == (
        "✅ Отмечено выполненным: п. 1 «Семинар «Схема анализа урока по ФГОС»» (с файлом). Спасибо!"
    )

    methodist = harness.user(METHODIST)
    await methodist.send("/plans")
    listing = await methodist.next_message()
    await methodist.press(listing.button_texts[0], message=listing)
    board = await methodist.next_message()
    # The board's "🗂 Пункты плана" (``items.board_buttons``, wired by the board's router).
    await methodist.press_data(board, PlanItems(p=plan_id).pack())
    page = await methodist.next_message()
    assert (page.plain_text or "").splitlines()[1:] == [
        "Пункты плана, стр. 1 из 1 — нажмите номер:",
        "Методическая работа",
        "1. ✅ п. 1. Семинар «Схема анализа урока по ФГОС» — до 30.09.2020",
        "2. 🕓 п. 2. Открытые уроки русского языка — до 31.05.2021",
    ]
    assert page.button_texts == ["✅ 1", "🕓 2"]

    await methodist.press("✅ 1", message=page)
    done = await methodist.next_message()
    shown = done.plain_text or ""
    assert "Статус: ✅ выполнено\nОтчёт: Семинар проведён\n" in shown
    assert texts.CARD_FILE in shown
    assert done.button_texts == [texts.FILE_BUTTON, texts.PLAN_ITEMS_BUTTON]
    await methodist.press(texts.FILE_BUTTON, message=done)
    sent = await methodist.next_message()
    assert sent.document is not None
    assert sent.document.content == b"%PDF-1.7 protocol"

    await methodist.press("🕓 2", message=page)
    card = await methodist.next_message()
    assert card.button_texts == [
        texts.START_BUTTON,
        texts.DONE_BUTTON,
        texts.POSTPONE_BUTTON,
        texts.DROP_BUTTON,
        texts.PLAN_ITEMS_BUTTON,
    ]
    await methodist.press(texts.DROP_BUTTON, message=card)
    assert "будет отмечен невыполненным" in ((await methodist.next_message()).plain_text or "")
    await methodist.send("   ")
    assert (await methodist.next_message()).plain_text == texts.REASON_EMPTY
    await methodist.send("я" * 501)
    assert (await methodist.next_message()).plain_text == texts.REASON_TOO_LONG.format(
        length=501, limit=500
    )
    await methodist.send("Учитель русского языка уволился")
    dropped = await methodist.next_message()
    assert dropped.plain_text == "✖️ Отмечено невыполненным: п. 2 «Открытые уроки русского языка»."
    await methodist.press(texts.OPEN_BUTTON, message=dropped)
    closed = await methodist.next_message()
    assert "Статус: ✖️ не выполнено" in (closed.plain_text or "")
    assert "✖️ не выполнено — «Учитель русского языка уволился»" in (closed.plain_text or "")
    assert closed.button_texts == [texts.PLAN_ITEMS_BUTTON]
    stale = await methodist.press(texts.START_BUTTON, message=card)  # the card before
    await harness.settle()
    assert (methodist.callback_answer(stale) or {}).get("text") == texts.ITEM_CLOSED
    # Дурникова's list has nothing open now.
    await teacher.send("/plans")
    await teacher.next_message()
    assert seminar != lessons


async def test_a_step_is_left_with_cancel_and_a_long_plan_turns_pages(
    harness: BotHarness,
) -> None:
    _, plan_id, items = await _kedrovy(harness, seed_draft())
    methodist = harness.user(METHODIST)
    await methodist.send("/plans")
    listing = await methodist.next_message()
    await methodist.press(listing.button_texts[-2], message=listing)  # the plan; then "➕"
    board = await methodist.next_message()
    await methodist.press_data(board, PlanItems(p=plan_id).pack())
    page = await methodist.next_message()
    assert "стр. 1 из 4" in (page.plain_text or "")
    assert page.button_texts[-2:] == ["1/4", texts.NEXT_PAGE]
    await methodist.press(texts.NEXT_PAGE, message=page)
    await harness.settle()
    assert "стр. 2 из 4" in (page.plain_text or "")  # turned in place
    assert page.button_texts[0] == "🕓 11"
    assert page.button_texts[-3:] == [texts.PREVIOUS_PAGE, "2/4", texts.NEXT_PAGE]

    await methodist.press("🕓 11", message=page)
    card = await methodist.next_message()
    assert (card.plain_text or "").startswith("п. 8. Обеспечение сотрудничества всех")
    await methodist.press(texts.POSTPONE_BUTTON, message=card)
    assert "не позднее 31.08.2022" in ((await methodist.next_message()).plain_text or "")
    await methodist.send("/cancel")
    assert (await methodist.next_message()).plain_text == common_texts.CANCELLED
    await methodist.send("декабрь")
    assert (await methodist.next_message()).plain_text == common_texts.UNEXPECTED_TEXT
    assert len(items) == 39
