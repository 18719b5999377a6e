"""How the campaign wizard words its choices: the schools chosen, the local time, the reminders."""

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.handlers.shared.views import local_place
from core.campaigns import ReminderPreview
from core.schedule import DEADLINE, OPENING
from storage.directory import School
from texts import campaigns as texts
from texts.plurals import DAYS, SCHOOLS, counted, word

NAMED_SCHOOLS = 3  # the first ones are named, the rest counted ("и ещё 4")


def school_names(schools: Sequence[School]) -> str:
    """ "СОШ № 5, СОШ № 11, СОШ № 28 и ещё 4" (HTML-escaped); all of them when one more would be
    left over."""
    names = [escape(school.short_name or school.full_name) for school in schools]
    if len(names) <= NAMED_SCHOOLS + 1:
        if len(names) <= 1:
            return "".join(names)
        return f"{', '.join(names[:-1])} и {names[-1]}"
    rest = len(names) - NAMED_SCHOOLS
    return texts.SCHOOLS_AND_MORE.format(names=", ".join(names[:NAMED_SCHOOLS]), rest=rest)


def schools_chosen(schools: Sequence[School]) -> str:
    """ "Выбрано 7 школ: СОШ № 5, СОШ № 11, СОШ № 28 и ещё 4"."""
    count = len(schools)
    return texts.SCHOOLS_CHOSEN.format(
        chosen=word(count, texts.CHOSEN_FORMS),
        schools=counted(count, SCHOOLS),
        names=school_names(schools),
    )


def local_time_phrase(zone: ZoneInfo, municipality: str) -> str:
    """ "по местному времени (Томск)"."""
    return texts.LOCAL_TIME.format(place=escape(local_place(zone, municipality)))


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m")


def _clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def _joined(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} и {items[-1]}"


def days_before_phrase(days: Sequence[int]) -> str:
    """ "за 3 и за 1 день до срока", "за 7, за 5 и за 2 дня до срока"."""
    ordered = sorted(days, reverse=True)
    numbers = _joined([f"за {day}" for day in ordered])
    return f"{numbers} {word(ordered[-1], DAYS)} до срока"


def reminders_line(preview: ReminderPreview, zone: ZoneInfo) -> str:
    """Exactly the reminders a school that does not submit gets, in order:
    "при открытии; 17.12 и 19.12 в 10:00 — за 3 и за 1 день до срока; 20.12 в 10:00 — в день
    срока"."""
    parts: list[str] = []
    group: list[tuple[datetime, int]] = []  # "days before" slots at one time of day

    def flush() -> None:
        if group:
            days = _joined([_day(moment, zone) for moment, _ in group])
            at = _clock(group[0][0], zone)
            phrase = days_before_phrase([number for _, number in group])
            parts.append(texts.REMINDER_BEFORE.format(days=days, at=at, phrase=phrase))
            group.clear()

    for slot in preview.slots:
        if slot.kind.startswith("before:"):
            if group and _clock(group[0][0], zone) != _clock(slot.due_at, zone):
                flush()
            group.append((slot.due_at, int(slot.kind[len("before:") : -1])))
            continue
        flush()
        if slot.kind == OPENING:
            parts.append(
                texts.REMINDER_OPENING_NOW
                if preview.opens_now
                else texts.REMINDER_OPENING_AT.format(
                    day=_day(slot.due_at, zone), at=_clock(slot.due_at, zone)
                )
            )
        elif slot.kind == DEADLINE:
            parts.append(
                texts.REMINDER_DEADLINE.format(
                    day=_day(slot.due_at, zone), at=_clock(slot.due_at, zone)
                )
            )
    flush()
    if not parts:
        parts.append(texts.REMINDERS_NONE)
    if preview.skipped_days:
        parts.append(
            texts.REMINDERS_SKIPPED.format(phrase=days_before_phrase(preview.skipped_days))
        )
    return "; ".join(parts)
