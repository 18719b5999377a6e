"""Texts of a plan exported as a workbook (the button under a plan's board, the sheet's headers
and lines), and of the Поручения sheet of a monitoring's export.

The sheet's texts are plain; the chat's captions are HTML (the handler escapes what it inserts).
"""

from storage.plans import ItemStatus, PlanKind

# --- the sheet ---
SHEET_TITLES = {PlanKind.ROAD_MAP: "Дорожная карта", PlanKind.INSTRUCTIONS: "Поручения"}
NUMBER = "№ п/п"
CONTENT = "Содержание мероприятия"
DEADLINE_LABEL = "Сроки"
DUE_ON = "Срок (дата)"
OWNERS = "Ответственные"
SCHOOLS = "Школы"
STATUS = "Статус"
REPORT = "Отчёт"
OVERDUE = "Просрочено"
STATUSES = {
    ItemStatus.PLANNED: "запланировано",
    ItemStatus.IN_PROGRESS: "в работе",
    ItemStatus.DONE: "выполнено",
    ItemStatus.POSTPONED: "перенесено",
    ItemStatus.NOT_DONE: "не выполнено",
}
SCHOOL_YEAR = "{first}/{second} учебный год"
AS_OF = "По состоянию на {today}: выполнено {done} из {items}, просрочено {overdue}"
OVERDUE_DAYS = "на {days} дн."
SECTION = "{number}. {title}"
OWNER = "{name}, {position}"
FILE_NAME = "{title} — {day}.xlsx"

# --- the Поручения sheet of a monitoring's export ---
INSTRUCTIONS_SHEET = "Поручения"
PERIOD = "Период"
SCHOOL = "Школа"
INSTRUCTION = "Поручение"
DUE = "Срок"
ALL_SCHOOLS = "всем школам"

# --- the chat ---
EXPORT_BUTTON = "📥 Выгрузить в Excel"
CAPTION = "<b>{title}</b>\nНа {today}: выполнено {done} из {items}, просрочено {overdue}."
STALE = "Этот план больше не доступен."
