"""A document as plain data (paragraphs, numbered items, a signature), printed as Word .docx.

The application builds a ``Document`` (an order's draft: heading, preamble, findings,
instructions, signature); ``render_document`` prints it with python-docx in the style of a
Russian department's order (ГОСТ Р 7.0.97): Times New Roman 14, single spacing, justified text
with a 1.25 cm first-line indent, margins 30 mm left, 15 mm right, 20 mm top and bottom.
Nothing here knows where the text came from; nothing else imports python-docx.
"""

import io
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias

from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

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
    blocks: list[Block] = field(default_factory=list)


def render_document(document: Document) -> bytes:
    printed = new_document()
    _page_and_font(printed)
    for block in document.blocks:
        match block:
            case Paragraph():
                _paragraph(printed, block)
            case Item():
                _paragraph(printed, Paragraph(f"{block.number} {block.text}"))
            case Signature():
                _signature(printed, block)
    buffer = io.BytesIO()
    printed.save(buffer)
    return buffer.getvalue()


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


def _paragraph(printed: WordDocument, block: Paragraph) -> None:
    made = printed.add_paragraph()
    made.alignment = _ALIGNMENTS[block.align]
    if block.indent and block.align is Align.JUSTIFY:
        made.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    made.paragraph_format.space_after = Pt(block.space_after)
    run = made.add_run(_typeset(block.text))
    run.bold = block.bold


def _typeset(text: str) -> str:
    """ "№ 66" never breaks between the sign and its number (no line starts with "66.")."""
    return text.replace("№ ", "№\u00a0")


def _signature(printed: WordDocument, block: Signature) -> None:
    printed.add_paragraph()  # a blank line above the signature
    table = printed.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run(block.position)
    right.paragraphs[0].add_run(block.name)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
