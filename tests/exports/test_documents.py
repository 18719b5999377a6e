"""The Word printer: an order's blocks in the department's style, read back with python-docx."""

import io
from collections.abc import Callable

import pytest
from docx import Document as read_document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run

from exports.documents import (
    Align,
    Document,
    Item,
    Paragraph,
    Signature,
    check_template,
    render_document,
    sample_template,
)

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


# --- the department's own template -----------------------------------------------------------


def _docx(build: Callable[[WordDocument], object]) -> bytes:
    made = read_document()
    build(made)
    buffer = io.BytesIO()
    made.save(buffer)
    return buffer.getvalue()


def _runs(paragraph: WordParagraph, *pieces: str) -> list[Run]:
    """Text typed in pieces, as Word stores it after edits and spelling marks."""
    return [paragraph.add_run(piece) for piece in pieces]


def _letterhead(made: WordDocument) -> None:
    made.sections[0].header.paragraphs[0].add_run("Период: {{ ПЕР").italic = True
    made.sections[0].header.paragraphs[0].add_run("ИОД }}")
    _runs(made.add_paragraph(), "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ")[0].bold = True
    cell = made.add_table(rows=1, cols=1).rows[0].cells[0]
    _runs(cell.paragraphs[0], "По мониторингу «{{", "МОНИ", "ТОРИНГ}}»")
    _runs(made.add_paragraph(), "{{ЗАГО", "ЛОВОК}}")
    body = made.add_paragraph()
    for run in _runs(body, "{{", "текст", "}}"):
        run.font.name, run.font.size = "Arial", Pt(12)
    performer = made.add_paragraph()
    label, field = _runs(performer, "Исполнитель: ", "{{ИСПОЛНИ", "ТЕЛЬ}}")[:2]
    label.bold = True
    field.italic = True


def _order_with_everything() -> Document:
    order = _order()
    order.head = [Paragraph("ШАПКА СТАНДАРТНОГО БЛАНКА", bold=True, align=Align.CENTER)]
    order.title = TITLE
    order.signature = Signature("Начальник управления", "И.В. Васильева")
    order.fields = {
        "МОНИТОРИНГ": "Мониторинг выполнения программы",
        "ПЕРИОД": "2025/2026 учебный год",
        "ИСПОЛНИТЕЛЬ": "Петрова А.А.",
    }
    order.blocks = [
        Paragraph("На основе анализа результатов мониторинга выявлено следующее:"),
        Item("1.", "Ответ школы с фигурными скобками: {{ПЕРИОД}}."),
    ]
    return order


def test_a_template_takes_the_body_at_its_text_field_and_fills_fields_split_across_runs() -> None:
    template = _docx(_letterhead)

    printed = read_document(io.BytesIO(render_document(_order_with_everything(), template)))

    texts = [paragraph.text for paragraph in printed.paragraphs if paragraph.text]
    assert texts == [
        "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ",
        TITLE,
        "На основе анализа результатов мониторинга выявлено следующее:",
        "1. Ответ школы с фигурными скобками: {{ПЕРИОД}}.",  # an answer's braces stay text
        "Исполнитель: Петрова А.А.",
    ]
    [letterhead] = printed.tables  # the template's own table; no signature table of ours
    assert letterhead.rows[0].cells[0].text == "По мониторингу «Мониторинг выполнения программы»"
    header = printed.sections[0].header.paragraphs[0]
    assert header.text == "Период: 2025/2026 учебный год"
    assert header.runs[0].italic is True  # the value takes the run where the field began


def test_the_body_keeps_the_templates_font_and_gets_its_own_alignment_and_numbers() -> None:
    template = _docx(_letterhead)

    printed = read_document(io.BytesIO(render_document(_order_with_everything(), template)))

    body, item = printed.paragraphs[2:4]
    for paragraph in (body, item):
        assert (paragraph.runs[0].font.name, paragraph.runs[0].font.size) == ("Arial", Pt(12))
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        indent = paragraph.paragraph_format.first_line_indent
        assert indent is not None
        assert round(indent.cm, 2) == 1.25
    performer = printed.paragraphs[-1]
    assert [(run.text, run.bold, run.italic) for run in performer.runs if run.text] == [
        ("Исполнитель: ", True, None),
        ("Петрова А.А.", None, True),
    ]
    # The template's page is kept: python-docx's default Letter, not our A4.
    width = printed.sections[0].page_width
    assert width is not None
    assert round(width.mm) == 216


