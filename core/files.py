"""Files schools uploaded as answers, found again by their code (Telegram's unique file id), so
that whoever may read the school's answers can have the bot send the file (the export names the
code next to the file's name)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from core.access import Action, Target, allows
from core.actors import Actor
from storage import Database
from storage.directory import get_school
from storage.responses import answers_containing

# Telegram's file_unique_id: URL-safe base64, a few dozen characters at most.
CODE = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


@dataclass(frozen=True, slots=True)
class StoredFile:
    file_id: str
    name: str
    kind: str  # "document" or "photo"


def _uploads(value: Any) -> Iterator[dict[str, Any]]:
    """Every file answer inside a value (a repeat group holds them in its items)."""
    if isinstance(value, dict):
        if "file_unique_id" in value and "file_id" in value:
            yield value
            return
        for inner in value.values():
            yield from _uploads(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _uploads(inner)


async def find_file(database: Database, actor: Actor, code: str) -> StoredFile | None:
    """The file with this code in an answer of a school the actor may read, or None (an unknown
    code and a file of another school look the same)."""
    if not CODE.fullmatch(code):
        return None
    async with database.read() as conn:
        found = await answers_containing(conn, code)
        for school_id, value in found:
            school = await get_school(conn, school_id)
            if school is None or not allows(actor, Action.VIEW_ANSWERS, Target.school(school)):
                continue
            for upload in _uploads(value):
                if upload["file_unique_id"] == code:
                    return StoredFile(
                        file_id=str(upload["file_id"]),
                        name=str(upload.get("name") or ""),
                        kind=str(upload.get("kind") or "document"),
                    )
    return None
