"""A choice's buttons say the short wording of long options; the full one stays the label."""

from bot.handlers.questionnaire.keyboards import question_keyboard
from core.forms.models import BUTTON_CHARS
from tests.forms.builders import make_question
from texts import forms as form_texts

LONG = "Родительский патруль (наблюдение за учебным процессом)"
OPTIONS = [
    {"id": "meetings", "label": "Родительские собрания"},
    {"id": "patrol", "label": LONG, "button": "Родительский патруль"},
]


def button_texts(type_: str, selection: list[str]) -> list[str]:
    asked = make_question("forms", type_, options=OPTIONS)
    markup = question_keyboard(
        1, asked, key=asked.id, selection=selection, can_go_back=False, can_skip=False
    )
    return [button.text for row in markup.inline_keyboard for button in row]


def test_single_choice_buttons_use_the_short_wording() -> None:
    texts = button_texts("single_choice", [])
    assert texts[:2] == ["Родительские собрания", "Родительский патруль"]
    assert all(len(text) <= BUTTON_CHARS for text in texts)


def test_multi_choice_ticks_the_short_wording() -> None:
    texts = button_texts("multi_choice", ["patrol"])
    assert texts[:2] == ["Родительские собрания", form_texts.CHECKED + "Родительский патруль"]
    assert LONG not in texts
