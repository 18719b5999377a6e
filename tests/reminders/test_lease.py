"""The lease on claimed reminders, on SQLite and PostgreSQL: renewed while its tick lives (no
other replica takes it over), taken again a short lease after its process died."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import core.reminders
from bot.catalog import builtin_forms
from core.questionnaires import FormCatalog
from core.reminders import LeaseLost, Notice, NoticeResult, Outcome, run_tick
from storage import Database
from storage.campaigns import CampaignForm, add_campaign
from storage.forms import ensure_form_version
from storage.people import Role
from storage.reminders import (
    PENDING_LEASE,
    DeliveryState,
    claim,
    list_reminders,
    record_delivery,
    renew_claims,
)
from storage.schema import sent_reminders
from storage.types import utcnow
from tests.factories import make_person, make_town

pytestmark = pytest.mark.asyncio

TOMSK = ZoneInfo("Asia/Tomsk")
OPENS = datetime(2026, 3, 2, 12, tzinfo=TOMSK)
DEADLINE = datetime(2026, 3, 10, 23, 59, tzinfo=TOMSK)
NOW = OPENS + timedelta(minutes=1)  # the opening reminder is due
PEOPLE = range(601, 607)
OnResult = Callable[[NoticeResult], Awaitable[None]]


@pytest.fixture
async def catalog(database: Database) -> FormCatalog:
    """Six respondents in one school of an open campaign: six opening reminders due at NOW."""
    town = await make_town(database)
    for telegram_id in PEOPLE:
        await make_person(database, telegram_id, Role.RESPONDENT, school_id=town.schools[0].id)
    catalog = FormCatalog(builtin_forms())
    await catalog.sync(database)
    async with database.write() as conn:
        await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", catalog.row_id("vsoko"))],
            municipality_id=town.municipality.id,
            period_label="1 полугодие",
            opens_at=OPENS,
            deadline_at=DEADLINE,
            school_ids=[town.schools[0].id],
        )
    return catalog


class Recipient:
    """A delivery that "sends" each notice (records it) and reports it sent."""

    def __init__(self) -> None:
        self.sent: list[int] = []  # telegram ids

    async def deliver(self, notices: Sequence[Notice], on_result: OnResult) -> None:
        for notice in notices:
            self.sent.append(notice.telegram_id)
            await on_result(NoticeResult(notice, Outcome.SENT, 1))


async def attempted(database: Database) -> dict[DeliveryState, set[datetime]]:
    async with database.read() as conn:
        rows = await conn.execute(select(sent_reminders.c.status, sent_reminders.c.attempted_at))
        found: dict[DeliveryState, set[datetime]] = {}
        for row in rows:
            found.setdefault(DeliveryState(row.status), set()).add(row.attempted_at)
    return found


async def test_a_renewed_claim_is_not_taken_and_a_lapsed_one_is(database: Database) -> None:
    town = await make_town(database)
    user = await make_person(database, 1, Role.RESPONDENT, school_id=town.schools[0].id)
    async with database.write() as conn:
        form = await ensure_form_version(conn, "vsoko", 1, "ВСОКО", {"id": "vsoko"})
        campaign = await add_campaign(
            conn,
            forms=[CampaignForm("vsoko", form.id)],
            municipality_id=town.municipality.id,
            period_label="1 полугодие",
            opens_at=OPENS,
            deadline_at=DEADLINE,
            school_ids=[town.schools[0].id],
        )
    claimed_at = utcnow()

    async def attempt(kind: str, now: datetime) -> int | None:
        async with database.write() as conn:
            return await claim(
                conn,
                campaign_id=campaign.id,
                school_id=town.schools[0].id,
                user_id=user.id,
                kind=kind,
                now=now,
            )

    alive = await attempt("opening", claimed_at)
    dead = await attempt("before:3d", claimed_at)
    sent = await attempt("before:1d", claimed_at)
    assert alive is not None
    assert dead is not None
    assert sent is not None
    renewed_at = claimed_at + PENDING_LEASE - timedelta(seconds=30)
    async with database.write() as conn:
        await record_delivery(conn, sent, DeliveryState.SENT, attempts=1, error=None, now=utcnow())
        # Only claims still pending are renewed: the sent one is not touched.
        assert await renew_claims(conn, [alive, sent], now=renewed_at) == 1

    later = claimed_at + PENDING_LEASE + timedelta(seconds=10)
    assert await attempt("opening", later) is None  # renewed: still its claimer's
    assert await attempt("before:1d", later) is None  # delivered
    results = await asyncio.gather(*(attempt("before:3d", later) for _ in range(5)))
    assert results.count(dead) == 1  # lapsed: taken again, by one claimer only
    assert results.count(None) == 4
    assert await attempt("opening", renewed_at + PENDING_LEASE) == alive  # renewals stopped
    async with database.read() as conn:
        states = {r.kind: r.status for r in await list_reminders(conn, campaign_id=campaign.id)}
    assert states == {
        "opening": DeliveryState.PENDING,
        "before:3d": DeliveryState.PENDING,
        "before:1d": DeliveryState.SENT,
    }


async def test_a_tick_renews_its_claims_while_it_sends(
    database: Database, catalog: FormCatalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch that outlasts the lease: a second replica ticking meanwhile takes none of it."""
    monkeypatch.setattr(core.reminders, "LEASE_RENEWAL", timedelta(seconds=0.02))
    lease_time = NOW
    go_on = asyncio.Event()
    first = Recipient()

    async def slow(notices: Sequence[Notice], on_result: OnResult) -> None:
        await first.deliver(notices[:2], on_result)
        await go_on.wait()  # the rest are "on their way" for a long time
        await first.deliver(notices[2:], on_result)

    ticking = asyncio.create_task(
        run_tick(database, catalog, slow, now=NOW, lease_clock=lambda: lease_time)
    )
    async with asyncio.timeout(10):
        while len(first.sent) < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        lease_time = NOW + PENDING_LEASE - timedelta(seconds=5)
        while lease_time not in (await attempted(database)).get(DeliveryState.PENDING, ()):  # noqa: ASYNC110
            await asyncio.sleep(0.01)

    assert (await attempted(database))[DeliveryState.PENDING] == {lease_time}
    replica = Recipient()
    await run_tick(
        database, catalog, replica.deliver, now=NOW + PENDING_LEASE + timedelta(seconds=30)
    )
    assert replica.sent == []  # past the first lease, yet renewed: still the first tick's
    go_on.set()
    report = await ticking

    assert sorted(first.sent) == list(PEOPLE)
    assert report.outcomes[Outcome.SENT] == len(PEOPLE)
    assert set(await attempted(database)) == {DeliveryState.SENT}


