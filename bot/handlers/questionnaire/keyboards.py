"""Inline keyboards of the questionnaire screens: the list of forms, questions, the review."""

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.handlers.questionnaire.callbacks import (
    AnswerButton,
    CarryForward,
    FormsPage,
    GroupItem,
    ItemAct,
    OpenResponse,
    QuestionAct,
    QuestionAction,
    ReviewAct,
    ReviewAction,
    TableCell,
    ToggleButton,
)
from bot.handlers.shared.callbacks import AnsweredMark
from bot.handlers.shared.messages import BUTTON_LIMIT, Page, page_buttons
from bot.handlers.tables.callbacks import TableTemplate
from bot.keyboard import InlineKeyboardBuilder
from core.forms.models import Question, QuestionType
from texts import forms as form_texts
from texts import questionnaire as texts
from texts import tables as table_texts

GRADES = range(1, 12)
EDIT_BUTTONS_PER_ROW = 6
# Column buttons of a row's card two to a line when their names are this short ("✏️ «2»").
SHORT_COLUMN = 12
# A table's key options side by side when their labels are this short: three ("5 класс"), two
# ("Иностранный язык"); longer ones one to a line.
THREE_TO_A_LINE, TWO_TO_A_LINE = 10, 18
# The review's edit buttons leave room for "Отправить" and "Закрыть" (a keyboard holds 100).
MAX_EDIT_BUTTONS = BUTTON_LIMIT - 2


def forms_keyboard(buttons: Sequence[tuple[str, int]], page: Page) -> InlineKeyboardMarkup:
    """One button per form on the page (label, response id), then the page turns, if any."""
    builder = InlineKeyboardBuilder()
    for label, response_id in buttons:
        builder.button(text=label, callback_data=OpenResponse(response_id=response_id))
    builder.adjust(1)
    turns = page_buttons(
        page,
        lambda number: FormsPage(page=number),
        previous=texts.PREVIOUS_PAGE,
        following=texts.NEXT_PAGE,
    )
    if turns:
        builder.row(*turns)
    return builder.as_markup()


def with_carry_forward(
    markup: InlineKeyboardMarkup, response_id: int, question_id: str
) -> InlineKeyboardMarkup:
    """A question's buttons under "Без изменений" and "Все ответы — без изменений"."""
    row = [
        InlineKeyboardButton(
            text=text,
            callback_data=CarryForward(r=response_id, q=question_id, rest=rest).pack(),
        )
        for text, rest in ((texts.CARRY_SAME, False), (texts.CARRY_REST, True))
    ]
    return InlineKeyboardMarkup(inline_keyboard=[row, *markup.inline_keyboard])


def question_keyboard(
    response_id: int,
    question: Question,
    *,
    key: str,
    selection: list[str],
    can_go_back: bool,
    can_skip: bool,
    can_keep: bool = False,
    other_text: str | None = None,
    compact: bool = False,
) -> InlineKeyboardMarkup:
    """Buttons for ``question``; ``key`` is the id the buttons answer (a group's id for its
    sub-questions), so a press on an old question is recognised as stale. ``can_keep``: the
    question has an answer, "Оставить как есть" goes on with it; ``other_text``: the "other"
    typed for a multiple choice, shown on its ticked button; ``compact``: short options side by
    side (a table's key: subjects, grades)."""
    builder = InlineKeyboardBuilder()
    sizes: list[int] = []

    def answer(text: str, value: str) -> None:
        builder.button(text=text, callback_data=AnswerButton(r=response_id, q=key, v=value))

    def action(text: str, act: QuestionAct) -> None:
        builder.button(text=text, callback_data=QuestionAction(r=response_id, q=key, act=act))

    def toggle(text: str, value: str) -> None:
        label = form_texts.CHECKED + text if value in selection else text
        builder.button(text=label, callback_data=ToggleButton(r=response_id, q=key, v=value))

    kind = question.type
    if kind is QuestionType.YES_NO:
        answer(form_texts.YES, "yes")
        answer(form_texts.NO, "no")
        sizes.append(2)
    elif kind is QuestionType.SINGLE:
        for option in question.options:
            answer(option.button_text, option.id)
        longest = max(len(option.button_text) for option in question.options)
        per_line = 1
        if compact and longest <= THREE_TO_A_LINE:
            per_line = 3
        elif compact and longest <= TWO_TO_A_LINE:
            per_line = 2
        full, rest = divmod(len(question.options), per_line)
        sizes.extend([per_line] * full + ([rest] if rest else []))
        if question.other:
            action(form_texts.OTHER, QuestionAct.OTHER)
            sizes.append(1)
    elif kind is QuestionType.MULTI:
        for option in question.options:
            toggle(option.button_text, option.id)
            sizes.append(1)
        if question.other:
            toggle(other_label(selection, other_text), "other")
            sizes.append(1)
        action(form_texts.DONE, QuestionAct.DONE)
        sizes.append(1)
    elif kind is QuestionType.GRADES:
        for grade in GRADES:
            toggle(str(grade), str(grade))
        sizes.extend([4, 4, 3])
        action(form_texts.DONE, QuestionAct.DONE)
        sizes.append(1)
    elif kind is QuestionType.DATE:
        answer(form_texts.TODAY, "today")
        sizes.append(1)

    if can_keep:
        action(form_texts.KEEP, QuestionAct.KEEP)
        sizes.append(1)
    navigation = 0
    if can_go_back:
        action(form_texts.BACK, QuestionAct.BACK)
        navigation += 1
    if can_skip:
        action(form_texts.SKIP, QuestionAct.SKIP)
        navigation += 1
    action(form_texts.PAUSE, QuestionAct.PAUSE)
    sizes.append(navigation + 1)
    builder.adjust(*sizes)
    return builder.as_markup()


