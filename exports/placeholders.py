"""Fields of a department's own .docx template: found, checked and filled in.

A template is the department's letterhead with fields in double braces: ``{{ТЕКСТ}}`` (where the
order's text goes, alone in its paragraph), ``{{ЗАГОЛОВОК}}``, ``{{МОНИТОРИНГ}}`` … Spaces and
case inside the braces do not matter. Word splits what one typed into several runs (a spelling
mark, an edit, a font change), so a field is looked for in the joined text of a paragraph's runs
and replaced in place: the value takes the formatting of the run where the field starts, and the
text around it keeps its own.

The problems ``check_template`` finds are meant for the methodist who uploads the file, so they
are written in Russian here, next to the field names (which are Russian too).
"""

import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from docx import Document as open_document
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

TEXT = "ТЕКСТ"
TITLE = "ЗАГОЛОВОК"
MONITORING = "МОНИТОРИНГ"
PERIOD = "ПЕРИОД"
PERFORMER = "ИСПОЛНИТЕЛЬ"

# Every field a template may hold, with what it becomes (the chat's help lists them).
KNOWN_PLACEHOLDERS: dict[str, str] = {
    TITLE: "заголовок распоряжения («О результатах мониторинга …»)",
    TEXT: "текст распоряжения: выявленное, пункты и поручения (отдельной строкой)",
    MONITORING: "название мониторинга",
    PERIOD: "период мониторинга",
    PERFORMER: "исполнитель: кто подготовил проект",
}

PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")
# A .docx is a zip: a small upload may unpack to gigabytes. Real templates are far below this.
MAX_UNPACKED_BYTES = 16 * 1024 * 1024
QUOTE_LIMIT = 60

# The problems of a template (a brace printed by a format string is doubled).
UNREADABLE = (
    "Файл не открывается как документ Word (.docx). Сохраните бланк в Word или LibreOffice "
    "как «Документ Word (.docx)» и пришлите ещё раз."
)
NO_TEXT = (
    "В шаблоне нет поля {{ТЕКСТ}}. Напишите {{ТЕКСТ}} отдельной строкой там, где должен "
    "начинаться текст распоряжения: после заголовка, перед подписью."
)
TEXT_NOT_ALONE = (
    "Поле {{{{ТЕКСТ}}}} должно стоять в отдельном абзаце, без другого текста, а сейчас оно в "
    "абзаце «{paragraph}». Перенесите его на отдельную строку."
)
TEXT_REPEATED = "Поле {{{{ТЕКСТ}}}} стоит в шаблоне не один раз (всего {count}); оставьте одно."
TEXT_OUTSIDE_BODY = "Поле {{ТЕКСТ}} стоит в колонтитуле. Поставьте его в основной текст документа."
UNKNOWN = "Неизвестные поля: {unknown}. Бот знает только {known}."


def field_name(inside: str) -> str:
    """``{{ текст }}`` is ``{{ТЕКСТ}}``: spaces and case inside the braces do not matter."""
    return " ".join(inside.split()).upper()


def braced(name: str) -> str:
    return "{{" + name + "}}"


@dataclass(frozen=True, slots=True)
class TemplateCheck:
    """What a template holds and what is wrong with it (nothing: it may be used)."""

    problems: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)  # names, in order of appearance

    @property
    def ok(self) -> bool:
        return not self.problems


class UnreadableTemplate(ValueError):
    """The bytes are not a .docx python-docx can open."""


def open_template(content: bytes) -> WordDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise UnreadableTemplate("the archive unpacks to too much")
        return open_document(io.BytesIO(content))
    # What python-docx and lxml raise on a file that is not a Word document (a .doc, an .xlsx
    # renamed, a cut download, broken XML); lxml's XMLSyntaxError is a SyntaxError.
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, SyntaxError) as error:
        raise UnreadableTemplate(str(error)) from error


def stories(document: WordDocument) -> Iterator[tuple[Any, bool]]:
    """The XML roots that hold text, each once: (root, is the body). Headers and footers come
    after the body; a header linked to the previous section's has no text of its own."""
    yield document.element.body, True
    seen: set[int] = set()
    for section in document.sections:
        for part in (
            section.header,
            section.first_page_header,
            section.even_page_header,
            section.footer,
            section.first_page_footer,
            section.even_page_footer,
        ):
            if part.is_linked_to_previous:
                continue  # asking for its ``part`` would create one
            root = part.part.element
            if id(root) not in seen:
                seen.add(id(root))
                yield root, False


