"""Campaign timing: reminder slots, quiet hours, digests, catching up, recurring rounds."""

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.schedule import (
    DEADLINE,
    OPENING,
    SUMMARY,
    Period,
    Recurrence,
    ReminderPlan,
    Slot,
    deadline_day,
    digest_days,
    digest_due_at,
    digest_slots,
    due,
    first_period,
    in_quiet_hours,
    latest_due,
    latest_pending,
    next_allowed,
    next_period,
    parse_periodicity,
    respondent_slots,
    school_year_label,
    summary_slot,
)

TOMSK = "Asia/Tomsk"
OMSK = "Asia/Omsk"
NORILSK = "Asia/Krasnoyarsk"
MOSCOW = "Europe/Moscow"
BERLIN = "Europe/Berlin"
PLAN = ReminderPlan()


def at(zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local wall time in ``zone``, as a UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def end_of(zone: str, year: int, month: int, day: int) -> datetime:
    """23:59:59 local, as ``core.campaigns.local_deadline`` stores deadlines."""
    return at(zone, year, month, day, 23, 59) + timedelta(seconds=59)


def plan_of(slots: list[Slot]) -> list[tuple[str, datetime]]:
    return [(slot.kind, slot.due_at) for slot in slots]


# --- respondent slots -------------------------------------------------------------------------


@pytest.mark.parametrize("zone", [TOMSK, OMSK, NORILSK, MOSCOW, BERLIN])
def test_default_plan_in_each_zone(zone: str) -> None:
    slots = respondent_slots(
        PLAN,
        opens_at=at(zone, 2021, 3, 1, 12),
        deadline_at=end_of(zone, 2021, 3, 10),
        timezone=zone,
    )
    assert plan_of(slots) == [
        (OPENING, at(zone, 2021, 3, 1, 12)),
        ("before:3d", at(zone, 2021, 3, 7, 10)),
        ("before:1d", at(zone, 2021, 3, 9, 10)),
        (DEADLINE, at(zone, 2021, 3, 10, 10)),
    ]
    assert all(slot.due_at.tzinfo is UTC for slot in slots)


@pytest.mark.parametrize(
    ("zone", "opens_at", "deadline_at", "expected"),
    [
        pytest.param(
            TOMSK,
            at(TOMSK, 2021, 3, 1, 12),
            at(TOMSK, 2021, 3, 11),  # 00:00 local = 10.03 17:00 UTC: closes the 10th
            [
                (OPENING, at(TOMSK, 2021, 3, 1, 12)),
                ("before:3d", at(TOMSK, 2021, 3, 7, 10)),
                ("before:1d", at(TOMSK, 2021, 3, 9, 10)),
                (DEADLINE, at(TOMSK, 2021, 3, 10, 10)),
            ],
            id="midnight-closes-previous-day",
        ),
        pytest.param(
            TOMSK,
            at(TOMSK, 2021, 3, 1, 12),
            at(TOMSK, 2021, 3, 11, 5),  # 10.03 22:00 UTC, but the 11th in Tomsk
            [
                (OPENING, at(TOMSK, 2021, 3, 1, 12)),
                ("before:3d", at(TOMSK, 2021, 3, 8, 10)),
                ("before:1d", at(TOMSK, 2021, 3, 10, 10)),
                # no deadline-morning slot: 08:00 on the 11th is after the 05:00 deadline
            ],
            id="early-morning-deadline-other-utc-date",
        ),
        pytest.param(
            TOMSK,
            at(TOMSK, 2021, 3, 1, 12),
            at(TOMSK, 2021, 3, 10, 9),
            [
                (OPENING, at(TOMSK, 2021, 3, 1, 12)),
                ("before:3d", at(TOMSK, 2021, 3, 7, 10)),
                ("before:1d", at(TOMSK, 2021, 3, 9, 10)),
                (DEADLINE, at(TOMSK, 2021, 3, 10, 8)),  # before 09:00: the start of the day
            ],
            id="deadline-at-9-local",
        ),
        pytest.param(
            TOMSK,
            at(TOMSK, 2021, 3, 10, 8, 30),
            at(TOMSK, 2021, 3, 10, 9),
            [(OPENING, at(TOMSK, 2021, 3, 10, 8, 30))],  # the deadline slot coincides: dropped
            id="opened-half-an-hour-before-a-9-deadline",
        ),
        pytest.param(
            TOMSK,
            at(TOMSK, 2021, 3, 1, 22),
            end_of(TOMSK, 2021, 3, 10),
            [
                (OPENING, at(TOMSK, 2021, 3, 2, 8)),
                ("before:3d", at(TOMSK, 2021, 3, 7, 10)),
                ("before:1d", at(TOMSK, 2021, 3, 9, 10)),
                (DEADLINE, at(TOMSK, 2021, 3, 10, 10)),
            ],
            id="opening-at-22-waits-for-8",
        ),
        pytest.param(
            OMSK,
            at(OMSK, 2021, 3, 8, 12),
            end_of(OMSK, 2021, 3, 10),
            [
                (OPENING, at(OMSK, 2021, 3, 8, 12)),
                ("before:1d", at(OMSK, 2021, 3, 9, 10)),
                (DEADLINE, at(OMSK, 2021, 3, 10, 10)),
            ],
            id="before-opening-dropped",
        ),
        pytest.param(
            OMSK,
            at(OMSK, 2021, 3, 10, 21),
            end_of(OMSK, 2021, 3, 10),
            [],
            id="opened-in-quiet-hours-on-the-last-evening",
        ),
        pytest.param(
            TOMSK,
            at(TOMSK, 2021, 3, 10, 14),
            end_of(TOMSK, 2021, 3, 10),
            [(OPENING, at(TOMSK, 2021, 3, 10, 14))],
            id="opened-after-the-deadline-morning",
        ),
        pytest.param(
            NORILSK,
            at(NORILSK, 2021, 3, 10, 10),
            end_of(NORILSK, 2021, 3, 10),
            [(OPENING, at(NORILSK, 2021, 3, 10, 10))],  # opening wins over deadline morning
            id="opened-on-the-deadline-morning",
        ),
        pytest.param(
            MOSCOW,
            at(MOSCOW, 2021, 3, 7, 10),
            end_of(MOSCOW, 2021, 3, 10),
            [
                (OPENING, at(MOSCOW, 2021, 3, 7, 10)),  # opening wins over before:3d
                ("before:1d", at(MOSCOW, 2021, 3, 9, 10)),
                (DEADLINE, at(MOSCOW, 2021, 3, 10, 10)),
            ],
            id="opening-coincides-with-before",
        ),
        pytest.param(
            TOMSK,
            at(TOMSK, 2021, 3, 10, 12),
            at(TOMSK, 2021, 3, 10, 12),
            [],
            id="empty-window",
        ),
    ],
)
def test_respondent_slots(
    zone: str, opens_at: datetime, deadline_at: datetime, expected: list[tuple[str, datetime]]
) -> None:
    slots = respondent_slots(PLAN, opens_at=opens_at, deadline_at=deadline_at, timezone=zone)
    assert plan_of(slots) == expected


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        pytest.param(
            end_of(BERLIN, 2024, 3, 31),  # CET → CEST at 02:00 that night
            [
                ("before:3d", datetime(2024, 3, 28, 9, tzinfo=UTC)),
                ("before:1d", datetime(2024, 3, 30, 9, tzinfo=UTC)),
                (DEADLINE, datetime(2024, 3, 31, 8, tzinfo=UTC)),
            ],
            id="spring-forward-day",
        ),
        pytest.param(
            end_of(BERLIN, 2024, 10, 27),  # CEST → CET at 03:00 that night
            [
                ("before:3d", datetime(2024, 10, 24, 8, tzinfo=UTC)),
                ("before:1d", datetime(2024, 10, 26, 8, tzinfo=UTC)),
                (DEADLINE, datetime(2024, 10, 27, 9, tzinfo=UTC)),
            ],
            id="fall-back-day",
        ),
    ],
)
def test_berlin_dst_keeps_local_hours(
    deadline: datetime, expected: list[tuple[str, datetime]]
) -> None:
    plan = ReminderPlan(at_opening=False)
    slots = respondent_slots(
        plan, opens_at=deadline - timedelta(days=10), deadline_at=deadline, timezone=BERLIN
    )
    assert plan_of(slots) == expected
    assert all(slot.due_at.astimezone(ZoneInfo(BERLIN)).hour == 10 for slot in slots)


