"""aiogram's inline keyboard builder without its copies.

aiogram's ``KeyboardBuilder`` deep-copies every button it holds (pydantic models, each deep copy
a walk of its fields) on every ``add`` and ``button``, and again for ``as_markup``: a keyboard of
n buttons costs n² copies. On the questionnaire's answer path that was 7 % of the bot's CPU.
Buttons are never changed once built, so this builder copies the rows (lists) and shares the
buttons. Use it instead of ``aiogram.utils.keyboard.InlineKeyboardBuilder`` everywhere.
"""

from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder as _AiogramBuilder


class InlineKeyboardBuilder(_AiogramBuilder):
    def export(self) -> list[list[InlineKeyboardButton]]:
        return [list(row) for row in self._markup]

    def copy(self: "InlineKeyboardBuilder") -> "InlineKeyboardBuilder":
        return InlineKeyboardBuilder(markup=self.export())