async def test_after_a_crash_mid_batch_the_rest_go_out_once_after_the_lease(
    database: Database, catalog: FormCatalog
) -> None:
    dying = Recipient()

    async def killed(notices: Sequence[Notice], on_result: OnResult) -> None:
        await dying.deliver(notices[:2], on_result)
        dying.sent.append(notices[2].telegram_id)  # in flight: it reached Telegram...
        raise SystemExit  # ...and the process died before recording it

    with pytest.raises(SystemExit):
        await run_tick(database, catalog, killed, now=NOW)

    replica = Recipient()
    await run_tick(database, catalog, replica.deliver, now=NOW + PENDING_LEASE / 2)
    assert replica.sent == []  # the lease has not lapsed yet
    await run_tick(database, catalog, replica.deliver, now=NOW + PENDING_LEASE)

    assert sorted(dying.sent[:2] + replica.sent) == list(PEOPLE)  # none lost
    assert dying.sent[2] in replica.sent  # the one in flight at the crash: sent twice
    assert len(replica.sent) == len(PEOPLE) - 2
    async with database.read() as conn:
        assert {r.status for r in await list_reminders(conn)} == {DeliveryState.SENT}


async def test_a_tick_that_cannot_renew_its_lease_stops_sending(
    database: Database, catalog: FormCatalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.reminders, "LEASE_RENEWAL", timedelta(seconds=0.02))
    monkeypatch.setattr(core.reminders, "PENDING_LEASE", timedelta(seconds=0.3))

    async def down(*_: object, **__: object) -> int:
        raise OperationalError("UPDATE", {}, ConnectionError("database is down"))

    monkeypatch.setattr(core.reminders, "renew_claims", down)
    sent: list[int] = []

    async def endless(notices: Sequence[Notice], on_result: OnResult) -> None:
        for notice in notices:
            sent.append(notice.telegram_id)
            await asyncio.sleep(0.2)

    with pytest.raises(LeaseLost):
        await run_tick(database, catalog, endless, now=NOW)
    assert len(sent) < len(PEOPLE)  # stopped (perhaps before the first, if claiming was slow)