def test_opening_in_the_repeated_hour_of_fall_back_waits_for_eight() -> None:
    opens_at = datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first 02:30
    slots = respondent_slots(
        PLAN, opens_at=opens_at, deadline_at=end_of(BERLIN, 2024, 10, 28), timezone=BERLIN
    )
    assert slots[0] == Slot(OPENING, datetime(2024, 10, 27, 7, tzinfo=UTC))  # 08:00 CET


def test_configured_offsets_and_hour() -> None:
    plan = ReminderPlan(days_before=(1, 7, 2), hour=15, on_deadline_morning=False)
    slots = respondent_slots(
        plan,
        opens_at=at(TOMSK, 2021, 2, 1, 9),
        deadline_at=end_of(TOMSK, 2021, 3, 1),
        timezone=TOMSK,
    )
    assert plan_of(slots) == [
        (OPENING, at(TOMSK, 2021, 2, 1, 9)),
        ("before:7d", at(TOMSK, 2021, 2, 22, 15)),
        ("before:2d", at(TOMSK, 2021, 2, 27, 15)),
        ("before:1d", at(TOMSK, 2021, 2, 28, 15)),
    ]


def test_plan_with_nothing_enabled_has_no_slots() -> None:
    plan = ReminderPlan(days_before=(), at_opening=False, on_deadline_morning=False)
    assert (
        respondent_slots(
            plan,
            opens_at=at(TOMSK, 2021, 3, 1),
            deadline_at=end_of(TOMSK, 2021, 3, 10),
            timezone=TOMSK,
        )
        == []
    )


