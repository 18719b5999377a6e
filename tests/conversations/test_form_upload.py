"""A questionnaire authored in Excel and uploaded in the chat (issue 18), over the fake Bot API:
a methodist sends the filled template, gets every problem by its cell, sees the form as a school
will, saves it; it is offered to their municipality only, a school answers it, the export holds
the answers; a changed workbook becomes version 2 while the submitted answers keep version 1."""

from datetime import timedelta
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from botapi_emulator import BotMessage, FakeUser
from core.actors import resolve_actor
from core.campaigns import open_form_for_schools
from core.forms.models import FormDefinition
from core.forms.workbook.example import example_form
from core.forms.workbook.writer import form_workbook
from storage.people import Role
from storage.schema import responses
from storage.types import utcnow
from tests.conversations.answering import walk
from tests.factories import campaign_of, make_person, make_town
from tests.harness import BotHarness
from texts import common as common_texts
from texts import forms_admin as texts
from texts import questionnaire as answer_texts

METHODIST, TEACHER, FAR_METHODIST = 961, 962, 963
PERIOD = "декабрь 2026"


def _changed(form: FormDefinition, **changes: Any) -> FormDefinition:
    return FormDefinition.model_validate({**form.model_dump(mode="json"), **changes})


def _authored() -> FormDefinition:
    """The template's example as a methodist makes it their own: without its results table
    (tables are answered in their own tests), under their code."""
    data = example_form().model_dump(mode="json")
    for section in data["sections"]:
        section["questions"] = [q for q in section["questions"] if q["type"] != "table"]
    data["id"], data["short_title"] = "difficulties", "Трудности в обучении 2026"
    return FormDefinition.model_validate(data)


async def _ask_upload(harness: BotHarness, methodist: FakeUser) -> None:
    sent = await _replies(harness, methodist, methodist.send("/forms_admin"))
    listing = sent[-1]
    assert texts.UPLOAD_BUTTON in listing.button_texts
    asked = await _replies(
        harness, methodist, methodist.press(texts.UPLOAD_BUTTON, message=listing)
    )
    assert [m.plain_text for m in asked] == [texts.UPLOAD_ASK]


async def _replies(harness: BotHarness, user: FakeUser, send: Any) -> list[BotMessage]:
    before = len(harness.emulator.messages(user.chat_id))
    await send
    await harness.settle()
    return harness.emulator.messages(user.chat_id)[before:]