def test_without_a_title_field_the_title_opens_the_body_bold_and_centred() -> None:
    template = _docx(lambda made: _runs(made.add_paragraph(), "{{ ТЕКСТ }}"))

    printed = read_document(io.BytesIO(render_document(_order_with_everything(), template)))

    texts = [paragraph.text for paragraph in printed.paragraphs if paragraph.text]
    assert texts[:2] == [TITLE, "На основе анализа результатов мониторинга выявлено следующее:"]
    title = next(paragraph for paragraph in printed.paragraphs if paragraph.text == TITLE)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold is True
    assert not any("ТЕКСТ" in text for text in texts)


def test_the_standard_blank_prints_the_letterhead_title_and_signature_around_the_body() -> None:
    printed = read_document(io.BytesIO(render_document(_order_with_everything())))

    texts = [paragraph.text for paragraph in printed.paragraphs if paragraph.text]
    assert texts == [
        "ШАПКА СТАНДАРТНОГО БЛАНКА",
        TITLE,
        "На основе анализа результатов мониторинга выявлено следующее:",
        "1. Ответ школы с фигурными скобками: {{ПЕРИОД}}.",
    ]
    title = printed.paragraphs[2]
    assert (printed.paragraphs[1].text, title.text, printed.paragraphs[3].text) == ("", TITLE, "")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold is True
    [signature] = printed.tables
    assert [cell.text for cell in signature.rows[0].cells] == [
        "Начальник управления",
        "И.В. Васильева",
    ]


def test_the_sample_template_passes_the_check_and_prints_an_order() -> None:
    sample = sample_template()

    check = check_template(sample)

    assert check.problems == []
    assert check.placeholders == ["ЗАГОЛОВОК", "ТЕКСТ", "ИСПОЛНИТЕЛЬ"]
    made = read_document(io.BytesIO(sample))
    normal = made.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(14))
    margins = (made.sections[0].left_margin, made.sections[0].right_margin)
    assert [round(margin.mm) for margin in margins if margin is not None] == [30, 15]
    texts = [paragraph.text for paragraph in made.paragraphs if paragraph.text]
    assert "РАСПОРЯЖЕНИЕ" in texts
    assert "НАИМЕНОВАНИЕ ОРГАНА УПРАВЛЕНИЯ ОБРАЗОВАНИЕМ" in texts
    cells = [cell.text for table in made.tables for cell in table.rows[0].cells]
    assert "И.О. Фамилия" in cells

    printed = read_document(io.BytesIO(render_document(_order_with_everything(), sample)))
    shown = [paragraph.text for paragraph in printed.paragraphs if paragraph.text]
    assert TITLE in shown
    assert "Исполнитель: Петрова А.А." in shown
    assert not any("{{ТЕКСТ}}" in text for text in shown)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"%PDF-1.7 not a word file", "не открывается как документ Word", id="pdf"),
        pytest.param(b"PK\x03\x04 a cut zip", "не открывается как документ Word", id="cut"),
        pytest.param(
            _docx(lambda made: made.add_paragraph("Без полей")), "нет поля {{ТЕКСТ}}", id="none"
        ),
        pytest.param(
            _docx(lambda made: made.add_paragraph("Текст: {{ТЕКСТ}}")),
            "в отдельном абзаце",
            id="not-alone",
        ),
        pytest.param(
            _docx(lambda made: [made.add_paragraph("{{ТЕКСТ}}") for _ in range(2)]),
            "не один раз",
            id="twice",
        ),
        pytest.param(
            _docx(lambda made: made.sections[0].header.paragraphs[0].add_run("{{ТЕКСТ}}")),
            "в колонтитуле",
            id="in-header",
        ),
    ],
)
def test_a_template_that_cannot_take_the_order_is_refused(content: bytes, expected: str) -> None:
    check = check_template(content)

    assert len(check.problems) == 1
    assert expected in check.problems[0]


def test_unknown_fields_are_named_with_the_known_ones() -> None:
    def build(made: WordDocument) -> None:
        made.add_paragraph("{{ТЕКСТ}}")
        _runs(made.add_paragraph(), "Директор: {{", "ФИО", "}}, {{ Дата }}")

    check = check_template(_docx(build))

    assert check.placeholders == ["ТЕКСТ", "ФИО", "ДАТА"]
    [problem] = check.problems
    assert "{{ФИО}}, {{ДАТА}}" in problem
    assert all(braced in problem for braced in ("{{ЗАГОЛОВОК}}", "{{ИСПОЛНИТЕЛЬ}}"))
