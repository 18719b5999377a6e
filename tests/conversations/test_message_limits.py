"""Every message the bot sends fits Telegram, on the largest data the samples make.

The sample directory (42 schools in 2 municipalities), every built-in form open in every school,
a respondent per school, the forms of one school answered with the longest texts a person can
type (markup characters and emoji included) and submitted, more submitted responses waiting for
review. Then the administrator and a methodist run every listing command and turn every page,
and the respondent lists the forms and walks each review screen.

Checked over every Bot API call the emulator recorded, not only the messages the test read:
a text at most 4,096 UTF-16 code units as Telegram shows it (HTML parsed), a caption at most
1,024, an inline keyboard at most 100 buttons, callback data at most 64 bytes (UTF-8), and no
call refused (e.g. "message is too long").
"""

import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

import bot
from bot.handlers.questionnaire.listing import PER_PAGE
from bot.handlers.review.callbacks import ReviewOpen
from bot.handlers.shared.messages import (
    _TOKEN,
    TEXT_BUDGET,
    _blank,
    _is_tag,
    _shown,
    message_chunks,
    paginate,
    split_html,
    visible_length,
)
from botapi_emulator import BotMessage, FakeUser
from botapi_emulator.markup import render, utf16_len
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.directory import load_directory
from core.directory_import import import_directory
from core.forms.engine import group_step, next_question
from core.forms.models import FormDefinition, QuestionType
from storage.people import Role
from storage.responses import Status, change_status, get_or_create_response
from storage.schema import campaign_forms, campaign_schools, responses
from tests.conversations.answering import answer_one, stored_values
from tests.conversations.scripted import finish_label
from tests.factories import make_person
from tests.harness import ADMIN_TELEGRAM_ID, BotHarness
from texts import people as people_texts
from texts import questionnaire as texts
from texts import review as review_texts

SAMPLES = Path(bot.__file__).parent / "samples" / "directory"
ORGANISER = Actor(telegram_id=0, user=None, bootstrap_admin=True)
METHODIST = 501
FIRST_RESPONDENT = 1000  # the respondent of the n-th school is FIRST_RESPONDENT + n
TEXT_LIMIT, CAPTION_LIMIT, BUTTON_LIMIT, CALLBACK_DATA_LIMIT = 4096, 1024, 100, 64
NEXT_PAGE = {texts.NEXT_PAGE, people_texts.NEXT, review_texts.NEXT_PAGE}
# Answers that grow when escaped and count twice in UTF-16 (emoji), as long as a question
# allows and a person can send (Telegram takes 4,096 UTF-16 code units from a person too).
NASTY = "😀😀😀 <&> 😀😀😀 ё&amp; "
TYPED_LIMIT = 4000
VOLUME_FORMS = ("vsoko", "vpr")  # submitted for every other school too: a long review queue