def test_opening_shifted_onto_a_reminder_keeps_the_opening() -> None:
    plan = ReminderPlan(quiet_end=10, digest_hour=11)  # the morning starts at the reminder hour
    slots = respondent_slots(
        plan,
        opens_at=at(TOMSK, 2021, 3, 8, 22),
        deadline_at=end_of(TOMSK, 2021, 3, 10),
        timezone=TOMSK,
    )
    assert plan_of(slots) == [
        (OPENING, at(TOMSK, 2021, 3, 9, 10)),
        (DEADLINE, at(TOMSK, 2021, 3, 10, 10)),
    ]


@pytest.mark.parametrize(
    ("returned_at", "expected"),
    [
        pytest.param(
            at(TOMSK, 2021, 3, 1, 22),  # the opening waits for 08:00, the return came first
            [
                ("before:3d", at(TOMSK, 2021, 3, 7, 10)),
                ("before:1d", at(TOMSK, 2021, 3, 9, 10)),
                (DEADLINE, at(TOMSK, 2021, 3, 10, 10)),
            ],
            id="returned-before-the-opening-went-out",
        ),
        pytest.param(
            at(TOMSK, 2021, 3, 8, 14),  # before:3d fell while the answer was submitted
            [("before:1d", at(TOMSK, 2021, 3, 9, 10)), (DEADLINE, at(TOMSK, 2021, 3, 10, 10))],
            id="returned-after-a-reminder",
        ),
        pytest.param(
            at(TOMSK, 2021, 3, 9, 10),  # at the very moment of before:1d: the notice told it
            [(DEADLINE, at(TOMSK, 2021, 3, 10, 10))],
            id="returned-on-a-reminder",
        ),
    ],
)
def test_after_a_return_only_the_reminders_ahead_remain(
    returned_at: datetime, expected: list[tuple[str, datetime]]
) -> None:
    """A school whose answer came back for revision never hears "the form has opened", and a
    reminder due before the return is not caught up after it."""
    opens_at, deadline_at = at(TOMSK, 2021, 3, 1, 21), end_of(TOMSK, 2021, 3, 10)
    slots = respondent_slots(
        PLAN, opens_at=opens_at, deadline_at=deadline_at, timezone=TOMSK, returned_at=returned_at
    )
    assert plan_of(slots) == expected
    morning_after = next_allowed(returned_at + timedelta(hours=1), TOMSK, PLAN)
    assert latest_pending(slots, morning_after, sent=set(), timezone=TOMSK, plan=PLAN) is None


def test_returned_at_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        respondent_slots(
            PLAN,
            opens_at=at(TOMSK, 2021, 3, 1),
            deadline_at=end_of(TOMSK, 2021, 3, 10),
            timezone=TOMSK,
            returned_at=datetime(2021, 3, 5),
        )


@pytest.mark.parametrize(
    "arguments",
    [
        {"opens_at": datetime(2021, 3, 1), "deadline_at": end_of(TOMSK, 2021, 3, 10)},
        {"opens_at": at(TOMSK, 2021, 3, 1), "deadline_at": datetime(2021, 3, 10)},
        {"opens_at": at(TOMSK, 2021, 3, 10), "deadline_at": at(TOMSK, 2021, 3, 1)},
        {
            "opens_at": at(TOMSK, 2021, 3, 1),
            "deadline_at": at(TOMSK, 2021, 3, 10),
            "timezone": "Asia/Nowhere",
        },
    ],
    ids=["naive-opening", "naive-deadline", "deadline-before-opening", "unknown-zone"],
)
def test_respondent_slots_rejects_bad_input(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        respondent_slots(PLAN, **{"timezone": TOMSK, **arguments})  # type: ignore[arg-type]


def test_slot_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        Slot(OPENING, datetime(2021, 3, 1))


@pytest.mark.parametrize(
    ("deadline", "day"),
    [
        (end_of(TOMSK, 2021, 3, 10), date(2021, 3, 10)),
        (at(TOMSK, 2021, 3, 11), date(2021, 3, 10)),
        (at(TOMSK, 2021, 3, 11, 0, 1), date(2021, 3, 11)),
        (at(TOMSK, 2021, 3, 11, 5), date(2021, 3, 11)),
    ],
)
def test_deadline_day(deadline: datetime, day: date) -> None:
    assert deadline_day(deadline, TOMSK) == day


# --- quiet hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (19, 59, False),
        (20, 0, True),
        (23, 59, True),
        (0, 0, True),
        (7, 59, True),
        (8, 0, False),
        (12, 0, False),
    ],
)
@pytest.mark.parametrize("zone", [TOMSK, OMSK, MOSCOW])
def test_quiet_hours_boundaries(zone: str, hour: int, minute: int, quiet: bool) -> None:
    assert in_quiet_hours(at(zone, 2021, 3, 5, hour, minute), zone, PLAN) is quiet


