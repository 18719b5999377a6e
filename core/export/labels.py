"""The Russian words of the export workbook: sheet names, headers, statuses, notes.

(They live with the export service rather than in ``bot/texts`` because they are the workbook's
content, not chat messages; the chat texts of /export are in ``bot/texts``.)
"""

from storage.responses import Status

SUMMARY = "Сводка"
ANSWERS = "Ответы"
TOTALS = "Итоги"
DISTRICTS = "По округам"
DYNAMICS = "Динамика"
MISSING = "Не сдали"
CHARTS = "Диаграммы"
LONG_TEXTS = "Длинные тексты"
GROUP_SHEET = "{name} (повтор)"  # a repeat group's own sheet

# --- preamble lines ---
FORM = "Анкета"
PERIOD = "Период"
PERIODS = "Периоды"
SCOPE = "Школы"
OWNER = "Ответственный"
OWNERS = "Ответственные"
GENERATED = "Сформировано"
SUBMITTED_OF = "Сдали"
ACCEPTED_COUNT = "Приняты"
RETURNED_COUNT = "На доработке"
OF = "из {total}"  # after a count in the next cell: "5 | из 7", read as one
LATE_COUNT = "С опозданием или не сдали в срок"
NOT_SUBMITTED_COUNT = "Не сдали"
COUNTED = "Учтены анкеты со статусом «Сдана» и «Принята»"
COUNTED_SCHOOLS = "Учтено школ"
DISTRICT_SCOPE = "{district}"
PARTIAL_SCOPE = "{shown} из {total} школ"

# --- common columns ---
MUNICIPALITY = "Муниципалитет"
DISTRICT = "Округ"
SCHOOL = "Школа"
FULL_NAME = "Полное наименование"
STATUS = "Статус"
NO_DISTRICT = "Без округа"
ALL = "Всего"

# --- Сводка ---
DEADLINE = "Срок"
TIMELINESS = "Соблюдение срока"
SUBMITTED_AT = "Отправлена"
FIRST_SUBMITTED_AT = "Впервые отправлена"
LATE_HOURS = "Опоздание, ч"
LATE_TEXT = "Опоздание"
ANSWERED_BY = "Кто отвечал"
RETURNED = "Возвращалась на доработку, раз"
ACCEPTED_AT = "Принята"

STATUSES = {
    Status.NOT_STARTED: "Не начата",
    Status.DRAFT: "Заполняется",
    Status.SUBMITTED: "Сдана",
    Status.RETURNED: "Возвращена на доработку",
    Status.ACCEPTED: "Принята",
}
ON_TIME = "в срок"
LATE = "с опозданием"
OVERDUE = "не сдана, срок прошёл"
NOT_DUE = "срок не наступил"
DAYS_HOURS = "{days} дн. {hours} ч"
HOURS = "{hours} ч"

# --- Ответы ---
YES = "да"
NO = "нет"
OTHER = "Другое"
OTHER_COLUMN = "{question}: другое (текст)"
OPTION_COLUMN = "{question}: {option}"
ITEMS_COLUMN = "{question}: пунктов"
FILE_VALUE = "{name} (файл пришлёт бот: /file {code})"
UNNAMED_FILE = "файл без имени"
ITEM_NUMBER = "№ пункта"

# --- Итоги and По округам ---
QUESTION = "Вопрос"
INDICATOR = "Вариант / показатель"
SCHOOLS_COUNT = "Школ"
SHARE = "Доля"
SHARE_OF_ALL = "Доля от всех школ"  # of every school in the round, not only those who answered
NO_ANSWER_COUNT = "Нет ответа, школ"
VALUE = "Значение"
SCHOOL_LIST = "Школы"
OTHER_TEXTS = "Пояснения («другое»)"
ANSWERED_SCHOOLS = "Ответили (школ)"
MINIMUM = "Минимум"
MEAN = "Среднее"
MEDIAN = "Медиана"
MAXIMUM = "Максимум"
SUM = "Сумма"
EARLIEST = "Самая ранняя дата"
LATEST = "Самая поздняя дата"
GRADE = "{grade} класс"
COMPLETION = "Сдали анкету"
COMPLETION_TOTAL = "Школ в мониторинге"
ITEMS = "Пунктов всего"
COUNT_OR_VALUE = "школ / значение"
GROUP_QUESTION = "{group} — {question}"
# A repeat group's number per key, the answers that tell its items apart (subject and grade):
# "Математика, 5 класс: среднее"
KEY_JOIN = ", "
KEY_STAT = "{key}: {stat}"
KEY_ANSWERED = "ответили (школ)"
KEY_MINIMUM = "минимум"
KEY_MEAN = "среднее"
KEY_MEDIAN = "медиана"
KEY_MAXIMUM = "максимум"
KEY_SUM = "сумма"
KEYS_LEFT_OUT = "Другие сочетания (без статистики, см. лист повтора), всего"

# --- Динамика ---
CHANGE = "Изменение"
CHANGE_NOTE = "последний период к предыдущему"
SHARE_INDICATOR = "{option}: доля от всех школ, %"
COMPLETION_SHARE = "Доля сдавших, %"

