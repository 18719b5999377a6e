"""A questionnaire a methodist uploads as a workbook: checked, previewed, stored — all or nothing.

``check_upload`` reads the workbook (``core.forms.workbook``: every problem by sheet, row and
column) and then checks what only the database knows:

* **Whose code.** A form's code (``key``) belongs to one owner: a built-in form (never taken by
  an upload: a municipality cannot change what every other one answers) or the municipality
  that first uploaded it. Someone else's code is a problem in the «Настройки» row of the code.
* **Which version.** An upload of a code the municipality already has is a new version of that
  form: the next number after the latest stored one (or the workbook's own, if higher). A
  stored version is never changed: responses keep the version they started on, and rounds
  opened after the upload take the new one. A workbook identical to the latest version
  is "unchanged" and stores nothing.

``save_upload`` does it all again inside the write (the file is read anew from Telegram: the
conversation keeps only its file id), holding a lock on the code on PostgreSQL so that two
uploads of one new code decide its owner in turn, and inserts the row; two uploads racing for
one version collide on ``uq_forms_key_version``, and the later one is asked to send the file
again. A municipality keeps at most ``MAX_UPLOADED_FORMS`` codes.
"""

import asyncio
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.access import Action, Target, authorize
from core.actors import Actor
from core.forms.models import FormDefinition
from core.forms.workbook.layout import Setting
from core.forms.workbook.reader import FormReading, Problem, read_form_workbook
from core.questionnaires import FormCatalog
from storage import Database
from storage.forms import (
    StoredForm,
    insert_uploaded_form,
    key_holders,
    latest_form,
    lock_form_key,
    uploaded_codes,
)
from texts import forms_admin as texts

# Forms a municipality may upload (new versions of them are not counted): with the built-in
# ones, a list of forms stays within a keyboard Telegram accepts (100 buttons) and a phone shows.
MAX_UPLOADED_FORMS = 40


class UploadRefused(Exception):
    """What is wrong with an upload (``problems``), or why there is nothing to store
    (``reason``: unchanged since the check, or another upload won the race)."""

    def __init__(self, problems: list[Problem], reason: str = "") -> None:
        super().__init__(problems, reason)
        self.problems = problems
        self.reason = reason


@dataclass(frozen=True, slots=True)
class UploadCheck:
    """A workbook checked: its problems, or the form as it would be stored."""

    problems: list[Problem]
    definition: FormDefinition | None = None  # with the version it will be stored as
    previous_version: int | None = None  # the municipality's latest version; None: a new form
    unchanged: bool = False  # the same questions as the latest version: nothing to store


async def check_upload(
    database: Database, catalog: FormCatalog, actor: Actor, municipality_id: int, content: bytes
) -> UploadCheck:
    authorize(actor, Action.RUN_CAMPAIGNS, Target.municipality(municipality_id))
    reading = await asyncio.to_thread(read_form_workbook, content)  # openpyxl: off the loop
    if reading.definition is None:
        return UploadCheck(reading.problems)
    async with database.read() as conn:
        return await _checked(conn, catalog, municipality_id, reading)


async def save_upload(
    database: Database, catalog: FormCatalog, actor: Actor, municipality_id: int, content: bytes
) -> StoredForm:
    """Store the uploaded form (checked again); ``UploadRefused`` with what stands in the way."""
    authorize(actor, Action.RUN_CAMPAIGNS, Target.municipality(municipality_id))
    reading = await asyncio.to_thread(read_form_workbook, content)
    if reading.definition is None:
        raise UploadRefused(reading.problems)
    try:
        async with database.write() as conn:
            assert reading.definition is not None
            await lock_form_key(conn, reading.definition.id)
            check = await _checked(conn, catalog, municipality_id, reading)
            if check.problems or check.definition is None:
                raise UploadRefused(check.problems)
            if check.unchanged:
                form = check.definition
                raise UploadRefused(
                    [], texts.UNCHANGED.format(title=form.title, version=form.version)
                )
            return await insert_uploaded_form(
                conn,
                check.definition.model_dump(mode="json"),
                municipality_id=municipality_id,
                uploaded_by=None if actor.user is None else actor.user.id,
            )
    except IntegrityError as error:  # another upload took this version meanwhile
        raise UploadRefused([], texts.RACE) from error


async def _checked(
    conn: AsyncConnection, catalog: FormCatalog, municipality_id: int, reading: FormReading
) -> UploadCheck:
    definition = reading.definition
    assert definition is not None
    key = definition.id
    holders = await key_holders(conn, key)
    built_in = catalog.current.get(key)
    if built_in is not None or None in holders:
        title = built_in.title if built_in is not None else key
        message = texts.KEY_BUILT_IN.format(key=key, title=title, suggestion=f"{key[:22]}_2")
        return UploadCheck([reading.setting_problem(Setting.ID, message)])
    if holders - {municipality_id}:
        message = texts.KEY_FOREIGN.format(key=key)
        return UploadCheck([reading.setting_problem(Setting.ID, message)])
    latest = await latest_form(conn, key)
    if latest is None:
        if await uploaded_codes(conn, municipality_id) >= MAX_UPLOADED_FORMS:
            message = texts.TOO_MANY_FORMS.format(limit=MAX_UPLOADED_FORMS)
            return UploadCheck([reading.setting_problem(Setting.ID, message)])
        return UploadCheck([], definition)
    as_latest = definition.model_copy(update={"version": latest.version})
    stored = FormDefinition.model_validate(latest.definition)  # its dump has today's defaults
    if as_latest.model_dump(mode="json") == stored.model_dump(mode="json"):
        return UploadCheck([], as_latest, latest.version, unchanged=True)
    version = max(definition.version, latest.version + 1)
    return UploadCheck([], definition.model_copy(update={"version": version}), latest.version)