@pytest.mark.parametrize(
    ("local", "allowed"),
    [
        ((19, 59), at(TOMSK, 2021, 3, 5, 19, 59)),
        ((20, 0), at(TOMSK, 2021, 3, 6, 8)),
        ((23, 30), at(TOMSK, 2021, 3, 6, 8)),
        ((3, 0), at(TOMSK, 2021, 3, 5, 8)),
        ((7, 59), at(TOMSK, 2021, 3, 5, 8)),
        ((8, 0), at(TOMSK, 2021, 3, 5, 8)),
    ],
)
def test_next_allowed(local: tuple[int, int], allowed: datetime) -> None:
    assert next_allowed(at(TOMSK, 2021, 3, 5, *local), TOMSK, PLAN) == allowed


def test_next_allowed_returns_utc() -> None:
    moment = datetime(2021, 3, 5, 12, tzinfo=ZoneInfo(TOMSK))
    assert next_allowed(moment, TOMSK, PLAN).tzinfo is UTC


def test_quiet_window_within_a_day() -> None:
    plan = ReminderPlan(quiet_start=13, quiet_end=15)
    assert not in_quiet_hours(at(OMSK, 2021, 3, 5, 12, 59), OMSK, plan)
    assert in_quiet_hours(at(OMSK, 2021, 3, 5, 13), OMSK, plan)
    assert next_allowed(at(OMSK, 2021, 3, 5, 14), OMSK, plan) == at(OMSK, 2021, 3, 5, 15)
    assert not in_quiet_hours(at(OMSK, 2021, 3, 5, 22), OMSK, plan)


def test_equal_bounds_mean_no_quiet_hours() -> None:
    plan = ReminderPlan(quiet_start=0, quiet_end=0)
    for hour in range(24):
        assert not in_quiet_hours(at(TOMSK, 2021, 3, 5, hour), TOMSK, plan)


def test_morning_in_a_dst_gap_moves_past_the_gap() -> None:
    # Only 02:00–02:59 is allowed; on 31.03.2024 Berlin skips from 02:00 to 03:00.
    plan = ReminderPlan(quiet_start=3, quiet_end=2, hour=2, digest_hour=2)
    moment = at(BERLIN, 2024, 3, 30, 12)
    allowed = next_allowed(moment, BERLIN, plan)
    assert allowed == at(BERLIN, 2024, 4, 1, 2)
    assert not in_quiet_hours(allowed, BERLIN, plan)


# --- digests ----------------------------------------------------------------------------------

DEADLINE_AT = end_of(TOMSK, 2021, 3, 10)


@pytest.mark.parametrize(
    ("now", "days"),
    [
        (at(TOMSK, 2021, 3, 10, 12), []),
        (at(TOMSK, 2021, 3, 11, 8, 59), []),
        (at(TOMSK, 2021, 3, 11, 9), [date(2021, 3, 11)]),
        (at(TOMSK, 2021, 3, 13, 8), [date(2021, 3, 11), date(2021, 3, 12)]),
        (at(TOMSK, 2021, 3, 13, 12), [date(2021, 3, 11), date(2021, 3, 12), date(2021, 3, 13)]),
    ],
)
def test_digest_days(now: datetime, days: list[date]) -> None:
    assert digest_days(PLAN, deadline_at=DEADLINE_AT, timezone=TOMSK, now=now) == days


def test_digest_after_a_midnight_deadline_starts_that_morning() -> None:
    now = at(TOMSK, 2021, 3, 11, 9)
    assert digest_days(PLAN, deadline_at=at(TOMSK, 2021, 3, 11), timezone=TOMSK, now=now) == [
        date(2021, 3, 11)
    ]


def test_digest_due_at_and_slots() -> None:
    assert digest_due_at(date(2021, 3, 11), PLAN, TOMSK) == datetime(2021, 3, 11, 2, tzinfo=UTC)
    slots = digest_slots(
        PLAN, deadline_at=DEADLINE_AT, timezone=TOMSK, now=at(TOMSK, 2021, 3, 12, 10)
    )
    assert plan_of(slots) == [
        ("digest:2021-03-11", at(TOMSK, 2021, 3, 11, 9)),
        ("digest:2021-03-12", at(TOMSK, 2021, 3, 12, 9)),
    ]


def test_summary_slot() -> None:
    slot = summary_slot(PLAN, deadline_at=DEADLINE_AT, timezone=OMSK)
    assert slot == Slot(SUMMARY, at(OMSK, 2021, 3, 11, 9))


# --- due and catching up ----------------------------------------------------------------------

