"""A plan as read, matched to the bot: each line's form and the people who own it.

Pure: the caller passes the forms a municipality may use and the people who may own a line —
its methodists and administrators (``KnownPerson``: their ``users.full_name``). An owner is
written "Фамилия И.О." (or in full; several separated by ";"), matched by surname and agreeing
initials (``core.plans.matching``: one candidate or none). A line whose owners are not all found
names them in the preview, and the uploader owns that line beside those found until the plan is
uploaded again. A line with no owner written has no owners: like any round without owners, its
summaries go to every methodist of the municipality (the preview says so). A line's form is a
form's key or its title (or short title), any case; an unknown one is a problem with its row and
column, like the reading's: all or nothing.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.forms.models import FormDefinition
from core.monitoring_plan.reading import Column, LineDraft, PlanReading, Problem, direction_key
from core.plans.matching import KnownPerson, PeopleIndex
from core.plans.owners import parse_owners
from texts import monitoring_plan as texts


@dataclass(frozen=True, slots=True)
class OwnerMatch:
    written: str  # "Смирнова О.В."
    user_id: int | None  # None: nobody of the bot is that person


@dataclass(frozen=True, slots=True)
class PreviewLine:
    draft: LineDraft
    form_key: str | None
    form_title: str | None
    matches: tuple[OwnerMatch, ...]
    owner_ids: tuple[int, ...]  # who will own it: those found, and the uploader for the rest
    # (empty when no owner is written: every methodist gets its summaries)

    @property
    def unmatched(self) -> tuple[str, ...]:
        return tuple(match.written for match in self.matches if match.user_id is None)


@dataclass(frozen=True, slots=True)
class PlanPreview:
    """The plan ready to save, or its problems (``lines`` is None exactly then)."""

    lines: tuple[PreviewLine, ...] | None
    problems: tuple[Problem, ...] = ()

    @property
    def owners_written(self) -> int:
        return sum(len(line.matches) for line in self.lines or ())

    @property
    def owners_found(self) -> int:
        return sum(
            1 for line in self.lines or () for match in line.matches if match.user_id is not None
        )

    @property
    def unmatched(self) -> list[str]:
        return list(dict.fromkeys(name for line in self.lines or () for name in line.unmatched))

    @property
    def with_forms(self) -> int:
        return sum(1 for line in self.lines or () if line.form_key is not None)


def find_form(written: str, forms: Mapping[str, FormDefinition]) -> str | None:
    """The key of the form written as its key, title or short title (any case)."""
    if written in forms:
        return written
    wanted = direction_key(written)
    for key, form in forms.items():
        if wanted in (
            direction_key(key),
            direction_key(form.title),
            direction_key(form.short_title),
        ):
            return key
    return None


def match_plan(
    reading: PlanReading,
    forms: Mapping[str, FormDefinition],
    people: Sequence[KnownPerson],
    *,
    uploader_id: int | None,
) -> PlanPreview:
    """The plan's lines with their forms and owners found, or every problem."""
    if reading.lines is None:
        return PlanPreview(None, reading.problems)
    index = PeopleIndex(people)
    problems: list[Problem] = []
    lines: list[PreviewLine] = []
    for draft in reading.lines:
        form_key: str | None = None
        if draft.form:
            form_key = find_form(draft.form, forms)
            if form_key is None:
                message = texts.UNKNOWN_FORM.format(text=draft.form)
                problems.append(Problem(draft.row, reading.titles[Column.FORM], message))
                continue
        written = parse_owners(draft.owners)
        matches = tuple(OwnerMatch(person.name, index.resolve(person)) for person in written.people)
        if not written.people and written.others:
            matches = tuple(OwnerMatch(other, None) for other in written.others)
        found = [match.user_id for match in matches if match.user_id is not None]
        if len(found) < len(matches) and uploader_id is not None:
            found.append(uploader_id)
        lines.append(
            PreviewLine(
                draft=draft,
                form_key=form_key,
                form_title=None if form_key is None else forms[form_key].short_title,
                matches=matches,
                owner_ids=tuple(dict.fromkeys(found)),
            )
        )
    if problems:
        return PlanPreview(None, tuple(problems))
    return PlanPreview(tuple(lines))
