"""The version guard and short button labels: new button wording is no new version."""

from typing import Any

import pytest

from bot.catalog import builtin_forms
from core.forms.models import FormDefinition
from core.questionnaires import FormCatalog
from storage import Database
from storage.forms import FormVersionConflict, ensure_form_version, get_form

FORMS = builtin_forms()


def without_buttons(value: Any) -> Any:
    """A definition as the bot stored it before options had a ``button``."""
    if isinstance(value, dict):
        return {key: without_buttons(item) for key, item in value.items() if key != "button"}
    if isinstance(value, list):
        return [without_buttons(item) for item in value]
    return value


def renamed(definition: dict[str, Any], button: str | None = None, label: str | None = None) -> Any:
    """The parents form with its "patrol" option's button or label changed."""
    for section in definition["sections"]:
        for question in section["questions"]:
            for option in question["options"]:
                if option["id"] == "patrol":
                    option["button"] = button or option["button"]
                    option["label"] = label or option["label"]
    return definition


async def test_forms_stored_before_buttons_keep_their_version(sqlite_db: Database) -> None:
    async with sqlite_db.write() as conn:
        for form in FORMS.values():
            old = without_buttons(form.model_dump(mode="json"))
            await ensure_form_version(conn, form.id, form.version, form.title, old)

    catalog = FormCatalog(FORMS)
    await catalog.sync(sqlite_db)  # no FormVersionConflict: only buttons were added

    # The stored copy took the buttons, so it still loads once it is an older version.
    async with sqlite_db.read() as conn:
        stored = await get_form(conn, catalog.row_id("parents"))
    assert stored is not None
    assert FormDefinition.model_validate(stored.definition) == FORMS["parents"]
    fresh = FormCatalog({})
    assert await fresh.definition(sqlite_db, catalog.row_id("parents")) == FORMS["parents"]


async def test_new_button_wording_is_stored_without_a_new_version(database: Database) -> None:
    form = FORMS["parents"]
    async with database.write() as conn:
        first = await ensure_form_version(
            conn, form.id, 1, form.title, form.model_dump(mode="json")
        )
        reworded = renamed(form.model_dump(mode="json"), button="Патруль родителей")
        again = await ensure_form_version(conn, form.id, 1, form.title, reworded)
        stored = await get_form(conn, first.id)
    assert again.id == first.id
    assert stored is not None
    question = FormDefinition.model_validate(stored.definition).question("forms")
    option = question.option("patrol") if question else None
    assert option is not None
    assert option.button == "Патруль родителей"


async def test_a_new_label_still_needs_a_new_version(database: Database) -> None:
    form = FORMS["parents"]
    async with database.write() as conn:
        await ensure_form_version(conn, form.id, 1, form.title, form.model_dump(mode="json"))
    changed = renamed(form.model_dump(mode="json"), label="Родительский патруль")
    with pytest.raises(FormVersionConflict, match="raise its version"):
        async with database.write() as conn:
            await ensure_form_version(conn, form.id, 1, form.title, changed)


async def test_new_order_wording_is_stored_without_a_new_version(database: Database) -> None:
    form = FORMS["parents"]
    reworded = form.model_dump(mode="json")
    for section in reworded["sections"]:
        for question in section["questions"]:
            if question["id"] == "forms":
                question["order"] |= {"finding": "ведется работа", "topic": "Работа с семьями"}
                for option in question["options"]:
                    if option["id"] == "patrol":
                        option["finding"] = "действует родительский патруль"
                        option["instruction"] = "Организовать родительский патруль"
    async with database.write() as conn:
        first = await ensure_form_version(
            conn, form.id, 1, form.title, form.model_dump(mode="json")
        )
        again = await ensure_form_version(conn, form.id, 1, form.title, reworded)
        stored = await get_form(conn, first.id)
    assert again.id == first.id
    assert stored is not None
    question = FormDefinition.model_validate(stored.definition).question("forms")
    assert question is not None
    assert question.order.finding == "ведется работа"
    assert question.order.topic == "Работа с семьями"
    option = question.option("patrol")
    assert option is not None
    assert option.finding == "действует родительский патруль"
    assert option.instruction == "Организовать родительский патруль"