SLOTS = respondent_slots(
    PLAN, opens_at=at(TOMSK, 2021, 3, 1, 12), deadline_at=DEADLINE_AT, timezone=TOMSK
)


def test_due_and_latest_due() -> None:
    now = at(TOMSK, 2021, 3, 9, 10)
    assert [slot.kind for slot in due(SLOTS, now)] == [OPENING, "before:3d", "before:1d"]
    assert latest_due(SLOTS, now) == Slot("before:1d", now)
    assert latest_due(SLOTS, at(TOMSK, 2021, 3, 1, 11)) is None
    assert due(reversed(SLOTS), now) == due(SLOTS, now)


def run_ticks(
    slots: list[Slot], start: datetime, end: datetime, down: tuple[datetime, datetime] | None
) -> list[tuple[str, datetime]]:
    """A bot ticking every 15 minutes, recording what it sent; it does not tick while down."""
    sent: dict[str, datetime] = {}
    now = start
    while now <= end:
        if down is None or not down[0] <= now < down[1]:
            slot = latest_pending(slots, now, sent=sent.keys(), timezone=TOMSK, plan=PLAN)
            if slot is not None:
                assert not in_quiet_hours(now, TOMSK, PLAN)
                sent[slot.kind] = now
        now += timedelta(minutes=15)
    return list(sent.items())


def test_ticks_send_each_slot_once() -> None:
    sent = run_ticks(SLOTS, at(TOMSK, 2021, 3, 1), DEADLINE_AT, down=None)
    assert sent == plan_of(SLOTS)


def test_missed_ticks_catch_up_once() -> None:
    down = (at(TOMSK, 2021, 3, 1, 11), at(TOMSK, 2021, 3, 9, 15))  # over three slots
    sent = run_ticks(SLOTS, at(TOMSK, 2021, 3, 1), DEADLINE_AT, down=down)
    assert sent == [
        ("before:1d", at(TOMSK, 2021, 3, 9, 15)),
        (DEADLINE, at(TOMSK, 2021, 3, 10, 10)),
    ]


def test_catch_up_in_quiet_hours_waits_for_the_morning() -> None:
    down = (at(TOMSK, 2021, 3, 9, 9), at(TOMSK, 2021, 3, 9, 21))
    sent = run_ticks(SLOTS, at(TOMSK, 2021, 3, 1), DEADLINE_AT, down=down)
    assert sent == [
        (OPENING, at(TOMSK, 2021, 3, 1, 12)),
        ("before:3d", at(TOMSK, 2021, 3, 7, 10)),
        ("before:1d", at(TOMSK, 2021, 3, 10, 8)),  # back up at 21:00, quiet until 08:00
        (DEADLINE, at(TOMSK, 2021, 3, 10, 10)),
    ]


def test_digests_missed_for_days_catch_up_with_todays_only() -> None:
    now = at(TOMSK, 2021, 3, 14, 11)
    slots = digest_slots(PLAN, deadline_at=DEADLINE_AT, timezone=TOMSK, now=now)
    assert len(slots) == 4
    pending = latest_pending(slots, now, sent={"digest:2021-03-11"}, timezone=TOMSK, plan=PLAN)
    assert pending == Slot("digest:2021-03-14", at(TOMSK, 2021, 3, 14, 9))
    assert latest_pending(slots, now, sent={pending.kind}, timezone=TOMSK, plan=PLAN) is None


# --- plan JSON --------------------------------------------------------------------------------


def test_plan_json_round_trip() -> None:
    plan = ReminderPlan(
        days_before=(7, 2),
        hour=11,
        at_opening=False,
        on_deadline_morning=False,
        digest_hour=12,
        quiet_start=21,
        quiet_end=9,
    )
    assert ReminderPlan.from_json(plan.to_json()) == plan
    assert PLAN.to_json() == {
        "days_before": [3, 1],
        "hour": 10,
        "at_opening": True,
        "on_deadline_morning": True,
        "digest_hour": 9,
        "quiet_start": 20,
        "quiet_end": 8,
    }


@pytest.mark.parametrize(
    "data", [None, {}, {"unknown": 1, "hour": None}, {"days_before": [3, 1], "colour": "red"}]
)
def test_plan_json_defaults(data: dict[str, object] | None) -> None:
    assert ReminderPlan.from_json(data) == PLAN


def test_plan_json_partial_and_normalized() -> None:
    plan = ReminderPlan.from_json({"days_before": [1, 5, 2], "hour": 12})
    assert plan == ReminderPlan(days_before=(5, 2, 1), hour=12)
    assert plan.days_before == (5, 2, 1)
    assert ReminderPlan.from_json({"days_before": []}).days_before == ()


