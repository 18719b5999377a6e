"""The draft worded as the department's order (``core.order.document``): the title, the body's
blocks in order, Выводы, the instructions the methodist kept with their deadline."""

from dataclasses import replace
from datetime import date

import pytest

from core.order import (
    MISSING,
    Finding,
    Instruction,
    OrderChoices,
    OrderDraft,
    Share,
    deadline_text,
    order_document,
    title_of,
)
from exports.documents import Align, Item, Paragraph, Signature

SCHOOLS = (
    "МАОУ СОШ № 5 имени А.К. Ерохина",
    "МАОУ СОШ № 11 имени В.И. Смирнова",
    "МБОУ ООШ № 66",
)
ORGANISE = Instruction("extra.held", "Организовать дополнительные занятия", (2,), "МАОУ СОШ № 11")
HAND_IN = Instruction(
    MISSING, "Представить результаты мониторинга в полном объёме", (4,), "МБОУ ООШ № 66"
)
CONTROL = (
    "Контроль исполнения настоящего распоряжения возложить на __________________________________."
)
DRAFT = OrderDraft(
    campaign_id=2,
    title="Мониторинг выполнения программы ШНОР",
    period="1 полугодие 2025/26",
    previous_period=None,
    municipality="Город Томск",
    municipality_id=1,
    schools=SCHOOLS,
    submitted=2,
    total=3,
    findings=(
        Finding(
            "Проводятся дополнительные занятия в МАОУ СОШ № 5 (2–9 классы).",
            shares=(Share("Проводятся дополнительные занятия", 1, 3, always=True),),
        ),
        Finding(
            "Положение о ВСОКО:",
            (
                "В МАОУ СОШ № 5 имеется положение о ВСОКО, утверждено 28.08.2020.",
                "В МАОУ СОШ № 11 положение о ВСОКО отсутствует.",
            ),
        ),
        Finding(
            "Разработаны механизмы в ООУ № 5, 11.",
            shares=(
                Share("Разработаны механизмы", 2, 3),
                Share("В процессе разработки находятся механизмы", 0, 3),  # not said
            ),
        ),
    ),
    submitted_share=Share("Результаты мониторинга представили", 2, 3),
    not_submitted=("МБОУ ООШ № 66",),
    instructions=(ORGANISE, HAND_IN),
    author="Иванова И.И.",
)


NO_CHOICES = OrderChoices()


def _texts(draft: OrderDraft, choices: OrderChoices = NO_CHOICES) -> list[str]:
    """The body as the numbers and texts it reads."""
    found = []
    for block in order_document(draft, choices).blocks:
        assert isinstance(block, Paragraph | Item)
        found.append(f"{block.number} {block.text}" if isinstance(block, Item) else block.text)
    return found


@pytest.mark.parametrize(
    ("monitoring", "title"),
    [
        (
            "Мониторинг выполнения программы ШНОР",
            "О результатах анализа мониторинга выполнения программы ШНОР",
        ),
        ("мониторинг сайтов школ", "О результатах анализа мониторинга сайтов школ"),
        ("ВСОКО", "О результатах анализа мониторинга «ВСОКО»"),
        ("Мониторинг", "О результатах анализа мониторинга «Мониторинг»"),
        ("Мониторинговая анкета", "О результатах анализа мониторинга «Мониторинговая анкета»"),
    ],
)
def test_title_of(monitoring: str, title: str) -> None:
    assert title_of(monitoring) == title


