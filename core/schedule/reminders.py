"""When reminders and digests of one campaign are due: pure functions, no I/O, no clock.

Every moment here is a UTC-aware ``datetime``; wall-clock hours (``hour``, ``digest_hour``, quiet
hours) are read in the municipality's IANA time zone.

Rules
-----
* **Quiet hours.** From ``quiet_start`` (inclusive) to ``quiet_end`` (exclusive) local time
  nobody is messaged: with the defaults 19:59 is allowed, 20:00 and 07:59 are quiet, 08:00 is
  allowed. A moment in quiet hours waits for the next ``quiet_end`` local. ``quiet_start ==
  quiet_end`` means no quiet hours. ``hour`` and ``digest_hour`` must lie outside quiet hours
  (``ValueError`` otherwise).
* **The deadline's day** is its local date, except that a deadline at exactly 00:00 local closes the
  previous day (``10.03 24:00`` is stored as ``11.03 00:00``).
* **Respondent slots** (schools that have not submitted; the caller filters out submitted ones):

  - ``opening`` at ``opens_at``, moved out of quiet hours;
  - ``before:Nd`` at ``hour`` local on the deadline's day minus N days;
  - ``deadline`` at ``hour`` local on the deadline's day. If the deadline comes before that hour,
    the slot moves to ``max(opens_at, quiet_end local)`` of that day, and is dropped if that is not
    before the deadline either (the ``before:1d`` reminder then was the last call).

  Slots outside ``[opens_at, deadline_at)`` are dropped: a reminder at the very instant the form
  closes could not be acted on. After a **return for revision** (``returned_at``, the latest one)
  the ``opening`` slot is dropped, wherever it fell (a school that has answered knows the form
  is open, and the return notice told it what to do: it never hears "the form has opened"), and
  so are the slots due at or before the return (a ``before:3d`` missed while the answer was
  submitted is not caught up a day late with the wrong count); the slots ahead come as usual.
  When two slots fall on the same instant one is kept: ``opening`` first (it is the respondent's
  first message about the form, and it states the deadline), then ``deadline``, then
  ``before:Nd`` with the smallest N. The result is sorted by time.
* **Digests.** After the deadline, coordinators get a daily digest of late schools at
  ``digest_hour`` local, one per local day from the day after the deadline's day (kind
  ``digest:YYYY-MM-DD``); the methodist gets one ``summary`` at the first digest time.
* **Catching up.** A caller records what it sent under ``(campaign, recipient, slot.kind)``. A bot
  that was down over several slots finds them all due; it must send only the latest one
  (``latest_pending``), so a missed tick catches up once, not once per missed tick.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OPENING = "opening"
DEADLINE = "deadline"
SUMMARY = "summary"
MAX_DAYS_BEFORE = 60


def before_kind(days: int) -> str:
    """The slot kind of the reminder ``days`` days before the deadline: ``before:3d``."""
    return f"before:{days}d"


def digest_kind(day: date) -> str:
    """The slot kind of the late-schools digest of a local day: ``digest:2021-03-11``."""
    return f"digest:{day.isoformat()}"


@dataclass(frozen=True)
class ReminderPlan:
    """How a campaign reminds; stored as JSON (``to_json`` / ``from_json``)."""

    days_before: tuple[int, ...] = (3, 1)
    hour: int = 10
    at_opening: bool = True
    on_deadline_morning: bool = True
    digest_hour: int = 9
    quiet_start: int = 20
    quiet_end: int = 8

    def __post_init__(self) -> None:
        hours = {
            "hour": self.hour,
            "digest_hour": self.digest_hour,
            "quiet_start": self.quiet_start,
            "quiet_end": self.quiet_end,
        }
        for name, value in hours.items():
            if not 0 <= value <= 23:
                raise ValueError(f"{name} must be an hour 0–23, got {value}")
        for name in ("hour", "digest_hour"):
            if _hour_is_quiet(hours[name], self.quiet_start, self.quiet_end):
                raise ValueError(f"{name} {hours[name]}:00 falls in quiet hours")
        for days in self.days_before:
            if not 1 <= days <= MAX_DAYS_BEFORE:
                raise ValueError(f"days_before must be 1–{MAX_DAYS_BEFORE}, got {days}")
        if len(set(self.days_before)) != len(self.days_before):
            raise ValueError(f"days_before has repeated values: {self.days_before}")
        # One canonical form, furthest reminder first, so equal plans compare equal.
        object.__setattr__(self, "days_before", tuple(sorted(self.days_before, reverse=True)))

    def to_json(self) -> dict[str, object]:
        return {
            "days_before": list(self.days_before),
            "hour": self.hour,
            "at_opening": self.at_opening,
            "on_deadline_morning": self.on_deadline_morning,
            "digest_hour": self.digest_hour,
            "quiet_start": self.quiet_start,
            "quiet_end": self.quiet_end,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object] | None) -> "ReminderPlan":
        """Read a stored plan: missing keys (or ``null``) take defaults, unknown keys are ignored.

        Wrong types and out-of-range values raise ``ValueError``.
        """
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError(f"a reminder plan must be a JSON object, got {type(data).__name__}")
        default = cls()

        def get(key: str, fallback: object) -> object:
            value = data.get(key)
            return fallback if value is None else value

        return cls(
            days_before=_days_value(get("days_before", default.days_before)),
            hour=_int_value("hour", get("hour", default.hour)),
            at_opening=_bool_value("at_opening", get("at_opening", default.at_opening)),
            on_deadline_morning=_bool_value(
                "on_deadline_morning", get("on_deadline_morning", default.on_deadline_morning)
            ),
            digest_hour=_int_value("digest_hour", get("digest_hour", default.digest_hour)),
            quiet_start=_int_value("quiet_start", get("quiet_start", default.quiet_start)),
            quiet_end=_int_value("quiet_end", get("quiet_end", default.quiet_end)),
        )


def _int_value(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return value


def _bool_value(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def _days_value(value: object) -> tuple[int, ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"days_before must be a list of integers, got {value!r}")
    return tuple(_int_value("days_before", item) for item in value)


@dataclass(frozen=True)
class Slot:
    """One moment a message is due; ``kind`` is stable and goes into the idempotency key."""

    kind: str
    due_at: datetime

    def __post_init__(self) -> None:
        _require_aware("due_at", self.due_at)


# --- time zones and quiet hours ---------------------------------------------------------------


def _zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {timezone!r}") from error


def _require_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a time-zone-aware datetime, got {moment!r}")


def _at_local(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """``hour``:00 local on ``day``, in UTC. A wall time skipped by DST lands just after the gap."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def _hour_is_quiet(hour: int, start: int, end: int) -> bool:
    if start == end:
        return False
    if start > end:  # the usual case: the quiet window spans midnight
        return hour >= start or hour < end
    return start <= hour < end


