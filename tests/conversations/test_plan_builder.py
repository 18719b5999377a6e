"""Building a plan in the chat over the fake Bot API: two sections, three items (a deadline that
cannot be read is asked again, owners recognised), a restart in the middle, saved and shown as a
board; cancelled (asked once more); refused to those who may not load plans."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.handlers.plans.builder import BuildSave, BuildStart
from core.actors import Actor
from core.plans.store import plan_board, visible_plans
from storage.people import Role
from tests.factories import make_actor, make_person, make_town
from tests.harness import BotHarness
from texts import common as common_texts
from texts import people as people_texts
from texts import plan_builder as texts
from texts import plans as plan_texts

METHODIST, TEACHER = 921, 922
TOMSK = ZoneInfo("Asia/Tomsk")
NOW = datetime(2020, 6, 16, 12, tzinfo=TOMSK)
TITLE = "Дорожная карта по работе со ШНОР на 2020/21 учебный год"


async def _town(harness: BotHarness) -> Actor:
    """Kedrovy with its methodist (returned) and Дурникова at its school."""
    harness.clock.set(NOW)
    kedrovy = await make_town(harness.database, "Город Кедровый", ("МКОУ СОШ № 1",))
    mid = kedrovy.municipality.id
    methodist = await make_actor(
        harness.database, METHODIST, Role.METHODIST, full_name="Смирнова Елена Александровна",
        municipality_id=mid,
    )  # fmt: skip
    await make_person(
        harness.database, TEACHER, Role.RESPONDENT, full_name="Дурникова Анна Викторовна",
        school_id=kedrovy.schools[0].id,
    )  # fmt: skip
    return methodist


async def test_a_methodist_builds_a_plan_of_two_sections_in_the_chat(
    harness: BotHarness,
) -> None:
    actor = await _town(harness)
    methodist = harness.user(METHODIST)
    await methodist.send("/plans")
    listing = await methodist.next_message()
    assert listing.button_texts == [texts.BUILD_BUTTON]
    await methodist.press(texts.BUILD_BUTTON, message=listing)
    assert (await methodist.next_message()).plain_text == texts.ASK_TITLE
    await methodist.send("   ")
    assert (await methodist.next_message()).plain_text == texts.TITLE_EMPTY
    await methodist.send(TITLE)
    assert (await methodist.next_message()).plain_text == texts.ASK_FIRST_SECTION.format(
        title=TITLE, first=2020, second=2021
    )
    await methodist.send("Методическая работа")
    asked = (await methodist.next_message()).plain_text or ""
    assert asked.startswith("Раздел «Методическая работа», пункт 1. Что нужно сделать?")
    await methodist.send_sticker()
    assert (await methodist.next_message()).plain_text == texts.TEXT_WANTED
    await methodist.send("Назначение куратора для сопровождения ШНОР")
    assert (await methodist.next_message()).plain_text == texts.ASK_DEADLINE
    await methodist.send("когда-нибудь")
    refused = (await methodist.next_message()).plain_text or ""
    assert refused.startswith("Не понял срок «когда-нибудь»: напишите дату (10.03.2021)")
    # A menu button of no menu yet: the item comes first.
    early = await methodist.press_data(listing, BuildSave().pack())
    await harness.settle()
    assert (methodist.callback_answer(early) or {}).get("text") == texts.FINISH_ITEM_FIRST
    await methodist.send("август")
    assert (await methodist.next_message()).plain_text == texts.ASK_OWNERS
    await methodist.send("...")
    assert (await methodist.next_message()).plain_text == texts.OWNERS_UNREAD.format(text="...")
    await methodist.send("Смирнова Е.А., методист; Макринский А.Н.")
    added = await methodist.next_message()
    assert (added.plain_text or "").splitlines() == [
        "✅ Пункт 1 раздела «Методическая работа» добавлен: Назначение куратора для "
        "сопровождения ШНОР — до 31.08.2020 (август).",
        "Ответственные: Смирнова Е.А., методист ✓; Макринский А.Н. (нет в боте)",
        texts.UNKNOWN_NOTE,
        "В плане разделов: 1, пунктов: 1.",
    ]
    assert added.button_texts == [
        texts.MORE_BUTTON,
        texts.SECTION_BUTTON,
        texts.SAVE_BUTTON,
        texts.CANCEL_BUTTON,
    ]
    await methodist.send("а теперь?")
    assert (await methodist.next_message()).plain_text == texts.MENU_HINT

    # The draft lives in the database: it survives a restart of the bot.
    await harness.restart()
    await methodist.press(texts.MORE_BUTTON, message=added)
    assert "пункт 2" in ((await methodist.next_message()).plain_text or "")
    await methodist.send("Мониторинг и оценка результативности принимаемых мер")
    await methodist.next_message()
    await methodist.send("в течение учебного года")
    await methodist.next_message()
    await methodist.send("-")
    second = await methodist.next_message()
    assert "— до 31.08.2021 (в течение учебного года)." in (second.plain_text or "")
    assert "Ответственные: не указаны" in (second.plain_text or "")

    await methodist.press(texts.SECTION_BUTTON, message=second)
    assert (await methodist.next_message()).plain_text == texts.ASK_NEXT_SECTION
    await methodist.send("Работа с родителями обучающихся")
    await methodist.next_message()
    await methodist.send("Работа школьной службы примирения")
    await methodist.next_message()
    await methodist.send("до 10.03.2021")
    await methodist.next_message()
    await methodist.send("психолог, классные руководители, Дурникова А.В.")
    third = await methodist.next_message()
    assert "— до 10.03.2021.\n" in (third.plain_text or "")  # "до" adds nothing to the date
    assert "Ответственные: Дурникова А.В. ✓; психолог; классные руководители" in (
        third.plain_text or ""
    )
    assert "В плане разделов: 2, пунктов: 3." in (third.plain_text or "")

    await methodist.press(texts.SAVE_BUTTON, message=third)
    assert (await methodist.next_message()).plain_text == texts.SAVED.format(
        sections=2, items=3, known=2, people=3
    )
    board = (await methodist.next_message()).plain_text or ""
    assert board.startswith(TITLE)
    assert "2020/2021 учебный год · пунктов: 3" in board
    assert "Выполнено 0 · в работе 0 · запланировано 3" in board
    # The menu's buttons are gone: a second save is an old button.
    assert third.button_texts == []
    again = await methodist.press_data(third, BuildSave().pack())
    await harness.settle()
    assert (methodist.callback_answer(again) or {}).get("text") == common_texts.STALE_BUTTON

    (line,) = await visible_plans(harness.database, actor, today=NOW.date())
    stored = (await plan_board(harness.database, actor, line.plan_id, today=NOW.date())).plan
    assert stored.school_year == 2020
    assert [(i.section, i.number, i.due_on, i.deadline_label) for i in stored.items] == [
        ("Методическая работа", "1", date(2020, 8, 31), "август"),
        ("Методическая работа", "2", date(2021, 8, 31), "в течение учебного года"),
        ("Работа с родителями обучающихся", "1", date(2021, 3, 10), "до 10.03.2021"),
    ]
    owners = [[(o.name, o.position, o.user_id is not None) for o in i.owners] for i in stored.items]
    assert owners == [
        [("Смирнова Е.А.", "методист", True), ("Макринский А.Н.", None, False)],
        [],
        [
            ("Дурникова А.В.", None, True),
            ("психолог", None, False),
            ("классные руководители", None, False),
        ],
    ]

    # Дурникова finds her item under "📌 Мои пункты".
    teacher = harness.user(TEACHER)
    await teacher.send("/plans")
    assert plan_texts.MY_ITEMS_BUTTON in (await teacher.next_message()).button_texts


async def test_building_is_cancelled_after_a_second_question_or_by_cancel(
    harness: BotHarness,
) -> None:
    await _town(harness)
    methodist = harness.user(METHODIST)
    await methodist.send("/plans")
    await methodist.press(texts.BUILD_BUTTON, message=await methodist.next_message())
    await methodist.next_message()
    await methodist.send("План на 2021/22")
    assert "на 2021/2022 учебный год" in ((await methodist.next_message()).plain_text or "")
    await methodist.send("Раздел")
    await methodist.next_message()
    await methodist.send("Пункт")
    await methodist.next_message()
    await methodist.send("май")
    await methodist.next_message()
    await methodist.send("нет")
    menu = await methodist.next_message()
    assert "до 31.05.2022 (май)" in (menu.plain_text or "")  # the title's school year

    await methodist.press(texts.CANCEL_BUTTON, message=menu)
    question = await methodist.next_message()
    assert question.plain_text == texts.ASK_DISCARD.format(title="План на 2021/22", items=1)
    await methodist.send("да")
    assert (await methodist.next_message()).plain_text == texts.DISCARD_HINT
    await methodist.press(texts.RESUME_BUTTON, message=question)
    menu = await methodist.next_message()
    assert menu.plain_text == "В плане разделов: 1, пунктов: 1."
    await methodist.press(texts.CANCEL_BUTTON, message=menu)
    question = await methodist.next_message()
    await methodist.press(texts.DISCARD_BUTTON, message=question)
    assert (await methodist.next_message()).plain_text == texts.DISCARDED
    await methodist.send("/plans")
    assert plan_texts.NO_PLANS in ((await methodist.next_message()).plain_text or "")

    # /cancel leaves any step; what is typed after is nobody's answer.
    await methodist.press(texts.BUILD_BUTTON, message=methodist.last_message())
    await methodist.next_message()
    await methodist.send("/cancel")
    assert (await methodist.next_message()).plain_text == common_texts.CANCELLED
    await methodist.send("Дорожная карта")
    assert (await methodist.next_message()).plain_text == common_texts.UNEXPECTED_TEXT

    # A school's representative has no such button, and a forged one is refused.
    teacher = harness.user(TEACHER)
    await teacher.send("/plans")
    listing = await teacher.next_message()
    assert texts.BUILD_BUTTON not in listing.button_texts
    forged = await teacher.press_data(listing, BuildStart().pack())
    await harness.settle()
    assert (teacher.callback_answer(forged) or {}).get("text") == people_texts.ACCESS_DENIED
