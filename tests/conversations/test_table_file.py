"""Issue 17, point 2, in the chat: a school enters its ВПР table as a filled Excel template. The
table's template button sends "Результаты ВПР — СОШ № 5 — шаблон.xlsx"; a file with errors is
refused with each problem by its cell and nothing is saved; the fixed file is saved as the
table's rows and the form goes on to its next step and review. Also the methodist's bulk load
from the /campaigns card."""

import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from botapi_emulator import BotMessage, FakeUser
from core.actors import Actor
from core.campaigns import CampaignPlan, open_campaign
from storage.people import Role
from tests.conversations.answering import stored_values
from tests.factories import Town, make_person, make_town
from tests.harness import BotHarness
from texts import forms as form_texts
from texts import questionnaire as questionnaire_texts
from texts import table_files as texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
TEACHER, METHODIST = 321, 654
SEED = Path(__file__).parent.parent / "tables" / "data" / "seed004_vpr.tsv"


@pytest.fixture
async def town(harness: BotHarness) -> Town:
    town = await make_town(harness.database, short_names=("СОШ № 5", "СОШ № 11"))
    await make_person(
        harness.database,
        TEACHER,
        Role.RESPONDENT,
        full_name="Иванова Мария",
        school_id=town.schools[0].id,
    )
    return town


async def open_round(harness: BotHarness, town: Town) -> None:
    now = harness.clock()
    plan = CampaignPlan(
        form_keys=("vpr",),
        municipality_id=town.municipality.id,
        period_label="весна 2021",
        opens_at=now,
        deadline_at=now + timedelta(days=10),
        school_ids=tuple(school.id for school in town.schools),
    )
    await open_campaign(harness.database, harness.catalog, ORGANISER, plan, now=now)


async def last(user: FakeUser, harness: BotHarness) -> BotMessage:
    await harness.settle()
    message = user.last_message()
    assert message is not None
    return message


def text_of(message: BotMessage) -> str:
    return message.plain_text or ""


async def table_screen(harness: BotHarness, town: Town) -> tuple[FakeUser, int, BotMessage]:
    """The teacher opens the form and answers its first question: the table is on screen."""
    await open_round(harness, town)
    teacher = harness.user(TEACHER)
    await teacher.send(questionnaire_texts.MY_FORMS_BUTTON)
    listing = await teacher.next_message()
    label = listing.button_texts[0]
    await teacher.press(label, message=listing)
    response_id = int((listing.button(label).callback_data or "").split(":")[1])
    await harness.settle()
    await teacher.send("весна 2021")
    screen = await last(teacher, harness)
    assert "Результаты ВПР по предметам и классам" in text_of(screen)
    return teacher, response_id, screen


async def press_template(
    teacher: FakeUser, harness: BotHarness, screen: BotMessage, response_id: int
) -> BotMessage:
    """The table screen's template button (by its payload: its wording is the screen's)."""
    data = f"tt:{response_id}:results"
    if data in screen.callback_data_ever:
        label = next(
            b
            for row in (screen.reply_markup or {}).get("inline_keyboard", [])
            for b in row
            if b.get("callback_data") == data
        )
        await teacher.press(label["text"], message=screen)
    else:
        await teacher.press_data(screen, data)
    return await last(teacher, harness)


