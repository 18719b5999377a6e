"""Texts of table questions (ВПР by subject and grade): a row's summary and what is wrong with a
row or a table."""

ROW = "{key}: {values}"  # "Математика, 5 класс: «2» — 12,5 %, «4–5» — 35 %"
CELL = "{column} — {value}"
NO_VALUE = "не заполнено"
KEY_NOT_CHOSEN = "(строка не выбрана)"
ROW_NUMBER = "строка {n}"

KEY_MISSING = "{row}: не заполнено — {columns}"
VALUES_MISSING = "{row}: не заполнено — {columns}"
DUPLICATE = "{row}: эта строка уже есть — каждая пара указывается один раз"
ROW_PROBLEM = "{row}: {problem}"
REQUIRED_MISSING = "Не хватает обязательных строк: {rows}"

# --- a table in the chat (the questionnaire screen) ---
ADD_ROW = "➕ Добавить строку"
FINISH = "✅ Готово"
EXCEL = "📄 Заполнить в Excel"
ROW_HEADER = "{name} № {number}"
ROW_HEADER_KEY = "{name} № {number}: {key}"
ROW_LINE = "{number}. {summary}"
LIST_HINT = "Чтобы изменить или удалить строку, нажмите ✏️ с её номером."
STILL_REQUIRED = "Ещё нужны строки: {rows}."
USE_BUTTONS = "Выберите действие кнопкой под таблицей."
CARD_HINT = "Что изменить?"
EDIT_CELL = "✏️ {column}"
EDIT_KEY = "✏️ {columns}"
DELETE_ROW = "🗑 Удалить строку"
TO_TABLE = "« К таблице"
DELETE_CONFIRM = "Удалить строку № {number} — {summary}?"
DELETE_YES = "🗑 Да, удалить"
DELETED = "Строка удалена: {summary}."
DELETED_MARK = "🗑 Удалено"
DUPLICATE_KEY = (
    "{row} уже есть в таблице (строка № {number}) — измените ту строку или выберите {column} "
    "заново."
)
ROW_REFUSED = "Не принято: {problem} ({values}). Введите заново: {columns}."
NOT_FINISHED = "Таблицу пока нельзя закончить:\n{problems}"
ADD_MISSING = "Добавьте их кнопкой «{button}»."
PROBLEM_LINE = "• {problem}"
EMPTY = "нет строк"
DONE_MARK = "Готово: {count} {rows}"
ROWS = ("строка", "строки", "строк")
REVIEW_LINE = "{number}. {question}:"  # the review screen: then one line per row
REVIEW_ROW = "• {row}"
ROW_NAME = "Строка"  # a row's name when the table gives no item_name
