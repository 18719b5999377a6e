"""``bot.keyboard``: aiogram's builder, the same keyboards, without its copies."""

from pathlib import Path

from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder as AiogramBuilder

from bot.keyboard import InlineKeyboardBuilder

ROOT = Path(__file__).resolve().parent.parent


def _fill(builder: AiogramBuilder) -> None:
    for number in range(7):
        builder.button(text=f"Кнопка {number}", callback_data=f"b:{number}")
    builder.adjust(2, 3, 1)
    builder.row(InlineKeyboardButton(text="Назад", callback_data="back"))
    builder.add(InlineKeyboardButton(text="Вперёд", callback_data="next"))


def test_it_builds_what_aiogram_builds() -> None:
    ours, theirs = InlineKeyboardBuilder(), AiogramBuilder()
    _fill(ours)
    _fill(theirs)
    assert ours.as_markup() == theirs.as_markup()
    assert ours.copy().as_markup() == theirs.as_markup()
    assert type(ours.copy()) is InlineKeyboardBuilder


def test_a_markup_does_not_change_with_the_builder() -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text="Да", callback_data="yes")
    markup = builder.as_markup()
    builder.button(text="Нет", callback_data="no")
    builder.adjust(1)
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Да"]]


def test_nothing_uses_aiogram_s_copying_builder() -> None:
    users = [
        path.relative_to(ROOT).as_posix()
        for package in ("bot", "core")
        for path in (ROOT / package).rglob("*.py")
        if "aiogram.utils.keyboard" in path.read_text(encoding="utf-8")
    ]
    assert users == ["bot/keyboard.py"]