@pytest.mark.parametrize(
    "data",
    [
        {"hour": 24},
        {"hour": -1},
        {"digest_hour": 25},
        {"quiet_start": 24},
        {"quiet_end": -1},
        {"days_before": [0]},
        {"days_before": [61]},
        {"days_before": [3, 3]},
        {"hour": 21},  # in quiet hours
        {"digest_hour": 7},  # in quiet hours
        {"hour": "10"},
        {"hour": 10.0},
        {"hour": True},
        {"days_before": 3},
        {"days_before": ["3"]},
        {"at_opening": "yes"},
        {"on_deadline_morning": 1},
    ],
)
def test_plan_json_validation(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - one message per field
        ReminderPlan.from_json(data)


def test_plan_json_must_be_an_object() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        ReminderPlan.from_json([1, 2])  # type: ignore[arg-type]


def test_plan_constructor_validates() -> None:
    with pytest.raises(ValueError, match="days_before"):
        ReminderPlan(days_before=(60, 61))
    assert ReminderPlan(days_before=(60,)).days_before == (60,)


# --- recurrence -------------------------------------------------------------------------------


def chain(recurrence: Recurrence, first: Period, rounds: int) -> list[Period]:
    periods = [first]
    while len(periods) < rounds:
        periods.append(next_period(recurrence, periods[-1]))
    return periods


def test_twelve_monthly_rounds() -> None:
    periods = chain(Recurrence.MONTHLY, first_period(Recurrence.MONTHLY, date(2026, 9, 15)), 12)
    assert [period.label for period in periods] == [
        "сентябрь 2026",
        "октябрь 2026",
        "ноябрь 2026",
        "декабрь 2026",
        "январь 2027",
        "февраль 2027",
        "март 2027",
        "апрель 2027",
        "май 2027",
        "июнь 2027",
        "июль 2027",
        "август 2027",
    ]
    assert periods[0] == Period("сентябрь 2026", date(2026, 9, 1), date(2026, 9, 30))
    for period in periods:
        assert period.opens_on.day == 1
        assert (period.deadline_on + timedelta(days=1)).day == 1  # the month's last day
    assert periods[5].deadline_on == date(2027, 2, 28)
    assert periods[6].deadline_on == date(2027, 3, 31)


def test_monthly_offsets_are_kept() -> None:
    previous = Period("январь 2027", date(2027, 1, 25), date(2027, 2, 5))
    assert next_period(Recurrence.MONTHLY, previous) == Period(
        "февраль 2027", date(2027, 2, 25), date(2027, 3, 5)
    )
    december = Period("декабрь 2026", date(2026, 12, 20), date(2027, 1, 10))
    assert next_period(Recurrence.MONTHLY, december) == Period(
        "январь 2027", date(2027, 1, 20), date(2027, 2, 10)
    )


@pytest.mark.parametrize(
    ("deadlines", "year"),
    [
        ([date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)], 2027),
        ([date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30)], 2028),
        ([date(2027, 1, 30), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)], 2027),
        ([date(2027, 1, 15), date(2027, 2, 15), date(2027, 3, 15), date(2027, 4, 15)], 2027),
    ],
    ids=["jan-31", "jan-31-leap", "jan-30-documented-drift", "mid-month"],
)
def test_month_end_clamping(deadlines: list[date], year: int) -> None:
    first = Period(f"январь {year}", date(year, 1, 1), deadlines[0])
    periods = chain(Recurrence.MONTHLY, first, 4)
    assert [period.deadline_on for period in periods] == deadlines


def test_eight_quarterly_rounds() -> None:
    periods = chain(Recurrence.QUARTERLY, first_period(Recurrence.QUARTERLY, date(2026, 9, 1)), 8)
    assert [(period.label, period.opens_on, period.deadline_on) for period in periods] == [
        ("1 четверть 2026/27", date(2026, 10, 1), date(2026, 10, 31)),
        ("2 четверть 2026/27", date(2026, 12, 1), date(2026, 12, 31)),
        ("3 четверть 2026/27", date(2027, 3, 1), date(2027, 3, 31)),
        ("4 четверть 2026/27", date(2027, 5, 1), date(2027, 5, 31)),
        ("1 четверть 2027/28", date(2027, 10, 1), date(2027, 10, 31)),
        ("2 четверть 2027/28", date(2027, 12, 1), date(2027, 12, 31)),
        ("3 четверть 2027/28", date(2028, 3, 1), date(2028, 3, 31)),
        ("4 четверть 2027/28", date(2028, 5, 1), date(2028, 5, 31)),
    ]


def test_quarterly_offsets_follow_the_quarters_end() -> None:
    first = Period("1 четверть 2026/27", date(2026, 10, 20), date(2026, 11, 5))
    periods = chain(Recurrence.QUARTERLY, first, 5)
    assert [(period.opens_on, period.deadline_on) for period in periods] == [
        (date(2026, 10, 20), date(2026, 11, 5)),
        (date(2026, 12, 20), date(2027, 1, 5)),
        (date(2027, 3, 20), date(2027, 4, 5)),
        (date(2027, 5, 20), date(2027, 6, 5)),
        (date(2027, 10, 20), date(2027, 11, 5)),
    ]


