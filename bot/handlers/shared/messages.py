"""Telegram's size limits, and the one way the handlers stay under them.

Telegram refuses a text over 4,096 characters ("message is too long"), counted in UTF-16 code
units of the text it shows, i.e. after the HTML is parsed (tags dropped, ``&lt;`` one
character); an inline keyboard of more than 100 buttons; callback data over 64 bytes (UTF-8).

The bot sends HTML, so long texts are measured by what Telegram will show and cut only between
tags and entities: a tag open at a cut is closed before it and opened again after it, so every
piece parses on its own. Texts aim at ``TEXT_BUDGET``, a margin under the limit.

- ``split_html``: one long HTML text into messages; ``message_chunks``: lines into messages.
- ``paginate`` and ``page_buttons``: a page of a long list, for screens that turn pages.
- ``visible_length``, ``text_fits``, ``button_count``, ``keyboard_fits``: the checks.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import unescape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

TEXT_LIMIT = 4096  # Telegram's, UTF-16 code units of the shown text
CAPTION_LIMIT = 1024  # the same, for a document's or photo's caption
TEXT_BUDGET = 3800  # what the helpers aim at: a margin under TEXT_LIMIT
BUTTON_LIMIT = 100  # buttons of one inline keyboard
CALLBACK_DATA_LIMIT = 64  # bytes of one button's callback data (UTF-8)
ELLIPSIS = "…"

# A tag, a character reference, or one character of text. Telegram decodes numeric references
# and &lt; &gt; &amp; &quot; only; any other "&name;" is counted as written (the longer way).
_TOKEN = re.compile(
    r"<[^>]*>"  # a tag
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{0,31});"  # a reference
    r"|.",  # a character
    re.S,
)
# _TOKEN without its single characters: the tags and references, found at the same places.
_MARKUP = re.compile(_TOKEN.pattern.removesuffix(r"|."), re.S)
_TAG = re.compile(r"<[^>]*>")
_DECODED = frozenset({"&lt;", "&gt;", "&amp;", "&quot;"})
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in (an emoji may count 2)."""
    return len(text.encode("utf-16-le")) // 2


def _is_tag(token: str) -> bool:
    return len(token) > 1 and token.startswith("<") and token.endswith(">")


def _shown(token: str) -> int:
    """UTF-16 length of what Telegram shows for one token of HTML."""
    if _is_tag(token):
        return 0
    if token.startswith("&#") or token.lower() in _DECODED:  # a whole reference (_TOKEN)
        return utf16_length(unescape(token))
    return utf16_length(token)


def _shown_markup(match: re.Match[str]) -> str:
    token = match.group()
    if token.startswith("<"):
        return ""
    return unescape(token) if token.startswith("&#") or token.lower() in _DECODED else token


def visible_length(html: str) -> int:
    """UTF-16 code units of the text Telegram shows for ``html`` (what its limit counts): the
    same count as ``_shown`` over ``_TOKEN``'s tokens, with one substitution instead of a token
    per character (this runs on every message the bot sends)."""
    return utf16_length(_MARKUP.sub(_shown_markup, html))


def text_fits(html: str, limit: int = TEXT_LIMIT) -> bool:
    return visible_length(html) <= limit


def _cuts(tokens: list[str], sizes: list[int], limit: int) -> list[int]:
    """Token indices to cut before: a line break or a space when there is one in the second
    half of the piece, else exactly at the limit."""
    cuts: list[int] = []
    start, size = 0, 0
    newline = space = 0  # the last break points (index after the break) in this piece
    for index, token in enumerate(tokens):
        if size + sizes[index] > limit and index > start:
            half = start + (index - start) // 2
            cut = newline if newline > half else space if space > half else index
            cuts.append(cut)
            start, newline, space = cut, 0, 0
            for carried in range(cut, index):  # break points after the cut stay candidates
                if tokens[carried] == "\n":
                    newline = carried + 1
                elif tokens[carried].isspace():
                    space = carried + 1
            size = sum(sizes[cut:index])
        size += sizes[index]
        if token == "\n":
            newline = index + 1
        elif token.isspace():
            space = index + 1
    return cuts


def split_html(html: str, limit: int = TEXT_BUDGET) -> list[str]:
    """``html`` as pieces that each show at most ``limit`` characters (UTF-16 code units).

    A cut falls on a line break or a space when it can, never inside a tag or a character
    reference; tags open at a cut are closed before it and reopened after it.
    """
    if visible_length(html) <= limit:
        return [html]
    tokens = _TOKEN.findall(html)
    sizes = [_shown(token) for token in tokens]
    cuts = set(_cuts(tokens, sizes, limit))
    pieces: list[str] = []
    current: list[str] = []
    opened: list[tuple[str, str]] = []  # (name, the opening tag as written)
    for index, token in enumerate(tokens):
        if index in cuts:
            current.extend(f"</{name}>" for name, _ in reversed(opened))
            pieces.append("".join(current))
            current = [tag for _, tag in opened]
        current.append(token)
        if _is_tag(token):
            match = _TAG_NAME.match(token)
            name = match.group(1).lower() if match else ""
            if token.startswith("</"):
                for depth in range(len(opened) - 1, -1, -1):
                    if opened[depth][0] == name:
                        del opened[depth]
                        break
            elif name and not token.endswith("/>"):
                opened.append((name, token))
    pieces.append("".join(current))
    return [piece for piece in pieces if not _blank(piece)] or [""]


