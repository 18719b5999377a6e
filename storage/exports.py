"""Reads for the consolidated export: campaigns, their responses, answers and contacts in bulk.

Each function is one query (or one per chunk of ids), whatever the number of schools: an export
of 2,000 schools over four periods must not issue a query per response.
"""

import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, Text, cast, func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.campaigns import CampaignForm, forms_of
from storage.schema import (
    answers,
    campaign_schools,
    campaigns,
    response_events,
    responses,
    role_grants,
    users,
)

# Bound parameters per IN list: well under SQLite's and asyncpg's limits (32,766 / 32,767).
CHUNK = 5000
ROWS_PER_BATCH = 10_000
SHARED_VALUE_LENGTH, SHARED_VALUES = 64, 50_000


def _of_schools(table: Table, school_ids: Collection[int] | None) -> ColumnElement[bool]:
    """Rows of these schools; every row when None (a whole-municipality export)."""
    if school_ids is None:
        return true()
    return table.c.school_id.in_(sorted(school_ids))


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


@dataclass(frozen=True, slots=True)
class ExportCampaign:
    id: int
    forms: tuple[CampaignForm, ...]
    title: str | None
    municipality_id: int
    period_label: str
    opens_at: datetime
    deadline_at: datetime
    closed_at: datetime | None

    def form(self, key: str) -> CampaignForm | None:
        return next((form for form in self.forms if form.key == key), None)

    @property
    def series(self) -> str:
        """Rounds with the same forms (in any order) are periods of one monitoring: "vsoko",
        "parents+vsoko"."""
        return "+".join(sorted(form.key for form in self.forms))


def _export_campaign(row: Any, forms: dict[int, tuple[CampaignForm, ...]]) -> ExportCampaign:
    return ExportCampaign(
        id=row.id,
        forms=forms[row.id],
        title=row.title,
        municipality_id=row.municipality_id,
        period_label=row.period_label,
        opens_at=row.opens_at,
        deadline_at=row.deadline_at,
        closed_at=row.closed_at,
    )


_CAMPAIGN_COLUMNS = (
    campaigns.c.id,
    campaigns.c.title,
    campaigns.c.municipality_id,
    campaigns.c.period_label,
    campaigns.c.opens_at,
    campaigns.c.deadline_at,
    campaigns.c.closed_at,
)


async def export_campaigns(
    conn: AsyncConnection, campaign_ids: Sequence[int]
) -> list[ExportCampaign]:
    """These campaigns with their forms, by opening time (unknown ids are left out)."""
    found: list[ExportCampaign] = []
    for chunk in _chunks(campaign_ids):
        rows = (
            await conn.execute(select(*_CAMPAIGN_COLUMNS).where(campaigns.c.id.in_(chunk)))
        ).all()
        forms = await forms_of(conn, [row.id for row in rows])
        found.extend(_export_campaign(row, forms) for row in rows)
    return sorted(found, key=lambda c: (c.opens_at, c.id))


async def campaigns_of_schools(
    conn: AsyncConnection, school_ids: Sequence[int]
) -> list[tuple[ExportCampaign, int]]:
    """Every campaign (open or closed) that includes any of these schools, with how many of
    them it includes."""
    counts: dict[int, int] = {}
    found: dict[int, ExportCampaign] = {}
    for chunk in _chunks(school_ids):
        rows = await conn.execute(
            select(*_CAMPAIGN_COLUMNS, func.count().label("schools"))
            .join(campaign_schools, campaign_schools.c.campaign_id == campaigns.c.id)
            .where(campaign_schools.c.school_id.in_(chunk))
            .group_by(*_CAMPAIGN_COLUMNS)
        )
        listed = rows.all()
        forms = await forms_of(conn, [row.id for row in listed if row.id not in found])
        for row in listed:
            if row.id not in found:
                found[row.id] = _export_campaign(row, forms)
            counts[row.id] = counts.get(row.id, 0) + int(row.schools)
    return [(campaign, counts[campaign.id]) for campaign in found.values()]


async def campaign_school_ids(
    conn: AsyncConnection, campaign_ids: Sequence[int]
) -> dict[int, list[int]]:
    """The schools of each campaign."""
    found: dict[int, list[int]] = {campaign_id: [] for campaign_id in campaign_ids}
    for chunk in _chunks(campaign_ids):
        rows = await conn.execute(
            select(campaign_schools.c.campaign_id, campaign_schools.c.school_id).where(
                campaign_schools.c.campaign_id.in_(chunk)
            )
        )
        for row in rows:
            found[row.campaign_id].append(row.school_id)
    return found


@dataclass(frozen=True, slots=True)
class ExportResponse:
    """A response with what its status history says: first submission, returns, acceptance."""

    id: int
    campaign_id: int
    school_id: int
    form_key: str
    form_id: int
    status: str
    submitted_at: datetime | None  # the latest submission
    first_submitted_at: datetime | None
    returned: int  # times returned for revision
    accepted_at: datetime | None