def other_label(selection: list[str], other_text: str | None) -> str:
    """ "Другое…", or once its text is typed "Другое: встречи с …" (ticked by the caller)."""
    if "other" not in selection or not other_text:
        return form_texts.OTHER
    limit = form_texts.OTHER_BUTTON_CHARS
    text = " ".join(other_text.split())
    if len(text) > limit:
        cut = text[: limit - 1]
        if " " in cut[limit // 2 :]:  # at a word's end when there is one near
            cut = cut.rsplit(" ", 1)[0]
        text = cut.rstrip(" ,.;:—-") + "…"
    return form_texts.OTHER_CHOSEN.format(text=text)


def group_keyboard(
    response_id: int, group: Question, *, can_add: bool, items: int = 0
) -> InlineKeyboardMarkup:
    """The group's list: ✏️ per item (its card), then add, done, back, pause."""
    builder = InlineKeyboardBuilder()
    sizes = _edit_buttons(builder, response_id, group.id, min(items, MAX_EDIT_BUTTONS - 4))
    if can_add:
        builder.button(
            text=form_texts.ADD_ITEM,
            callback_data=QuestionAction(r=response_id, q=group.id, act=QuestionAct.ADD),
        )
        sizes.append(1)
    builder.button(
        text=form_texts.ITEMS_DONE,
        callback_data=QuestionAction(r=response_id, q=group.id, act=QuestionAct.FINISH),
    )
    builder.button(
        text=form_texts.BACK,
        callback_data=QuestionAction(r=response_id, q=group.id, act=QuestionAct.BACK),
    )
    builder.button(
        text=form_texts.PAUSE,
        callback_data=QuestionAction(r=response_id, q=group.id, act=QuestionAct.PAUSE),
    )
    builder.adjust(*sizes, 1, 2)
    return builder.as_markup()


def item_keyboard(
    response_id: int, group_id: str, index: int, *, complete: bool = True
) -> InlineKeyboardMarkup:
    """An item's card: change its answers, delete it, back to the list (to its next question
    when it is not complete)."""
    builder = InlineKeyboardBuilder()
    for text, act in (
        (form_texts.ITEM_EDIT, ItemAct.EDIT),
        (form_texts.ITEM_DELETE, ItemAct.DELETE),
    ):
        builder.button(
            text=text, callback_data=GroupItem(r=response_id, q=group_id, i=index, act=act)
        )
    builder.button(
        text=form_texts.ITEM_TO_LIST if complete else form_texts.BACK,
        callback_data=QuestionAction(r=response_id, q=group_id, act=QuestionAct.BACK),
    )
    builder.button(
        text=form_texts.PAUSE,
        callback_data=QuestionAction(r=response_id, q=group_id, act=QuestionAct.PAUSE),
    )
    builder.adjust(2, 2)
    return builder.as_markup()


def delete_item_keyboard(
    response_id: int, group_id: str, index: int, *, yes: str = form_texts.DELETE_ITEM_YES
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, act in (
        (yes, ItemAct.CONFIRM),
        (form_texts.DELETE_ITEM_NO, ItemAct.CANCEL),
    ):
        builder.button(
            text=text, callback_data=GroupItem(r=response_id, q=group_id, i=index, act=act)
        )
    builder.adjust(2)
    return builder.as_markup()


def _edit_buttons(
    builder: InlineKeyboardBuilder, response_id: int, question_id: str, count: int
) -> list[int]:
    """ "✏️ 1" … "✏️ N" (the card of item or row N), six to a line; the line sizes."""
    for index in range(count):
        builder.button(
            text=form_texts.ITEM_BUTTON.format(number=index + 1),
            callback_data=GroupItem(r=response_id, q=question_id, i=index, act=ItemAct.OPEN),
        )
    sizes = [EDIT_BUTTONS_PER_ROW] * (count // EDIT_BUTTONS_PER_ROW)
    if count % EDIT_BUTTONS_PER_ROW:
        sizes.append(count % EDIT_BUTTONS_PER_ROW)
    return sizes


def table_keyboard(
    response_id: int, table: Question, *, can_add: bool, rows: int
) -> InlineKeyboardMarkup:
    """A table's screen: ✏️ per row (its card), add a row and done, fill it in Excel, back and
    pause. At most 60 rows in the built-in forms: 65 buttons, under the 100 a keyboard holds."""
    builder = InlineKeyboardBuilder()
    sizes = _edit_buttons(builder, response_id, table.id, min(rows, MAX_EDIT_BUTTONS - 5))

    def action(text: str, act: QuestionAct) -> None:
        builder.button(text=text, callback_data=QuestionAction(r=response_id, q=table.id, act=act))

    if can_add:
        action(table_texts.ADD_ROW, QuestionAct.ADD)
    action(table_texts.FINISH, QuestionAct.FINISH)
    builder.button(text=table_texts.EXCEL, callback_data=TableTemplate(r=response_id, q=table.id))
    action(form_texts.BACK, QuestionAct.BACK)
    action(form_texts.PAUSE, QuestionAct.PAUSE)
    builder.adjust(*sizes, 2 if can_add else 1, 1, 2)
    return builder.as_markup()


def with_table_template(
    markup: InlineKeyboardMarkup, response_id: int, table_id: str
) -> InlineKeyboardMarkup:
    """A question's buttons with "📄 Заполнить в Excel" above the last line (back, pause): the
    first row of an empty table offers the whole table as a file."""
    rows = markup.inline_keyboard
    excel = InlineKeyboardButton(
        text=table_texts.EXCEL, callback_data=TableTemplate(r=response_id, q=table_id).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[*rows[:-1], [excel], *rows[-1:]])


def row_keyboard(
    response_id: int, table: Question, index: int, *, complete: bool
) -> InlineKeyboardMarkup:
    """A table row's card: change one value, change the key, delete the row, back to the table
    (to the row's next question when it is not complete), pause."""
    builder = InlineKeyboardBuilder()
    columns = table.columns
    for column in columns:
        builder.button(
            text=table_texts.EDIT_CELL.format(column=column.label),
            callback_data=TableCell(r=response_id, q=table.id, i=index, c=column.id),
        )
    short = all(len(column.label) <= SHORT_COLUMN for column in columns)
    sizes = [2] * (len(columns) // 2) + [1] * (len(columns) % 2) if short else [1] * len(columns)
    keys = [sub.text for sub in table.questions if sub.id in table.key]
    named = ", ".join([keys[0], *(name.lower() for name in keys[1:])])
    builder.button(
        text=table_texts.EDIT_KEY.format(columns=named),
        callback_data=TableCell(r=response_id, q=table.id, i=index, c=table.key[0]),
    )
    builder.button(
        text=table_texts.DELETE_ROW,
        callback_data=GroupItem(r=response_id, q=table.id, i=index, act=ItemAct.DELETE),
    )
    builder.button(
        text=table_texts.TO_TABLE if complete else form_texts.BACK,
        callback_data=QuestionAction(r=response_id, q=table.id, act=QuestionAct.BACK),
    )
    builder.button(
        text=form_texts.PAUSE,
        callback_data=QuestionAction(r=response_id, q=table.id, act=QuestionAct.PAUSE),
    )
    builder.adjust(*sizes, 1, 1, 2)
    return builder.as_markup()


def other_prompt_keyboard(response_id: int, key: str) -> InlineKeyboardMarkup:
    """Under "Напишите свой вариант": back to the options without it."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=form_texts.OTHER_CANCEL,
        callback_data=QuestionAction(r=response_id, q=key, act=QuestionAct.CANCEL),
    )
    return builder.as_markup()


def review_keyboard(
    response_id: int, question_ids: list[str], *, can_change: bool, submitted: bool
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    question_ids = question_ids[:MAX_EDIT_BUTTONS]
    if can_change:
        for number, question_id in enumerate(question_ids, start=1):
            builder.button(
                text=texts.EDIT_BUTTON.format(number=number),
                callback_data=ReviewAction(r=response_id, act=ReviewAct.EDIT, q=question_id),
            )
    edits = len(question_ids) if can_change else 0
    sizes = [EDIT_BUTTONS_PER_ROW] * (edits // EDIT_BUTTONS_PER_ROW)
    if edits % EDIT_BUTTONS_PER_ROW:
        sizes.append(edits % EDIT_BUTTONS_PER_ROW)
    if can_change:
        builder.button(
            text=texts.RESUBMIT if submitted else texts.SUBMIT,
            callback_data=ReviewAction(r=response_id, act=ReviewAct.SUBMIT),
        )
        sizes.append(1)
    builder.button(text=texts.CLOSE, callback_data=ReviewAction(r=response_id, act=ReviewAct.CLOSE))
    sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def answered_mark(summary: str) -> InlineKeyboardMarkup:
    """What an answered question keeps instead of its buttons: the answer, marked."""
    builder = InlineKeyboardBuilder()
    label = form_texts.ANSWERED.format(answer=summary)
    builder.button(
        text=label if len(label) <= 60 else label[:59] + "…", callback_data=AnsweredMark()
    )
    return builder.as_markup()
