""" "Мои анкеты": the forms a person answers for, a page at a time.

A respondent of one school sees one short message with a button per form; the forms of a
monitoring of several stand under its heading ("📂 Мониторинг …: сдано 3 из 5 анкет"). Someone who
answers
for many schools (an administrator: every form of every school) gets pages of ``PER_PAGE``
forms with ◀️ x/y ▶️ under them, so that a page fits one message and one keyboard.
"""

from collections import Counter
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup

from bot.handlers.questionnaire import keyboards
from bot.handlers.questionnaire.screen import SUBMITTED_STATUSES
from bot.handlers.shared.messages import paginate
from bot.handlers.shared.views import local_date
from core.questionnaires import FormToAnswer
from storage.responses import Status
from texts import questionnaire as texts

PER_PAGE = 8  # forms on a page: 8 lines and 8 + 3 buttons, far under both limits


def _order(item: FormToAnswer) -> tuple[object, ...]:
    # The service's order (soonest deadline first), then the school, then the monitoring's order
    # of its forms: stable between pages.
    keys = item.campaign.form_keys
    position = keys.index(item.response.form_key) if item.response.form_key in keys else len(keys)
    return (item.campaign.deadline_at, item.campaign.id, item.school.id, position)


def short_deadline(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """ "20.12" this year; "20.12.2027" when the year is not this one (so it is never ambiguous)."""
    local = moment.astimezone(zone)
    return local.strftime("%d.%m" if local.year == now.astimezone(zone).year else "%d.%m.%Y")


def _line_and_button(
    item: FormToAnswer, several_schools: bool, several_rounds: bool, now: datetime
) -> tuple[str, str]:
    zone = ZoneInfo(item.timezone)
    status, submitted_at = item.response.status, item.response.submitted_at
    if status in SUBMITTED_STATUSES and submitted_at is not None:
        shown = texts.STATUS_SUBMITTED.format(at=local_date(submitted_at, zone))
        button = texts.BUTTON_VIEW
    else:
        shown = texts.progress_line(item.answered, item.total)
        button = texts.BUTTON_START if status is Status.NOT_STARTED else texts.BUTTON_CONTINUE
    school = f" ({escape(item.school.short_name)})" if several_schools else ""
    line = (texts.MONITORING_FORM_LINE if item.monitoring else texts.FORM_LINE).format(
        icon=texts.ICONS[status.value],
        title=escape(item.form.short_title),
        period=escape(item.campaign.period_label),
        school=school,
        progress=shown,
        deadline=short_deadline(item.campaign.deadline_at, zone, now),
    )
    label = button.format(title=item.form.short_title)
    if several_rounds:
        label = texts.BUTTON_PERIOD.format(button=label, period=item.campaign.period_label)
    if several_schools:
        label = texts.BUTTON_SCHOOL.format(button=label, school=item.school.short_name)
    return line, label


def _monitoring_headings(
    items: list[FormToAnswer], several_schools: bool, now: datetime
) -> dict[int, tuple[str, bool]]:
    """For each item of a monitoring of several forms (by index): its monitoring's heading, and
    whether the item is the first of its forms (where the heading stands)."""
    groups: dict[tuple[int, int], list[int]] = {}
    for index, item in enumerate(items):
        if item.monitoring is not None:
            groups.setdefault((item.campaign.id, item.school.id), []).append(index)
    found: dict[int, tuple[str, bool]] = {}
    for indexes in groups.values():
        first = items[indexes[0]]
        done = sum(items[i].response.status in SUBMITTED_STATUSES for i in indexes)
        heading = texts.MONITORING_LINE.format(
            title=escape(first.monitoring or ""),
            period=escape(first.campaign.period_label),
            school=f" ({escape(first.school.short_name)})" if several_schools else "",
            done=texts.monitoring_done(done, len(indexes)),
            deadline=short_deadline(first.campaign.deadline_at, ZoneInfo(first.timezone), now),
        )
        found.update({index: (heading, index == indexes[0]) for index in indexes})
    return found


def forms_page(
    found: list[FormToAnswer], page: int, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """Page ``page`` (0-based; past the end: the last) of the list: its text and buttons."""
    items = sorted(found, key=_order)
    several_schools = len({item.school.id for item in items}) > 1
    rounds = Counter((item.school.id, item.form.id) for item in items)
    title = texts.FORMS_HEADER_SCHOOLS if several_schools else texts.FORMS_HEADER
    rendered = [
        _line_and_button(item, several_schools, rounds[(item.school.id, item.form.id)] > 1, now)
        for item in items
    ]
    # A monitoring's forms stand indented under its heading, which rides on the first of them
    # (one line per form keeps lines and buttons paired on every page).
    headings = _monitoring_headings(items, several_schools, now)
    lines = [line for line, _ in rendered]
    for index, (heading, first) in headings.items():
        lines[index] = texts.MONITORING_ITEM.format(line=lines[index])
        if first:
            lines[index] = f"{heading}\n{lines[index]}"

    def header(number: int, pages: int) -> str:
        if pages <= 1:
            return title
        counter = texts.FORMS_PAGE.format(page=number, pages=pages, count=len(items))
        return f"{title}\n{counter}"

    shown = paginate(lines, page, per_page=PER_PAGE, header=header)
    continued = headings.get(shown.start)
    if continued is not None and not continued[1]:  # the page starts inside a monitoring
        lines[shown.start] = f"{continued[0]}\n{lines[shown.start]}"
        shown = paginate(lines, shown.number, per_page=PER_PAGE, header=header)
    buttons = [
        (label, item.response.id)
        for (_, label), item in zip(
            rendered[shown.start : shown.stop], items[shown.start : shown.stop], strict=True
        )
    ]
    return shown.text, keyboards.forms_keyboard(buttons, shown)