async def export_responses(
    conn: AsyncConnection, campaign_ids: Sequence[int], school_ids: Collection[int] | None = None
) -> list[ExportResponse]:
    """The existing responses of these campaigns (of these schools only, when given), with their
    status history summed up."""
    found: list[ExportResponse] = []
    for chunk in _chunks(campaign_ids):
        events = (
            # min()/max() keep the column's type: aware UTC datetimes on both databases.
            select(
                response_events.c.response_id,
                func.min(response_events.c.at)
                .filter(response_events.c.to_status == "submitted")
                .label("first_submitted_at"),
                func.count().filter(response_events.c.to_status == "returned").label("returned"),
                func.max(response_events.c.at)
                .filter(response_events.c.to_status == "accepted")
                .label("accepted_at"),
            )
            .join(responses, responses.c.id == response_events.c.response_id)
            .where(responses.c.campaign_id.in_(chunk), _of_schools(responses, school_ids))
            .group_by(response_events.c.response_id)
            .subquery()
        )
        rows = await conn.execute(
            select(
                responses.c.id,
                responses.c.campaign_id,
                responses.c.school_id,
                responses.c.form_key,
                responses.c.form_id,
                responses.c.status,
                responses.c.submitted_at,
                events.c.first_submitted_at,
                events.c.returned,
                events.c.accepted_at,
            )
            .outerjoin(events, events.c.response_id == responses.c.id)
            .where(responses.c.campaign_id.in_(chunk), _of_schools(responses, school_ids))
        )
        found.extend(
            ExportResponse(
                id=row.id,
                campaign_id=row.campaign_id,
                school_id=row.school_id,
                form_key=row.form_key,
                form_id=row.form_id,
                status=row.status,
                submitted_at=row.submitted_at,
                first_submitted_at=row.first_submitted_at,
                returned=int(row.returned or 0),
                accepted_at=row.accepted_at,
            )
            for row in rows
        )
    return found


@dataclass(slots=True)
class ResponseAnswers:
    values: dict[str, Any] = field(default_factory=dict)
    answered_by: dict[int, int] = field(default_factory=dict)  # user id -> answers given


async def export_answers(
    conn: AsyncConnection, campaign_ids: Sequence[int], school_ids: Collection[int] | None = None
) -> dict[int, ResponseAnswers]:
    """The current answers of every response of these campaigns (of these schools only, when
    given), by response id, with who gave them."""
    found: dict[int, ResponseAnswers] = {}
    # The same short answers come back thousands of times ("да", an option, a grade range):
    # each is decoded once and its value shared, which the export only reads.
    decoded: dict[str, Any] = {}
    for chunk in _chunks(campaign_ids):
        # Streamed in batches: a region's answers are hundreds of thousands of rows, and the
        # fetched rows would otherwise sit in memory beside the decoded values.
        async with conn.stream(
            select(
                answers.c.response_id,
                answers.c.question_id,
                cast(answers.c.value, Text),  # decoded below, once per distinct short value
                answers.c.answered_by,
            )
            .join(responses, responses.c.id == answers.c.response_id)
            .where(responses.c.campaign_id.in_(chunk), _of_schools(responses, school_ids))
        ) as result:
            async for batch in result.partitions(ROWS_PER_BATCH):
                for response_id, question_id, stored, answered_by in batch:
                    entry = found.get(response_id)
                    if entry is None:
                        entry = found[response_id] = ResponseAnswers()
                    value = decoded.get(stored) if stored is not None else None
                    if value is None and stored is not None:
                        value = json.loads(stored)
                        if len(stored) <= SHARED_VALUE_LENGTH and len(decoded) < SHARED_VALUES:
                            decoded[stored] = value
                    entry.values[question_id] = value
                    if answered_by is not None:
                        entry.answered_by[answered_by] = entry.answered_by.get(answered_by, 0) + 1
    return found


async def user_names(conn: AsyncConnection, user_ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in _chunks(user_ids):
        rows = await conn.execute(
            select(users.c.id, users.c.full_name).where(users.c.id.in_(chunk))
        )
        found.update({row.id: row.full_name for row in rows})
    return found


@dataclass(frozen=True, slots=True)
class RespondentContact:
    """A current respondent of a school, as stored: name, position, Telegram username."""

    school_id: int
    full_name: str
    position: str | None
    username: str | None
    unreachable: bool


async def respondent_contacts(
    conn: AsyncConnection, campaign_ids: Sequence[int], school_ids: Collection[int] | None = None
) -> list[RespondentContact]:
    """The current respondents of every school of these campaigns (of these schools only, when
    given), by school and name."""
    found: dict[tuple[int, int], RespondentContact] = {}
    for chunk in _chunks(campaign_ids):
        rows = await conn.execute(
            select(
                role_grants.c.school_id,
                users.c.id,
                users.c.full_name,
                users.c.position,
                users.c.username,
                users.c.unreachable_since,
            )
            .join(users, users.c.id == role_grants.c.user_id)
            .join(campaign_schools, campaign_schools.c.school_id == role_grants.c.school_id)
            .where(
                campaign_schools.c.campaign_id.in_(chunk),
                role_grants.c.role == "respondent",
                users.c.removed_at.is_(None),
                _of_schools(campaign_schools, school_ids),
            )
        )
        for row in rows:
            found[(row.school_id, row.id)] = RespondentContact(
                school_id=row.school_id,
                full_name=row.full_name,
                position=row.position,
                username=row.username,
                unreachable=row.unreachable_since is not None,
            )
    return sorted(found.values(), key=lambda c: (c.school_id, c.full_name))