def test_the_body_in_order() -> None:
    document = order_document(DRAFT, OrderChoices(deadline=date(2026, 3, 10)))
    assert document.blocks == [
        Paragraph(
            "Проведен мониторинг выполнения программы ШНОР за 1 полугодие 2025/26 в "
            "общеобразовательных учреждениях: МАОУ СОШ № 5 имени А.К. Ерохина, МАОУ СОШ № 11 "
            "имени В.И. Смирнова, МБОУ ООШ № 66."
        ),
        Paragraph("Результаты мониторинга представили 2 из 3 школ."),
        Paragraph("На основе анализа результатов мониторинга выявлено следующее:"),
        Item("1.", "Проводятся дополнительные занятия в МАОУ СОШ № 5 (2–9 классы)."),
        Item("2.", "Положение о ВСОКО:"),
        Paragraph("В МАОУ СОШ № 5 имеется положение о ВСОКО, утверждено 28.08.2020."),
        Paragraph("В МАОУ СОШ № 11 положение о ВСОКО отсутствует."),
        Item("3.", "Разработаны механизмы в ООУ № 5, 11."),
        Paragraph("Выводы", bold=True, align=Align.CENTER, space_before=12),
        Paragraph("– Результаты мониторинга представили 2 из 3 школ (67 %)."),
        Paragraph("– Проводятся дополнительные занятия — в 1 из 3 школ (33 %)."),
        Paragraph("– Разработаны механизмы — в 2 из 3 школ (67 %)."),
        Paragraph("Не представили результаты мониторинга: МБОУ ООШ № 66."),
        Paragraph(
            "I. Руководителям общеобразовательных учреждений в срок до 10.03.2026:", space_before=12
        ),
        Item("1.1.", "Организовать дополнительные занятия — МАОУ СОШ № 11."),
        Item("1.2.", "Представить результаты мониторинга в полном объёме — МБОУ ООШ № 66."),
        Item("II.", CONTROL),
    ]


def test_the_letterhead_title_signature_and_fields() -> None:
    document = order_document(DRAFT, OrderChoices())
    assert [block.text for block in document.head if isinstance(block, Paragraph)] == [
        "ОРГАН УПРАВЛЕНИЯ ОБРАЗОВАНИЕМ",
        "Город Томск",
        "РАСПОРЯЖЕНИЕ",
        "«___» ____________ 20___ г.\t\t\t\t\t№ ________",
    ]
    assert document.title == "О результатах анализа мониторинга выполнения программы ШНОР"
    assert document.signature == Signature(
        "Руководитель органа управления образованием", "И.О. Фамилия"
    )
    assert document.fields == {
        "МОНИТОРИНГ": "Мониторинг выполнения программы ШНОР",
        "ПЕРИОД": "1 полугодие 2025/26",
        "ИСПОЛНИТЕЛЬ": "Иванова И.И.",
    }
    anonymous = order_document(replace(DRAFT, author=None), OrderChoices())
    assert anonymous.fields["ИСПОЛНИТЕЛЬ"] == ""


def test_a_title_of_another_shape_is_quoted_in_the_preamble() -> None:
    texts = _texts(replace(DRAFT, title="ВСОКО"))
    assert texts[0] == (
        "Проведен мониторинг «ВСОКО» за 1 полугодие 2025/26 в общеобразовательных учреждениях: "
        "МАОУ СОШ № 5 имени А.К. Ерохина, МАОУ СОШ № 11 имени В.И. Смирнова, МБОУ ООШ № 66."
    )


@pytest.mark.parametrize(
    ("submitted", "total", "line"),
    [
        (2, 3, "Результаты мониторинга представили 2 из 3 школ."),
        (20, 21, "Результаты мониторинга представили 20 из 21 школы."),
        (0, 4, "Результаты мониторинга представили 0 из 4 школ."),
        (5, 5, "Результаты мониторинга представили все школы."),
    ],
)
def test_the_submitted_line(submitted: int, total: int, line: str) -> None:
    assert _texts(replace(DRAFT, submitted=submitted, total=total))[1] == line


