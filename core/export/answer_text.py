"""An answer as a short Russian phrase for the printed page (По школам), worded as the orders
word it: choices by their labels in the form's order, the "other" text after them; grades as
"2–9 классы"; links one per line; a repeat group's items one per line, a table's rows one per
line by their summary (the key, then each value by its column's short name). Numbers, dates
(ДД.ММ.ГГГГ) and texts read as on the review screen (``core.forms.display.format_answer``).
"""

from typing import Any

from core.export import labels
from core.export.school_lists import grades_note
from core.forms.display import format_answer, table_lines
from core.forms.engine import group_items, shown_subs
from core.forms.models import CHOICE_TYPES, Question, QuestionType


def answer_text(question: Question, value: Any) -> str:
    kind = question.type
    if kind is QuestionType.YES_NO:
        return labels.YES if value else labels.NO
    if kind in CHOICE_TYPES and isinstance(value, dict):
        return _choice(question, value)
    if kind is QuestionType.GRADES and isinstance(value, list):
        return grades_note(int(grade) for grade in value)
    if kind is QuestionType.URL and isinstance(value, list):
        return "\n".join(str(url) for url in value)
    if kind is QuestionType.FILE and isinstance(value, dict):
        # The export's wording: the bot sends the file by its code (no emoji, no size).
        return labels.FILE_VALUE.format(
            name=value.get("name") or labels.UNNAMED_FILE, code=value.get("file_unique_id") or "—"
        )
    if kind is QuestionType.TABLE:
        # One line per row, each value named: "Математика, 5 класс: «2» — 12,5 %, «4–5» — 35 %".
        return "\n".join(table_lines(question, value)) or labels.NO_ITEMS
    if question.repeats:
        return _items(question, value)
    return format_answer(question, value)


def _choice(question: Question, value: dict[str, Any]) -> str:
    selected = value.get("selected")
    chosen = {selected} if isinstance(selected, str) else set(selected or ())
    found = [option.label for option in question.options if option.id in chosen]
    if "other" in chosen:
        text = str(value.get("other") or "").strip()
        found.append(labels.OTHER_ANSWER.format(text=text) if text else labels.OTHER.lower())
    return "; ".join(found)


def _items(group: Question, value: Any) -> str:
    """One line per item: its shown sub-answers, comma-separated ("1) ГИА, Семинар, 3 чел.")."""
    lines = []
    for number, item in enumerate(group_items(value), start=1):
        parts = [
            answer_text(sub, item[sub.id])
            for sub in shown_subs(group, item)
            if item.get(sub.id) is not None
        ]
        lines.append(labels.ITEM_LINE.format(number=number, text=", ".join(parts) or "—"))
    return "\n".join(lines) or labels.NO_ITEMS
