"""An analytic order's draft as plain data: what the monitoring found, school by school, and
what the schools that lack something are told to do. ``core.order.document`` words it as the
department's document; nothing here knows about Word."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Share:
    """A line of Выводы: how many of the monitoring's schools have it, now and the period
    before (``previous``: count and total there; None when there is no previous period).
    A line with no school in either period is said only when ``always`` (a yes/no finding
    nobody has is a gap; an option nobody chose is not news)."""

    text: str
    count: int
    total: int
    previous: tuple[int, int] | None = None
    always: bool = False

    @property
    def said(self) -> bool:
        return self.always or self.count > 0 or bool(self.previous and self.previous[0])


@dataclass(frozen=True, slots=True)
class Finding:
    """A numbered finding: its sentence (clauses with their school lists, "Проводятся … в ООУ
    № 5 (2–9 классы), 11"), then a paragraph for each school where it differs school by school.
    A finding no school has (an empty sentence) is not numbered; its shares still conclude."""

    sentence: str
    per_school: tuple[str, ...] = ()
    shares: tuple[Share, ...] = ()


@dataclass(frozen=True, slots=True)
class Instruction:
    """An item of the instructions: ``action`` ("Разработать …") for the heads of ``schools``
    (ids), listed as the orders list them in ``listed``. ``key`` names it across drafts of the
    same monitoring (the question, and the option when an option carries it)."""

    key: str
    action: str
    school_ids: tuple[int, ...]
    listed: str


@dataclass(frozen=True, slots=True)
class OrderDraft:
    campaign_id: int
    title: str  # the monitoring's title
    period: str
    previous_period: str | None
    municipality: str  # of the monitoring; several joined by ", "
    municipality_id: int | None  # whose template prints it; None when several
    schools: tuple[str, ...]  # full names, in the orders' order
    submitted: int  # schools that handed in every form
    total: int
    findings: tuple[Finding, ...]
    submitted_share: Share
    not_submitted: tuple[str, ...]  # "МБОУ ООШ № 66 (не сданы: ВСОКО)"
    instructions: tuple[Instruction, ...]
    author: str | None  # who asked for the draft: the "Исполнитель"

    @property
    def numbered(self) -> tuple[Finding, ...]:
        """The findings the order numbers: those some school has (the rest only conclude)."""
        return tuple(finding for finding in self.findings if finding.sentence)


@dataclass(frozen=True, slots=True)
class OrderChoices:
    """What the methodist decided before the file is made: the instructions' deadline (None:
    left blank to fill by hand) and the instructions unticked (by key)."""

    deadline: date | None = None
    dropped: frozenset[str] = frozenset()
