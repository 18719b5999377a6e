"""What an export holds before it is laid out: schools with their status and answers, and the
aggregates the analytic orders are written from."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from core.forms.models import FormProfile, Question, QuestionType
from exports.tables import Sheet
from storage.directory import District, School
from storage.responses import Status

DONE = frozenset({Status.SUBMITTED, Status.ACCEPTED})


class Timeliness(StrEnum):
    ON_TIME = "on_time"  # submitted by the deadline
    LATE = "late"  # first submitted after the deadline
    OVERDUE = "overdue"  # not in (never submitted, or returned and not resent), deadline passed
    NOT_DUE = "not_due"  # not submitted yet, the deadline is ahead


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    campaign_ids: tuple[int, ...]
    opens_at: datetime


@dataclass(frozen=True, slots=True)
class Contact:
    """A respondent as stored: name, position and Telegram username (no phone is kept)."""

    full_name: str
    position: str | None
    username: str | None
    unreachable: bool


@dataclass(frozen=True, slots=True)
class SchoolReport:
    """One school in one period: its status, timing, who answered, and its answers."""

    period: int  # index into Export.periods
    campaign_id: int
    school: School
    municipality: str
    district: District | None
    timezone: str  # the municipality's: times are shown in it
    status: Status
    timeliness: Timeliness
    deadline_at: datetime
    submitted_at: datetime | None  # the latest submission
    first_submitted_at: datetime | None
    accepted_at: datetime | None
    late_by: timedelta | None  # past the deadline: at the first submission, or until now
    returned: int
    answered_by: tuple[str, ...]  # most answers first
    answers: dict[str, Any]  # the answers to questions shown (hidden ones dropped)
    respondents: tuple[Contact, ...]
    base_school: str | None = None  # the short name of the district's base school

    @property
    def done(self) -> bool:
        return self.status in DONE

    @property
    def district_name(self) -> str:
        return "" if self.district is None else self.district.name


@dataclass(frozen=True, slots=True)
class OptionCount:
    key: str  # an option id, "other", "yes"/"no", or "grade:N"
    label: str
    count: int
    share: float | None  # of all the schools in the round (or area), answered or not
    schools: str  # the short list: "СОШ № 5, 11; ООШ № 38"


@dataclass(frozen=True, slots=True)
class NumberStats:
    count: int  # the answers (a repeat group's: its items)
    minimum: float
    mean: float
    median: float
    maximum: float
    total: float | None  # only for counts (integers): a sum of percentages means nothing


@dataclass(frozen=True, slots=True)
class KeyedNumbers:
    """A repeat group's number over the items of one key: the answers that tell its items apart
    ("Математика, 5 класс" of subject × grade), so that different things are never pooled."""

    key: str  # the key's answers' ids, "math.g5" ("other:<text>" for a typed "Другое")
    label: str  # "Математика, 5 класс"
    answered: int  # schools with an item of this key
    schools: str
    numbers: NumberStats


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    key: str  # the question id, or "group.sub" for a sub-question of a repeat group
    label: str
    type: QuestionType
    answered: int  # schools that answered
    schools: str  # the short list of the schools that answered
    options: tuple[OptionCount, ...] = ()
    numbers: NumberStats | None = None  # None for a keyed repeat group's number: see by_key
    dates: tuple[date, date] | None = None
    other_texts: str = ""  # "СОШ № 5: …; СОШ № 11: …"
    items: int | None = None  # a repeat group: items over all schools
    by_key: tuple[KeyedNumbers, ...] = ()  # a keyed repeat group's number, per key, in order
    keys_left_out: int = 0  # keys past ``aggregate.MAX_KEYS``, not in ``by_key``


@dataclass(frozen=True, slots=True)
class AreaSummary:
    """A district, the schools of a municipality without one, a municipality, or everything."""

    name: str
    total: int  # schools in the monitoring
    done: int
    late: int  # submitted late, or not submitted after the deadline
    questions: tuple[QuestionSummary, ...]


@dataclass(frozen=True, slots=True)
class DynamicsRow:
    question: str
    indicator: str
    values: tuple[float | None, ...]  # one per period; shares in per cent

    @property
    def change(self) -> float | None:
        """The last period against the one before it."""
        if len(self.values) < 2 or self.values[-1] is None or self.values[-2] is None:
            return None
        return round(self.values[-1] - self.values[-2], 6)


@dataclass(frozen=True, slots=True)
class Export:
    form_key: str
    form_title: str
    short_title: str
    questions: tuple[Question, ...]  # the columns' questions: the newest version's, then older
    periods: tuple[Period, ...]
    scope: str
    generated_at: datetime  # local time of the (first) municipality
    reports: tuple[SchoolReport, ...]  # every school of every period, in sheet order
    summary: tuple[QuestionSummary, ...]  # the latest period, every school in scope
    areas: tuple[AreaSummary, ...]  # the latest period: districts, then municipalities
    dynamics: tuple[DynamicsRow, ...]  # empty for a single period
    sheets: tuple[Sheet, ...]
    # A monitoring of several forms: each form's export (the fields above then describe the
    # monitoring: its title, periods, scope and reports of its first form for the status).
    parts: tuple["Export", ...] = ()
    profile: FormProfile | None = None  # the newest version's, for the Профиль школ sheet
    # The people who own the monitoring (its latest round's owners: a monitoring plan's
    # "Ответственный"), named on the title sheet; empty: nobody in particular.
    owners: tuple[str, ...] = ()

    @property
    def latest(self) -> Period:
        return self.periods[-1]

    def latest_reports(self) -> list[SchoolReport]:
        last = len(self.periods) - 1
        return [report for report in self.reports if report.period == last]

    def latest_counts(self) -> tuple[int, int, int]:
        """Schools of the latest period: that handed in every form, that were late with any, and
        all of them."""
        parts = self.parts or (self,)
        schools = {report.school.id for report in parts[0].latest_reports()}
        done, late = set(schools), set()
        for part in parts:
            for report in part.latest_reports():
                if not report.done:
                    done.discard(report.school.id)
                if report.timeliness in (Timeliness.LATE, Timeliness.OVERDUE):
                    late.add(report.school.id)
        return len(done), len(late), len(schools)