def test_conclusions_with_the_previous_period() -> None:
    draft = replace(
        DRAFT,
        previous_period="1 полугодие 2024/25",
        findings=(
            Finding(
                "Проводятся занятия в ООУ № 5, 11.",
                shares=(
                    Share("Проводятся занятия", 5, 7, (3, 7), always=True),
                    # Nobody now, but someone before: said.
                    Share("Ведутся курсы", 0, 7, (1, 7)),
                    # Nobody either time: not said.
                    Share("Ничего нет", 0, 7, (0, 7)),
                ),
            ),
        ),
        submitted_share=Share("Результаты мониторинга представили", 7, 7, (6, 7)),
        not_submitted=(),
        instructions=(),
    )
    texts = _texts(draft)
    start = texts.index("Выводы")
    assert texts[start:] == [
        "Выводы",
        "– Результаты мониторинга представили 7 из 7 школ (100 %); "
        "за 1 полугодие 2024/25 — 6 из 7 (86 %).",
        "– Проводятся занятия — в 5 из 7 школ (71 %); за 1 полугодие 2024/25 — 3 из 7 (43 %).",
        "– Ведутся курсы — в 0 из 7 школ (0 %); за 1 полугодие 2024/25 — 1 из 7 (14 %).",
        "I. " + CONTROL,
    ]


def test_a_yes_no_nobody_has_is_said_in_the_conclusions() -> None:
    draft = replace(
        DRAFT,
        findings=(Finding("А:", ("В МАОУ СОШ № 5 а.",), (Share("Есть план", 0, 1, always=True),)),),
    )
    assert "– Есть план — в 0 из 1 школы (0 %)." in _texts(draft)


def test_a_half_percent_is_rounded_up() -> None:
    draft = replace(
        DRAFT,
        findings=(Finding("А.", shares=(Share("Есть план", 1, 8),)),),
    )
    assert "– Есть план — в 1 из 8 школ (13 %)." in _texts(draft)


def test_dropping_an_instruction_keeps_the_numbering_consecutive() -> None:
    third = Instruction("extra.plan", "Утвердить план", (1,), "МАОУ СОШ № 5")
    draft = replace(DRAFT, instructions=(ORGANISE, third, HAND_IN))
    texts = _texts(draft, OrderChoices(date(2026, 3, 10), frozenset({"extra.held"})))
    assert texts[-4:] == [
        "I. Руководителям общеобразовательных учреждений в срок до 10.03.2026:",
        "1.1. Утвердить план — МАОУ СОШ № 5.",
        "1.2. Представить результаты мониторинга в полном объёме — МБОУ ООШ № 66.",
        "II. " + CONTROL,
    ]


def test_no_deadline_leaves_a_blank_to_fill() -> None:
    assert (
        "I. Руководителям общеобразовательных учреждений в срок до «___» ____________ 20___ г.:"
        in (_texts(DRAFT))
    )
    assert deadline_text(None) == "«___» ____________ 20___ г."
    assert deadline_text(date(2026, 3, 1)) == "01.03.2026"


@pytest.mark.parametrize(
    "draft",
    [
        replace(DRAFT, instructions=()),
        DRAFT,  # every instruction dropped
    ],
    ids=["none", "all-dropped"],
)
def test_with_no_instructions_only_the_control_clause(draft: OrderDraft) -> None:
    choices = OrderChoices(date(2026, 3, 10), frozenset({ORGANISE.key, MISSING}))
    texts = _texts(draft, choices)
    assert texts[texts.index("Не представили результаты мониторинга: МБОУ ООШ № 66.") :] == [
        "Не представили результаты мониторинга: МБОУ ООШ № 66.",
        "I. " + CONTROL,
    ]


def test_without_non_submitters_there_is_no_such_paragraph() -> None:
    texts = _texts(replace(DRAFT, not_submitted=()))
    assert not any(text.startswith("Не представили") for text in texts)


def test_the_standard_blank_names_the_author_after_the_signature() -> None:
    document = order_document(DRAFT, OrderChoices())
    assert [getattr(block, "text", "") for block in document.tail] == ["Исполнитель: Иванова И.И."]
    assert document.fields["ИСПОЛНИТЕЛЬ"] == "Иванова И.И."
    assert not order_document(replace(DRAFT, author=None), OrderChoices()).tail
