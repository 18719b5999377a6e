"""Form versions: each (key, version) is stored once with its whole definition."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import forms
from storage.types import utcnow


class FormVersionConflict(Exception):
    """A form file changed its questions without a new version number."""


class FormCodeTaken(FormVersionConflict):
    """A built-in form's code is already a form a municipality uploaded."""


@dataclass(frozen=True, slots=True)
class StoredForm:
    id: int
    key: str
    version: int
    title: str
    definition: dict[str, Any]
    municipality_id: int | None = None  # an uploaded form's municipality; None: built in


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
    uploaded = await conn.scalar(
        select(forms.c.municipality_id)
        .where(forms.c.key == key, forms.c.municipality_id.is_not(None))
        .limit(1)
    )
    if uploaded is not None:
        raise FormCodeTaken(
            f"form {key!r}: the code is taken by a form uploaded for municipality {uploaded}; "
            "give the built-in form another code"
        )
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


def _stored(row: Any) -> StoredForm:
    return StoredForm(row.id, row.key, row.version, row.title, row.definition, row.municipality_id)


async def get_form(conn: AsyncConnection, form_id: int) -> StoredForm | None:
    row = (await conn.execute(select(forms).where(forms.c.id == form_id))).one_or_none()
    return None if row is None else _stored(row)


async def latest_form(conn: AsyncConnection, key: str) -> StoredForm | None:
    row = (
        await conn.execute(
            select(forms).where(forms.c.key == key).order_by(forms.c.version.desc()).limit(1)
        )
    ).one_or_none()
    return None if row is None else _stored(row)


async def lock_form_key(conn: AsyncConnection, key: str) -> None:
    """On PostgreSQL, hold a lock on a form code until the transaction ends, so that two
    uploads of one new code (from two municipalities, or two replicas) decide its owner one
    after the other. SQLite serialises writes by itself."""
    if conn.dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(f"form-key:{key}".encode(), digest_size=8).digest()
    await conn.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest, signed=True))))


async def uploaded_codes(conn: AsyncConnection, municipality_id: int) -> int:
    """How many form codes a municipality has uploaded."""
    found = await conn.scalar(
        select(func.count(forms.c.key.distinct())).where(forms.c.municipality_id == municipality_id)
    )
    return int(found or 0)


async def key_holders(conn: AsyncConnection, key: str) -> set[int | None]:
    """Whose forms use ``key``: municipality ids, ``None`` for a built-in form."""
    rows = await conn.execute(select(forms.c.municipality_id).where(forms.c.key == key).distinct())
    return {row.municipality_id for row in rows}


async def uploaded_forms(conn: AsyncConnection, municipality_id: int) -> list[StoredForm]:
    """The latest version of each form uploaded for a municipality, by title."""
    rows = await conn.execute(
        select(forms.c.id, forms.c.key, forms.c.version, forms.c.title)
        .where(forms.c.municipality_id == municipality_id)
        .order_by(forms.c.key, forms.c.version.desc())
    )
    latest: dict[str, int] = {}
    for row in rows:
        latest.setdefault(row.key, row.id)
    if not latest:
        return []
    found = await conn.execute(select(forms).where(forms.c.id.in_(latest.values())))
    return sorted((_stored(row) for row in found), key=lambda form: form.title.casefold())


async def insert_uploaded_form(
    conn: AsyncConnection,
    definition: dict[str, Any],
    *,
    municipality_id: int,
    uploaded_by: int | None,
) -> StoredForm:
    """A new form, or a new version of one, uploaded for a municipality. The caller has checked
    that its (key, version) is free; two uploads racing collide on the unique constraint."""
    key, version, title = definition["id"], definition["version"], definition["title"]
    result = await conn.execute(
        insert(forms)
        .values(
            key=key,
            version=version,
            title=title,
            definition=definition,
            loaded_at=utcnow(),
            municipality_id=municipality_id,
            uploaded_by=uploaded_by,
        )
        .returning(forms.c.id)
    )
    return StoredForm(result.scalar_one(), key, version, title, definition, municipality_id)
