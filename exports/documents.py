"""A document as plain data (paragraphs, numbered items, a signature), printed as Word .docx.

The application builds a ``Document`` (an order's draft: letterhead, title, preamble, findings,
instructions, signature); ``render_document`` prints it with python-docx in the style of a
Russian department's order (ГОСТ Р 7.0.97): Times New Roman 14, single spacing, justified text
with a 1.25 cm first-line indent, margins 30 mm left, 15 mm right, 20 mm top and bottom.

Or into the department's own template (a .docx with fields, see ``exports.placeholders``): the
template brings its letterhead, fonts, page and signature; the body replaces ``{{ТЕКСТ}}``.
Nothing here knows where the text came from; nothing else writes Word documents (reading the
tables of an uploaded plan is ``core.plans.files``'s).
"""

import io
import re
from copy import deepcopy
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeAlias

from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph as WordParagraph

from exports.placeholders import (
    KNOWN_PLACEHOLDERS,
    PLACEHOLDER,
    TEXT,
    TITLE,
    TemplateCheck,
    UnreadableTemplate,
    check_template,
    field_name,
    occurrences,
    open_template,
    paragraph_text,
    paragraphs,
    replace_fields,
    runs,
    stories,
)

__all__ = [
    "KNOWN_PLACEHOLDERS",
    "Align",
    "Block",
    "Document",
    "Item",
    "Paragraph",
    "Signature",
    "TemplateCheck",
    "UnreadableTemplate",
    "check_template",
    "render_document",
    "sample_template",
]

# What XML 1.0 (and so a .docx) cannot hold; tab, newline and carriage return it can.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FONT = "Times New Roman"
FONT_SIZE = Pt(14)
FIRST_LINE_INDENT = Cm(1.25)


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    JUSTIFY = "justify"


_ALIGNMENTS = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
    Align.JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY,
}


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Body text: justified with a first-line indent, unless told otherwise."""

    text: str
    bold: bool = False
    align: Align = Align.JUSTIFY
    indent: bool = True
    space_after: int = 0  # points
    space_before: int = 0  # points: a heading inside the text ("Выводы") stands apart


@dataclass(frozen=True, slots=True)
class Item:
    """A numbered point of the document ("1.", "1.2."): the number is part of the data, so the
    numbering reads the same in any editor and survives the methodist's edits."""

    number: str
    text: str


@dataclass(frozen=True, slots=True)
class Signature:
    """The signature block: the position on the left, the name on the right, on one line."""

    position: str
    name: str


Block: TypeAlias = Paragraph | Item | Signature


@dataclass(slots=True)
class Document:
    """``blocks`` is the body. ``head`` (the letterhead: department, document type, date and
    number), ``title`` and ``signature`` are printed around it on the standard blank only: a
    template has its own letterhead and signature, and takes the title at ``{{ЗАГОЛОВОК}}``.
    ``fields`` fill the template's other fields by name ("МОНИТОРИНГ", "ПЕРИОД", …). ``tail``
    follows the signature on the standard blank ("Исполнитель: …"); a template places it with
    its own fields."""

    blocks: list[Block] = field(default_factory=list)
    head: list[Block] = field(default_factory=list)
    title: str | None = None
    signature: Signature | None = None
    fields: dict[str, str] = field(default_factory=dict)
    tail: list[Block] = field(default_factory=list)


def render_document(document: Document, template: bytes | None = None) -> bytes:
    """The .docx: on the standard blank, or into ``template`` (checked by ``check_template``;
    one that does not open raises ``UnreadableTemplate``)."""
    printed = _standard(document) if template is None else _into_template(document, template)
    buffer = io.BytesIO()
    printed.save(buffer)
    return buffer.getvalue()


