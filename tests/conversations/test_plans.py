"""/plans over the fake Bot API: a methodist uploads seed 001's road map (a broken copy first),
sees what is overdue; a school's representative of the municipality sees the plan too."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from docx import Document

from storage.people import Role
from tests.factories import make_person, make_town
from tests.harness import BotHarness
from tests.plans.seed import seed_docx, seed_xlsx
from texts import plan_items as item_texts
from texts import plans as texts

METHODIST, TEACHER, STRANGER_METHODIST = 901, 902, 903
TOMSK = ZoneInfo("Asia/Tomsk")


async def test_a_methodist_loads_the_road_map_and_sees_what_is_overdue(
    harness: BotHarness,
) -> None:
    harness.clock.set(datetime(2020, 10, 15, 10, tzinfo=TOMSK))
    kedrovy = await make_town(harness.database, "Город Кедровый", ("МКОУ СОШ № 1",))
    other = await make_town(harness.database, "Город Томск", ("СОШ № 5",))
    await make_person(
        harness.database, METHODIST, Role.METHODIST, full_name="Смирнова Елена Александровна",
        municipality_id=kedrovy.municipality.id,
    )  # fmt: skip
    await make_person(
        harness.database, TEACHER, Role.RESPONDENT, full_name="Дурникова Анна Викторовна",
        school_id=kedrovy.schools[0].id,
    )  # fmt: skip
    await make_person(
        harness.database, STRANGER_METHODIST, Role.METHODIST,
        municipality_id=other.municipality.id,
    )  # fmt: skip
    methodist = harness.user(METHODIST)

    await methodist.send("/plans")
    intro = (await methodist.next_message()).plain_text or ""
    assert texts.NO_PLANS in intro
    assert "Ответственные" in intro

    await methodist.send_document("план.pdf", b"%PDF-1.7")
    assert (await methodist.next_message()).plain_text == texts.WRONG_TYPE
    await methodist.send("вот он")
    assert (await methodist.next_message()).plain_text == texts.WAITING

    await methodist.send_document("дорожная карта.docx", _broken_docx())
    refused = (await methodist.next_message()).plain_text or ""
    assert refused.startswith(texts.NOT_SAVED)
    assert "«Сроки»: не удалось понять срок «когда-нибудь»" in refused

    await methodist.send_document("дорожная карта.xlsx", seed_xlsx())
    saved = (await methodist.next_message()).plain_text or ""
    assert saved.startswith("✅ План загружен: разделов 4, пунктов 39")
    # Of Ильина, Смирнова, Дурникова, Макринский, Рябцев, Зинченко, Сербушко.
    assert "узнал среди людей бота: 2 из 7" in saved
    board = (await methodist.next_message()).plain_text or ""
    assert "2020/2021 учебный год · пунктов: 39" in board
    assert "Выполнено 0 · в работе 0 · запланировано 39" in board
    assert "Просрочено на 15.10.2020: 17" in board
    overdue = [line for line in board.splitlines() if line.startswith("•")]
    assert len(overdue) == 15  # and the rest counted
    assert "до 31.05.2020 (Май 2020); Зинченко Н.А.; Сербушко Т.Ф." in board
    assert "п. 2. Назначение куратора для сопровождения ШНОР — до 31.08.2020 (август)" in board
    assert "…и ещё 2" in board

    # A representative of a Kedrovy school sees the municipality's plan; another town's
    # methodist does not.
    teacher = harness.user(TEACHER)
    await teacher.send("/plans")
    listing = await teacher.next_message()
    # She answers for items of her own, and for her school's own road map.
    mine_button, _school_map, button = listing.button_texts
    assert mine_button == texts.MY_ITEMS_BUTTON
    assert button.startswith("2020/21 · «Дорожная карта»")
    assert button.endswith("· 0/39 · ⏰ 17")
    await teacher.press(button, message=listing)
    assert "Просрочено на 15.10.2020: 17" in ((await teacher.next_message()).plain_text or "")

    # Дурникова reports her most overdue item done.
    await teacher.press(mine_button, message=listing)
    mine = await teacher.next_message()
    first_line = (mine.plain_text or "").splitlines()[1]
    assert first_line.startswith("1. п. 4. Методический десант руководителя")
    assert first_line.endswith("до 31.08.2020 ⏰")
    await teacher.press("1", message=mine)
    card = await teacher.next_message()
    await teacher.press(item_texts.DONE_BUTTON, message=card)
    assert "Коротко напишите, что сделано" in ((await teacher.next_message()).plain_text or "")
    await teacher.send("я" * 1001)
    assert "1001 знаков из 1000" in ((await teacher.next_message()).plain_text or "")
    await teacher.send("Десант проведён 27.08, протокол у методиста")
    assert (await teacher.next_message()).plain_text == item_texts.ASK_EVIDENCE
    await teacher.press(item_texts.NO_EVIDENCE_BUTTON)
    done = (await teacher.next_message()).plain_text or ""
    assert done.startswith("✅ Отмечено выполненным: п. 4 «Методический десант")
    # The same button again: closed now.
    again = await teacher.press(item_texts.DONE_BUTTON, message=card)
    await harness.settle()
    assert (teacher.callback_answer(again) or {}).get("text") == item_texts.ITEM_CLOSED

    await methodist.send("/plans")
    plans = await methodist.next_message()
    # Смирнова has items too (first), and may build a plan in the chat (last).
    *_, plan_button, build_button = plans.button_texts
    assert plan_button.endswith("· 1/39 · ⏰ 16")
    assert build_button == "➕ Составить план в чате"
    await methodist.press(plan_button, message=plans)
    after = (await methodist.next_message()).plain_text or ""
    assert "Выполнено 1 · в работе 0 · запланировано 38" in after
    assert "Просрочено на 15.10.2020: 16" in after

    stranger = harness.user(STRANGER_METHODIST)
    await stranger.send("/plans")
    theirs = await stranger.next_message()
    assert texts.NO_PLANS in (theirs.plain_text or "")
    assert theirs.button_texts == ["➕ Составить план в чате"]  # of their own town's plans


def _broken_docx() -> bytes:
    """The seed's document with one deadline no one can read."""
    document = Document(io.BytesIO(seed_docx()))
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.text == "сентябрь":
                    cell.text = "когда-нибудь"
                    buffer = io.BytesIO()
                    document.save(buffer)
                    return buffer.getvalue()
    raise AssertionError("the seed has a 'сентябрь' deadline")
