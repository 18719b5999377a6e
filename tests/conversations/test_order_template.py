"""/order_template over the fake Bot API: a department's .docx blank uploaded, checked, shown,
sampled and removed; refused to those who may not set it."""

import io

from docx import Document as new_document

from bot.handlers.order_template.callbacks import TemplateSample
from core.order_templates import MAX_TEMPLATE_BYTES, template_for
from exports.documents import check_template
from storage.people import Role
from tests.factories import make_person, make_town
from tests.harness import ADMIN_TELEGRAM_ID, BotHarness
from texts import common as common_texts
from texts import directory as directory_texts
from texts import order_template as texts
from texts import people as people_texts

METHODIST, COORDINATOR, TEACHER = 801, 802, 803


def docx(*lines: str) -> bytes:
    made = new_document()
    for line in lines:
        made.add_paragraph(line)
    buffer = io.BytesIO()
    made.save(buffer)
    return buffer.getvalue()


GOOD = docx("УПРАВЛЕНИЕ ОБРАЗОВАНИЯ", "{{ЗАГОЛОВОК}}", "{{ТЕКСТ}}", "Исполнитель: {{ИСПОЛНИТЕЛЬ}}")


async def test_a_methodist_fixes_a_refused_template_and_then_sees_it_in_use(
    harness: BotHarness,
) -> None:
    town = await make_town(harness.database)
    await make_person(
        harness.database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id
    )
    methodist = harness.user(METHODIST)

    await methodist.send("/order_template")
    intro = await methodist.next_message()
    assert texts.STATUS_STANDARD in (intro.plain_text or "")
    assert "{{ТЕКСТ}}" in (intro.plain_text or "")
    assert intro.button_texts == [texts.SAMPLE_BUTTON]  # nothing of its own to delete

    await methodist.send_document("бланк.docx", docx("УПРАВЛЕНИЕ", "{{ФИО}}"))
    refused = (await methodist.next_message()).plain_text or ""
    assert refused.startswith(texts.NOT_SAVED)
    assert "нет поля {{ТЕКСТ}}" in refused
    assert "Неизвестные поля: {{ФИО}}" in refused
    assert await template_for(harness.database, town.municipality.id) is None

    await methodist.send("вот файл")
    assert (await methodist.next_message()).plain_text == texts.WAITING
    await methodist.send_document("бланк.pdf", b"%PDF-1.7")
    assert (await methodist.next_message()).plain_text == texts.WRONG_TYPE
    await methodist.send_document("бланк.doc", b"\xd0\xcf\x11\xe0")
    assert (await methodist.next_message()).plain_text == texts.OLD_WORD

    await methodist.send_document("бланк.docx", GOOD)
    saved = (await methodist.next_message()).plain_text or ""
    assert saved.startswith("✅ Шаблон сохранён: «бланк.docx» (Город Томск)")
    assert "Найдены поля: {{ЗАГОЛОВОК}}, {{ТЕКСТ}}, {{ИСПОЛНИТЕЛЬ}}" in saved
    assert await template_for(harness.database, town.municipality.id) == GOOD
    assert await template_for(harness.database, None) is None  # not the deployment's

    # The step is over: a text is no longer taken for an answer to it.
    await methodist.send("ещё один")
    assert (await methodist.next_message()).plain_text == common_texts.UNEXPECTED_TEXT

    await methodist.send("/order_template")
    status = await methodist.next_message()
    assert "Загружен шаблон «бланк.docx»" in (status.plain_text or "")
    assert "Иванова Мария Петровна" in (status.plain_text or "")
    assert status.button_texts == [texts.SAMPLE_BUTTON, texts.DELETE_BUTTON]


