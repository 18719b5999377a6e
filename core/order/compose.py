"""The analytic order's draft from a monitoring's export: the wording comes from the forms
(``core.forms.models.OrderWording``), the facts from the schools' submitted answers.

For every question of every form of the monitoring, in order:
- a yes/no or choice question gives clauses — its wording and the schools with the answer, in
  the orders' short form ("Проводятся дополнительные занятия … в ООУ № 5 (2–9 классы), 11") —
  and instructions to the schools that answered "нет" or chose an option that carries one;
- a ``per_school`` question gives each school a phrase of its own paragraph ("В МАОУ СОШ № 28
  имеется положение о ВСОКО, утверждено 28.08.2020, …");
- a yes/no or choice question with no wording is reported plainly: its text, each answer and
  its schools (an answer to type is said only where its wording, or an answer it details, asks).
Questions of one topic (by default their section) make one numbered finding; consecutive
clauses with the same schools share one list ("Проанализированы …, приняты … в ООУ № 5, 11").

Only handed-in (submitted or accepted) responses are facts. Shares are of every school of the
monitoring ("в 5 из 7 школ"); with a previous period, its share follows.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from core.export.aggregate import choices, grades_for, is_chosen, sample_value
from core.export.model import Export, SchoolReport
from core.export.school_lists import (
    Listed,
    grades_note,
    numbered,
    ooo_list,
    school_list,
    school_number,
    school_order,
)
from core.forms.display import format_answer
from core.forms.engine import condition_holds
from core.forms.models import CHOICE_TYPES, FormDefinition, Question, QuestionType
from core.order.model import Finding, Instruction, OrderDraft, Share
from core.order.words import capital, lower_first
from storage.directory import School
from texts import order as texts
from texts.plurals import FORMS, word

COUNTED = CHOICE_TYPES | {QuestionType.YES_NO}
DETAIL_TEXT = 60  # a text answer short enough to follow a school in brackets
MISSING = "missing"  # the key of the instruction to the schools that did not submit


def compose_order(
    export: Export,
    definitions: Mapping[str, FormDefinition],
    *,
    campaign_id: int,
    author: str | None = None,
) -> OrderDraft:
    """The draft of the order on ``export``'s latest period (its previous period, if it has
    one, for the change); ``definitions`` are the monitoring's forms by key, for the wording and
    the sections (else the export's own questions, each its own topic)."""
    parts = export.parts or (export,)
    schools = _Schools(parts)
    topics: dict[str, _Topic] = {}
    instructions: dict[str, _Instructed] = {}
    for part in parts:
        facts = _Facts.of(part)
        definition = definitions.get(part.form_key)
        questions = definition.questions if definition else list(part.questions)
        for question in questions:
            if question.order.omit or question.repeats:
                continue
            name = question.order.topic or (
                definition.section_of(question.id).title if definition else question.text
            )
            topic = topics.setdefault(name, _Topic(name))
            if question.order.per_school:
                topic.add_phrases(question, facts)
            elif question.type in COUNTED:
                topic.clauses += _clauses(question, questions, facts, schools)
            for action, key, ids in _instructions(part.form_key, question, facts):
                instructed = instructions.setdefault(action, _Instructed(key, action))
                instructed.ids.update(ids)
    missing = _missing(parts, schools)
    if missing:
        instructions[MISSING] = _Instructed(MISSING, texts.SUBMIT_MISSING, set(missing))
    done, total = schools.submitted(parts, len(export.periods) - 1)
    previous = (
        schools.submitted(parts, len(export.periods) - 2) if len(export.periods) > 1 else None
    )
    return OrderDraft(
        campaign_id=campaign_id,
        title=export.form_title,
        period=export.latest.label,
        previous_period=export.periods[-2].label if len(export.periods) > 1 else None,
        municipality=", ".join(sorted({report.municipality for report in schools.reports})),
        municipality_id=schools.municipality_id,
        schools=tuple(report.school.full_name for report in schools.reports),
        submitted=done,
        total=total,
        findings=tuple(finding for topic in topics.values() if (finding := topic.finding(schools))),
        submitted_share=Share(texts.SUBMITTED_SHARE, done, total, previous),
        not_submitted=tuple(_missing_lines(parts, schools, missing)),
        instructions=tuple(
            Instruction(item.key, item.action, schools.ordered(item.ids), schools.listed(item.ids))
            for item in instructions.values()
            if item.ids
        ),
        author=author,
    )


# --- the facts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Facts:
    """One form's handed-in answers by school: the latest period, and the one before it."""

    latest: Mapping[int, Mapping[str, Any]]
    previous: Mapping[int, Mapping[str, Any]] | None
    previous_total: int

    @classmethod
    def of(cls, part: Export) -> "_Facts":
        last = len(part.periods) - 1
        latest = {r.school.id: r.answers for r in part.reports if r.period == last and r.done}
        if last < 1:
            return cls(latest, None, 0)
        before = [r for r in part.reports if r.period == last - 1]
        previous = {r.school.id: r.answers for r in before if r.done}
        return cls(latest, previous, len({r.school.id for r in before}))

    def before(self, question: Question) -> Mapping[int, Mapping[str, Any]] | None:
        """The previous period's answers, if it asked this question at all (a question new in
        this round has no "0 из 7" to compare with)."""
        if self.previous is None:
            return None
        asked = any(question.id in answers for answers in self.previous.values())
        return self.previous if asked else None


class _Schools:
    """The monitoring's schools of the latest period, and how the order names them."""

    def __init__(self, parts: Sequence[Export]) -> None:
        found: dict[int, SchoolReport] = {}
        for part in parts:
            for report in part.latest_reports():
                found.setdefault(report.school.id, report)
        self.reports = sorted(found.values(), key=lambda r: school_order(r.school.short_name))
        self.by_id = {report.school.id: report for report in self.reports}
        self.several_towns = len({report.municipality for report in self.reports}) > 1
        towns = {report.school.municipality_id for report in self.reports}
        self.municipality_id = towns.pop() if len(towns) == 1 else None

    @property
    def total(self) -> int:
        return len(self.reports)

    def ordered(self, ids: Iterable[int]) -> tuple[int, ...]:
        wanted = set(ids)
        return tuple(r.school.id for r in self.reports if r.school.id in wanted)

    def named(self, school_id: int) -> str:
        """ "МАОУ СОШ № 28": the legal form and the short name, as an order names one school."""
        return _named(self.by_id[school_id].school)

    def listed(self, ids: Iterable[int], notes: Mapping[int, str] | None = None) -> str:
        """ "ООУ № 5 (2–9 классы), 11"; one school by its name ("МАОУ СОШ № 28"); by
        municipality when there are several."""
        chosen = self.ordered(ids)
        notes = notes or {}
        if len(chosen) == 1:
            note = notes.get(chosen[0])
            return f"{self.named(chosen[0])} ({note})" if note else self.named(chosen[0])
        by_town: dict[str, list[Listed]] = {}
        for school_id in chosen:
            report = self.by_id[school_id]
            # A school without a number keeps its legal form: "МБОУ «Мирненская СОШ»".
            name = report.school.short_name
            entry = Listed(
                name if numbered(name) else self.named(school_id), notes.get(school_id, "")
            )
            by_town.setdefault(report.municipality, []).append(entry)
        if not self.several_towns:
            entries = [entry for found in by_town.values() for entry in found]
            if _numbers_repeat(entries):  # "СОШ № 5; Гимназия № 5", never "ООУ № 5, 5"
                return school_list(entries)
            same = {entry.note for entry in entries}
            if len(same) == 1 and (note := same.pop()):  # said once, not seven times
                plain = ooo_list(entry.short_name for entry in entries)
                return texts.SAME_NOTE.format(schools=plain, note=note)
            return ooo_list(entries)
        return "; ".join(
            texts.TOWN_LIST.format(town=town, schools=ooo_list(entries))
            for town, entries in sorted(by_town.items())
        )

    def submitted(self, parts: Sequence[Export], period: int) -> tuple[int, int]:
        """Schools of ``period`` that handed in every form, and all of them."""
        everyone: set[int] = set()
        missing: set[int] = set()
        for part in parts:
            for report in part.reports:
                if report.period == period:
                    everyone.add(report.school.id)
                    if not report.done:
                        missing.add(report.school.id)
        return len(everyone - missing), len(everyone)


def _numbers_repeat(entries: Sequence[Listed]) -> bool:
    numbers = [school_number(entry.short_name) for entry in entries]
    found = [number for number in numbers if number is not None]
    return len(found) != len(set(found))


def _named(school: School) -> str:
    """ "МАОУ СОШ № 28"; a school without a number in quotes after its legal form: "МБОУ
    «Мирненская СОШ»" (its short name as is when the directory has no legal form)."""
    if not school.legal_form:
        return school.short_name
    if numbered(school.short_name) or school.short_name.startswith("«"):
        return f"{school.legal_form} {school.short_name}"
    return f"{school.legal_form} «{school.short_name}»"


# --- clauses: the schools with an answer ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Clause:
    text: str  # the wording; a plain clause holds its lists already
    ids: frozenset[int]
    listed: str
    share: Share | None
    plain: bool = False


def _clauses(
    question: Question,
    siblings: Sequence[Question],
    facts: _Facts,
    schools: _Schools,
) -> list[_Clause]:
    wording = question.order
    worded_options = [option for option in question.options if option.finding]
    if not (wording.finding or wording.finding_no or worded_options):
        return _plain(question, facts, schools)
    found: list[_Clause] = []
    if question.type is QuestionType.YES_NO:
        for key, text in (("yes", wording.finding), ("no", wording.finding_no)):
            if text:
                found.append(_clause(text, question, key, siblings, facts, schools))
        return found
    if wording.finding:
        found.append(_any_option(wording.finding, question, facts, schools))
    for option in worded_options:
        assert option.finding is not None
        found.append(_clause(option.finding, question, option.id, siblings, facts, schools))
    if question.other and not wording.finding:  # "Другое" is a fact too, with its text
        found.append(_other(wording.finding_other or texts.OTHER_FINDING, question, facts, schools))
    return found


def _other(text: str, question: Question, facts: _Facts, schools: _Schools) -> _Clause:
    """The schools that answered "Другое", each with what it wrote."""
    notes: dict[int, str] = {}
    for school_id in _chosen(question, "other", facts.latest):
        value = facts.latest[school_id][question.id]
        written = str(value.get("other") or "").strip() if isinstance(value, dict) else ""
        notes[school_id] = lower_first(written.rstrip("."))
    ids = frozenset(notes)
    listed = schools.listed(ids, {key: note for key, note in notes.items() if note})
    return _Clause(text, ids, listed, _share(text, question, "other", ids, facts, schools.total))


def _clause(
    text: str,
    question: Question,
    key: str,
    siblings: Sequence[Question],
    facts: _Facts,
    schools: _Schools,
) -> _Clause:
    """The schools whose answer is ``key`` (an option, "yes" or "no"), each with the details
    that answer asks for (its grades, a year, a date) in brackets."""
    ids = _chosen(question, key, facts.latest)
    detail = _detail_of(question, key, siblings)
    notes: dict[int, str] = {}
    if detail is not None:
        for school_id in ids:
            value = facts.latest[school_id].get(detail.id)
            if value not in (None, [], ""):
                notes[school_id] = _detail_text(detail, value)
    listed = schools.listed(ids, notes)
    share = _share(text, question, key, ids, facts, schools.total)
    if question.type is QuestionType.YES_NO and facts.latest:
        share = replace(share, always=True)  # "в 0 из 7 школ" is a gap worth saying
    return _Clause(text, ids, listed, share)


def _detail_of(question: Question, key: str, siblings: Sequence[Question]) -> Question | None:
    """The question this answer shows that details it in a few words: its grades, or else the
    first short answer it asks (a date, a number with its unit, a short text such as a year)."""
    grades = grades_for(question, key, siblings)
    if grades is not None:
        return grades
    sample = {question.id: sample_value(question, key)}
    return next(
        (
            other
            for other in siblings
            if _is_detail(other)
            and other.show_if
            and all(c.question == question.id for c in other.show_if)
            and all(condition_holds(c, sample) for c in other.show_if)
        ),
        None,
    )


def _is_detail(question: Question) -> bool:
    kind = question.type
    if kind is QuestionType.TEXT:
        return question.text_limit <= DETAIL_TEXT
    if kind in (QuestionType.INTEGER, QuestionType.DECIMAL):
        return question.unit is not None
    return kind in (QuestionType.DATE, QuestionType.PERCENT)


def _any_option(text: str, question: Question, facts: _Facts, schools: _Schools) -> _Clause:
    """The schools that chose anything but the "none" option, each with what it chose."""
    none = question.order.none_option
    notes: dict[int, str] = {}
    for school_id, answers in facts.latest.items():
        chosen = _chosen_labels(question, answers.get(question.id), none)
        if chosen:
            notes[school_id] = ", ".join(chosen)
    ids = frozenset(notes)
    previous = None
    if (before := facts.before(question)) is not None:
        count = sum(
            bool(_chosen_labels(question, answers.get(question.id), none))
            for answers in before.values()
        )
        previous = (count, facts.previous_total)
    share = Share(capital(text), len(ids), schools.total, previous)
    return _Clause(text, ids, schools.listed(ids, notes), share)


def _chosen_labels(question: Question, value: Any, none: str | None) -> list[str]:
    if not isinstance(value, dict):
        return []
    selected = value.get("selected")
    picked = {selected} if isinstance(selected, str) else set(selected or ())
    labels = [
        lower_first(option.label)
        for option in question.options
        if option.id in picked and option.id != none
    ]
    other = str(value.get("other") or "").strip().rstrip(".")
    if "other" in picked and other:
        labels.append(lower_first(other))
    return labels


def _chosen(
    question: Question, key: str, answers: Mapping[int, Mapping[str, Any]]
) -> frozenset[int]:
    return frozenset(
        school_id
        for school_id, given in answers.items()
        if given.get(question.id) is not None and is_chosen(question, key, given[question.id])
    )


def _share(
    text: str, question: Question, key: str, ids: frozenset[int], facts: _Facts, total: int
) -> Share:
    previous = None
    if (before := facts.before(question)) is not None:
        previous = (len(_chosen(question, key, before)), facts.previous_total)
    return Share(capital(text), len(ids), total, previous)


def _plain(question: Question, facts: _Facts, schools: _Schools) -> list[_Clause]:
    """A question with no wording: «да» — ООУ № 5, 11; «нет» — ООУ № 66."""
    answers = []
    for key, label in _answers(question):
        ids = _chosen(question, key, facts.latest)
        if ids:
            answers.append(texts.PLAIN_ANSWER.format(answer=label, schools=schools.listed(ids)))
    if not answers:
        return []
    text = texts.PLAIN_QUESTION.format(
        question=question.text.rstrip("?:. "), answers="; ".join(answers)
    )
    return [_Clause(text, frozenset(), "", None, plain=True)]


def _answers(question: Question) -> list[tuple[str, str]]:
    """The export's answers of a question ("да", "нет", the options), "другое" in lower case as
    it stands inside a sentence."""
    return [(key, texts.OTHER if key == "other" else label) for key, label in choices(question)]


# --- per-school paragraphs ----------------------------------------------------------------------


@dataclass(slots=True)
class _Topic:
    name: str
    clauses: list[_Clause] = field(default_factory=list)
    phrases: dict[int, list[str]] = field(default_factory=dict)

    def add_phrases(self, question: Question, facts: _Facts) -> None:
        for school_id, answers in facts.latest.items():
            value = answers.get(question.id)
            if value is not None:
                self.phrases.setdefault(school_id, []).extend(_phrases(question, value))

    def finding(self, schools: _Schools) -> Finding | None:
        sentence = _sentence(self.clauses)
        paragraphs = tuple(
            _school_paragraph(schools.named(school_id), found)
            for school_id in schools.ordered(self.phrases)
            if (found := self.phrases[school_id])
        )
        shares = tuple(clause.share for clause in self.clauses if clause.share is not None)
        if not sentence and not paragraphs:
            # Nothing to number, but a gap ("в 0 из 7 школ") is still a conclusion.
            gaps = tuple(share for share in shares if share.said)
            return Finding("", (), gaps) if gaps else None
        return Finding(sentence or texts.TOPIC_LEAD.format(topic=self.name), paragraphs, shares)


def _school_paragraph(school: str, phrases: Sequence[str]) -> str:
    """ "В МАОУ СОШ № 28 имеется …, утверждено 28.08.2020." (one period after "чел.")."""
    text = ", ".join(phrases)
    return texts.SCHOOL_PARAGRAPH.format(school=school, phrases=text.removesuffix("."))


def _phrases(question: Question, value: Any) -> Iterator[str]:
    wording = question.order
    if question.type is QuestionType.YES_NO:
        text = wording.finding if value else wording.finding_no
        if text:
            yield text
    elif question.type in CHOICE_TYPES:
        selected = value.get("selected") if isinstance(value, dict) else None
        picked = {selected} if isinstance(selected, str) else set(selected or ())
        yield from (o.finding for o in question.options if o.id in picked and o.finding)
    elif wording.finding:
        yield wording.finding.replace("{value}", _value_text(question, value))


def _detail_text(question: Question, value: Any) -> str:
    """ "2–9 классы", "от 25.12.2020", or as the question's own wording says ("до {value}")."""
    text = _value_text(question, value)
    if question.type is QuestionType.TEXT:  # a note in brackets, like an option's label
        text = lower_first(text.rstrip("."))
    if question.order.finding and "{value}" in question.order.finding:
        return question.order.finding.replace("{value}", text)
    if question.type is QuestionType.DATE:
        return texts.DATED.format(date=text)
    return text


def _value_text(question: Question, value: Any) -> str:
    if question.type is QuestionType.GRADES and isinstance(value, list):
        return grades_note(int(grade) for grade in value)
    if question.type is QuestionType.LONG_TEXT:  # prose joining a sentence; a name stays
        return lower_first(" ".join(str(value).split()).rstrip("."))
    if question.type is QuestionType.TEXT:
        return " ".join(str(value).split())
    return format_answer(question, value)


def _sentence(clauses: Sequence[_Clause]) -> str:
    """Clauses joined by "; ", the ones in a row with the same schools sharing the list."""
    parts: list[str] = []
    run: list[_Clause] = []

    def flush() -> None:
        if run:
            text = ", ".join(clause.text for clause in run)
            parts.append(texts.IN_SCHOOLS.format(text=text, schools=run[0].listed))
            run.clear()

    for clause in clauses:
        if clause.plain:
            flush()
            parts.append(clause.text)
        elif clause.ids:
            if run and run[-1].listed != clause.listed:
                flush()
            run.append(clause)
    flush()
    return capital("; ".join(parts)) + "." if parts else ""


# --- instructions and the schools that did not submit -----------------------------------------


@dataclass(slots=True)
class _Instructed:
    key: str
    action: str
    ids: set[int] = field(default_factory=set)


def _instructions(
    form_key: str, question: Question, facts: _Facts
) -> Iterator[tuple[str, str, frozenset[int]]]:
    """(action, key, schools) for each instruction the question's wording gives."""
    if question.type is QuestionType.YES_NO and question.order.instruction:
        ids = _chosen(question, "no", facts.latest)
        yield question.order.instruction, f"{form_key}.{question.id}", ids
    for option in question.options:
        if option.instruction:
            ids = _chosen(question, option.id, facts.latest)
            yield option.instruction, f"{form_key}.{question.id}.{option.id}", ids


def _missing(parts: Sequence[Export], schools: _Schools) -> dict[int, list[Export]]:
    """The schools that did not hand in every form, with the forms missing."""
    found: dict[int, list[Export]] = {}
    for part in parts:
        for report in part.latest_reports():
            if not report.done:
                found.setdefault(report.school.id, []).append(part)
    return {school_id: found[school_id] for school_id in schools.ordered(found)}


def _missing_lines(
    parts: Sequence[Export], schools: _Schools, missing: Mapping[int, Sequence[Export]]
) -> Iterator[str]:
    for school_id, forms in missing.items():
        name = schools.named(school_id)
        if len(parts) == 1:
            yield name
        elif len(forms) == len(parts):
            yield texts.NOT_SUBMITTED_NONE.format(school=name)
        else:
            titles = ", ".join(form.short_title for form in forms)
            template = texts.NOT_SUBMITTED_ONE if len(forms) == 1 else texts.NOT_SUBMITTED_SOME
            yield template.format(school=name, forms=titles, word=word(len(forms), FORMS))
