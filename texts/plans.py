"""Texts of loading a plan (дорожная карта) from a table: the column headers it is recognised by,
and what can be wrong with its file or its rows.

Plain text, not HTML: the messages quote the file's cells, so a handler that sends them in HTML
parse mode must ``html.escape`` them.
"""

# --- column headers (compared ignoring case, spaces and "ё"/"е"); the first is the canonical one
NUMBER_HEADERS = ("№ п/п", "№", "№ пп", "N п/п", "N", "Номер")
CONTENT_HEADERS = (
    "Содержание мероприятия",
    "Содержание мероприятий",
    "Мероприятие",
    "Мероприятия",
    "Содержание",
    "Содержание работы",
    "Наименование мероприятия",
    "Наименование мероприятий",
)
DEADLINE_HEADERS = (
    "Сроки",
    "Срок",
    "Сроки исполнения",
    "Срок исполнения",
    "Сроки проведения",
    "Срок проведения",
    "Сроки выполнения",
    "Срок выполнения",
    "Сроки реализации",
    "Срок реализации",
)
OWNER_HEADERS = (
    "Ответственные",
    "Ответственный",
    "Исполнители",
    "Исполнитель",
    "Ответственные исполнители",
    "Ответственный исполнитель",
    "Ответственные лица",
    "Ответственное лицо",
)

# --- the file ---
FILE_UNSUPPORTED = (
    "Файл «{source}»: такой формат не подходит — пришлите план таблицей .xlsx или документом "
    ".docx (файлы .doc и .xls сохраните в Word или Excel в новом формате)."
)
FILE_UNREADABLE = (
    "Файл «{source}»: не удалось прочитать, возможно, он повреждён. "
    "Сохраните его заново как .xlsx или .docx."
)
FILE_EMPTY = "Файл «{source}»: в нём нет ни одной таблицы."
NO_HEADER = (
    "Не нашлась строка заголовка плана. Нужны столбцы «{content}» и «{deadline}», "
    "а обычно ещё «{number}» и «{owners}»."
)
NO_ITEMS = "Под заголовком плана нет ни одного мероприятия."

# --- rows ---
DEADLINE_FORMS = (
    "напишите дату (10.03.2021), месяц (сентябрь или сентябрь 2020), четверть (I четверть), "
    "полугодие (1 полугодие), «в течение учебного года» или «постоянно»"
)
MISSING_CONTENT = "не написано мероприятие — заполните «{column}»"
MISSING_DEADLINE = "не указан срок — " + DEADLINE_FORMS
BAD_DEADLINE = "не удалось понять срок «{value}» — " + DEADLINE_FORMS

# --- the report ---
PROBLEM_LINE = "Строка {row}, «{column}»: {message}"

# --- /plans in the chat (HTML: the handler escapes what it inserts) ---
NOT_ALLOWED = "Планы (дорожные карты) доступны методистам, координаторам и школам."
LIST_HEADER = "<b>Планы и дорожные карты</b>"
NO_PLANS = "Планов пока нет."
PLAN_BUTTON = "{year} · {title} · {done}/{items}"
PLAN_BUTTON_OVERDUE = "{year} · {title} · {done}/{items} · ⏰ {overdue}"
UPLOAD_HOW_TO = (
    "Чтобы загрузить план, пришлите его файлом .xlsx или .docx: таблица «№ п/п | Содержание "
    "мероприятия | Сроки | Ответственные», строки разделов между пунктами. Сроки — дата, месяц, "
    "четверть, «в течение учебного года»; ответственных я узнаю по фамилии и инициалам. "
    "Файл с ошибками не загружается целиком — я перечислю каждую."
)
UPLOAD_NO_MUNICIPALITY = (
    "Загружать планы может методист муниципалитета: у вас нет роли на весь муниципалитет."
)
WAITING = "Жду файл плана (.xlsx или .docx). Выйти: /cancel"
WRONG_TYPE = "Нужен файл .xlsx или .docx с таблицей плана."
TOO_LARGE = "Файл больше {megabytes} МБ — пришлите таблицу плана поменьше."
NOT_SAVED = "❌ План не загружен: исправьте в файле и пришлите его снова."
SAVED = (
    "✅ План загружен: разделов {sections}, пунктов {items}; "
    "ответственных узнал среди людей бота: {known} из {people}."
)
STALE = "Этот план больше не доступен."

# The board of one plan.
BOARD_TITLE = "<b>{title}</b>"
BOARD_YEAR = "{first}/{second} учебный год · пунктов: {items}"
BOARD_COUNTS = (
    "Выполнено {done} · в работе {in_progress} · запланировано {planned} · "
    "перенесено {postponed} · не выполнено {not_done}"
)
BOARD_OVERDUE = "⏰ <b>Просрочено на {today}: {count}</b>"
BOARD_NONE_OVERDUE = "Просроченных пунктов нет на {today}."
BOARD_SECTION = "<i>{section}</i>"
NO_SECTION = "Без раздела"
BOARD_ITEM = "• п. {number}. {content} — до {due}{label}; {owners}"
BOARD_NO_OWNERS = "ответственные не указаны"
BOARD_MORE = "…и ещё {count}"

# The items a person answers for (their list and cards: texts.plan_items).
MY_ITEMS_BUTTON = "📌 Мои пункты"