def filled(template: BotMessage, cells: dict[str, str | int | None]) -> bytes:
    assert template.document is not None
    book = openpyxl.load_workbook(io.BytesIO(template.document.content))
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    for address, value in cells.items():
        sheet[address] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_a_filled_template_is_checked_by_cell_then_saved_and_shown(
    harness: BotHarness, town: Town
) -> None:
    teacher, response_id, screen = await table_screen(harness, town)
    template = await press_template(teacher, harness, screen, response_id)
    assert template.document is not None
    assert template.document.file_name == "Результаты ВПР — СОШ № 5 — шаблон.xlsx"
    assert text_of(template).startswith(
        "📄 Шаблон таблицы «Результаты ВПР по предметам и классам». Заполните его на компьютере"
    )

    # Not a spreadsheet: said so, still waiting.
    await teacher.send_document("фото.jpg", b"\xff\xd8\xff")
    assert text_of(await last(teacher, harness)) == texts.WRONG_TYPE
    await teacher.send("вот")
    assert text_of(await last(teacher, harness)) == texts.WAITING

    # Three errors: each by its cell, nothing saved.
    wrong: dict[str, str | int | None] = {
        "A5": "Математика", "B5": "5 класс", "C5": 20, "D5": 0,
        "A6": "Русский язык", "B6": "5", "C6": 120, "D6": 0,
        "A7": "математика", "B7": "5 кл.", "C7": 1, "D7": 2,
        "A8": "Матем", "B8": "6 класс", "C8": 3, "D8": 4,
    }  # fmt: skip
    await teacher.send_document("шаблон.xlsx", filled(template, wrong))
    refusal = await last(teacher, harness)
    assert text_of(refusal) == (
        "❌ Таблица не сохранена — исправьте и пришлите файл снова. Ошибки (3):\n"
        "• C6: число должно быть не больше 100.\n"
        "• A7–B7: эта строка уже есть (строка 5)\n"
        "• A8: «Матем» — такого нет в столбце «Предмет»"
    )
    assert "results" not in await stored_values(harness.database, response_id)

    # Fixed: saved, shown, and on to the form.
    fixed: dict[str, str | int | None] = wrong | {
        "C6": 40,
        "A7": None,
        "B7": None,
        "C7": None,
        "D7": None,
        "A8": "Математика",
    }
    await teacher.send_document("шаблон.xlsx", filled(template, fixed))
    saved = await last(teacher, harness)
    assert text_of(saved) == (
        "✅ Таблица «Результаты ВПР по предметам и классам» сохранена: 3 строки.\n"
        "• Математика, 5 класс: «2» — 20 %, «4–5» — 0 %\n"
        "• Русский язык, 5 класс: «2» — 40 %, «4–5» — 0 %\n"
        "• Математика, 6 класс: «2» — 3 %, «4–5» — 4 %"
    )
    stored = (await stored_values(harness.database, response_id))["results"]
    assert stored["done"] is True
    assert [row["fail_pct"] for row in stored["items"]] == [20, 40, 3]

    await teacher.press(texts.CONTINUE, message=saved)
    following = await last(teacher, harness)
    assert "Выводы и принятые меры по результатам ВПР" in text_of(following)
    await teacher.press(form_texts.SKIP, message=following)
    review = text_of(await last(teacher, harness))
    assert "Проверьте ответы" in review
    assert "Математика, 6 класс: «2» — 3 %, «4–5» — 4 %" in review


async def test_cancel_leaves_the_file_step(harness: BotHarness, town: Town) -> None:
    teacher, response_id, screen = await table_screen(harness, town)
    await press_template(teacher, harness, screen, response_id)
    await teacher.send("/cancel")
    await harness.settle()
    await teacher.send_document("шаблон.xlsx", b"PK")
    await harness.settle()
    assert "results" not in await stored_values(harness.database, response_id)


async def test_the_methodist_loads_the_published_table_from_the_round_card(
    harness: BotHarness, town: Town
) -> None:
    await open_round(harness, town)
    await make_person(
        harness.database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id
    )
    methodist = harness.user(METHODIST)
    await methodist.send("/campaigns")
    listing = await last(methodist, harness)
    await methodist.press(listing.button_texts[0], message=listing)
    card = await last(methodist, harness)
    await methodist.press(texts.BULK_BUTTON, message=card)
    ask = await last(methodist, harness)
    assert text_of(ask).startswith("📥 Результаты ВПР по предметам и классам — Результаты")
    assert "«Школа | Предмет | Класс | «2», % | «4–5», %»" in text_of(ask)
    await methodist.press(texts.BULK_SAMPLE_BUTTON, message=ask)
    sample = await last(methodist, harness)
    assert sample.document is not None

    # Seed 004's table names Tomsk district schools: none of them is in this round.
    await methodist.send_document("впр.tsv", SEED.read_bytes())
    years = await last(methodist, harness)
    assert years.button_texts == ["2019", "2018"]
    await methodist.press("2019", message=years)
    refusal = text_of(await last(methodist, harness))
    assert refusal.startswith("❌ Файл не загружен, ничего не сохранено.")
    assert '• B3: нет такой школы в мониторинге: «МБОУ "Александровская СОШ"»' in refusal

    by_rows = "Школа;Предмет;Класс;«2», %;«4–5», %\nМАОУ СОШ № 11;Математика;5;24;8\n"
    await methodist.send_document("школы.csv", by_rows.encode("cp1251"))
    done = text_of(await last(methodist, harness))
    title = "Результаты всероссийских проверочных работ (ВПР), весна 2021"
    assert done.startswith(f"✅ Загружено в «{title}»: 1 школа, 1 строка.")
    assert "Нет в файле: СОШ № 5." in done
