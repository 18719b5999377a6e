"""The analytic order (распоряжение) drafted from a monitoring round's answers.

Entry points:

- ``list_orderable(database, catalog, actor) -> list[ExportChoice]``: the rounds the actor may
  draft an order on (``Action.ORDER``: methodists and administrators, coordinators for their
  schools), newest first.
- ``draft_order(database, catalog, actor, *, campaign_id, now) -> OrderDraft``: what the round's
  handed-in answers say, worded by its forms (``core.order.compose``), with the previous round
  of the same monitoring for the change; only the schools in the actor's scope.
- ``draft_order_isolated(...)``: the same, made in a worker process of its own for a large round
  (``core.order.isolated``), so that the bot's chats are not held up meanwhile.
- ``order_document(draft, choices) -> Document``: the draft as the department's document, with
  the instructions the methodist kept and their deadline; ``exports.documents.render_document``
  prints it (into the department's template, if it has one).
- ``order_filename(draft, today)``: "Распоряжение — ВСОКО — 1 полугодие — 11.03.2026.docx".
"""

from datetime import date

from core.export.build import safe_filename
from core.order.compose import MISSING
from core.order.document import deadline_text, order_document, title_of
from core.order.draft import draft_order, list_orderable, with_wording_of
from core.order.isolated import draft_order_isolated
from core.order.model import Finding, Instruction, OrderChoices, OrderDraft, Share

FILE_NAME = "Распоряжение — {title} — {period} — {day}.docx"


def order_filename(draft: OrderDraft, today: date) -> str:
    name = FILE_NAME.format(title=draft.title, period=draft.period, day=today.strftime("%d.%m.%Y"))
    return safe_filename(name)


__all__ = [
    "MISSING",
    "Finding",
    "Instruction",
    "OrderChoices",
    "OrderDraft",
    "Share",
    "deadline_text",
    "draft_order",
    "draft_order_isolated",
    "list_orderable",
    "order_document",
    "order_filename",
    "title_of",
    "with_wording_of",
]
