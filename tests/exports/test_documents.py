"""The Word printer: an order's blocks in the department's style, read back with python-docx."""

import io

from docx import Document as read_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from exports.documents import Align, Document, Item, Paragraph, Signature, render_document

TITLE = (
    "О результатах анализа мониторинга выполнения программы повышения качества образования "
    "в школах с низкими результатами обучения"
)


def _order() -> Document:
    return Document(
        [
            Paragraph("ДЕПАРТАМЕНТ ОБРАЗОВАНИЯ", bold=True, align=Align.CENTER),
            Paragraph(TITLE, bold=True, align=Align.LEFT, indent=False, space_after=12),
            Paragraph("На основе анализа результатов мониторинга выявлено следующее:"),
            Item("1.", "Проводятся дополнительные занятия в ООУ № 5 (2–9 классы), 11."),
            Item("1.1.", "Разработать внутришкольные механизмы мониторинга — ООУ № 66."),
            Signature("Начальник департамента", "И.В. Васильева"),
        ]
    )


def test_an_order_prints_its_text_in_order_with_the_numbers_as_written() -> None:
    printed = read_document(io.BytesIO(render_document(_order())))

    texts = [paragraph.text for paragraph in printed.paragraphs if paragraph.text]
    assert texts == [
        "ДЕПАРТАМЕНТ ОБРАЗОВАНИЯ",
        TITLE,
        "На основе анализа результатов мониторинга выявлено следующее:",
        "1. Проводятся дополнительные занятия в ООУ №\u00a05 (2–9 классы), 11.",
        "1.1. Разработать внутришкольные механизмы мониторинга — ООУ №\u00a066.",
    ]
    [signature] = printed.tables
    assert [cell.text for cell in signature.rows[0].cells] == [
        "Начальник департамента",
        "И.В. Васильева",
    ]


def test_the_style_is_the_departments_times_14_justified_with_gost_margins() -> None:
    printed = read_document(io.BytesIO(render_document(_order())))

    normal = printed.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(14))
    section = printed.sections[0]
    lengths = (section.page_width, section.page_height, section.left_margin, section.right_margin)
    assert [round(length.mm) for length in lengths if length is not None] == [210, 297, 30, 15]
    heading, title, body, item = printed.paragraphs[:4]
    assert heading.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert heading.runs[0].bold is True
    assert title.paragraph_format.first_line_indent is None  # not indented
    assert title.paragraph_format.space_after == Pt(12)
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    for indented in (body, item):
        indent = indented.paragraph_format.first_line_indent
        assert indent is not None
        assert round(indent.cm, 2) == 1.25
