"""Order templates: a municipality's own, the deployment-wide fallback, replacing and removing."""

from datetime import UTC, datetime

from storage import Database
from storage.order_templates import delete_template, load_template, save_template
from storage.people import Role
from tests.factories import make_person, make_town

MARCH = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
APRIL = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


async def test_nothing_stored_means_no_template(database: Database) -> None:
    town = await make_town(database)
    async with database.read() as conn:
        assert await load_template(conn, town.municipality.id) is None
        assert await load_template(conn, None) is None


async def test_a_municipality_prints_on_its_own_else_on_the_deployments(
    database: Database,
) -> None:
    tomsk = await make_town(database)
    district = await make_town(database, "Томский район", short_names=())
    methodist = await make_person(
        database, 50, Role.METHODIST, municipality_id=tomsk.municipality.id
    )
    async with database.write() as conn:
        await save_template(
            conn,
            None,
            file_name="общий.docx",
            content=b"deployment",
            uploaded_by=None,
            uploaded_at=MARCH,
        )
        own = await save_template(
            conn,
            tomsk.municipality.id,
            file_name="томск.docx",
            content=b"tomsk",
            uploaded_by=methodist.id,
            uploaded_at=APRIL,
        )

    async with database.read() as conn:
        found = await load_template(conn, tomsk.municipality.id)
        fallback = await load_template(conn, district.municipality.id)
        deployment = await load_template(conn, None)

    assert found == own
    assert found is not None
    assert (found.content, found.own, found.uploaded_by_name) == (
        b"tomsk",
        True,
        "Иванова Мария Петровна",
    )
    assert found.uploaded_at == APRIL
    assert fallback is not None
    assert (fallback.file_name, fallback.content, fallback.own) == (
        "общий.docx",
        b"deployment",
        False,
    )
    assert (fallback.municipality_id, fallback.uploaded_by, fallback.uploaded_by_name) == (
        None,
        None,
        None,
    )
    assert deployment is not None
    assert (deployment.content, deployment.own) == (b"deployment", True)


async def test_saving_again_replaces_and_deleting_falls_back(database: Database) -> None:
    town = await make_town(database)
    municipality_id = town.municipality.id
    async with database.write() as conn:
        for content in (b"first", b"second"):
            await save_template(
                conn,
                municipality_id,
                file_name=f"{content.decode()}.docx",
                content=content,
                uploaded_by=None,
                uploaded_at=MARCH,
            )
        for content in (b"wide one", b"wide two"):
            await save_template(
                conn,
                None,
                file_name="общий.docx",
                content=content,
                uploaded_by=None,
                uploaded_at=MARCH,
            )

    async with database.read() as conn:
        own = await load_template(conn, municipality_id)
        wide = await load_template(conn, None)
    assert own is not None
    assert (own.file_name, own.content) == ("second.docx", b"second")
    assert wide is not None
    assert wide.content == b"wide two"

    async with database.write() as conn:
        assert await delete_template(conn, municipality_id) is True
        assert await delete_template(conn, municipality_id) is False
    async with database.read() as conn:
        after = await load_template(conn, municipality_id)
    assert after is not None
    assert (after.content, after.own) == (b"wide two", False)

    async with database.write() as conn:
        assert await delete_template(conn, None) is True
    async with database.read() as conn:
        assert await load_template(conn, municipality_id) is None


async def test_a_large_binary_comes_back_byte_for_byte(database: Database) -> None:
    content = bytes(range(256)) * 8192  # 2 MB, every byte value
    async with database.write() as conn:
        await save_template(
            conn, None, file_name="big.docx", content=content, uploaded_by=None, uploaded_at=MARCH
        )
    async with database.read() as conn:
        found = await load_template(conn, None)
    assert found is not None
    assert found.content == content