# --- Не сдали ---
RESPONDENTS = "Ответственные"
POSITIONS = "Должности"
TELEGRAM = "Telegram"
UNREACHABLE = "Бот недоступен"
DISTRICT_HEAD = "Руководитель округа"
BASE_SCHOOL = "Базовая школа округа"

# --- Диаграммы ---
CHART_COMPLETION = "Сдача анкеты по округам"
CHART_SUBMITTED = "Сдали"
CHART_NOT_SUBMITTED = "Не сдали"
CATEGORY = "Категория"
CHART_SHARE = "Доля от всех школ"
CHART_NO_ANSWER = "Нет ответа"

# --- Длинные тексты ---
LONG_SHEET = "Лист"
LONG_CELL = "Ячейка"
LONG_PART = "Часть"
LONG_TEXT = "Текст"
CONTINUED = " … [полный текст: лист «Длинные тексты», ячейка {cell}]"
FILE_NAME = "{title} — {period} — {day}.xlsx"
FILE_PERIODS = "{first} … {last}"

# --- a monitoring (several forms): По школам, Итоги ---
OOO_PREFIX = "ООУ №"  # общеобразовательное учреждение: the orders' "в ООУ № 5, 11, 28"
BY_SCHOOL = "По школам"
FORMS = "Анкеты"
FORM_OR_QUESTION = "Анкета / вопрос"
ANSWER = "Ответ"
SCHOOL_FORMS_DONE = "сдано {done} из {total} {forms}"
SCHOOL_NOT_ANSWERED = "не ответила"  # a school that handed in no form of the monitoring
FORM_STATUSES = {
    Status.NOT_STARTED: "не сдана",
    Status.DRAFT: "черновик, не сдана",
    Status.SUBMITTED: "сдана",
    Status.RETURNED: "на доработке, не сдана",
    Status.ACCEPTED: "принята",
}
SUBMITTED_LATE = "{status}, с опозданием"
NO_ITEMS = "нет"
OTHER_ANSWER = "другое: {text}"
ITEM_LINE = "{number}) {text}"
FINDINGS_FORM = "Анкета"
FINDINGS_ANSWER = "Ответ"
WITH_ANSWER = "Школы с этим ответом"
WITHOUT_ANSWER = "Ответили иначе"
NO_ANSWER = "Нет ответа (не сдали анкету или не ответили)"
MONITORING_SCHOOLS = "Школ в мониторинге"
FORM_SUBMITTED = "Сдали «{form}»"
QUESTION_KEY = "код вопроса"
OPTION_KEY = "код ответа"


def grades_note(text: str, count: int) -> str:
    """ "2–9 классы", "9 класс": grades as the orders write them after a school."""
    return f"{text} {'класс' if count == 1 else 'классы'}"


# A monitoring of several forms
MONITORING = "Мониторинг"
FORMS_LIST = "Анкеты"
FORMS_DONE = "Сдано анкет"
ALL_FORMS_DONE = "Сдали все анкеты"
SOME_FORMS_MISSING = "Не сдали хотя бы одну анкету"
FORM_DONE = "Сдали «{form}»"
FORMS_MISSING = "Не сданы анкеты"
CHART_FORMS_COMPLETION = "Сдали анкеты мониторинга"
FINDINGS_ONE_FORM = "Есть и нет"  # a one-form monitoring's findings, beside its Итоги

# --- Профиль школ (a form's profile, drawn as radars) ---
PROFILE = "Профиль школ"
PROFILE_TITLE = "Профиль"
PROFILE_MEAN = "Среднее: {area}"
PROFILE_SHARES = "Показатели"
PROFILE_SHARES_NOTE = "в процентах: ответ в процентах или доля от числа, от которого он считается"
PROFILE_MEANS = "Среднее"
PROFILE_MEANS_NOTE = "средний показатель школ, сдавших анкету (каждая школа учтена один раз)"
PROFILE_MEANS_ONLY_NOTE = (
    "только средние: по каждой школе — в выгрузке не больше {limit} школ (по округу)"
)
PROFILE_MEANS_CHART = "{title}: средние значения"

# --- a table's pivots (one sheet per value column) and Зона риска ---
PREVIOUS_PERIOD = "Прошлый период"
CHANGE_SHORT = "изменение"
NO_CHANGE = "—"  # a change (or a previous value) with one of its two values not given
COUNTED_AS = "Учтены"
COUNTED_WHAT = "анкеты со статусом «Сдана» и «Принята»"
PIVOT_HEADING = "{column} — {table}"
SCHOOLS_WITH_TABLE = "Заполнили таблицу, школ"
IN_RED = "Выделено красным"
TABLE_ROWS_SHEET = "Строки таблицы"
RISK = "Зона риска"
RISK_INDICATOR = "Показатель"
RISK_THRESHOLD = "Порог"
TABLE_ROW = "Строка таблицы"
THRESHOLDS = "Пороги"
SCHOOLS_AT_RISK = "Школ в зоне риска"
OF_ANSWERED = "из {total}, заполнивших таблицу"
NO_RISK = "Нет школ в зоне риска"
AT_LEAST = "{value} и больше"
AT_MOST = "{value} и меньше"
