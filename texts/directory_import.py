"""Texts of the directory import: column headers, accepted words, the template, the report.

Unlike the rest of the catalog these are plain text, not HTML: ``format_report`` quotes what the
file contains, so a handler sending its result in HTML parse mode must ``html.escape`` it.
"""

from texts.plurals import word

# --- tables (keys are the values of ``core.directory_import.TableKind``) ---
TABLE_NAMES: dict[str, str] = {
    "municipalities": "Муниципалитеты",
    "districts": "Округа",
    "schools": "Школы",
}

# --- column headers, as the template spells them ---
COLUMN_MUNICIPALITY = "Муниципалитет"
COLUMN_TIMEZONE = "Часовой пояс"
COLUMN_DISTRICT = "Округ"
COLUMN_BASE_SCHOOL = "Базовая школа"
COLUMN_HEAD = "Руководитель"
COLUMN_FULL_NAME = "Полное наименование"
COLUMN_SHORT_NAME = "Краткое наименование"
COLUMN_LEGAL_FORM = "Правовая форма"
COLUMN_SHNOR = "ШНОР"
COLUMN_UNFAVOURABLE = "Неблагоприятные условия"
COLUMN_PROBLEMS = "Категории проблем"

# --- words accepted in the cells (compared case-insensitively; an empty cell means "no") ---
YES_WORDS = ("да", "д", "yes", "y", "1", "+", "true", "истина", "v", "✓", "✔")
NO_WORDS = ("нет", "н", "no", "n", "0", "-", "–", "—", "false", "ложь")
# The problem categories as they are stored, in this order.
PROBLEM_CATEGORIES = (
    "управленческая",
    "методическая",
    "социальная",
    "кадровая",
    "инфраструктурная",
)
# Words around a category that say nothing: "Кадровая проблема", "проблемы управленческие".
PROBLEM_FILLER_WORDS = ("проблема", "проблемы", "проблем", "проблемная", "проблемные")
# Legal forms recognised as the first word of a full name when the column is left empty.
LEGAL_FORMS = (
    "МАОУ",
    "МБОУ",
    "МКОУ",
    "МОУ",
    "ЧОУ",
    "НОУ",
    "ГАОУ",
    "ГБОУ",
    "ГКОУ",
    "ГОУ",
    "ФГАОУ",
    "ФГБОУ",
    "ФГКОУ",
    "АНО",
    "АНОО",
    "ЧУ",
)

# --- the template an administrator fills in ---
TEMPLATE_EXAMPLE_MUNICIPALITY = ["Томский район", "Asia/Tomsk"]
TEMPLATE_EXAMPLE_DISTRICT = [
    "Томский район",
    "Заречный образовательный округ",
    "Моряковская СОШ",
    "Суворова Т.Г., директор МАОУ «Моряковская СОШ» Томского района",
]
TEMPLATE_EXAMPLE_SCHOOL = [
    "Томский район",
    "Заречный образовательный округ",
    "МАОУ «Моряковская СОШ» Томского района",
    "Моряковская СОШ",
    "МАОУ",
    "да",
    "нет",
    "управленческая, методическая",
]

# --- file-level errors ---
NO_FILES = "Не получено ни одного файла."
NO_DATA = "В таблицах нет ни одной заполненной строки под заголовком."
FILE_UNSUPPORTED = (
    "Файл «{source}»: такой формат не подходит — пришлите таблицу .xlsx или .csv "
    "(файл .xls откройте в Excel и сохраните как .xlsx)."
)
FILE_UNREADABLE = (
    "Файл «{source}»: не удалось прочитать, возможно, он повреждён. "
    "Сохраните его заново как .xlsx или .csv."
)
FILE_EMPTY = "Файл «{source}»: в нём нет ни одной заполненной ячейки."
TABLE_UNKNOWN = (
    "Таблица «{source}»: непонятно, что в ней. В первой строке должны быть заголовки "
    "одной из таблиц:\n{expected}"
)
TABLE_EXPECTED_LINE = "{table}: {columns}"
OPTIONAL_COLUMN = "{column} (необязательно)"
TABLE_MISSING_COLUMN = "Таблица «{source}» ({table}): нет обязательного столбца «{column}»."
TABLE_UNKNOWN_COLUMN = (
    "Таблица «{source}» ({table}): непонятный столбец «{column}». Допустимые столбцы: {columns}."
)
TABLE_DUPLICATE_COLUMN = "Таблица «{source}» ({table}): столбец «{column}» встречается дважды."

# --- row errors ---
MISSING_MUNICIPALITY = "не указан муниципалитет"
UNKNOWN_MUNICIPALITY = "муниципалитет «{name}» не найден — добавьте его в таблицу «Муниципалитеты»"
DUPLICATE_MUNICIPALITY = "муниципалитет «{name}» указан несколько раз: строки {rows}"
BAD_TIMEZONE = "неизвестный часовой пояс «{value}» — укажите его по IANA, например Asia/Tomsk"
MISSING_DISTRICT = "не указано название округа"
DUPLICATE_DISTRICT = "округ «{name}» указан несколько раз: строки {rows}"
UNKNOWN_DISTRICT = (
    "округ «{name}» не найден в муниципалитете «{municipality}» — добавьте его в таблицу «Округа»"
)
MISSING_FULL_NAME = "не указано полное наименование"
MISSING_SHORT_NAME = "не указано краткое наименование"
DUPLICATE_SHORT_NAME = "краткое наименование «{name}» повторяется: строки {rows}"
BAD_FLAG = "«{column}»: непонятное значение «{value}» — напишите «да» или «нет»"
BAD_CATEGORY = "неизвестная категория проблем «{value}»; допустимы: {allowed}"
UNKNOWN_BASE_SCHOOL = (
    "базовая школа «{name}» не найдена среди школ муниципалитета «{municipality}» "
    "(нужно краткое наименование)"
)
BASE_SCHOOL_IN_OTHER_DISTRICT = "базовая школа «{name}» относится к другому округу: «{district}»"
BASE_SCHOOL_WITHOUT_DISTRICT = "базовая школа «{name}» не относится ни к одному округу"
TOO_LONG = "«{column}»: не больше {limit} символов, а здесь {length}"

# --- the report ---
REPORT_APPLIED = "Справочник загружен."
REPORT_APPLIED_NO_CHANGES = "Справочник загружен: изменений нет, всё уже совпадало."
REPORT_TABLE_LINE = (
    "{table}: {total} (новых {created}, обновлено {updated}, без изменений {unchanged})"
)
REPORT_NOT_APPLIED = "Справочник не загружен."
REPORT_FAILED = "Файл не загружен: {count} {errors} — исправьте {them} и пришлите файл снова."
REPORT_FIX_ONE = "её"
REPORT_FIX_MANY = "их"
REPORT_ROW_ERROR = "{table}, строка {row}: {reason}"
REPORT_ROW_ERROR_WITH_SOURCE = "{table} ({source}), строка {row}: {reason}"
REPORT_MORE_ERRORS = "…и ещё {count} {errors}"
ERROR_FORMS = ("ошибка", "ошибки", "ошибок")
ROWS_AND = " и "


def plural(count: int, forms: tuple[str, str, str]) -> str:
    """The Russian form for ``count``: ("ошибка", "ошибки", "ошибок")[...]."""
    return word(count, forms)


def join_rows(rows: list[int]) -> str:
    """Row numbers as Russian prose: "5 и 9", "2, 5 и 9"."""
    words = [str(row) for row in rows]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + ROWS_AND + words[-1]
