"""Carry forward: in a recurring round, the school's answers of the previous round, offered again.

The previous round is the campaign's ``previous_campaign_id``; its answers are the same school's
response there, whatever its status (a draft's answers are still what the school last said).
An answer is carried only when

* it was shown there (an answer hidden by a changed condition does not count);
* the question still exists in the current form version with a compatible type (the same type,
  text and long text, or an integer where a decimal is asked);
* it passes the current question's validation, as if typed again today: options that still
  exist, limits, ``not_in_future`` dates, number checks against the current answers (the
  previous round's fill in those not answered yet). A stale value is simply not offered.

A skipped optional answer is carried as a skip only while the question is still optional. A
repeat group is carried whole or not at all: every item's answers must pass their current
sub-questions and leave no required visible sub-question unanswered.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.access import Action, Target, authorize
from core.actors import Actor
from core.forms.engine import effective_answers, group_items, is_visible, next_question
from core.forms.inputs import Accepted, Choice, RawInput, Selection, Text, Upload
from core.forms.models import FormDefinition, Question, QuestionType
from core.forms.parsing import parse
from core.questionnaires import FormCatalog, ResponseView, record_answer
from storage import Database
from storage.responses import get_response, load_answers
from storage.rounds import response_id_of

# A previous answer of type key may be carried to a question of these types.
_COMPATIBLE: dict[QuestionType, frozenset[QuestionType]] = {
    QuestionType.TEXT: frozenset({QuestionType.TEXT, QuestionType.LONG_TEXT}),
    QuestionType.LONG_TEXT: frozenset({QuestionType.TEXT, QuestionType.LONG_TEXT}),
    QuestionType.INTEGER: frozenset({QuestionType.INTEGER, QuestionType.DECIMAL}),
}


def compatible(previous: QuestionType, current: QuestionType) -> bool:
    return current in _COMPATIBLE.get(previous, frozenset({previous}))


def as_input(question: Question, value: Any) -> RawInput | None:
    """What a person would type or press to give ``value`` to ``question`` (None: no such input)."""
    kind = question.type
    if kind is QuestionType.YES_NO and isinstance(value, bool):
        return Choice("yes" if value else "no")
    if kind is QuestionType.SINGLE and isinstance(value, dict):
        selected = value.get("selected")
        if selected == "other":
            return Selection(("other",), other=value.get("other"))
        return Choice(selected) if isinstance(selected, str) else None
    if kind is QuestionType.MULTI and isinstance(value, dict):
        selected = value.get("selected")
        if isinstance(selected, list) and all(isinstance(option, str) for option in selected):
            return Selection(tuple(selected), other=value.get("other"))
        return None
    if kind in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENT):
        if isinstance(value, int | float) and not isinstance(value, bool):
            typed = repr(value)
            return Text(format(value, "f") if "e" in typed else typed)
        return None
    if kind in (QuestionType.DATE, QuestionType.TEXT, QuestionType.LONG_TEXT):
        return Text(value) if isinstance(value, str) else None
    if kind is QuestionType.URL and isinstance(value, list):
        return Text(" ".join(str(url) for url in value))
    if kind is QuestionType.GRADES and isinstance(value, list):
        return Selection(tuple(str(grade) for grade in value))
    if kind is QuestionType.FILE and isinstance(value, dict):
        try:
            return Upload(
                file_id=str(value["file_id"]),
                file_unique_id=str(value["file_unique_id"]),
                name=str(value["name"]),
                size=int(value["size"]),
                mime=value.get("mime"),
                kind=str(value["kind"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
    return None


_MISSING = object()


def _revalidated(
    previous: Question, current: Question, value: Any, *, today: date, answers: Mapping[str, Any]
) -> Any:
    """``value`` as a valid answer to ``current`` today, or ``_MISSING``."""
    if not compatible(previous.type, current.type):
        return _MISSING
    if value is None:
        return None if not current.required else _MISSING
    if current.repeats:
        return _group(previous, current, value, today=today)
    raw = as_input(current, value)
    if raw is None:
        return _MISSING
    outcome = parse(current, raw, today=today, answers=answers)
    return outcome.value if isinstance(outcome, Accepted) else _MISSING


def _group(previous: Question, current: Question, value: Any, *, today: date) -> Any:
    items: list[dict[str, Any]] = []
    old_subs = {sub.id: sub for sub in previous.questions}
    for item in group_items(value):
        carried: dict[str, Any] = {}
        for sub in current.questions:
            if sub.id in item and sub.id in old_subs:
                sub_value = _revalidated(
                    old_subs[sub.id], sub, item[sub.id], today=today, answers=carried
                )
                if sub_value is _MISSING:
                    return _MISSING
                carried[sub.id] = sub_value
            elif sub.required and is_visible(sub, carried):
                return _MISSING
        items.append(carried)
    if not items:
        return _MISSING  # an empty group was skipped, which the None case covers
    return {"items": items, "done": True}


def carry(
    form: FormDefinition,
    previous_form: FormDefinition,
    previous_values: Mapping[str, Any],
    current_values: Mapping[str, Any],
    *,
    today: date,
) -> dict[str, Any]:
    """The previous round's answers that may be carried to ``form`` (see the module doc)."""
    shown = effective_answers(previous_form, previous_values)
    # Number checks compare with the current answers, else with the previous round's.
    context = {**shown, **effective_answers(form, current_values)}
    carried: dict[str, Any] = {}
    for question in form.questions:
        previous = previous_form.question(question.id)
        if previous is None or question.id not in shown:
            continue
        value = _revalidated(previous, question, shown[question.id], today=today, answers=context)
        if value is not _MISSING:
            carried[question.id] = value
    return carried


