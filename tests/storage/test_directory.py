"""Repository functions of the directory used by the import: the snapshot and updates by id."""

from storage import Database
from storage.directory import (
    add_district,
    add_municipality,
    add_school,
    get_school,
    list_districts,
    list_municipalities,
    load_directory,
    set_district_base_school,
    update_district,
    update_municipality,
    update_school,
)


async def test_snapshot_of_an_empty_directory(database: Database) -> None:
    async with database.read() as conn:
        snapshot = await load_directory(conn)

    assert snapshot.municipalities == ()
    assert snapshot.districts == ()
    assert snapshot.schools == ()


async def test_snapshot_holds_every_row_in_id_order(database: Database) -> None:
    async with database.write() as conn:
        tomsk = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        district_municipality = await add_municipality(conn, "Томский район", "Asia/Tomsk")
        district = await add_district(conn, district_municipality.id, "Заречный", "Суворова Т.Г.")
        school = await add_school(
            conn,
            municipality_id=district_municipality.id,
            district_id=district.id,
            full_name="МАОУ «Моряковская СОШ»",
            short_name="Моряковская СОШ",
            legal_form="МАОУ",
            is_shnor=True,
            problem_categories=["методическая", "кадровая"],
        )
        city_school = await add_school(
            conn, municipality_id=tomsk.id, full_name="МАОУ СОШ № 5", short_name="СОШ № 5"
        )
        await set_district_base_school(conn, district.id, school.id)

    async with database.read() as conn:
        snapshot = await load_directory(conn)

    assert snapshot.municipalities == (tomsk, district_municipality)
    assert [d.base_school_id for d in snapshot.districts] == [school.id]
    assert snapshot.districts[0].head_name == "Суворова Т.Г."
    assert snapshot.schools == (school, city_school)
    assert snapshot.schools[0].problem_categories == ("методическая", "кадровая")


async def test_update_municipality(database: Database) -> None:
    async with database.write() as conn:
        created = await add_municipality(conn, "город Томск", "Asia/Tomsk")
        updated = await update_municipality(
            conn, created.id, name="Город Томск", timezone="Asia/Novosibirsk"
        )
        missing = await update_municipality(conn, created.id + 100, name="X", timezone="UTC")

    assert updated is not None
    assert (updated.id, updated.name, updated.timezone) == (
        created.id,
        "Город Томск",
        "Asia/Novosibirsk",
    )
    assert missing is None
    async with database.read() as conn:
        assert await list_municipalities(conn) == [updated]


async def test_update_district_sets_and_clears_the_base_school(database: Database) -> None:
    async with database.write() as conn:
        municipality = await add_municipality(conn, "Томский район", "Asia/Tomsk")
        district = await add_district(conn, municipality.id, "Кедровый")
        school = await add_school(
            conn,
            municipality_id=municipality.id,
            district_id=district.id,
            full_name="МАОУ «Калтайская СОШ»",
            short_name="Калтайская СОШ",
        )
        with_base = await update_district(
            conn, district.id, name="Кедровый округ", base_school_id=school.id, head_name="Иванова"
        )
    async with database.write() as conn:
        cleared = await update_district(
            conn, district.id, name="Кедровый округ", base_school_id=None, head_name=None
        )
        missing = await update_district(
            conn, district.id + 100, name="X", base_school_id=None, head_name=None
        )

    assert with_base is not None
    assert (with_base.name, with_base.base_school_id, with_base.head_name) == (
        "Кедровый округ",
        school.id,
        "Иванова",
    )
    assert cleared is not None
    assert (cleared.base_school_id, cleared.head_name) == (None, None)
    assert missing is None
    async with database.read() as conn:
        assert await list_districts(conn, municipality.id) == [cleared]


async def test_update_school_sets_every_field(database: Database) -> None:
    async with database.write() as conn:
        municipality = await add_municipality(conn, "Томский район", "Asia/Tomsk")
        district = await add_district(conn, municipality.id, "Туганский")
        school = await add_school(
            conn,
            municipality_id=municipality.id,
            full_name="МБОУ «Итатская СОШ»",
            short_name="Итатская СОШ",
        )
        updated = await update_school(
            conn,
            school.id,
            district_id=district.id,
            full_name="МАОУ «Итатская СОШ» Томского района",
            short_name="Итатская СОШ",
            legal_form="МАОУ",
            is_shnor=True,
            unfavourable_conditions=True,
            problem_categories=("социальная",),
        )
        missing = await update_school(
            conn,
            school.id + 100,
            district_id=None,
            full_name="X",
            short_name="X",
            legal_form=None,
            is_shnor=False,
            unfavourable_conditions=False,
            problem_categories=(),
        )

    assert missing is None
    assert updated is not None
    async with database.read() as conn:
        stored = await get_school(conn, school.id)
    assert stored == updated
    assert stored.district_id == district.id
    assert stored.full_name == "МАОУ «Итатская СОШ» Томского района"
    assert stored.legal_form == "МАОУ"
    assert stored.is_shnor
    assert stored.unfavourable_conditions
    assert stored.problem_categories == ("социальная",)
