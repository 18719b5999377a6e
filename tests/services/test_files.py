"""Finding an uploaded file by its code, on both databases: exact codes, nested items, scope."""

from datetime import UTC, datetime, timedelta

from bot.catalog import builtin_forms
from core.files import StoredFile, find_file
from core.questionnaires import FormCatalog
from storage import Database
from storage.campaigns import CampaignForm, add_campaign
from storage.people import Role
from storage.responses import get_or_create_response, save_answer
from tests.factories import make_actor, make_town

NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)


def _upload(code: str, kind: str = "document") -> dict[str, object]:
    return {"file_id": f"id-{code}", "file_unique_id": code, "name": f"{code}.pdf", "kind": kind}


async def test_files_are_found_by_exact_code_within_the_scope(database: Database) -> None:
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    town = await make_town(database, short_names=("СОШ № 5", "СОШ № 11"))
    async with database.write() as conn:
        campaign = await add_campaign(
            conn,
            forms=[CampaignForm("extra_classes", catalog.row_id("extra_classes"))],
            municipality_id=town.municipality.id,
            period_label="1 полугодие 2026/27",
            opens_at=NOW,
            deadline_at=NOW + timedelta(days=5),
            school_ids=[school.id for school in town.schools],
        )
        five = await get_or_create_response(
            conn,
            campaign.id,
            town.schools[0].id,
            campaign.forms[0].key,
            campaign.forms[0].form_id,
            NOW,
        )
        await save_answer(conn, five.id, "evidence", _upload("AgADfile5"), user_id=None, now=NOW)
        # A file inside a repeat group's item, and a longer code that contains a shorter one.
        items = [{"title": "Семинар", "photo": _upload("AgADphoto7", "photo")}]
        await save_answer(conn, five.id, "events", items, user_id=None, now=NOW)
        await save_answer(conn, five.id, "other", _upload("AgADfile5x"), user_id=None, now=NOW)

    methodist = await make_actor(
        database, 1, Role.METHODIST, municipality_id=town.municipality.id, full_name="Петрова Елена"
    )
    colleague = await make_actor(
        database, 2, Role.RESPONDENT, school_id=town.schools[1].id, full_name="Петрова Елена"
    )

    assert await find_file(database, methodist, "AgADfile5") == StoredFile(
        "id-AgADfile5", "AgADfile5.pdf", "document"
    )
    assert await find_file(database, methodist, "AgADphoto7") == StoredFile(
        "id-AgADphoto7", "AgADphoto7.pdf", "photo"
    )
    assert await find_file(database, methodist, "AgADfile") is None  # a part of a code
    assert await find_file(database, methodist, "AgAD%") is None
    assert await find_file(database, colleague, "AgADfile5") is None  # another school's file