def nasty_text(limit: int) -> str:
    text = (NASTY * (limit // len(NASTY) + 1))[:limit].strip()
    while utf16_len(text) > TYPED_LIMIT:
        text = text[:-1]
    return text


async def load_world(harness: BotHarness) -> list[int]:
    """The sample directory, a methodist, a respondent per school, every form open in every
    school; returns the school ids in order."""
    files = [(path.name, path.read_bytes()) for path in sorted(SAMPLES.glob("*.csv"))]
    report = await import_directory(harness.database, files, default_timezone="Asia/Tomsk")
    assert report.ok, report
    directory = await load_directory(harness.database)
    school_ids = sorted(directory.schools)
    assert len(school_ids) >= 40
    town = next(m.id for m in directory.municipalities.values() if m.name == "Город Томск")
    await make_person(
        harness.database, METHODIST, Role.METHODIST, full_name="Петрова Елена", municipality_id=town
    )
    for number, school_id in enumerate(school_ids):
        await make_person(
            harness.database,
            FIRST_RESPONDENT + number,
            Role.RESPONDENT,
            full_name=f"Представитель {directory.schools[school_id].short_name}",
            school_id=school_id,
        )
    now = harness.clock()
    for key in sorted(harness.catalog.current):
        await open_form_for_schools(
            harness.database,
            harness.catalog,
            ORGANISER,
            key,
            deadline=(now + timedelta(days=10)).date(),
            period_label="1 полугодие 2025/2026 учебного года",
            now=now,
        )
    return school_ids


async def submit_directly(harness: BotHarness, form_key: str, skip_school: int) -> int:
    """Every school's response to ``form_key`` submitted straight in the database."""
    now = harness.clock()
    form_id = harness.catalog.row_id(form_key)
    async with harness.database.write() as conn:
        rows = await conn.execute(
            select(campaign_schools.c.campaign_id, campaign_schools.c.school_id)
            .join(campaign_forms, campaign_forms.c.campaign_id == campaign_schools.c.campaign_id)
            .where(campaign_forms.c.form_id == form_id, campaign_schools.c.school_id != skip_school)
        )
        pairs = list(rows)
        for campaign_id, school_id in pairs:
            response = await get_or_create_response(
                conn, campaign_id, school_id, form_key, form_id, now
            )
            draft = await change_status(conn, response, Status.DRAFT, user_id=None, now=now)
            await change_status(conn, draft, Status.SUBMITTED, user_id=None, now=now)
    return len(pairs)


async def latest(harness: BotHarness, user: FakeUser) -> BotMessage:
    await harness.settle()
    message = user.last_message()
    assert message is not None
    return message


async def command(harness: BotHarness, user: FakeUser, text: str) -> list[BotMessage]:
    """Send ``text``; the messages it brought, every page of each turned with its ▶ button."""
    before = len(harness.emulator.messages(user.chat_id))
    await user.send(text)
    await harness.settle()
    brought = harness.emulator.messages(user.chat_id)[before:]
    assert brought, f"{text}: no answer"
    for message in brought:
        await turn_every_page(harness, user, message)
    return brought


async def turn_every_page(harness: BotHarness, user: FakeUser, message: BotMessage) -> int:
    """Press the message's "next page" button until there is none (or a page comes back)."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    turns = 0
    while True:
        label = next((t for t in message.button_texts if t in NEXT_PAGE), None)
        shown = (message.text or "", tuple(message.button_texts))
        if label is None or shown in seen or turns > 100:
            return turns
        seen.add(shown)
        await user.press(label, message=message)  # the page is edited into the same message
        await harness.settle()
        turns += 1


async def answer_everything(
    harness: BotHarness, user: FakeUser, form: FormDefinition, response_id: int
) -> None:
    """Answer until the review screen; texts as long and awkward as the question allows."""
    for _ in range(500):
        await harness.settle()
        values = await stored_values(harness.database, response_id)
        question = next_question(form, values)
        if question is None:
            return
        screen = await latest(harness, user)
        asked, answers = question, values
        if question.repeats:
            step = group_step(question, values.get(question.id))
            if step.question is None:
                await user.press(finish_label(question), message=screen)
                continue
            asked, answers = step.question, {}
        if asked.type in (QuestionType.TEXT, QuestionType.LONG_TEXT):
            await user.send(nasty_text(asked.text_limit))
        else:
            await answer_one(user, screen, asked, answers, form if asked is question else None)
    raise AssertionError(f"{form.id}: the form did not end")


async def open_from_list(harness: BotHarness, user: FakeUser, title: str) -> tuple[BotMessage, int]:
    """ "Мои анкеты", then the form's button: what the form shows (a question or the review),
    and the response id."""
    await user.send(texts.MY_FORMS_BUTTON)
    listing = await latest(harness, user)
    label = next((t for t in listing.button_texts if title in t), None)
    while label is None:  # on a later page
        await user.press(next(t for t in listing.button_texts if t in NEXT_PAGE), message=listing)
        await harness.settle()
        label = next((t for t in listing.button_texts if title in t), None)
    await user.press(label, message=listing)
    response_id = int((listing.button(label).callback_data or "").split(":")[1])
    return await latest(harness, user), response_id


async def walk_review(harness: BotHarness, user: FakeUser, form: FormDefinition) -> None:
    """Every "✏️ n" of the review: the question with its current answer, then back."""
    review, _ = await open_from_list(harness, user, form.short_title)
    edits = [t for t in review.button_texts if t.startswith("✏️")]
    assert edits, f"{form.id}: no review screen"
    for label in edits:
        await user.press(label, message=review)
        await latest(harness, user)
        review, _ = await open_from_list(harness, user, form.short_title)
    await user.press(texts.SUBMIT, message=review)
    await harness.settle()


def markup_problems(where: str, markup: Any) -> list[str]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return []
    buttons = [button for row in markup["inline_keyboard"] for button in row]
    problems = []
    if len(buttons) > BUTTON_LIMIT:
        problems.append(f"{where}: {len(buttons)} buttons")
    for button in buttons:
        data = button.get("callback_data")
        if data is not None and len(str(data).encode()) > CALLBACK_DATA_LIMIT:
            problems.append(f"{where}: callback_data of {len(str(data).encode())} bytes: {data}")
    return problems


def limit_problems(harness: BotHarness) -> tuple[list[str], dict[str, int], int]:
    """What broke a limit in any recorded call, how many calls of each kind were checked, and
    the longest text sent."""
    problems: list[str] = []
    checked: dict[str, int] = {}
    longest = 0
    for index, call in enumerate(harness.emulator.calls):
        method = call.method.lower()
        where = f"call {index} {call.method} (chat {call.chat_id})"
        text = call.params.get("text") if method in ("sendmessage", "editmessagetext") else None
        caption = call.params.get("caption")
        for value, limit in ((text, TEXT_LIMIT), (caption, CAPTION_LIMIT)):
            if isinstance(value, str):
                checked[call.method] = checked.get(call.method, 0) + 1
                plain, _ = render(value, call.params.get("parse_mode"))
                longest = max(longest, utf16_len(plain))
                if utf16_len(plain) > limit:
                    problems.append(f"{where}: {utf16_len(plain)} characters: {plain[:80]!r}")
        problems += markup_problems(where, call.params.get("reply_markup"))
        if method in ("sendmessage", "editmessagetext", "senddocument") and call.status != 200:
            problems.append(f"{where}: refused with {call.status}: {str(text)[:80]!r}")
    return problems, checked, longest


async def test_every_message_fits_telegram_on_the_largest_sample(harness: BotHarness) -> None:
    school_ids = await load_world(harness)
    home = school_ids[0]
    for key in VOLUME_FORMS:
        assert await submit_directly(harness, key, skip_school=home) == len(school_ids) - 1

    # The respondent: one school, every form listed (on more than one page when there are more
    # than PER_PAGE); each form answered and reviewed.
    respondent = harness.user(FIRST_RESPONDENT)
    (listing,) = await command(harness, respondent, "/forms")
    forms = harness.catalog.current
    last_page = len(forms) - (-(-len(forms) // PER_PAGE) - 1) * PER_PAGE
    assert len([t for t in listing.button_texts if t.startswith("Заполнить: ")]) == last_page
    for key in sorted(forms):
        form = forms[key]
        _, response_id = await open_from_list(harness, respondent, form.short_title)
        await answer_everything(harness, respondent, form, response_id)
        await walk_review(harness, respondent, form)
    submitted = await respondent_responses(harness, home)
    assert len(submitted) == len(forms)

    # The administrator and a methodist: every listing, every page.
    for telegram_id in (ADMIN_TELEGRAM_ID, METHODIST):
        user = harness.user(telegram_id)
        for text in ("/help", "/forms", "/status", "/campaigns", "/people", "/export"):
            await command(harness, user, text)
        await user.send("/invite_all")
        await harness.settle()
        await command(harness, user, "/invitations")
        (queue,) = await command(harness, user, "/review")
        for response_id in submitted:  # the cards with the longest answers
            await user.press_data(queue, ReviewOpen(r=response_id).pack())
        await harness.settle()

    admin_forms = next(
        message
        for message in harness.emulator.messages(ADMIN_TELEGRAM_ID)
        if (message.plain_text or "").startswith(texts.FORMS_HEADER_SCHOOLS)
    )
    pages = -(-len(school_ids) * len(forms) // PER_PAGE)
    assert f"Стр. {pages} из {pages}" in (admin_forms.plain_text or "")  # turned to the last
    problems, checked, longest = limit_problems(harness)
    assert not problems, "\n".join(problems)
    assert checked["sendMessage"] > 200
    assert checked["editMessageText"] > 40
    assert longest > 3500  # the long answers did bring texts to the limit (and were split)
    long_answer_pieces = [
        m.plain_text or ""
        for m in harness.emulator.messages(FIRST_RESPONDENT)
        if (m.plain_text or "").startswith("😀")  # a message that starts inside an answer
    ]
    assert long_answer_pieces, "no answer was long enough to be split"


async def respondent_responses(harness: BotHarness, school_id: int) -> list[int]:
    async with harness.database.read() as conn:
        rows = await conn.execute(
            select(responses.c.id).where(
                responses.c.school_id == school_id,
                responses.c.status == Status.SUBMITTED.value,
            )
        )
        return [row.id for row in rows]


# -- the helper itself (no bot) -------------------------------------------------------------


def shown(html: str) -> str:
    plain, _ = render(html, "HTML")  # raises on HTML that Telegram would refuse to parse
    return plain


def test_split_html_cuts_between_words_and_never_inside_markup() -> None:
    line = "<b>Итог</b>: " + " ".join(f"<i>слово&amp;{n}</i> 😀" for n in range(400))
    pieces = split_html(line, 500)

    assert len(pieces) > 5
    for piece in pieces:
        assert 0 < utf16_len(shown(piece)) <= 500
        assert visible_length(piece) == utf16_len(shown(piece))
    assert "".join(shown(piece) for piece in pieces).split() == shown(line).split()


def test_visible_length_counts_each_markup_token_as_telegram_shows_it() -> None:
    """The one-substitution count (and the blank test) agree with the token-by-token
    definitions on tricky texts: unclosed tags, references Telegram decodes and those it does
    not, tags inside words."""
    pieces = ["<b>", "</b>", "<", ">", "&amp;", "&lt;", "&nbsp;", "&#128512;", "&#x41;", "&",
              "amp;", "я", "😀", " ", "\n", "<a href='x'>", "&am", "p;", "#"]  # fmt: skip
    chosen = random.Random(15)
    for _ in range(2_000):
        html = "".join(chosen.choices(pieces, k=chosen.randint(0, 12)))
        tokens = _TOKEN.findall(html)
        assert visible_length(html) == sum(_shown(token) for token in tokens), html
        blank = all(_is_tag(token) or token.isspace() for token in tokens)
        assert _blank(html) == blank, html


def test_message_chunks_keep_lines_whole_unless_one_is_longer_than_a_message() -> None:
    lines = ["<b>Заголовок</b>", *(f"{n}. ответ &lt;{n}&gt;" for n in range(300))]
    chunks = message_chunks([*lines, "я" * 9000])

    assert all(visible_length(chunk) <= TEXT_BUDGET for chunk in chunks)
    assert chunks[0].startswith("<b>Заголовок</b>\n0. ответ &lt;0&gt;")
    assert {line for chunk in chunks for line in chunk.split("\n")} >= set(lines)
    assert sum(chunk.count("я") for chunk in chunks) == 9000


def test_paginate_pages_by_count_and_by_length() -> None:
    items = [f"Пункт {n}" for n in range(20)]

    first = paginate(items, 0, per_page=8, header=lambda page, pages: f"Стр. {page} из {pages}")
    last = paginate(items, 99, per_page=8, header=lambda page, pages: f"Стр. {page} из {pages}")
    by_length = paginate(["ж" * 1000] * 9, 0, per_page=8)

    assert first.text.split("\n") == ["Стр. 1 из 3", *items[:8]]
    assert (first.has_previous, first.has_next) == (False, True)
    assert (last.number, last.start, last.stop) == (2, 16, 20)
    assert (last.has_previous, last.has_next) == (True, False)
    assert by_length.stop == 3
    assert visible_length(by_length.text) <= TEXT_BUDGET
    assert paginate(["ж" * 5000], 0, per_page=8).text.endswith("…")
