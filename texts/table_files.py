"""Texts of a table question entered as a spreadsheet: the school's Excel template and what is
wrong with it cell by cell, and the methodist's bulk load of many schools' rows into a round."""

from texts.plurals import Forms

ROWS: Forms = ("строка", "строки", "строк")

# --- the template (a sheet the school fills in) ---
TEMPLATE_FILE = "{form} — {school} — шаблон.xlsx"
TEMPLATE_SHEET = "Таблица"
TEMPLATE_HEADING = "{table} — {school}, {period}"
TEMPLATE_INSTRUCTION = (
    "Каждая строка — своё сочетание: {keys} (выберите из списка в ячейке). В остальных "
    "столбцах — числа, например 12,5. Строки без чисел не загружаются. Заполненный файл "
    "пришлите в чат с ботом."
)
BULK_TEMPLATE_FILE = "{form} — {period} — загрузка по школам.xlsx"
BULK_TEMPLATE_HEADING = "{table} — {period}: все школы мониторинга"
BULK_TEMPLATE_INSTRUCTION = (
    "Каждая строка — школа и своё сочетание: {keys}. У школы может быть несколько строк: "
    "скопируйте строку школы. Числа — например, 12,5. Строки без чисел не загружаются."
)
# The first column of a bulk load: the school. Any of these titles is taken for it.
SCHOOL_COLUMN = "Школа"
SCHOOL_COLUMN_TITLES = (
    "школа",
    "название оо",
    "наименование оо",
    "оо",
    "образовательная организация",
    "наименование образовательной организации",
    "название образовательной организации",
    "организация",
    "учреждение",
    "school",
)

# --- what is wrong with a filled table, cell by cell ("C7: число должно быть не больше 100.") ---
CELL_PROBLEM = "{cell}: {problem}"
EMPTY_CELL = "не заполнено"
FORMULA_NO_VALUE = "формула без значения — впишите число"
UNKNOWN_OPTION = "«{value}» — такого нет в столбце «{column}»"
DUPLICATE_ROW = "эта строка уже есть (строка {line})"
NO_HEADER = "Не найдена строка заголовков таблицы: нужны столбцы {columns}."
MISSING_COLUMNS = "В строке заголовков {line} нет столбцов: {columns}."
NO_ROWS = "В таблице нет ни одной заполненной строки."
TOO_MANY_ROWS = "Строк {count}, а можно не больше {limit}."
COLUMN_NAME = "«{name}»"
SHEET_CELL = "«{sheet}» {cell}"  # a cell of a workbook with several sheets
SCHOOL_PROBLEM = "{school}: {problem}"  # the problem begins in lower case
VERSION_NO_TABLE = "в версии анкеты, начатой школой, нет этой таблицы"

# A bulk load's own problems.
UNKNOWN_SCHOOL = "нет такой школы в мониторинге: «{name}»"
UNKNOWN_SCHOOL_LIKE = "нет такой школы в мониторинге: «{name}» — похоже на {schools}?"
SCHOOL_OR = " или "  # "похоже на «А» или «Б»?"
NO_SCHOOL_NAMED = "не указана школа, а числа есть"
ACCEPTED_SCHOOL = "ответ уже принят — верните его на доработку в /review, чтобы заменить"
AMBIGUOUS_SCHOOL = "«{name}» — подходит несколько школ: {schools}"
UNCLEAR_HEADING = "в заголовке «{title}» не понятно: {columns}"
UNKNOWN_SUBTITLE = "«{title}» — не понятно, какой это столбец (нужны {columns})"
MISSING_SUBTITLES = "под заголовком «{title}» нет столбцов: {columns}"
NO_SCHOOL_COLUMN = (
    "Не найдена строка заголовков: нужен столбец «Школа» (или «Название ОО») и столбцы {columns} "
    "— или заголовки вида «ВПР МА 5 2019» над долями."
)

# Files that are no table. What each flow takes: a school's template, the methodist's bulk load.
TEMPLATE_KINDS = ".xlsx, .xlsm или .csv"
BULK_KINDS = ".xlsx, .xlsm, .csv, .tsv или .txt"
FILE_UNSUPPORTED = "Нужен файл {kinds}, а «{file}» — другой."
FILE_TOO_LARGE = (
    "Лист «{sheet}» в «{file}» слишком большой: можно не больше {rows} строк и {columns} "
    "столбцов. Оставьте в файле только таблицу и пришлите снова."
)
FILE_UNREADABLE = "Не получилось прочитать «{file}» как таблицу: сохраните её в Excel как .xlsx."
FILE_EMPTY = "В файле «{file}» пустые листы."