def in_quiet_hours(moment: datetime, timezone: str, plan: ReminderPlan) -> bool:
    """Whether ``moment`` falls in the plan's quiet hours, local time."""
    _require_aware("moment", moment)
    local = moment.astimezone(_zone(timezone))
    return _hour_is_quiet(local.hour, plan.quiet_start, plan.quiet_end)


def next_allowed(moment: datetime, timezone: str, plan: ReminderPlan) -> datetime:
    """``moment`` (in UTC) if messages are allowed then, else the next ``quiet_end`` local."""
    if not in_quiet_hours(moment, timezone, plan):
        return moment.astimezone(UTC)
    zone = _zone(timezone)
    day = moment.astimezone(zone).date()
    while True:
        # Normally today's or tomorrow's ``quiet_end``; a day whose ``quiet_end`` falls in a DST
        # gap (and so lands back in quiet hours) is skipped.
        morning = _at_local(day, plan.quiet_end, zone)
        if morning > moment and not in_quiet_hours(morning, timezone, plan):
            return morning
        day += timedelta(days=1)


def deadline_day(deadline_at: datetime, timezone: str) -> date:
    """The local day a deadline closes; a deadline at exactly 00:00 local closes the day before."""
    _require_aware("deadline_at", deadline_at)
    local = deadline_at.astimezone(_zone(timezone))
    if local.time() == time():
        return local.date() - timedelta(days=1)
    return local.date()


# --- respondent reminders ---------------------------------------------------------------------


def respondent_slots(
    plan: ReminderPlan,
    *,
    opens_at: datetime,
    deadline_at: datetime,
    timezone: str,
    returned_at: datetime | None = None,
) -> list[Slot]:
    """Reminders for a school that has not submitted, sorted; see the module rules.

    ``returned_at``: when the school's response was last returned for revision, if ever: then
    only the deadline reminders after it are kept."""
    _require_aware("opens_at", opens_at)
    _require_aware("deadline_at", deadline_at)
    if returned_at is not None:
        _require_aware("returned_at", returned_at)
    if deadline_at < opens_at:
        raise ValueError("deadline_at is before opens_at")
    zone = _zone(timezone)
    last_day = deadline_day(deadline_at, timezone)
    candidates: list[Slot] = []
    if plan.at_opening:
        candidates.append(Slot(OPENING, next_allowed(opens_at, timezone, plan)))
    for days in plan.days_before:
        moment = _at_local(last_day - timedelta(days=days), plan.hour, zone)
        candidates.append(Slot(before_kind(days), next_allowed(moment, timezone, plan)))
    if plan.on_deadline_morning:
        candidates.append(Slot(DEADLINE, _deadline_morning(plan, opens_at, deadline_at, timezone)))
    inside = [slot for slot in candidates if opens_at <= slot.due_at < deadline_at]
    if returned_at is not None:
        inside = [s for s in inside if s.kind != OPENING and s.due_at > returned_at]
    return _deduplicate(inside)


