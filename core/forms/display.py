"""Answers as people read them: in the review screen, in messages, in exports."""

from datetime import date
from typing import Any

from core.forms.engine import group_items, shown_subs
from core.forms.models import Question, QuestionType
from core.forms.parsing import file_size_text
from texts import forms as texts
from texts import tables as tables_texts
from texts.plurals import word


def grade_ranges(grades: list[int]) -> str:
    """[2, 3, 4, 5, 9, 11] -> "2–5, 9, 11": how the orders write grades."""
    ranges: list[str] = []
    start = previous = None
    for grade in sorted(set(grades)):
        if start is None:
            start = previous = grade
        elif previous is not None and grade == previous + 1:
            previous = grade
        else:
            ranges.append(_range(start, previous))
            start = previous = grade
    if start is not None:
        ranges.append(_range(start, previous))
    return ", ".join(ranges)


def _range(start: int, end: int | None) -> str:
    return str(start) if end in (None, start) else f"{start}–{end}"


def _number(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return text.replace(",", " ").replace(".", ",")


def unit_for(unit: str, number: float) -> str:
    """The unit's Russian form for ``number``: "мероприятие|мероприятия|мероприятий" gives
    1 мероприятие, 3 мероприятия, 5 мероприятий; a unit without "|" (e.g. "чел.") is used as is."""
    forms = unit.split("|")
    if len(forms) != 3:
        return unit
    return word(abs(number), (forms[0], forms[1], forms[2]))  # 2,5 мероприятия


def format_chosen(question: Question, value: Any) -> str:
    """What an answered question's mark shows: a pressed button's label as written on it ("Да",
    a short option label), any other answer as ``format_answer`` words it."""
    kind = question.type
    if kind is QuestionType.YES_NO and isinstance(value, bool):
        return texts.YES if value else texts.NO
    if kind in (QuestionType.SINGLE, QuestionType.MULTI) and isinstance(value, dict):
        selected = value.get("selected")
        chosen = [selected] if isinstance(selected, str) else list(selected or [])
        labels = []
        for option_id in chosen:
            option = question.option(option_id)
            if option is not None:
                labels.append(option.button_text)
            elif option_id == "other":
                labels.append(texts.OTHER_VALUE.format(text=value.get("other") or ""))
        return "; ".join(labels)
    return format_answer(question, value)


def format_answer(question: Question, value: Any) -> str:
    if value is None:
        return texts.SKIPPED
    kind = question.type
    if kind is QuestionType.YES_NO:
        return texts.TRUE if value else texts.FALSE
    if kind in (QuestionType.SINGLE, QuestionType.MULTI):
        selected = value.get("selected") if isinstance(value, dict) else None
        chosen = [selected] if isinstance(selected, str) else list(selected or [])
        labels = []
        for option_id in chosen:
            option = question.option(option_id)
            if option is not None:
                labels.append(option.label)
            elif option_id == "other":
                labels.append(texts.OTHER_VALUE.format(text=value.get("other") or ""))
        return "; ".join(labels)
    if kind in (QuestionType.INTEGER, QuestionType.DECIMAL):
        unit = f" {unit_for(question.unit, value)}" if question.unit else ""
        return f"{_number(value)}{unit}"
    if kind is QuestionType.PERCENT:
        return f"{_number(value)} %"
    if kind is QuestionType.DATE:
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    if kind is QuestionType.URL:
        return " ".join(value)
    if kind is QuestionType.GRADES:
        return texts.GRADES_VALUE.format(ranges=grade_ranges(value))
    if kind is QuestionType.FILE:
        return texts.FILE_VALUE.format(
            name=value.get("name"), size=file_size_text(value.get("size", 0))
        )
    if kind is QuestionType.TABLE:
        return "\n".join(table_lines(question, value)) or tables_texts.EMPTY
    if question.repeats:
        items = group_items(value)
        parts = [
            ", ".join(
                format_answer(sub, item[sub.id])
                for sub in shown_subs(question, item)
                if sub.id in item
            )
            for item in items
        ]
        return "; ".join(f"{number}) {part}" for number, part in enumerate(parts, start=1)) or (
            texts.ITEMS_VALUE.format(count=0)
        )
    return str(value)


def table_lines(table: Question, value: Any) -> list[str]:
    """A table's rows, one summary each: "Математика, 5 класс: «2» — 12,5 %, «4–5» — 35 %"."""
    # Imported here: the table rules word their values with ``format_answer``.
    from core.forms.tables import row_summary

    return [row_summary(table, row) for row in group_items(value)]


def item_summary(
    group: Question, item: dict[str, Any], *, answers: int = 2, limit: int = 60
) -> str:
    """An item of a repeat group in a few words, from its first answers: "Математика, 5 класс"."""
    given = [
        format_answer(sub, item[sub.id])
        for sub in shown_subs(group, item)
        if sub.id in item and item[sub.id] is not None
    ]
    text = ", ".join(given[:answers]) or texts.ITEM_EMPTY
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def item_lines(group: Question, item: dict[str, Any]) -> list[str]:
    """Every shown sub-question of an item with its answer ("Класс: 5 класс")."""
    return [
        texts.ITEM_ANSWER.format(
            question=sub.text,
            answer=format_answer(sub, item[sub.id]) if sub.id in item else texts.NOT_ANSWERED,
        )
        for sub in shown_subs(group, item)
    ]
