"""The department's own .docx blank for the analytic order: whose it is, upload, removal, status.

A methodist manages their municipality's template; an administrator (or a regional methodist)
the deployment-wide one, which every municipality without its own prints on. ``template_for`` is
what printing an order asks.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from core.access import DEPLOYMENT, ROLE_ACTIONS, Action, Target, authorize
from core.actors import Actor
from exports.documents import check_template
from storage import Database
from storage.directory import Municipality, get_municipality
from storage.order_templates import (
    StoredTemplate,
    delete_template,
    load_template,
    save_template,
)
from texts import order_template as texts

MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
MAX_FILE_NAME = 255


@dataclass(frozen=True, slots=True)
class TemplateStatus:
    municipality: Municipality | None  # whose template the actor manages; None: the deployment's
    template: StoredTemplate | None  # what orders print on: own, the deployment's, or none

    @property
    def own(self) -> StoredTemplate | None:
        """The template the actor may remove."""
        return self.template if self.template is not None and self.template.own else None


@dataclass(frozen=True, slots=True)
class Upload:
    """What an upload came to: stored (no problems), or the problems to fix, in Russian."""

    problems: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    saved: StoredTemplate | None = None


def managed_municipality(actor: Actor) -> int | None:
    """Whose template the actor manages: None (the deployment's) for an administrator or a
    regional methodist, else the municipality of their methodist grant (the first of several).
    Anyone else is refused."""
    scopes: list[int | None] = []
    if actor.bootstrap_admin:
        scopes.append(None)
    for grant in actor.grants:
        whole_municipality = grant.district_id is None and grant.school_id is None
        if Action.ORDER_TEMPLATE in ROLE_ACTIONS[grant.role] and whole_municipality:
            scopes.append(grant.municipality_id)
    scope = None if None in scopes or not scopes else scopes[0]
    # The policy decides (and logs a refusal): nobody above is let through without it.
    authorize(actor, Action.ORDER_TEMPLATE, _target(scope))
    return scope


def _target(municipality_id: int | None) -> Target:
    return DEPLOYMENT if municipality_id is None else Target.municipality(municipality_id)


async def template_status(database: Database, actor: Actor) -> TemplateStatus:
    municipality_id = managed_municipality(actor)
    async with database.read() as conn:
        template = await load_template(conn, municipality_id)
        municipality = (
            None if municipality_id is None else await get_municipality(conn, municipality_id)
        )
    return TemplateStatus(municipality, template)


async def upload_template(
    database: Database, actor: Actor, file_name: str, content: bytes, *, now: datetime
) -> Upload:
    """Check the file and, when nothing is wrong with it, make it the actor's template."""
    municipality_id = managed_municipality(actor)
    if len(content) > MAX_TEMPLATE_BYTES:
        return Upload([texts.TOO_LARGE.format(megabytes=MAX_TEMPLATE_BYTES >> 20)])
    # python-docx is synchronous: a large file would stall every other chat meanwhile.
    check = await asyncio.to_thread(check_template, content)
    if check.problems:
        return Upload(check.problems, check.placeholders)
    async with database.write() as conn:
        saved = await save_template(
            conn,
            municipality_id,
            file_name=file_name[:MAX_FILE_NAME],
            content=content,
            uploaded_by=None if actor.user is None else actor.user.id,
            uploaded_at=now,
        )
    return Upload([], check.placeholders, saved)


async def remove_template(database: Database, actor: Actor) -> bool:
    """Remove the actor's own template (orders fall back); whether there was one."""
    municipality_id = managed_municipality(actor)
    async with database.write() as conn:
        return await delete_template(conn, municipality_id)


async def template_for(database: Database, municipality_id: int | None) -> bytes | None:
    """The .docx an order of this municipality prints into: its own template, else the
    deployment-wide one, else None (the standard blank). None asks for the deployment's.
    No access check: whoever may draft the order may print it on the department's blank."""
    async with database.read() as conn:
        found = await load_template(conn, municipality_id)
    return None if found is None else found.content
