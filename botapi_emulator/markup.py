"""Turns text sent with ``parse_mode`` into plain text and entities, like Telegram does.

Only HTML is parsed (the bot's default); Markdown texts are kept as they are without entities.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "span": "spoiler",
}


class MarkupError(ValueError):
    """The text cannot be parsed; the message follows Telegram's wording."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTMLParser(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self._line_starts.append(index + 1)
        self._parts: list[str] = []
        self._length = 0  # UTF-16 length of the text produced so far
        self._open: list[tuple[str, dict[str, Any] | None, int]] = []
        self.entities: list[dict[str, Any]] = []

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        index = self._line_starts[line - 1] + column
        return len(self._source[:index].encode())

    def handle_data(self, data: str) -> None:
        self._parts.append(data)
        self._length += utf16_len(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in _SIMPLE_TAGS or (tag == "span" and attributes.get("class") != "tg-spoiler"):
            raise MarkupError(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        entity: dict[str, Any] | None = {"type": _SIMPLE_TAGS[tag]}
        if tag == "a":
            href = attributes.get("href")
            entity = {"type": "text_link", "url": href} if href else None
        elif tag == "tg-emoji":
            entity = {"type": "custom_emoji", "custom_emoji_id": attributes.get("emoji-id") or ""}
        elif tag == "blockquote" and "expandable" in attributes:
            entity = {"type": "expandable_blockquote"}
        elif tag == "code" and self._open and self._open[-1][0] == "pre":
            language = (attributes.get("class") or "").removeprefix("language-")
            pre_entity = self._open[-1][1]
            if language and pre_entity is not None:
                pre_entity["language"] = language
                entity = None
        self._open.append((tag, entity, self._length))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise MarkupError(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            raise MarkupError(
                f'Unexpected end tag at byte offset {self._byte_offset()}, found "</{tag}>"'
            )
        open_tag, entity, start = self._open.pop()
        if open_tag != tag:
            raise MarkupError(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
        if entity is not None and self._length > start:
            self.entities.append({**entity, "offset": start, "length": self._length - start})

    def finish(self) -> None:
        self.close()
        if self._open:
            raise MarkupError(
                f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"'
            )
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))


def render(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Return the text as Telegram stores it and its entities."""
    if parse_mode is None or parse_mode.lower() != "html":
        return text, []
    parser = _TelegramHTMLParser(text)
    parser.feed(text)
    parser.finish()
    return parser.text, parser.entities