def sample_template() -> bytes:
    """A template to download and adapt: a letterhead to rename, the fields in their places,
    the standard blank's font and margins."""
    printed = new_document()
    _page_and_font(printed)
    writer = _Writer(printed)
    for line in SAMPLE_HEAD:
        writer.block(Paragraph(line, bold=True, align=Align.CENTER, indent=False))
    writer.block(_BLANK)
    writer.block(Paragraph(SAMPLE_KIND, bold=True, align=Align.CENTER, indent=False))
    writer.block(_BLANK)
    writer.two_columns(SAMPLE_DATE, SAMPLE_NUMBER)
    writer.block(_BLANK)
    writer.block(Paragraph("{{" + TITLE + "}}", bold=True, align=Align.CENTER, indent=False))
    writer.block(_BLANK)
    writer.block(Paragraph("{{" + TEXT + "}}"))
    writer.block(Signature(SAMPLE_POSITION, SAMPLE_NAME))
    writer.block(_BLANK)
    writer.block(Paragraph(SAMPLE_PERFORMER, align=Align.LEFT, indent=False))
    buffer = io.BytesIO()
    printed.save(buffer)
    return buffer.getvalue()


# The sample template's letterhead: what a methodist replaces with their department's.
SAMPLE_HEAD = (
    "НАИМЕНОВАНИЕ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ",
    "НАИМЕНОВАНИЕ ОРГАНА УПРАВЛЕНИЯ ОБРАЗОВАНИЕМ",
)
SAMPLE_KIND = "РАСПОРЯЖЕНИЕ"
SAMPLE_DATE = "«___» __________ 20__ г."
SAMPLE_NUMBER = "№ _____"
SAMPLE_POSITION = "Начальник управления образования"
SAMPLE_NAME = "И.О. Фамилия"
SAMPLE_PERFORMER = "Исполнитель: {{ИСПОЛНИТЕЛЬ}}"
_BLANK = Paragraph("", indent=False)


def _standard(document: Document) -> WordDocument:
    printed = new_document()
    _page_and_font(printed)
    writer = _Writer(printed)
    for block in document.head:
        writer.block(block)
    if document.title is not None:
        if document.head:
            writer.block(_BLANK)
        writer.block(_title(document.title))
        writer.block(_BLANK)
    for block in document.blocks:
        writer.block(block)
    if document.signature is not None:
        writer.block(document.signature)
    if document.tail:
        writer.block(_BLANK)
    for block in document.tail:
        writer.block(block)
    return printed


def _title(text: str) -> Paragraph:
    return Paragraph(text, bold=True, align=Align.CENTER, indent=False)


def _into_template(document: Document, template: bytes) -> WordDocument:
    printed = open_template(template)
    anchor = next(
        (p for p in paragraphs(printed.element.body) if _is_text_field(paragraph_text(p))), None
    )
    has_title = any(found.name == TITLE for found in occurrences(printed))
    # A known field the document has no value for is left blank, not printed in braces.
    values = {name: "" for name in KNOWN_PLACEHOLDERS if name != TEXT}
    values |= {field_name(name): value for name, value in document.fields.items()}
    values[TITLE] = document.title or ""
    values = {name: _CONTROL.sub("", value) for name, value in values.items()}
    # Fields first, the body after: braces in a school's answer are text, never a field.
    for root, _ in stories(printed):
        for paragraph in paragraphs(root):
            if paragraph is not anchor:
                replace_fields(paragraph, values)
    body = list(document.blocks)
    if document.title and not has_title:
        body = [_title(document.title), _BLANK, *body]
    writer = _Writer(printed, anchor)
    for block in body:
        writer.block(block)
    if anchor is not None:
        writer.close()
    return printed


def _is_text_field(text: str) -> bool:
    found = PLACEHOLDER.fullmatch(text.strip())
    return found is not None and field_name(found.group(1)) == TEXT