def _blank(html: str) -> bool:
    """Nothing but tags and white space: Telegram would call the message empty."""
    return not _TAG.sub("", html).strip()


# A monitoring's title on a button with more after it: a phone shows about 35 characters a line.
BUTTON_TITLE = 32


def shorten_text(text: str, limit: int = BUTTON_TITLE) -> str:
    """Plain ``text`` (a button's label) cut to ``limit`` characters, with "…" when it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def shorten_html(html: str, limit: int) -> str:
    """``html`` cut to show at most ``limit`` characters, with "…" when it was cut."""
    pieces = split_html(html, max(limit - 1, 1))
    return pieces[0] if len(pieces) == 1 else pieces[0].rstrip() + ELLIPSIS


def message_chunks(lines: Sequence[str], limit: int = TEXT_BUDGET) -> list[str]:
    """Lines joined into as few messages as fit under ``limit``; a line is split across
    messages only when it is longer than a whole message (``split_html``)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        for piece in [line] if _blank(line) else split_html(line, limit):
            length = visible_length(piece)
            if current and size + 1 + length > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
            size += length + (1 if current else 0)
            current.append(piece)
    chunks.append("\n".join(current))
    return [chunk for chunk in chunks if not _blank(chunk)] or [""]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: its text, and which items (``start``..``stop``) it shows."""

    text: str
    number: int  # 0-based, the page actually shown (a page past the end shows the last)
    count: int  # pages in all, at least 1
    start: int
    stop: int

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number < self.count - 1


Header = str | Callable[[int, int], str]  # a text, or one made from (page number 1.., pages)


async def say_lines(
    message: Message, lines: Sequence[str], markup: InlineKeyboardMarkup | None = None
) -> None:
    """Lines in as few messages as fit; the buttons under the last one."""
    *first, last = message_chunks(lines)
    for chunk in first:
        await message.answer(chunk)
    await message.answer(last, reply_markup=markup)


def _page_bounds(sizes: list[int], per_page: int, budget: int) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start, size = 0, 0
    for index, length in enumerate(sizes):
        taken = index - start
        if taken and (taken >= per_page or size + 1 + length > budget):
            bounds.append((start, index))
            start, size = index, 0
        size += length + (1 if index > start else 0)
    bounds.append((start, len(sizes)))
    return bounds


def paginate(
    items: Sequence[str],
    page: int,
    *,
    per_page: int,
    header: Header = "",
    footer: str = "",
    limit: int = TEXT_BUDGET,
) -> Page:
    """Page ``page`` (0-based; clamped) of ``items`` (HTML lines): at most ``per_page`` items,
    and the header, the items and the footer show at most ``limit`` characters. An item longer
    than a whole page is shortened with "…". Pages depend only on the items, so a page number
    on a button means the same page on the next press."""
    last = max(len(items), 1)
    title = header if isinstance(header, str) else header(last, last)  # the longest numbers
    reserve = visible_length(title) + visible_length(footer) + 2
    budget = max(limit - reserve, 1)
    shown = [
        item if visible_length(item) <= budget else shorten_html(item, budget) for item in items
    ]
    bounds = _page_bounds([visible_length(item) for item in shown], max(per_page, 1), budget)
    number = min(max(page, 0), len(bounds) - 1)
    start, stop = bounds[number]
    if not isinstance(header, str):
        title = header(number + 1, len(bounds))
    lines = [line for line in (title, *shown[start:stop], footer) if line]
    return Page("\n".join(lines), number, len(bounds), start, stop)


def page_buttons(
    page: Page, turn: Callable[[int], CallbackData], *, previous: str, following: str
) -> list[InlineKeyboardButton]:
    """The row that turns pages: ``previous``, "x/y" (shows the page again), ``following``;
    the arrows only where there is a page that way, nothing when all fits on one page."""
    if page.count <= 1:
        return []
    row = []
    if page.has_previous:
        row.append(InlineKeyboardButton(text=previous, callback_data=turn(page.number - 1).pack()))
    row.append(
        InlineKeyboardButton(
            text=f"{page.number + 1}/{page.count}", callback_data=turn(page.number).pack()
        )
    )
    if page.has_next:
        row.append(InlineKeyboardButton(text=following, callback_data=turn(page.number + 1).pack()))
    return row


def button_count(markup: InlineKeyboardMarkup | None) -> int:
    return 0 if markup is None else sum(len(row) for row in markup.inline_keyboard)


def callback_data_fits(data: str) -> bool:
    return 0 < len(data.encode()) <= CALLBACK_DATA_LIMIT


def keyboard_fits(markup: InlineKeyboardMarkup | None) -> bool:
    """At most ``BUTTON_LIMIT`` buttons, each one's callback data at most 64 bytes."""
    if markup is None:
        return True
    buttons = [button for row in markup.inline_keyboard for button in row]
    return len(buttons) <= BUTTON_LIMIT and all(
        button.callback_data is None or callback_data_fits(button.callback_data)
        for button in buttons
    )
