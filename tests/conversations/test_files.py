"""/file CODE over the fake Bot API: the bot sends a school's uploaded file to those who may read
the school's answers, and to nobody else."""

from datetime import timedelta

import pytest

from botapi_emulator import UploadedFile
from core.actors import Actor
from core.campaigns import open_form_for_schools
from storage.people import Role
from storage.responses import get_or_create_response, save_answer
from storage.types import utcnow
from tests.factories import make_person, make_town
from tests.harness import BotHarness
from texts import export as texts

ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
METHODIST, TEACHER, OTHER_TEACHER, FAR_METHODIST = 801, 802, 803, 804


@pytest.fixture
async def uploaded(harness: BotHarness) -> UploadedFile:
    """СОШ № 5 answered the evidence question with a PDF, inside its extra classes response."""
    database = harness.database
    town = await make_town(database, short_names=("СОШ № 5", "СОШ № 11"))
    other = await make_town(database, name="Город Северск", short_names=("СОШ № 2",))
    await make_person(database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id)
    await make_person(database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    await make_person(database, OTHER_TEACHER, Role.RESPONDENT, school_id=town.schools[1].id)
    await make_person(
        database, FAR_METHODIST, Role.METHODIST, municipality_id=other.municipality.id
    )
    [(campaign, _), _] = await open_form_for_schools(
        database,
        harness.catalog,
        ORGANISER,
        "extra_classes",
        deadline=(utcnow() + timedelta(days=5)).date(),
        period_label="1 полугодие 2026/27",
        now=utcnow(),
    )
    file = harness.emulator.add_file(b"%PDF-1.4 schedule", file_name="График.pdf")
    value = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "name": "График.pdf",
        "size": file.size,
        "mime": "application/pdf",
        "kind": "document",
    }
    now = utcnow()
    async with database.write() as conn:
        response = await get_or_create_response(
            conn,
            campaign.id,
            town.schools[0].id,
            campaign.forms[0].key,
            campaign.forms[0].form_id,
            now,
        )
        await save_answer(conn, response.id, "evidence", value, user_id=None, now=now)
    return file


async def test_the_methodist_and_the_school_get_the_file(
    harness: BotHarness, uploaded: UploadedFile
) -> None:
    for telegram_id in (METHODIST, TEACHER):
        person = harness.user(telegram_id)
        await person.send(f"/file {uploaded.file_unique_id}")
        sent = await person.next_message()
        assert sent.document is not None
        assert sent.document.content == b"%PDF-1.4 schedule"


async def test_others_cannot_tell_the_file_exists(
    harness: BotHarness, uploaded: UploadedFile
) -> None:
    for telegram_id in (OTHER_TEACHER, FAR_METHODIST):
        person = harness.user(telegram_id)
        await person.send(f"/file {uploaded.file_unique_id}")
        refusal = await person.next_message()
        assert refusal.document is None
        assert refusal.plain_text == texts.FILE_NOT_FOUND.format(code=uploaded.file_unique_id)
    methodist = harness.user(METHODIST)
    for code in ("", "%", "nope-nope"):
        await methodist.send(f"/file {code}".strip())
        answer = await methodist.next_message()
        assert answer.document is None
    assert harness.emulator.calls_of("sendDocument") == []
