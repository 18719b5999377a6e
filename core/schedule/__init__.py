"""Campaign timing, as pure functions: reminders, quiet hours, digests, recurring rounds.

``reminders`` decides when respondents, coordinators and the methodist are messaged about one
campaign; ``recurrence`` produces the next round of a recurring campaign and its Russian label.
Nothing here reads the clock, the database or Telegram: callers pass ``now`` and record what they
sent. The rules are written out in each module's docstring.
"""

from core.schedule.recurrence import (
    MONTH_NAMES,
    Period,
    Recurrence,
    first_period,
    next_period,
    parse_periodicity,
    school_year_label,
)
from core.schedule.reminders import (
    DEADLINE,
    MAX_DAYS_BEFORE,
    OPENING,
    SUMMARY,
    ReminderPlan,
    Slot,
    before_kind,
    deadline_day,
    digest_days,
    digest_due_at,
    digest_kind,
    digest_slots,
    due,
    in_quiet_hours,
    latest_due,
    latest_pending,
    next_allowed,
    respondent_slots,
    summary_slot,
)

__all__ = [
    "DEADLINE",
    "MAX_DAYS_BEFORE",
    "MONTH_NAMES",
    "OPENING",
    "SUMMARY",
    "Period",
    "Recurrence",
    "ReminderPlan",
    "Slot",
    "before_kind",
    "deadline_day",
    "digest_days",
    "digest_due_at",
    "digest_kind",
    "digest_slots",
    "due",
    "first_period",
    "in_quiet_hours",
    "latest_due",
    "latest_pending",
    "next_allowed",
    "next_period",
    "parse_periodicity",
    "respondent_slots",
    "school_year_label",
    "summary_slot",
]
