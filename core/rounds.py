"""Recurring campaigns open their next round by themselves.

Every recurring chain is followed from its latest round (the one no campaign names as
``previous_campaign_id``); a closed latest round stops the chain, and one-off campaigns have none.

* **Dates.** The next round's label and local dates come from ``next_period``; its opening and
  deadline keep the previous round's local times of day (a deadline at 23:59:59 stays 23:59:59,
  an opening at 09:00 stays 09:00), on the shifted dates, in the municipality's time zone.
* **Lead time.** A round is created at the earlier of the previous round's deadline and its own
  opening. Created at the previous deadline, a round that opens later already exists (a methodist
  can see it, move its deadline or close it to stop the chain) but nobody is asked or reminded
  before it opens: schools and reminders only see opened campaigns. When rounds overlap (a
  deadline after the next opening) the next one is created when it opens.
* **Catch-up.** A bot that was down for several periods skips the rounds whose deadline has
  already passed and creates only the current one (the first whose deadline is still ahead), linked
  to the latest round that exists. A round that nobody could answer on time would only make every
  school late at once and flood coordinators with digests; the methodist can still open a missed
  period by hand.
* **Once.** ``campaigns.previous_campaign_id`` is unique and the insert does nothing on conflict,
  so two replicas (or a restart mid-tick) create each round exactly once.
* **Stopped meanwhile.** The round is created in a write transaction that first reads its
  predecessor again with a row lock (``storage.rounds.head_state``): closed, or no longer
  recurring (a monitoring plan saved meanwhile stopped the chain), it gets no successor; a
  changed recurrence is followed from its new value.
* **Content.** The same schools as the previous round, the current version of its form, the same
  reminder plan, recurrence, author and owners (``storage.rounds.insert_next_round``).
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

from core.questionnaires import AvailableForms, FormCatalog
from core.schedule import AnyRecurrence, Period, next_period, parse_recurrence
from storage import Database
from storage.campaigns import Campaign, CampaignForm, campaign_school_ids
from storage.rounds import ChainHead, chain_heads, head_state, insert_next_round

log = logging.getLogger(__name__)

# A chain never skips more rounds than this in one go (over 80 years of monthly rounds).
MAX_SKIPPED = 1000


@dataclass(frozen=True, slots=True)
class Round:
    """A round to be: its label and UTC opening and deadline."""

    label: str
    opens_at: datetime
    deadline_at: datetime


def following_round(
    recurrence: AnyRecurrence, label: str, opens_at: datetime, deadline_at: datetime, timezone: str
) -> Round:
    """The round after one with this label and these times (see the module doc)."""
    zone = ZoneInfo(timezone)
    opens, deadline = opens_at.astimezone(zone), deadline_at.astimezone(zone)
    period = next_period(recurrence, Period(label, opens.date(), deadline.date()))
    next_opens = datetime.combine(period.opens_on, opens.time(), tzinfo=zone)
    next_deadline = datetime.combine(period.deadline_on, deadline.time(), tzinfo=zone)
    if next_deadline <= next_opens:
        # Month-end clamping put both on one day, the deadline earlier in it: open at midnight.
        next_opens = datetime.combine(period.opens_on, time(), tzinfo=zone)
    return Round(period.label, next_opens, next_deadline)


def due_round(head: ChainHead, now: datetime) -> Round | None:
    """The round to create after ``head`` now, or None when none is due yet."""
    recurrence = parse_recurrence(head.campaign.recurrence or "")  # heads are recurring
    previous_deadline = head.campaign.deadline_at
    candidate = following_round(
        recurrence,
        head.campaign.period_label,
        head.campaign.opens_at,
        head.campaign.deadline_at,
        head.timezone,
    )
    for _ in range(MAX_SKIPPED):
        if now < min(previous_deadline, candidate.opens_at):
            return None
        if candidate.deadline_at > now:
            return candidate
        # Missed entirely while the bot was down: skip it (see the module doc).
        previous_deadline = candidate.deadline_at
        candidate = following_round(
            recurrence, candidate.label, candidate.opens_at, candidate.deadline_at, head.timezone
        )
    return None


async def open_next_rounds(
    database: Database, catalog: FormCatalog, *, now: datetime
) -> list[Campaign]:
    """Create every next round that is due; returns the rounds this call created."""
    async with database.read() as conn:
        heads = await chain_heads(conn)
    created: list[Campaign] = []
    offered: dict[int, AvailableForms] = {}  # per municipality, read once a tick
    while heads:
        due: list[tuple[ChainHead, Round, AvailableForms]] = []
        for head in heads:
            try:
                found = due_round(head, now)
            except ValueError as error:  # an unknown recurrence or a label it cannot follow
                log.warning("campaign %s: no next round: %s", head.campaign.id, error)
                continue
            if found is None:
                continue
            municipality_id = head.campaign.municipality_id
            if municipality_id not in offered:
                offered[municipality_id] = await catalog.available(database, municipality_id)
            available = offered[municipality_id]
            gone = [key for key in head.campaign.form_keys if key not in available]
            if gone:
                log.warning(
                    "campaign %s: form %r is no longer loaded; its chain stops",
                    head.campaign.id,
                    gone[0],
                )
                continue
            due.append((head, found, available))
        # Overlapping rounds: a round created now may have a successor due already.
        heads = []
        for head, next_round, available in due:
            campaign = await _create(database, head, next_round, available, now=now)
            if campaign is not None:
                created.append(campaign)
                heads.append(ChainHead(campaign, head.timezone))
    return created


async def _create(
    database: Database,
    head: ChainHead,
    next_round: Round,
    available: AvailableForms,
    *,
    now: datetime,
) -> Campaign | None:
    async with database.write() as conn:
        # Read again, locked: closed since the chains were read (the methodist stopped it), or
        # no longer recurring (a monitoring plan saved meanwhile stopped its chain) — no round.
        state = await head_state(conn, head.campaign.id)
        if state is None or state.closed_at is not None or not state.recurrence:
            log.info("campaign %s: its chain stopped meanwhile", head.campaign.id)
            return None
        if state.recurrence != head.campaign.recurrence:
            # Its recurrence changed meanwhile: the next round follows the new one.
            head = replace(head, campaign=replace(head.campaign, recurrence=state.recurrence))
            try:
                found = due_round(head, now)
            except ValueError as error:
                log.warning("campaign %s: no next round: %s", head.campaign.id, error)
                return None
            if found is None:
                return None
            next_round = found
        campaign = await insert_next_round(
            conn,
            head.campaign,
            forms=[CampaignForm(key, available.row_id(key)) for key in head.campaign.form_keys],
            period_label=next_round.label,
            opens_at=next_round.opens_at,
            deadline_at=next_round.deadline_at,
            school_ids=sorted(await campaign_school_ids(conn, head.campaign.id)),
        )
    if campaign is None:
        log.info("campaign %s: next round already created elsewhere", head.campaign.id)
    else:
        log.info(
            "campaign %s: opened round %s (%s)",
            head.campaign.id,
            campaign.id,
            campaign.period_label,
        )
    return campaign