class _Writer:
    """Prints blocks at the end of the document, or (``anchor``: the template's ``{{ТЕКСТ}}``
    paragraph) just before that paragraph, in its paragraph and character formatting."""

    def __init__(self, printed: WordDocument, anchor: Any = None) -> None:
        self._printed = printed
        self._anchor = anchor
        self._last_was_table = False

    def block(self, block: Block) -> None:
        match block:
            case Paragraph():
                self._paragraph(block)
            case Item():
                self._paragraph(Paragraph(f"{block.number} {block.text}"))
            case Signature():
                self._paragraph(_BLANK)  # a blank line above the signature
                self.two_columns(block.position, block.name)

    def two_columns(self, left: str, right: str) -> None:
        """One line with text on the left and on the right (a borderless table): a signature,
        the date and number of an order."""
        table = self._printed.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        first, second = table.rows[0].cells
        first.paragraphs[0].add_run(_typeset(left))
        second.paragraphs[0].add_run(_typeset(right))
        second.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._place(table)
        self._last_was_table = True

    def close(self) -> None:
        """Take the ``{{ТЕКСТ}}`` paragraph away. It stays, emptied, where removing it would
        break the document: it ends a section, a table cell needs a paragraph, or nothing would
        follow a table at the end of the body."""
        anchor = self._anchor
        keeps_section = anchor.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
        in_body = anchor.getparent() is self._printed.element.body
        if keeps_section or not in_body or self._last_was_table:
            for run in runs(anchor):
                run.getparent().remove(run)
        else:
            anchor.getparent().remove(anchor)

    def _paragraph(self, block: Paragraph) -> None:
        made = self._new_paragraph()
        made.alignment = _ALIGNMENTS[block.align]
        indented = block.indent and block.align is Align.JUSTIFY
        # None clears an indent the template's paragraph had, for a centred title.
        made.paragraph_format.first_line_indent = FIRST_LINE_INDENT if indented else None
        made.paragraph_format.space_after = Pt(block.space_after)
        made.paragraph_format.space_before = Pt(block.space_before)
        if block.text:
            text = _typeset(block.text)
            run = made.add_run()
            if "\t" in text or "\n" in text:
                run.text = text  # python-docx turns them into <w:tab/> and <w:br/>
            else:
                # The same <w:t> without python-docx's walk over every character: a third of
                # a long order's printing time.
                run._r.add_t(text)
            self._take_character_format(run)
            if block.bold or self._anchor is not None:  # a template's run may be bold itself
                run.bold = block.bold
        self._last_was_table = False

    def _new_paragraph(self) -> WordParagraph:
        if self._anchor is None:
            return self._printed.add_paragraph()
        made: Any = OxmlElement("w:p")  # a CT_P: python-docx's element classes are lxml's
        properties = self._anchor.find(qn("w:pPr"))
        if properties is not None:
            copied = deepcopy(properties)
            # The template's list numbering or section break belongs to that one paragraph.
            for name in ("w:numPr", "w:sectPr"):
                for found in copied.findall(qn(name)):
                    copied.remove(found)
            made.append(copied)
        self._anchor.addprevious(made)
        return WordParagraph(made, self._printed)

    def _take_character_format(self, run: Any) -> None:
        """The body is written in the font the template gave its ``{{ТЕКСТ}}``."""
        if self._anchor is None:
            return
        source = next(iter(runs(self._anchor)), None)
        properties = None if source is None else source.find(qn("w:rPr"))
        if properties is not None:
            run._r.insert(0, deepcopy(properties))  # a run's properties come first

    def _place(self, table: Table) -> None:
        if self._anchor is not None:
            # add_table appends to the body; python-docx has no public way to insert a table
            # elsewhere, so its element is moved before the anchor.
            self._anchor.addprevious(table._tbl)


def _page_and_font(printed: WordDocument) -> None:
    for section in printed.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = printed.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = FONT_SIZE
    # Cyrillic text takes the East Asian/complex font slots in some editors: name it there too.
    fonts = normal.element.rPr.rFonts
    for slot in ("w:eastAsia", "w:cs", "w:hAnsi"):
        fonts.set(qn(slot), FONT)
    spacing = normal.paragraph_format
    spacing.space_before, spacing.space_after, spacing.line_spacing = Pt(0), Pt(0), 1.0


def _typeset(text: str) -> str:
    """ "№ 66" never breaks between the sign and its number (no line starts with "66."), nor
    "14 %" before its sign (a narrow no-break space: LibreOffice breaks a line at U+00A0 before
    "%"), nor a leading dash from its line's first word. Control characters (a school's pasted
    answer may hold one) cannot be stored in a .docx: they are dropped."""
    text = _CONTROL.sub("", text).replace("№ ", "№\u00a0").replace(" %", "\u202f%")
    return "–\u00a0" + text[2:] if text.startswith("– ") else text