@dataclass(frozen=True, slots=True)
class PreviousRound:
    form: FormDefinition
    values: dict[str, Any]


async def previous_round(
    database: Database, catalog: FormCatalog, actor: Actor, view: ResponseView
) -> PreviousRound | None:
    """The same school's answers in the round before ``view``'s, if there is one."""
    previous_campaign_id = view.campaign.previous_campaign_id
    if previous_campaign_id is None:
        return None
    authorize(actor, Action.ANSWER, Target.school(view.school))
    async with database.read() as conn:
        response_id = await response_id_of(
            conn, previous_campaign_id, view.school.id, view.response.form_key
        )
        response = None if response_id is None else await get_response(conn, response_id)
        stored = {} if response is None else await load_answers(conn, response.id)
    if response is None or not stored:
        return None
    form = await catalog.definition(database, response.form_id)
    return PreviousRound(form, {question: answer.value for question, answer in stored.items()})


def local_today(view: ResponseView, now: datetime) -> date:
    return now.astimezone(ZoneInfo(view.timezone)).date()


async def previous_answers(
    database: Database, catalog: FormCatalog, actor: Actor, view: ResponseView, *, now: datetime
) -> dict[str, Any]:
    """Question id -> last round's answer, valid for this response's form today."""
    previous = await previous_round(database, catalog, actor, view)
    if previous is None:
        return {}
    return carry(
        view.form, previous.form, previous.values, view.values, today=local_today(view, now)
    )


async def confirm_rest(
    database: Database, catalog: FormCatalog, actor: Actor, view: ResponseView, *, now: datetime
) -> tuple[ResponseView, int]:
    """ "Без изменений" from here on: records last round's answer for each next unanswered
    question, in order, until one has none to carry. Returns the response and how many."""
    previous = await previous_round(database, catalog, actor, view)
    count = 0
    if previous is None:
        return view, count
    today = local_today(view, now)
    while (question := next_question(view.form, view.values)) is not None:
        carried = carry(view.form, previous.form, previous.values, view.values, today=today)
        if question.id not in carried or question.id in view.answers:
            break  # nothing to carry, or a group already in progress
        recorded = await record_answer(
            database, actor, view, question.id, carried[question.id], seen=None, now=now
        )
        view = recorded.view
        count += 1
    return view, count