def test_four_semiannual_rounds_alternate_october_and_may() -> None:
    periods = chain(
        Recurrence.SEMIANNUAL, first_period(Recurrence.SEMIANNUAL, date(2026, 6, 10)), 4
    )
    assert [(period.label, period.opens_on, period.deadline_on) for period in periods] == [
        ("1 полугодие 2026/27", date(2026, 10, 1), date(2026, 10, 31)),
        ("2 полугодие 2026/27", date(2027, 5, 1), date(2027, 5, 31)),
        ("1 полугодие 2027/28", date(2027, 10, 1), date(2027, 10, 31)),
        ("2 полугодие 2027/28", date(2028, 5, 1), date(2028, 5, 31)),
    ]


def test_semiannual_from_the_seed_label() -> None:
    previous = Period("1 полугодие 2020/21", date(2020, 10, 1), date(2020, 10, 20))
    assert next_period(Recurrence.SEMIANNUAL, previous) == Period(
        "2 полугодие 2020/21", date(2021, 5, 1), date(2021, 5, 20)
    )


def test_yearly_rounds() -> None:
    periods = chain(Recurrence.YEARLY, first_period(Recurrence.YEARLY, date(2026, 9, 1)), 3)
    assert [(period.label, period.opens_on, period.deadline_on) for period in periods] == [
        ("2026/27 учебный год", date(2027, 5, 1), date(2027, 5, 31)),
        ("2027/28 учебный год", date(2028, 5, 1), date(2028, 5, 31)),
        ("2028/29 учебный год", date(2029, 5, 1), date(2029, 5, 31)),
    ]
    leap = Period("2027/28 учебный год", date(2028, 2, 1), date(2028, 2, 29))
    assert next_period(Recurrence.YEARLY, leap).deadline_on == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("recurrence", "today", "label"),
    [
        (Recurrence.MONTHLY, date(2026, 10, 31), "октябрь 2026"),
        (Recurrence.QUARTERLY, date(2026, 10, 31), "1 четверть 2026/27"),
        (Recurrence.QUARTERLY, date(2026, 11, 15), "2 четверть 2026/27"),
        (Recurrence.QUARTERLY, date(2027, 1, 10), "3 четверть 2026/27"),
        (Recurrence.QUARTERLY, date(2027, 6, 1), "1 четверть 2027/28"),
        (Recurrence.SEMIANNUAL, date(2026, 11, 1), "2 полугодие 2026/27"),
        (Recurrence.SEMIANNUAL, date(2027, 5, 31), "2 полугодие 2026/27"),
        (Recurrence.YEARLY, date(2027, 5, 20), "2026/27 учебный год"),
        (Recurrence.YEARLY, date(2027, 6, 1), "2027/28 учебный год"),
    ],
)
def test_first_period(recurrence: Recurrence, today: date, label: str) -> None:
    period = first_period(recurrence, today)
    assert period.label == label
    assert period.deadline_on >= today


@pytest.mark.parametrize(
    ("recurrence", "label", "following"),
    [
        (Recurrence.MONTHLY, "  Ноябрь   2026 ", "декабрь 2026"),
        (Recurrence.QUARTERLY, "2 четверть 2026/2027", "3 четверть 2026/27"),
        (Recurrence.QUARTERLY, "4четверть 2026/27", "1 четверть 2027/28"),
        (Recurrence.SEMIANNUAL, "2 Полугодие 2020 / 21", "1 полугодие 2021/22"),
        (Recurrence.YEARLY, "2099/00", "2100/01 учебный год"),
    ],
)
def test_labels_are_read_leniently(recurrence: Recurrence, label: str, following: str) -> None:
    previous = Period(label, date(2026, 1, 1), date(2026, 1, 2))
    assert next_period(recurrence, previous).label == following


@pytest.mark.parametrize(
    ("recurrence", "label"),
    [
        (Recurrence.MONTHLY, "весна 2026"),
        (Recurrence.MONTHLY, "1 полугодие 2026/27"),
        (Recurrence.QUARTERLY, "5 четверть 2026/27"),
        (Recurrence.QUARTERLY, "ноябрь 2026"),
        (Recurrence.SEMIANNUAL, "1 полугодие 2026/28"),
        (Recurrence.SEMIANNUAL, "3 полугодие 2026/27"),
        (Recurrence.YEARLY, "демо: 1 полугодие"),
    ],
)
def test_unreadable_label(recurrence: Recurrence, label: str) -> None:
    previous = Period(label, date(2026, 1, 1), date(2026, 1, 2))
    with pytest.raises(ValueError, match="label"):
        next_period(recurrence, previous)


def test_period_validates_dates() -> None:
    with pytest.raises(ValueError, match="before"):
        Period("ноябрь 2026", date(2026, 11, 10), date(2026, 11, 9))