def _deadline_morning(
    plan: ReminderPlan, opens_at: datetime, deadline_at: datetime, timezone: str
) -> datetime:
    zone = _zone(timezone)
    day = deadline_day(deadline_at, timezone)
    morning = next_allowed(_at_local(day, plan.hour, zone), timezone, plan)
    if morning < deadline_at:
        return morning
    # The deadline is before ``hour``: remind as early that morning as allowed (may still be
    # after the deadline; the caller's range filter drops it then).
    earliest = max(opens_at, _at_local(day, plan.quiet_end, zone))
    return next_allowed(earliest, timezone, plan)


def _precedence(kind: str) -> int:
    """Lower wins when slots coincide: opening, deadline, then the nearest ``before:Nd``."""
    if kind == OPENING:
        return 0
    if kind == DEADLINE:
        return 1
    if kind.startswith("before:") and kind.endswith("d") and kind[7:-1].isdigit():
        return 2 + int(kind[7:-1])
    return 2 + MAX_DAYS_BEFORE + 1


def _deduplicate(slots: Iterable[Slot]) -> list[Slot]:
    kept: dict[datetime, Slot] = {}
    for slot in slots:
        current = kept.get(slot.due_at)
        if current is None or _precedence(slot.kind) < _precedence(current.kind):
            kept[slot.due_at] = slot
    return sorted(kept.values(), key=lambda slot: slot.due_at)


# --- digests after the deadline ---------------------------------------------------------------


def digest_due_at(day: date, plan: ReminderPlan, timezone: str) -> datetime:
    """When the digest of local ``day`` is due: ``digest_hour`` local, in UTC."""
    return next_allowed(_at_local(day, plan.digest_hour, _zone(timezone)), timezone, plan)


def digest_days(
    plan: ReminderPlan, *, deadline_at: datetime, timezone: str, now: datetime
) -> list[date]:
    """Local days from the day after the deadline's day to today whose digest time has come."""
    _require_aware("now", now)
    first = deadline_day(deadline_at, timezone) + timedelta(days=1)
    last = now.astimezone(_zone(timezone)).date()
    if digest_due_at(last, plan, timezone) > now:
        last -= timedelta(days=1)
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def digest_slots(
    plan: ReminderPlan, *, deadline_at: datetime, timezone: str, now: datetime
) -> list[Slot]:
    """The coordinators' digests due by ``now``, as slots of kind ``digest:YYYY-MM-DD``."""
    days = digest_days(plan, deadline_at=deadline_at, timezone=timezone, now=now)
    return [Slot(digest_kind(day), digest_due_at(day, plan, timezone)) for day in days]


def summary_slot(plan: ReminderPlan, *, deadline_at: datetime, timezone: str) -> Slot:
    """The methodist's one summary, due with the first digest after the deadline."""
    first = deadline_day(deadline_at, timezone) + timedelta(days=1)
    return Slot(SUMMARY, digest_due_at(first, plan, timezone))


# --- what to send now -------------------------------------------------------------------------


def due(slots: Iterable[Slot], now: datetime) -> list[Slot]:
    """Slots with ``due_at <= now``, sorted by time.

    Callers record sent slots idempotently by ``kind``. A bot that was down over several slots
    finds all of them due here; it must send only the latest one per recipient (``latest_due`` /
    ``latest_pending``), never one message per missed slot.
    """
    _require_aware("now", now)
    return sorted((slot for slot in slots if slot.due_at <= now), key=lambda slot: slot.due_at)


def latest_due(slots: Iterable[Slot], now: datetime) -> Slot | None:
    """The most recent slot due by ``now``, or ``None``: the one a catching-up bot sends."""
    passed = due(slots, now)
    return passed[-1] if passed else None


def latest_pending(
    slots: Iterable[Slot],
    now: datetime,
    *,
    sent: Collection[str],
    timezone: str,
    plan: ReminderPlan,
) -> Slot | None:
    """The slot to send to one recipient now, or ``None``.

    ``sent`` holds the kinds already recorded for that recipient. Only the latest due slot counts:
    earlier ones it supersedes are never sent, so a missed tick catches up once. Nothing is sent
    in quiet hours (a catch-up at 22:00 waits for the morning). Respondent slots all lie before the
    deadline; callers stop reminding respondents once the deadline has passed.
    """
    if in_quiet_hours(now, timezone, plan):
        return None
    latest = latest_due(slots, now)
    if latest is None or latest.kind in sent:
        return None
    return latest
