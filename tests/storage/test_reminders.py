"""Claiming reminders: exactly one claim wins, however many ticks or replicas try."""

import asyncio
from datetime import timedelta

from storage import Database
from storage.campaigns import CampaignForm, add_campaign, get_campaign
from storage.forms import ensure_form_version
from storage.people import Role
from storage.reminders import (
    DeliveryState,
    claim,
    list_reminders,
    record_delivery,
    reminder_targets,
)
from storage.responses import Status, change_status, get_or_create_response
from storage.types import utcnow
from tests.factories import make_person, make_town


async def _campaign(database: Database) -> tuple[int, int, int]:
    town = await make_town(database)
    user = await make_person(database, 1, Role.RESPONDENT, school_id=town.schools[0].id)
    now = utcnow()
    async with database.write() as conn:
        form = await ensure_form_version(conn, "vsoko", 1, "ВСОКО", {"id": "vsoko"})
        campaign = await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", form.id)],
            municipality_id=town.municipality.id,
            period_label="1 полугодие",
            opens_at=now,
            deadline_at=now + timedelta(days=7),
            school_ids=[town.schools[0].id],
        )
    return campaign.id, town.schools[0].id, user.id


async def test_concurrent_claims_of_one_reminder_have_one_winner(database: Database) -> None:
    campaign_id, school_id, user_id = await _campaign(database)

    async def attempt(school: int | None, kind: str) -> int | None:
        async with database.write() as conn:
            return await claim(
                conn,
                campaign_id=campaign_id,
                school_id=school,
                user_id=user_id,
                kind=kind,
                now=utcnow(),
            )

    results = await asyncio.gather(
        *(attempt(school_id, "before:3d") for _ in range(10)),
        *(attempt(None, "digest:2026-11-22") for _ in range(10)),
    )

    assert sum(r is not None for r in results[:10]) == 1
    assert sum(r is not None for r in results[10:]) == 1  # digests have no school, still unique
    async with database.read() as conn:
        assert len(await list_reminders(conn, campaign_id=campaign_id)) == 2


async def test_delivery_outcome_is_recorded_and_visible(database: Database) -> None:
    campaign_id, school_id, user_id = await _campaign(database)
    async with database.write() as conn:
        sent = await claim(
            conn,
            campaign_id=campaign_id,
            school_id=school_id,
            user_id=user_id,
            kind="opening",
            now=utcnow(),
        )
        failed = await claim(
            conn,
            campaign_id=campaign_id,
            school_id=school_id,
            user_id=user_id,
            kind="deadline",
            now=utcnow(),
        )
        assert sent is not None
        assert failed is not None
        await record_delivery(conn, sent, DeliveryState.SENT, attempts=2, error=None, now=utcnow())
        await record_delivery(
            conn, failed, DeliveryState.FAILED, attempts=6, error="502", now=utcnow()
        )

    async with database.read() as conn:
        failures = await list_reminders(conn, status=DeliveryState.FAILED)
        delivered = await list_reminders(conn, status=DeliveryState.SENT)
    assert [(r.kind, r.attempts, r.last_error) for r in failures] == [("deadline", 6, "502")]
    assert delivered[0].sent_at is not None


async def test_a_target_carries_when_its_response_was_last_returned(database: Database) -> None:
    """The tick needs the latest return for revision (reminders before it are not sent)."""
    campaign_id, school_id, _ = await _campaign(database)
    now = utcnow()
    async with database.read() as conn:
        [fresh] = await reminder_targets(conn, now)
    assert fresh.returned_at is None

    moments = [now + timedelta(hours=hours) for hours in range(6)]
    async with database.write() as conn:
        campaign = await get_campaign(conn, campaign_id)
        assert campaign is not None
        [form] = campaign.forms
        response = await get_or_create_response(
            conn, campaign_id, school_id, form.key, form.form_id, moments[0]
        )
        for moment, status in zip(
            moments[1:],
            (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.SUBMITTED, Status.RETURNED),
            strict=True,
        ):
            response = await change_status(conn, response, status, user_id=None, now=moment)
    async with database.read() as conn:
        [returned] = await reminder_targets(conn, moments[-1])
    assert returned.returned_at == moments[-1]  # the latest of two returns, as an aware time
