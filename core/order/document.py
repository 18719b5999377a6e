"""The draft worded as the department's order (seed 000's распоряжение): the letterhead, the
title, the preamble with the schools' full names, "выявлено следующее" with numbered findings and
their school-by-school paragraphs, Выводы with shares, the schools that did not submit, the
instructions the methodist kept with their deadline, the control clause and the signature."""

from datetime import date

from core.order.model import OrderChoices, OrderDraft, Share
from core.order.words import lower_first
from exports.documents import Align, Block, Document, Item, Paragraph, Signature
from texts import order as texts
from texts.plurals import SCHOOLS_GENITIVE, word

MONITORING = "мониторинг "


def order_document(draft: OrderDraft, choices: OrderChoices) -> Document:
    body: list[Block] = [Paragraph(_preamble(draft)), Paragraph(_submitted(draft))]
    if draft.numbered:  # no lead to an empty list when nothing was handed in
        body.append(Paragraph(texts.FINDINGS_LEAD))
    for number, finding in enumerate(draft.numbered, start=1):
        body.append(Item(f"{number}.", finding.sentence))
        body += [Paragraph(text) for text in finding.per_school]
    body += _conclusions(draft)
    if draft.not_submitted:
        body.append(Paragraph(texts.NOT_SUBMITTED.format(schools=", ".join(draft.not_submitted))))
    body += _instructions(draft, choices)
    return Document(
        blocks=body,
        head=[
            Paragraph(texts.HEAD_DEPARTMENT, bold=True, align=Align.CENTER),
            Paragraph(draft.municipality, bold=True, align=Align.CENTER, space_after=12),
            Paragraph(texts.DOCUMENT_TYPE, bold=True, align=Align.CENTER, space_after=12),
            Paragraph(texts.DATE_AND_NUMBER, align=Align.LEFT, indent=False),
        ],
        title=title_of(draft.title),
        signature=Signature(texts.SIGNATURE_POSITION, texts.SIGNATURE_NAME),
        fields={
            "МОНИТОРИНГ": draft.title,
            "ПЕРИОД": draft.period,
            "ИСПОЛНИТЕЛЬ": draft.author or "",
        },
        tail=[Paragraph(texts.EXECUTOR.format(name=draft.author), align=Align.LEFT, indent=False)]
        if draft.author
        else [],
    )


def title_of(monitoring: str) -> str:
    """ "О результатах анализа мониторинга выполнения программы …" for "Мониторинг выполнения
    программы …"; a title of another shape is quoted."""
    rest = _after_monitoring(monitoring)
    if rest is not None:
        return texts.TITLE_OF_MONITORING.format(rest=rest)
    return texts.TITLE_QUOTED.format(title=_unprefixed(monitoring))


def _after_monitoring(title: str) -> str | None:
    if title.lower().startswith(MONITORING) and len(title) > len(MONITORING):
        return title[len(MONITORING) :]
    return None


def _unprefixed(title: str) -> str:
    """ "Мониторинг: ВСОКО, …" (a monitoring with no title of its own) → "ВСОКО, …"."""
    head, colon, rest = title.partition(":")
    return rest.strip() if colon and head.strip().lower() == MONITORING.strip() else title


def _preamble(draft: OrderDraft) -> str:
    schools = ", ".join(draft.schools)
    rest = _after_monitoring(draft.title)
    if rest is not None:
        return texts.PREAMBLE_OF_MONITORING.format(rest=rest, period=draft.period, schools=schools)
    return texts.PREAMBLE_QUOTED.format(
        title=_unprefixed(draft.title), period=draft.period, schools=schools
    )


def _submitted(draft: OrderDraft) -> str:
    if draft.submitted == draft.total:
        return texts.ALL_SUBMITTED
    return texts.PREAMBLE_SUBMITTED.format(
        done=draft.submitted, total=draft.total, schools=word(draft.total, SCHOOLS_GENITIVE)
    )


def _conclusions(draft: OrderDraft) -> list[Block]:
    submitted = draft.submitted_share
    lines = [
        texts.SUBMITTED_LINE.format(
            count=submitted.count,
            total=submitted.total,
            schools=word(submitted.total, SCHOOLS_GENITIVE),
            percent=_percent(submitted.count, submitted.total),
            previous=_previous(submitted, draft.previous_period),
        )
    ]
    shares = [share for finding in draft.findings for share in finding.shares if share.said]
    # What every school has is said once; a line each for what some lack, or what changed.
    everywhere = [share for share in shares if _everywhere(share)]
    if len(everywhere) > 1:
        items = "; ".join(lower_first(share.text) for share in everywhere)
        lines.append(texts.EVERYWHERE_LINE.format(total=submitted.total, items=items))
    else:
        everywhere = []
    lines += [_share_line(s, draft.previous_period) for s in shares if s not in everywhere]
    heading = Paragraph(texts.CONCLUSIONS, bold=True, align=Align.CENTER, space_before=12)
    return [heading, *map(Paragraph, lines)]


def _everywhere(share: Share) -> bool:
    unchanged = share.previous is None or share.previous == (share.count, share.total)
    return share.total > 1 and share.count == share.total and unchanged


def _share_line(share: Share, previous_period: str | None) -> str:
    return texts.SHARE_LINE.format(
        text=share.text,
        count=share.count,
        total=share.total,
        schools=word(share.total, SCHOOLS_GENITIVE),
        percent=_percent(share.count, share.total),
        previous=_previous(share, previous_period),
    )


def _previous(share: Share, previous_period: str | None) -> str:
    if share.previous is None or not previous_period:
        return ""
    count, total = share.previous
    return texts.SHARE_PREVIOUS.format(
        period=previous_period, count=count, total=total, percent=_percent(count, total)
    )


def _percent(count: int, total: int) -> int:
    """Half up, as people round: 1 of 8 is 13 %."""
    return (200 * count + total) // (2 * total) if total else 0


def _instructions(draft: OrderDraft, choices: OrderChoices) -> list[Block]:
    kept = [item for item in draft.instructions if item.key not in choices.dropped]
    control = texts.CONTROL.format(controller=texts.CONTROLLER_BLANK)
    # The instructions stand apart from Выводы, as a new part of the document.
    if not kept:
        return [Paragraph(f"I. {control}", space_before=12)]
    lead = texts.INSTRUCTIONS_LEAD.format(deadline=deadline_text(choices.deadline))
    blocks: list[Block] = [Paragraph(f"I. {lead}", space_before=12)]
    for number, item in enumerate(kept, start=1):
        text = texts.INSTRUCTION.format(action=item.action, schools=item.listed)
        blocks.append(Item(f"1.{number}.", text))
    blocks.append(Item("II.", control))
    return blocks


def deadline_text(deadline: date | None) -> str:
    return deadline.strftime("%d.%m.%Y") if deadline else texts.DEADLINE_BLANK
