"""Responses (campaign × school × form), their answers, every change, status events."""

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Text, bindparam, cast, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import answer_history, answers, campaigns, response_events, responses, users
from storage.upsert import insert_ignore, upsert


class Status(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


@dataclass(frozen=True, slots=True)
class Response:
    id: int
    campaign_id: int
    school_id: int
    form_key: str  # which questionnaire of the monitoring
    form_id: int  # the version it was started with
    status: Status
    started_at: datetime | None
    submitted_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    question_id: str
    value: Any
    answered_by: int | None
    answered_by_name: str | None
    answered_at: datetime

    @property
    def stamp(self) -> str:
        """Identifies this version of the answer (who and when), to notice concurrent changes."""
        return f"{self.answered_by}@{self.answered_at.isoformat()}"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    question_id: str
    value: Any
    answered_by: int | None
    answered_at: datetime


_RESPONSE_FIELDS = frozenset(field.name for field in fields(Response))


def _response(row: Row[Any]) -> Response:
    return Response(
        id=row.id,
        campaign_id=row.campaign_id,
        school_id=row.school_id,
        form_key=row.form_key,
        form_id=row.form_id,
        status=Status(row.status),
        started_at=row.started_at,
        submitted_at=row.submitted_at,
        updated_at=row.updated_at,
    )


async def get_or_create_response(
    conn: AsyncConnection,
    campaign_id: int,
    school_id: int,
    form_key: str,
    form_id: int,
    now: datetime,
) -> Response:
    """A school's response to one form of a campaign; a new one starts with version ``form_id``."""
    await insert_ignore(
        conn,
        responses,
        {
            "campaign_id": campaign_id,
            "school_id": school_id,
            "form_key": form_key,
            "form_id": form_id,
            "status": Status.NOT_STARTED.value,
            "updated_at": now,
        },
        conflict_columns=["campaign_id", "school_id", "form_key"],
    )
    row = (
        await conn.execute(
            select(responses).where(
                responses.c.campaign_id == campaign_id,
                responses.c.school_id == school_id,
                responses.c.form_key == form_key,
            )
        )
    ).one()
    return _response(row)


# The statements of the answer path, built once (building one costs more than running it).
_RESPONSE = select(responses).where(responses.c.id == bindparam("response_id"))
_RESPONSE_FOR_WRITING = (
    select(responses, campaigns.c.deadline_at, campaigns.c.closed_at)
    .join(campaigns, campaigns.c.id == responses.c.campaign_id)
    .where(responses.c.id == bindparam("response_id"))
)
_ANSWERS = (
    select(answers, users.c.full_name)
    .outerjoin(users, users.c.id == answers.c.answered_by)
    .where(answers.c.response_id == bindparam("response_id"))
)
_TOUCH = (
    update(responses)
    .where(responses.c.id == bindparam("response_id"))
    .values(updated_at=bindparam("now", type_=responses.c.updated_at.type))
)
_HISTORY = insert(answer_history)


async def get_response(conn: AsyncConnection, response_id: int) -> Response | None:
    row = (await conn.execute(_RESPONSE, {"response_id": response_id})).one_or_none()
    return None if row is None else _response(row)


@dataclass(frozen=True, slots=True)
class ResponseForWriting:
    """A response with what decides whether it may still change: its campaign's deadline and
    early close."""

    response: Response
    deadline_at: datetime
    closed_at: datetime | None


async def get_response_for_writing(
    conn: AsyncConnection, response_id: int
) -> ResponseForWriting | None:
    """The response and its campaign's deadline and close, in one query (for a write that checks
    them in its own transaction)."""
    row = (await conn.execute(_RESPONSE_FOR_WRITING, {"response_id": response_id})).one_or_none()
    if row is None:
        return None
    return ResponseForWriting(_response(row), row.deadline_at, row.closed_at)


async def load_answers(conn: AsyncConnection, response_id: int) -> dict[str, StoredAnswer]:
    rows = await conn.execute(_ANSWERS, {"response_id": response_id})
    return {
        row.question_id: StoredAnswer(
            row.question_id, row.value, row.answered_by, row.full_name, row.answered_at
        )
        for row in rows
    }


async def load_answer_values(
    conn: AsyncConnection, response_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """The answer values of many responses in one query (for boards and exports)."""
    found: dict[int, dict[str, Any]] = {response_id: {} for response_id in response_ids}
    if not found:
        return found
    rows = await conn.execute(
        select(answers.c.response_id, answers.c.question_id, answers.c.value).where(
            answers.c.response_id.in_(list(found))
        )
    )
    for row in rows:
        found[row.response_id][row.question_id] = row.value
    return found


async def answers_containing(conn: AsyncConnection, text: str) -> list[tuple[int, Any]]:
    """(school id, answer value) of the current answers whose stored JSON contains ``text``: a
    scan, used to find an uploaded file by its unique id when someone asks for it."""
    rows = await conn.execute(
        select(responses.c.school_id, answers.c.value)
        .join(responses, responses.c.id == answers.c.response_id)
        .where(cast(answers.c.value, Text).contains(text, autoescape=True))
    )
    return [(row.school_id, row.value) for row in rows]


async def save_answer(
    conn: AsyncConnection,
    response_id: int,
    question_id: str,
    value: Any,
    *,
    user_id: int | None,
    now: datetime,
) -> None:
    """Write one answer (last write wins) and append it to the history."""
    await upsert(
        conn,
        answers,
        {
            "response_id": response_id,
            "question_id": question_id,
            "value": value,
            "answered_by": user_id,
            "answered_at": now,
        },
        conflict_columns=["response_id", "question_id"],
        update_columns=["value", "answered_by", "answered_at"],
    )
    await conn.execute(
        _HISTORY,
        {
            "response_id": response_id,
            "question_id": question_id,
            "value": value,
            "answered_by": user_id,
            "answered_at": now,
        },
    )
    await conn.execute(_TOUCH, {"response_id": response_id, "now": now})


async def load_history(conn: AsyncConnection, response_id: int) -> list[HistoryEntry]:
    rows = await conn.execute(
        select(answer_history)
        .where(answer_history.c.response_id == response_id)
        .order_by(answer_history.c.id)
    )
    return [HistoryEntry(r.question_id, r.value, r.answered_by, r.answered_at) for r in rows]


async def change_status(
    conn: AsyncConnection,
    response: Response,
    status: Status,
    *,
    user_id: int | None,
    now: datetime,
    comment: str | None = None,
) -> Response:
    """Move a response to ``status`` and record the transition (also a re-submission); the
    response as it now stands."""
    at = now.astimezone(UTC)  # as the column gives it back
    values: dict[str, Any] = {"status": status.value, "updated_at": at}
    if status is Status.DRAFT and response.started_at is None:
        values["started_at"] = at
    if status is Status.SUBMITTED:
        values["submitted_at"] = at
    if comment is not None:
        values["review_comment"] = comment
    await conn.execute(update(responses).where(responses.c.id == response.id).values(**values))
    await conn.execute(
        insert(response_events).values(
            response_id=response.id,
            from_status=response.status.value,
            to_status=status.value,
            user_id=user_id,
            comment=comment,
            at=at,
        )
    )
    changed = {key: value for key, value in values.items() if key in _RESPONSE_FIELDS}
    return replace(response, **{**changed, "status": status})