async def test_the_sample_downloads_and_an_own_template_is_deleted_after_a_yes(
    harness: BotHarness,
) -> None:
    town = await make_town(harness.database)
    await make_person(
        harness.database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id
    )
    methodist, admin = harness.user(METHODIST), harness.user(ADMIN_TELEGRAM_ID)
    # The administrator's blank is the deployment's: the municipality falls back to it.
    await admin.send("/order_template")
    assert texts.SCOPE_DEPLOYMENT in ((await admin.next_message()).plain_text or "")
    await admin.send_document("общий.docx", GOOD)
    assert "(общий для муниципалитетов" in ((await admin.next_message()).plain_text or "")

    await methodist.send("/order_template")
    status = await methodist.next_message()
    assert "Своего шаблона нет" in (status.plain_text or "")
    assert "«общий.docx»" in (status.plain_text or "")
    await methodist.press(texts.SAMPLE_BUTTON)
    sample = await methodist.next_message()
    assert sample.document is not None
    assert sample.document.file_name == texts.SAMPLE_FILE
    assert check_template(sample.document.content).problems == []

    own = docx("{{ТЕКСТ}}")
    await methodist.send_document("свой.docx", own)
    await methodist.next_message()
    assert await template_for(harness.database, town.municipality.id) == own

    await methodist.send("/order_template")
    await methodist.next_message()
    await methodist.press(texts.DELETE_BUTTON)
    assert (await methodist.next_message()).plain_text == texts.CONFIRM_DELETE.format(
        file="свой.docx"
    )
    await methodist.press(texts.CONFIRM_NO)
    assert (await methodist.next_message()).plain_text == texts.KEPT
    assert await template_for(harness.database, town.municipality.id) == own

    await methodist.press(texts.DELETE_BUTTON)
    await methodist.next_message()
    await methodist.press(texts.CONFIRM_YES)
    deleted = (await methodist.next_message()).plain_text or ""
    assert deleted.startswith(texts.DELETED)
    assert "общем бланке «общий.docx»" in deleted
    assert await template_for(harness.database, town.municipality.id) == GOOD


async def test_a_file_too_large_is_refused_before_it_is_downloaded(harness: BotHarness) -> None:
    town = await make_town(harness.database)
    await make_person(
        harness.database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id
    )
    methodist = harness.user(METHODIST)
    await methodist.send("/order_template")
    await methodist.next_message()

    await methodist.send_document("бланк.docx", b"0" * (MAX_TEMPLATE_BYTES + 1))

    assert (await methodist.next_message()).plain_text == texts.TOO_LARGE.format(megabytes=2)
    assert harness.emulator.calls_of("getFile") == []


async def test_coordinators_and_respondents_may_not_set_the_blank(harness: BotHarness) -> None:
    town = await make_town(harness.database)
    await make_person(
        harness.database, COORDINATOR, Role.COORDINATOR, municipality_id=town.municipality.id
    )
    await make_person(harness.database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)

    for telegram_id in (COORDINATOR, TEACHER):
        user = harness.user(telegram_id)
        await user.send("/order_template")
        assert (await user.next_message()).plain_text == texts.NOT_ALLOWED
        await user.send_document("бланк.docx", GOOD)
        await user.next_message()  # the fallback's answer, nothing stored
    coordinator = harness.user(COORDINATOR)
    pressed = await coordinator.press_data(1, TemplateSample().pack())
    await harness.settle()
    answer = coordinator.callback_answer(pressed)
    assert answer is not None
    assert answer.get("text") == people_texts.ACCESS_DENIED
    assert await template_for(harness.database, town.municipality.id) is None


async def test_cancel_leaves_the_step_and_the_administrators_file_is_a_directory_again(
    harness: BotHarness,
) -> None:
    admin = harness.user(ADMIN_TELEGRAM_ID)
    await admin.send("/order_template")
    await admin.next_message()

    await admin.send("/cancel")
    assert (await admin.next_message()).plain_text == common_texts.CANCELLED
    await admin.send_document("бланк.docx", GOOD)

    assert (await admin.next_message()).plain_text == directory_texts.IMPORT_WRONG_TYPE
    assert await template_for(harness.database, None) is None
