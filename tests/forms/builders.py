"""Small forms and questions built in code, for tests of the form machinery."""

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from core.forms.models import FormDefinition, Question

TODAY = date(2021, 3, 10)


def question(id: str, type: str, text: str = "Вопрос?", **fields: Any) -> dict[str, Any]:
    """A question as the YAML would describe it."""
    return {"id": id, "type": type, "text": text, **fields}


def options(*ids: str) -> list[dict[str, str]]:
    return [{"id": option_id, "label": option_id.capitalize()} for option_id in ids]


def form_data(*questions: dict[str, Any], form_id: str = "test") -> dict[str, Any]:
    return {
        "id": form_id,
        "version": 1,
        "title": "Тестовая форма",
        "short_title": "Тест",
        "sections": [{"title": "Раздел", "questions": list(questions)}],
    }


def make_form(*questions: dict[str, Any]) -> FormDefinition:
    return FormDefinition.model_validate(form_data(*questions))


def make_question(id: str, type: str, **fields: Any) -> Question:
    return Question.model_validate(question(id, type, **fields))


def write_form(directory: Path, name: str, data: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