def test_school_year_label() -> None:
    assert school_year_label(2026) == "2026/27"
    assert school_year_label(2099) == "2099/00"


@pytest.mark.parametrize(
    ("text", "recurrence"),
    [
        ("Ежемесячно", Recurrence.MONTHLY),
        ("1 раз в четверть", Recurrence.QUARTERLY),
        ("2 раза в год", Recurrence.SEMIANNUAL),
        ("2 раз в год (входной-октябрь, итоговый-май)", Recurrence.SEMIANNUAL),
        ("1 раз в год", Recurrence.YEARLY),
        ("1 раз в год, Май", Recurrence.YEARLY),
    ],
)
def test_parse_periodicity_from_seed_004(text: str, recurrence: Recurrence) -> None:
    assert parse_periodicity(text) is recurrence


def test_parse_periodicity_rejects_unknown() -> None:
    with pytest.raises(ValueError, match="periodicity"):
        parse_periodicity("по запросу")


# --- properties -------------------------------------------------------------------------------

ZONES = [TOMSK, OMSK, NORILSK, MOSCOW, BERLIN, "America/New_York", "Australia/Lord_Howe", "UTC"]


@st.composite
def plans(draw: st.DrawFn) -> ReminderPlan:
    quiet_start = draw(st.integers(0, 23))
    quiet_end = draw(st.integers(0, 23))
    allowed = [
        hour
        for hour in range(24)
        if quiet_start == quiet_end
        or not (
            (hour >= quiet_start or hour < quiet_end)
            if quiet_start > quiet_end
            else quiet_start <= hour < quiet_end
        )
    ]
    return ReminderPlan(
        days_before=tuple(draw(st.sets(st.integers(1, 60), max_size=4))),
        hour=draw(st.sampled_from(allowed)),
        at_opening=draw(st.booleans()),
        on_deadline_morning=draw(st.booleans()),
        digest_hour=draw(st.sampled_from(allowed)),
        quiet_start=quiet_start,
        quiet_end=quiet_end,
    )


moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(
    plan=plans(),
    opens_at=moments,
    length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90)),
    zone=st.sampled_from(ZONES),
)
def test_slots_property(
    plan: ReminderPlan, opens_at: datetime, length: timedelta, zone: str
) -> None:
    deadline_at = opens_at + length
    slots = respondent_slots(plan, opens_at=opens_at, deadline_at=deadline_at, timezone=zone)
    instants = [slot.due_at for slot in slots]
    assert instants == sorted(set(instants))
    assert len({slot.kind for slot in slots}) == len(slots)
    for slot in slots:
        assert opens_at <= slot.due_at < deadline_at
        assert not in_quiet_hours(slot.due_at, zone, plan)
    if plan.at_opening and not in_quiet_hours(opens_at, zone, plan) and length > timedelta(0):
        assert slots[0] == Slot(OPENING, opens_at)


@settings(max_examples=300, deadline=None)
@given(plan=plans(), moment=moments, zone=st.sampled_from(ZONES))
def test_next_allowed_property(plan: ReminderPlan, moment: datetime, zone: str) -> None:
    allowed = next_allowed(moment, zone, plan)
    assert allowed >= moment
    assert not in_quiet_hours(allowed, zone, plan)
    assert allowed - moment <= timedelta(days=2)
    if not in_quiet_hours(moment, zone, plan):
        assert allowed == moment


@settings(max_examples=200, deadline=None)
@given(
    plan=plans(),
    deadline_at=moments,
    after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
    zone=st.sampled_from(ZONES),
)
def test_digest_property(
    plan: ReminderPlan, deadline_at: datetime, after: timedelta, zone: str
) -> None:
    now = deadline_at + after
    days = digest_days(plan, deadline_at=deadline_at, timezone=zone, now=now)
    for earlier, later in itertools.pairwise(days):
        assert later - earlier == timedelta(days=1)
    if days:
        assert days[0] == deadline_day(deadline_at, zone) + timedelta(days=1)
    for day in days:
        assert deadline_at <= digest_due_at(day, plan, zone) <= now
    following = (days[-1] if days else deadline_day(deadline_at, zone)) + timedelta(days=1)
    assert digest_due_at(following, plan, zone) > now


@settings(max_examples=200, deadline=None)
@given(
    recurrence=st.sampled_from(list(Recurrence)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 31)),
    rounds=st.integers(1, 10),
)
def test_recurrence_property(recurrence: Recurrence, today: date, rounds: int) -> None:
    periods = chain(recurrence, first_period(recurrence, today), rounds)
    assert periods[0].deadline_on >= today
    assert len({period.label for period in periods}) == len(periods)
    for earlier, later in itertools.pairwise(periods):
        assert earlier.deadline_on < later.opens_on
        assert later.opens_on.day == 1
        assert (later.deadline_on + timedelta(days=1)).day == 1
