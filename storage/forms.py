"""Form versions: each (key, version) is stored once with its whole definition."""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import forms
from storage.types import utcnow


class FormVersionConflict(Exception):
    """A form file changed its questions without a new version number."""


@dataclass(frozen=True, slots=True)
class StoredForm:
    id: int
    key: str
    version: int
    title: str
    definition: dict[str, Any]


# How an option's button reads, and how the analytic order words a question or an option:
# changing them changes no question, so they need no new version (the stored one is updated).
COSMETIC_OPTION_FIELDS = frozenset({"button", "finding", "instruction"})
COSMETIC_QUESTION_FIELDS = frozenset({"order", "summed"})
# How the export draws a form's answers (its profile radar) asks nothing either.
COSMETIC_FORM_FIELDS = frozenset({"profile"})


def _canonical(definition: dict[str, Any]) -> str:
    return json.dumps(definition, sort_keys=True, ensure_ascii=False, default=str)


def _questions_only(value: Any) -> Any:
    """The definition without the cosmetic fields of its questions (a question has a type),
    options (an option has a label) and of the form itself (it has sections)."""
    if isinstance(value, dict):
        cosmetic = (
            COSMETIC_OPTION_FIELDS
            if "label" in value
            else COSMETIC_QUESTION_FIELDS
            if "type" in value
            else COSMETIC_FORM_FIELDS
            if "sections" in value
            else frozenset()
        )
        return {key: _questions_only(item) for key, item in value.items() if key not in cosmetic}
    if isinstance(value, list):
        return [_questions_only(item) for item in value]
    return value


async def ensure_form_version(
    conn: AsyncConnection, key: str, version: int, title: str, definition: dict[str, Any]
) -> StoredForm:
    """The stored row of this version, inserting it the first time it is seen.

    The same version with different content is refused: responses already started on it must
    keep the questions they were given. Only new button wording (``COSMETIC_OPTION_FIELDS``) is
    no new content: the stored copy takes it, so that this version, read back once it is an old
    one, has the short buttons its long labels need.
    """
    row = (
        await conn.execute(select(forms).where(forms.c.key == key, forms.c.version == version))
    ).one_or_none()
    if row is not None:
        if _canonical(_questions_only(row.definition)) != _canonical(_questions_only(definition)):
            raise FormVersionConflict(
                f"form {key!r} version {version} differs from the stored one: "
                "raise its version number"
            )
        if _canonical(row.definition) != _canonical(definition):
            await conn.execute(
                update(forms).where(forms.c.id == row.id).values(definition=definition)
            )
            return StoredForm(row.id, key, version, row.title, definition)
        return StoredForm(row.id, key, version, row.title, row.definition)
    result = await conn.execute(
        insert(forms)
        .values(key=key, version=version, title=title, definition=definition, loaded_at=utcnow())
        .returning(forms.c.id)
    )
    return StoredForm(result.scalar_one(), key, version, title, definition)


async def get_form(conn: AsyncConnection, form_id: int) -> StoredForm | None:
    row = (await conn.execute(select(forms).where(forms.c.id == form_id))).one_or_none()
    if row is None:
        return None
    return StoredForm(row.id, row.key, row.version, row.title, row.definition)


async def latest_form(conn: AsyncConnection, key: str) -> StoredForm | None:
    row = (
        await conn.execute(
            select(forms).where(forms.c.key == key).order_by(forms.c.version.desc()).limit(1)
        )
    ).one_or_none()
    if row is None:
        return None
    return StoredForm(row.id, row.key, row.version, row.title, row.definition)