async def test_an_uploaded_form_is_checked_previewed_saved_answered_and_exported(
    harness: BotHarness,
) -> None:
    town = await make_town(harness.database)
    far = await make_town(harness.database, name="Город Северск", short_names=("СОШ № 2",))
    await make_person(
        harness.database,
        METHODIST,
        Role.METHODIST,
        full_name="Викулова Елена Геннадьевна",
        municipality_id=town.municipality.id,
    )
    await make_person(harness.database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    await make_person(
        harness.database, FAR_METHODIST, Role.METHODIST, municipality_id=far.municipality.id
    )
    methodist = harness.user(METHODIST)
    form = _authored()
    await _ask_upload(harness, methodist)

    # A workbook that takes a built-in form's code: refused in the cell of the code.
    taken = form_workbook(_changed(form, id="vpr"))
    refused = await _replies(harness, methodist, methodist.send_document("Анкета.xlsx", taken))
    report = "\n".join(message.plain_text or "" for message in refused)
    assert report.startswith(texts.UPLOAD_REFUSED.format(count="1 ошибка")), report
    assert "Настройки, строка 2, столбец «значение»: код «vpr» занят встроенной анкетой" in report

    # Not a workbook: said so, and the step still waits.
    wrong = await _replies(harness, methodist, methodist.send_document("Анкета.pdf", b"%PDF"))
    assert [m.plain_text for m in wrong] == [texts.UPLOAD_NOT_XLSX.format(file="Анкета.pdf")]

    # The filled template: a preview as a school will see it, then "Сохранить".
    content = form_workbook(form)
    preview = await _replies(harness, methodist, methodist.send_document("Анкета.xlsx", content))
    text = "\n".join(message.plain_text or "" for message in preview)
    assert text.startswith(texts.PREVIEW_NEW.format(title=form.title, key=form.id, version=1)), text
    assert "Вопрос 1 из" in text
    assert form.questions[0].text in text
    assert "[Да] [Нет]" in text  # the first question's buttons, as on the real screen
    await methodist.press(texts.CONFIRM, message=preview[-1])
    await harness.settle()
    saved = methodist.last_message()
    assert saved is not None
    assert saved.plain_text == texts.SAVED.format(title=form.title, version=1)
    # The step is over: a file now is told where each kind of file is uploaded.
    stray = await _replies(harness, methodist, methodist.send_document("Анкета.xlsx", content))
    assert [m.plain_text for m in stray] == [common_texts.UNEXPECTED_FILE_MANAGER]

    # Offered to this municipality's methodist, not to another municipality's.
    available = await harness.catalog.available(harness.database, town.municipality.id)
    assert form.id in available.uploaded
    elsewhere = await harness.catalog.available(harness.database, far.municipality.id)
    assert form.id not in elsewhere
    await methodist.send("/new_campaign")
    await harness.settle()
    offered = methodist.last_message()
    assert offered is not None
    assert form.title in offered.button_texts
    await methodist.send("/cancel")
    far_methodist = harness.user(FAR_METHODIST)
    await far_methodist.send("/new_campaign")
    await harness.settle()
    far_offer = far_methodist.last_message()
    assert far_offer is not None
    assert form.title not in far_offer.button_texts
    await far_methodist.send("/forms_admin")
    await harness.settle()
    far_listing = far_methodist.last_message()
    assert far_listing is not None
    assert not any(form.short_title in label for label in far_listing.button_texts)

    # A monitoring of it; the school answers every question it is asked, and submits.
    actor = await resolve_actor(harness.database, METHODIST, admin_ids=())
    await open_form_for_schools(
        harness.database,
        harness.catalog,
        actor,
        form.id,
        deadline=(utcnow() + timedelta(days=10)).date(),
        period_label=PERIOD,
        now=utcnow(),
    )
    teacher = harness.user(TEACHER)
    await teacher.send("/forms")
    await harness.settle()
    listing = teacher.last_message()
    assert listing is not None
    start = answer_texts.BUTTON_START.format(title=form.short_title)
    data = listing.button(start).callback_data or ""
    await teacher.press(start, message=listing)
    response_id = int(data.split(":")[1])
    stored = await harness.catalog.definition(harness.database, available.row_id(form.id))
    assert await walk(teacher, harness, stored, response_id) > 5
    await harness.settle()
    await teacher.press(answer_texts.SUBMIT)
    await harness.settle()
    submitted = teacher.last_message()
    assert submitted is not None
    assert (submitted.plain_text or "").startswith(
        answer_texts.SUBMITTED.split("{at}")[0].format(title=form.title)
    )

    # The export carries the school's answers of the uploaded form.
    await methodist.send("/export")
    await harness.settle()
    menu = methodist.last_message()
    assert menu is not None
    choice = f"{form.short_title} — {PERIOD}"
    assert choice in menu.button_texts
    await methodist.press(choice, message=menu)
    await harness.settle()
    document = next(m for m in reversed(harness.emulator.messages(methodist.chat_id)) if m.document)
    assert document.document is not None
    workbook = load_workbook(BytesIO(document.document.content), read_only=True)
    cells = {
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    }
    assert "СОШ № 5" in cells
    assert any(cell.startswith("Проведены занятия по плану") for cell in cells), cells

    # The questions change: the same code uploads as version 2; answers keep version 1.
    await _ask_upload(harness, methodist)
    first = form.sections[0].questions[0]
    reworded = form.model_dump(mode="json")
    reworded["sections"][0]["questions"][0]["text"] = first.text + " (на начало года)"
    again = form_workbook(FormDefinition.model_validate(reworded))
    preview = await _replies(harness, methodist, methodist.send_document("Анкета.xlsx", again))
    assert (preview[0].plain_text or "").startswith(
        texts.PREVIEW_VERSION.format(title=form.title, key=form.id, version=2, previous=1)
    )
    await methodist.press(texts.CONFIRM, message=preview[-1])
    await harness.settle()
    latest = await harness.catalog.available(harness.database, town.municipality.id)
    assert latest[form.id].version == 2
    assert latest.row_id(form.id) != available.row_id(form.id)
    campaign_id = await campaign_of(harness.database, town.municipality.id)
    async with harness.database.read() as conn:
        kept = await conn.scalar(
            select(responses.c.form_id).where(responses.c.campaign_id == campaign_id)
        )
    assert kept == available.row_id(form.id)  # the submitted answers keep version 1
    await _ask_upload(harness, methodist)
    unchanged = await _replies(harness, methodist, methodist.send_document("Анкета.xlsx", again))
    assert [m.plain_text for m in unchanged] == [
        texts.UNCHANGED.format(title=form.title, version=2)
    ]
