"""Storing an uploaded form (``core.forms.uploads``), on SQLite and PostgreSQL: whose code it is,
which version it becomes, what counts as unchanged, who may upload, and two uploads racing."""

import asyncio

import pytest

from bot.catalog import builtin_forms
from core.access import AccessDenied
from core.actors import Actor
from core.forms.models import FormDefinition
from core.forms.uploads import MAX_UPLOADED_FORMS, UploadRefused, check_upload, save_upload
from core.forms.workbook.example import example_form
from core.forms.workbook.writer import form_workbook
from core.questionnaires import FormCatalog
from storage import Database
from storage.forms import FormCodeTaken, StoredForm, ensure_form_version, insert_uploaded_form
from storage.people import Role
from tests.factories import Town, make_actor, make_town
from texts import forms_admin as texts

METHODIST, FAR_METHODIST, TEACHER = 11, 12, 13


def _workbook(version: int = 1, **changes: object) -> bytes:
    data = {**example_form().model_dump(mode="json"), "version": version, **changes}
    return form_workbook(FormDefinition.model_validate(data))


async def _methodist_of_a_town(database: Database) -> tuple[Town, Actor]:
    """Город Томск and its methodist, who uploads."""
    town = await make_town(database)
    actor = await make_actor(
        database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id
    )
    return town, actor


@pytest.fixture
async def catalog(database: Database) -> FormCatalog:
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    return catalog


async def test_a_new_form_then_new_versions_and_an_unchanged_one(
    database: Database, catalog: FormCatalog
) -> None:
    town, actor = await _methodist_of_a_town(database)
    municipality = town.municipality.id
    key = example_form().id

    check = await check_upload(database, catalog, actor, municipality, _workbook())
    assert check.problems == []
    assert check.previous_version is None
    first = await save_upload(database, catalog, actor, municipality, _workbook())
    assert (first.key, first.version, first.municipality_id) == (key, 1, municipality)

    # The same workbook again: nothing to store.
    same = await check_upload(database, catalog, actor, municipality, _workbook())
    assert same.unchanged
    assert same.previous_version == 1
    with pytest.raises(UploadRefused) as refused:
        await save_upload(database, catalog, actor, municipality, _workbook())
    assert refused.value.reason.startswith("Анкета «")

    # Changed but still "version 1" in the file: it becomes version 2, version 1 stays as it was.
    retitled = _workbook(title="Трудности в обучении: 2027")
    check = await check_upload(database, catalog, actor, municipality, retitled)
    assert check.definition is not None
    assert (check.definition.version, check.previous_version) == (2, 1)
    second = await save_upload(database, catalog, actor, municipality, retitled)
    assert second.version == 2
    assert second.id != first.id
    assert (await catalog.definition(database, first.id)).title == example_form().title

    # A higher number in the file is kept.
    fifth = await save_upload(
        database, catalog, actor, municipality, _workbook(5, title="Пятая редакция")
    )
    assert fifth.version == 5
    available = await catalog.available(database, municipality)
    assert available[key].version == 5
    assert available.row_id(key) == fifth.id
    assert list(available)[: len(catalog.current)] == list(catalog.current)  # built-ins first


async def test_codes_belong_to_one_owner(database: Database, catalog: FormCatalog) -> None:
    town, actor = await _methodist_of_a_town(database)
    far = await make_town(database, name="Город Северск", short_names=("СОШ № 2",))
    far_actor = await make_actor(
        database, FAR_METHODIST, Role.METHODIST, municipality_id=far.municipality.id
    )

    built_in = await check_upload(
        database, catalog, actor, town.municipality.id, _workbook(id="vsoko")
    )
    (problem,) = built_in.problems
    assert (problem.sheet, problem.row, problem.column) == ("Настройки", 2, "значение")
    assert problem.message.startswith("код «vsoko» занят встроенной анкетой бота")

    await save_upload(database, catalog, actor, town.municipality.id, _workbook())
    foreign = await check_upload(database, catalog, far_actor, far.municipality.id, _workbook())
    assert [p.message for p in foreign.problems] == [
        texts.KEY_FOREIGN.format(key=example_form().id)
    ]
    assert example_form().id not in await catalog.available(database, far.municipality.id)
    with pytest.raises(AccessDenied):  # not their municipality
        await check_upload(database, catalog, far_actor, town.municipality.id, _workbook())


async def test_a_school_representative_cannot_upload(
    database: Database, catalog: FormCatalog
) -> None:
    town = await make_town(database)
    teacher = await make_actor(database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    with pytest.raises(AccessDenied):
        await save_upload(database, catalog, teacher, town.municipality.id, _workbook())


async def test_two_uploads_racing_store_distinct_versions(
    database: Database, catalog: FormCatalog
) -> None:
    town, actor = await _methodist_of_a_town(database)
    await save_upload(database, catalog, actor, town.municipality.id, _workbook())
    changed = [_workbook(title=f"Редакция {n}") for n in (1, 2)]
    outcomes = await asyncio.gather(
        *(save_upload(database, catalog, actor, town.municipality.id, c) for c in changed),
        return_exceptions=True,
    )
    stored = [outcome for outcome in outcomes if isinstance(outcome, StoredForm)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, UploadRefused)]
    assert len(stored) + len(refused) == 2
    assert stored
    assert len({form.version for form in stored}) == len(stored)
    assert all(outcome.reason == texts.RACE for outcome in refused)


async def test_a_new_built_in_form_may_not_take_an_uploaded_code(
    database: Database, catalog: FormCatalog
) -> None:
    town, actor = await _methodist_of_a_town(database)
    await save_upload(database, catalog, actor, town.municipality.id, _workbook())
    shipped = example_form().model_copy(update={"version": 2})  # a release ships the same code
    with pytest.raises(FormCodeTaken, match="taken by a form uploaded"):
        async with database.write() as conn:
            await ensure_form_version(
                conn, shipped.id, 2, shipped.title, shipped.model_dump(mode="json")
            )
    # The bot still starts: the built-in form is left out, the municipality keeps its own.
    release = FormCatalog({**builtin_forms(), shipped.id: shipped})
    await release.sync(database)
    assert shipped.id not in release.current
    available = await release.available(database, town.municipality.id)
    assert available[shipped.id].version == 1


async def test_a_municipality_keeps_a_bounded_number_of_codes(
    database: Database, catalog: FormCatalog
) -> None:
    town, actor = await _methodist_of_a_town(database)
    for number in range(MAX_UPLOADED_FORMS):
        async with database.write() as conn:
            definition = {**example_form().model_dump(mode="json"), "id": f"form_{number}"}
            await insert_uploaded_form(
                conn, definition, municipality_id=town.municipality.id, uploaded_by=None
            )
    check = await check_upload(database, catalog, actor, town.municipality.id, _workbook())
    assert [p.message for p in check.problems] == [
        texts.TOO_MANY_FORMS.format(limit=MAX_UPLOADED_FORMS)
    ]
    # A new version of one of them is still welcome.
    again = await check_upload(
        database, catalog, actor, town.municipality.id, _workbook(id="form_3", title="Новая")
    )
    assert again.problems == []
    assert again.previous_version == 1
