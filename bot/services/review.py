"""A methodist's review of a submitted response: return it for revision, or accept it."""

from datetime import datetime

from bot.services.access import Action
from bot.services.actors import Actor
from bot.services.questionnaires import FormCatalog, ResponseView, open_response
from storage import Database
from storage.responses import Status, change_status


class WrongStatus(Exception):
    """Only a submitted response can be returned or accepted."""


async def _review(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    response_id: int,
    status: Status,
    *,
    comment: str | None,
    now: datetime,
) -> ResponseView:
    view = await open_response(database, catalog, actor, response_id, Action.REVIEW)
    if view.response.status is not Status.SUBMITTED:
        raise WrongStatus(view.response.status)
    user_id = None if actor.user is None else actor.user.id
    async with database.write() as conn:
        await change_status(conn, view.response, status, user_id=user_id, now=now, comment=comment)
    return await open_response(database, catalog, actor, response_id, Action.REVIEW)


async def return_for_revision(
    database: Database,
    catalog: FormCatalog,
    actor: Actor,
    response_id: int,
    comment: str,
    *,
    now: datetime,
) -> ResponseView:
    """Back to the school with a comment; the school changes answers and submits again."""
    if not comment.strip():
        raise ValueError("a returned response needs a comment")
    return await _review(
        database, catalog, actor, response_id, Status.RETURNED, comment=comment.strip(), now=now
    )


async def accept(
    database: Database, catalog: FormCatalog, actor: Actor, response_id: int, *, now: datetime
) -> ResponseView:
    return await _review(
        database, catalog, actor, response_id, Status.ACCEPTED, comment=None, now=now
    )
