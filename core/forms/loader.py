"""Loading questionnaires from YAML; a malformed one stops start-up with a precise message."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from core.forms.models import FormDefinition


class FormError(Exception):
    """A form file that cannot be used: names the file, the question and the problem."""


def load_form(path: Path) -> FormDefinition:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise FormError(f"{path.name}: cannot read the YAML: {error}") from None
    if not isinstance(raw, dict):
        raise FormError(f"{path.name}: the file must describe one form (a mapping)")
    try:
        return FormDefinition.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(_describe(raw, issue) for issue in error.errors())
        raise FormError(f"{path.name}: {problems}") from None


def load_forms(paths: Iterable[Path]) -> dict[str, FormDefinition]:
    """Every form of these files by id; two files with one id are an error."""
    files = list(paths)
    forms: dict[str, FormDefinition] = {}
    for path in files:
        form = load_form(path)
        if form.id in forms:
            raise FormError(f"{path.name}: form id {form.id!r} is used by another file too")
        forms[form.id] = form
    return forms


def _describe(raw: dict[str, Any], issue: Any) -> str:
    """'question grades: type: unknown value ...' from a pydantic error and the raw data."""
    location = list(issue["loc"])
    ids: list[str] = []
    node: Any = raw
    for index, part in enumerate(location):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        # An element of a "questions" list is a question even when its type is missing.
        in_questions = index > 0 and location[index - 1] == "questions"
        if in_questions and isinstance(node, dict) and "id" in node:
            ids.append(str(node["id"]))
    # "sections" and "questions" are only containers, unless the problem is the list itself.
    last = len(location) - 1
    fields = [
        part
        for index, part in enumerate(location)
        if isinstance(part, str) and (part not in ("sections", "questions") or index == last)
    ]
    message = issue["msg"].removeprefix("Value error, ")
    if issue["type"] == "enum":
        message = f"unknown value {issue.get('input')!r}; {message}"
    parts = [f"question {'.'.join(ids)}" if ids else "form"]
    if fields:
        parts.append(str(fields[-1]))
    return ": ".join([*parts, message])
