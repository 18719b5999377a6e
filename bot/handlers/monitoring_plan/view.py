"""The monitoring plan as /plan shows it, and an upload's preview, as lines of HTML."""

from html import escape
from zoneinfo import ZoneInfo

from core.monitoring_plan.loader import PlanPreview
from core.monitoring_plan.reading import Problem
from core.monitoring_plan.service import MonthEntry, PlanView, RoundState
from core.plans.owners import person_from_name
from core.schedule import MONTH_NAMES, AnyRecurrence, school_year_label, school_year_months
from storage.monitoring_plan import StoredLine
from texts import monitoring_plan as texts
from texts.plurals import counted


def short_name(full_name: str) -> str:
    """ "Смирнова Ольга Викторовна" → "Смирнова О.В." (a name that does not read stays)."""
    person = person_from_name(full_name)
    return full_name if person is None else person.name


def owners_text(line: StoredLine) -> str:
    names = [short_name(owner.full_name) for owner in line.owners]
    names += [texts.UNMATCHED_MARK.format(name=name) for name in line.unmatched_owners]
    return escape(", ".join(dict.fromkeys(names))) if names else texts.NOBODY


def months_text(recurrence: AnyRecurrence) -> str:
    """ "октябрь, май" for a line's months in school-year order; "ежемесячно" for all twelve."""
    months = school_year_months(recurrence)
    if len(months) == 12:
        return texts.EVERY_MONTH
    return ", ".join(MONTH_NAMES[month - 1] for month in months)


def _status(entry: MonthEntry, timezone: str) -> str:
    match entry.state:
        case RoundState.OPEN:
            assert entry.round is not None
            deadline = entry.round.deadline_at.astimezone(ZoneInfo(timezone))
            return texts.STATUS_OPEN.format(deadline=deadline.strftime("%d.%m.%Y"))
        case RoundState.CLOSED:
            return texts.STATUS_CLOSED
        case RoundState.NOT_HELD:
            return texts.STATUS_NOT_HELD
        case RoundState.EXPECTED | RoundState.NO_FORM:
            return texts.STATUS_EXPECTED


def plan_lines(view: PlanView, form_titles: dict[str, str]) -> list[str]:
    lines = [
        texts.HEADER.format(
            year=school_year_label(view.school_year), municipality=escape(view.municipality)
        )
    ]
    if not view.lines:
        return [*lines, "", texts.EMPTY, texts.UPLOAD_HINT]
    for month in view.months:
        if not month.entries:
            continue
        lines += [
            "",
            texts.MONTH_HEADER.format(
                month=f"{MONTH_NAMES[month.month - 1].capitalize()} {month.year}"
            ),
        ]
        for entry in month.entries:
            key = entry.line.form_key
            if key is None:
                lines.append(
                    texts.MONTH_LINE_NO_FORM.format(
                        direction=escape(entry.line.direction), owners=owners_text(entry.line)
                    )
                )
                continue
            form = f"«{escape(form_titles.get(key, key))}»"
            lines.append(
                texts.MONTH_LINE.format(
                    direction=escape(entry.line.direction),
                    owners=owners_text(entry.line),
                    form=form,
                    status=_status(entry, view.timezone),
                )
            )
    return lines


def preview_lines(preview: PlanPreview, replaced: int) -> list[str]:
    assert preview.lines is not None
    lines = [texts.PREVIEW_HEADER.format(lines=counted(len(preview.lines), texts.LINES)), ""]
    for line in preview.lines:
        names = [
            match.written
            if match.user_id is not None
            else texts.UNMATCHED_MARK.format(name=match.written)
            for match in line.matches
        ]
        lines.append(
            texts.PREVIEW_LINE.format(
                number=escape(line.draft.number or "—"),
                direction=escape(line.draft.direction),
                months=months_text(line.draft.recurrence),
                owners=escape(", ".join(names)) if names else texts.PREVIEW_NOBODY,
                form=texts.NO_FORM if line.form_title is None else f"«{escape(line.form_title)}»",
            )
        )
    lines.append("")
    lines.append(
        texts.PREVIEW_OWNERS.format(found=preview.owners_found, total=preview.owners_written)
    )
    if preview.unmatched:
        lines.append(texts.PREVIEW_UNMATCHED.format(names=escape(", ".join(preview.unmatched))))
    lines.append(
        texts.PREVIEW_ROUNDS.format(
            rounds=preview.with_forms, plain=len(preview.lines) - preview.with_forms
        )
    )
    if replaced:
        lines.append(texts.PREVIEW_REPLACES.format(lines=counted(replaced, texts.LINES)))
    return lines


def problem_lines(problems: tuple[Problem, ...]) -> list[str]:
    return [texts.NOT_SAVED, *(escape(problem.text()) for problem in problems)]