# --- the school's chat ---
TEMPLATE_CAPTION = (
    "📄 Шаблон таблицы «{table}». Заполните его на компьютере и пришлите сюда файлом .xlsx "
    "(до {megabytes} МБ). Сохранятся все строки сразу — или ни одной, если в файле есть "
    "ошибки: бот назовёт их ячейки. /cancel — выйти."
)
WRONG_TYPE = "Нужен заполненный шаблон — файл .xlsx. Пришлите его ещё раз или /cancel."
TOO_LARGE = "Файл больше {megabytes} МБ — это не шаблон таблицы. Пришлите шаблон или /cancel."
WAITING = "Жду заполненный шаблон файлом .xlsx. /cancel — выйти."
NOT_SAVED = "❌ Таблица не сохранена — исправьте и пришлите файл снова. Ошибки ({count}):"
PROBLEM_LINE = "• {problem}"
SAVED = "✅ Таблица «{table}» сохранена: {rows}."
ROW_LINE = "• {row}"
CONTINUE = "➡️ К анкете"
NOT_A_TABLE = "Эта кнопка устарела: откройте анкету заново."

# --- the methodist's bulk load ---
BULK_BUTTON = "📥 Загрузить таблицу школ"
BULK_NO_TABLES = "В анкетах этого мониторинга нет таблиц для загрузки."
BULK_PICK_TABLE = "Какую таблицу загрузить?"
BULK_TABLE_BUTTON = "{form}: {table}"
BULK_ASK = (
    "📥 <b>{table}</b> — {title}, {period}\n"
    "Пришлите файл {kinds} (до {megabytes} МБ) со строками школ мониторинга. Подойдёт:\n"
    "• по строке на каждое сочетание «школа, {keys}»: «{columns}» — образец по кнопке ниже;\n"
    "• таблица, как её публикует регион: школы по строкам, над столбцами — предмет, класс и год "
    "(«ВПР МА 5 2019»), под ними — доли (« % 2», «% Выс. рез-тов»); год выберете после "
    "загрузки.\n"
    "Файл загружается целиком или не загружается совсем. /cancel — выйти."
)
BULK_SAMPLE_BUTTON = "📄 Образец таблицы"
BULK_SAMPLE_CAPTION = (
    "Образец: по строке на каждое сочетание «школа, {keys}». Заполните и пришлите сюда. "
    "/cancel — выйти."
)
BULK_WAITING = "Жду файл {kinds} со строками школ. /cancel — выйти."
BULK_ASK_YEAR = "В файле есть годы {years}. Какой год загрузить в «{title}, {period}»?"
BULK_ASK_ONE_YEAR = "В файле — столбцы {year} года. Загрузить их в «{title}, {period}»?"
BULK_ONE_YEAR_BUTTON = "Загрузить {year} год"
BULK_NOT_LOADED = (
    "❌ Файл не загружен, ничего не сохранено. Исправьте и пришлите снова. Ошибки ({count}):"
)
BULK_CONFLICTS = (
    "⚠️ Ничего ещё не сохранено. У этих школ в анкете уже свои строки таблицы или анкета уже "
    "сдана, а в файле строки другие ({count}):\n{schools}\nЗаменить их строки строками из файла?"
)
BULK_CONFLICT_OWN = "{school} — свои строки"
BULK_CONFLICT_SUBMITTED = "{school} — анкета сдана: строки заменятся, она останется сданной"
BULK_REPLACE = "Заменить"
BULK_DONT_REPLACE = "Не заменять"
BULK_NOT_REPLACED = "Ничего не загружено. Пришлите другой файл или /cancel."
BULK_DONE = "✅ Загружено в «{title}, {period}»: {schools}, {rows}."
BULK_UNCHANGED = "Без изменений (в анкете уже те же строки): {schools}."
BULK_ABSENT = "Нет в файле: {schools}."
BULK_DONE_NOTE = (
    "Школы увидят строки в своей анкете («черновик») и отправят её, заполнив остальное."
)
BULK_DONE_SUBMITTED = (
    "Уже сданные анкеты остались сданными, строки в них заменены: {schools}. Проверяющий "
    "увидит новые строки в /review."
)
BULK_BUSY = (
    "Анкеты школ менялись, пока файл загружался: ничего не сохранено. Пришлите файл ещё раз."
)
BULK_STALE = "Эта кнопка устарела: откройте мониторинг в /campaigns заново."