def paragraphs(root: Any) -> Iterator[Any]:
    """Every ``w:p`` under ``root``: in tables, nested tables and text boxes too."""
    yield from root.iter(qn("w:p"))


def runs(paragraph: Any) -> list[Any]:
    """The paragraph's own runs, also inside hyperlinks or tracked insertions, but not those of
    a text box's paragraphs anchored in it."""
    return [
        run
        for run in paragraph.iter(qn("w:r"))
        if next(run.iterancestors(qn("w:p")), None) is paragraph
    ]


def paragraph_text(paragraph: Any) -> str:
    return "".join(run.text for run in runs(paragraph))


def replace_fields(paragraph: Any, values: Mapping[str, str]) -> None:
    """Replace the fields named in ``values``; any other text in braces stays as it is."""
    pieces = runs(paragraph)
    texts = [run.text for run in pieces]
    joined = "".join(texts)
    if "{{" not in joined:
        return
    bounds, offset = [], 0
    for text in texts:
        bounds.append((offset, offset + len(text)))
        offset += len(text)
    found = [m for m in PLACEHOLDER.finditer(joined) if field_name(m.group(1)) in values]
    # From the last field back: the text before a field is untouched by replacing later ones.
    for match in reversed(found):
        begin, end = match.span()
        first, last = _run_at(bounds, begin), _run_at(bounds, end - 1)
        head = texts[first][: begin - bounds[first][0]]
        tail = texts[last][end - bounds[last][0] :]
        value = values[field_name(match.group(1))]
        for index in range(first + 1, last + 1):
            texts[index] = ""
        texts[first] = head + value + tail
    for run, text in zip(pieces, texts, strict=True):
        if run.text != text:
            run.text = text


def _run_at(bounds: list[tuple[int, int]], position: int) -> int:
    """The run holding the character at ``position`` of the joined text."""
    return next(index for index, (start, end) in enumerate(bounds) if start <= position < end)


@dataclass(frozen=True, slots=True)
class Occurrence:
    name: str
    in_body: bool
    alone: bool  # the only text of its paragraph
    paragraph: str


def occurrences(document: WordDocument) -> list[Occurrence]:
    found = []
    for root, in_body in stories(document):
        for paragraph in paragraphs(root):
            text = paragraph_text(paragraph)
            for match in PLACEHOLDER.finditer(text):
                alone = PLACEHOLDER.fullmatch(text.strip()) is not None
                found.append(Occurrence(field_name(match.group(1)), in_body, alone, text))
    return found


def check_template(content: bytes) -> TemplateCheck:
    """Whether ``content`` is a .docx template the order can be printed into, and its fields."""
    try:
        found = occurrences(open_template(content))
    # A package that opens may still break when its parts are read (a header pointing to a
    # missing part): as unreadable as one that does not open.
    except (UnreadableTemplate, KeyError, ValueError, AttributeError, SyntaxError):
        return TemplateCheck(problems=[UNREADABLE])
    names = list(dict.fromkeys(occurrence.name for occurrence in found))
    problems = []
    texts = [occurrence for occurrence in found if occurrence.name == TEXT]
    if not texts:
        problems.append(NO_TEXT)
    elif len(texts) > 1:
        problems.append(TEXT_REPEATED.format(count=len(texts)))
    if any(not occurrence.in_body for occurrence in texts):
        problems.append(TEXT_OUTSIDE_BODY)
    for occurrence in texts:
        if occurrence.in_body and not occurrence.alone:
            problems.append(TEXT_NOT_ALONE.format(paragraph=_quote(occurrence.paragraph)))
            break
    unknown = [name for name in names if name not in KNOWN_PLACEHOLDERS]
    if unknown:
        problems.append(
            UNKNOWN.format(
                unknown=", ".join(braced(name) for name in unknown),
                known=", ".join(braced(name) for name in KNOWN_PLACEHOLDERS),
            )
        )
    return TemplateCheck(problems=problems, placeholders=names)


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1].rstrip() + "…"
