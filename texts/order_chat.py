"""Texts of /order: the chat that drafts the analytic order (the document's own words are in
``texts.order``)."""

from texts.plurals import Forms

NOT_ALLOWED = "Проект распоряжения готовят методисты, координаторы и администраторы."
NOTHING = "Пока нет мониторингов со школами из вашей зоны — распоряжение готовить не по чему."
CHOOSE = (
    "По какому мониторингу подготовить проект распоряжения? Бот соберёт его из сданных ответов "
    "школ: выводы, список не сдавших и поручения школам."
)
CAMPAIGN_BUTTON = "{label}{town}{closed}"
CLOSED_MARK = " (закрыт)"
GONE = "Этого мониторинга больше нет в вашей зоне. Откройте /order заново."

# --- the deadline of the instructions ---
ASK_DEADLINE = "До какой даты школы должны выполнить поручения? Напишите дату, например {example}"
DEADLINE_BUTTON = "до {day}"
NO_DEADLINE_BUTTON = "Без даты — впишу от руки"
NO_DEADLINE_CHOSEN = "без даты"
BAD_DATE = "Не понял дату. Напишите её так: {example}"
DATE_IN_PAST = "Эта дата уже прошла: сегодня {today}. Напишите дату не раньше сегодняшней."
DATE_TOO_FAR = "Срок больше чем через год — наверное, опечатка. Напишите дату не позже {limit}."

# --- the instructions to keep ---
INSTRUCTIONS_HEADER = (
    "<b>{title} — {period}</b>\nПоручения школам — снимите отметку с тех, что не нужны:"
)
INSTRUCTION_LINE = "{number}. {mark} {action} — {schools}."
DEADLINE_LINE = "Срок исполнения: до {deadline}."
DEADLINE_LINE_BLANK = "Срок исполнения: не указан, впишете в документ от руки."
CHECKED = "✅"
UNCHECKED = "⬜"
TOGGLE_BUTTON = "{mark} {number}. {action} — {schools}"
DEADLINE_CHANGE_BUTTON = "📅 Срок: до {deadline}"
DEADLINE_CHANGE_BUTTON_BLANK = "📅 Срок: не указан"
MAKE_BUTTON = "📄 Сформировать распоряжение"
# Alerts (at most 200 characters).
STALE = "Эта кнопка устарела. Откройте /order заново."
CHANGED = "Ответы школ изменились, список поручений обновлён. Проверьте отметки."

# --- the document ---
PREPARING = "Готовлю распоряжение…"
CAPTION = (
    "{title} — {period}\n"
    "Сдали {done} из {total}. В проекте: {findings}, {instructions}.\n"
    "Отредактируйте и подпишите."
)
CAPTION_INSTRUCTIONS = "{count} школам со сроком до {deadline}"
CAPTION_INSTRUCTIONS_BLANK = "{count} школам, срок впишите от руки"
TEMPLATE_UNREADABLE = (
    "Бланк департамента не открылся, распоряжение напечатано на стандартном бланке. "
    "Загрузите бланк заново: /order_template"
)
CAPTION_NO_INSTRUCTIONS = "поручений школам нет"
FINDINGS: Forms = ("пункт анализа", "пункта анализа", "пунктов анализа")
INSTRUCTIONS: Forms = ("поручение", "поручения", "поручений")

# Following the instructions up after the file is made.
TRACK_BUTTON = "📌 Поставить поручения на контроль"
TRACK_OFFER = (
    "Когда распоряжение подписано, поставьте поручения на контроль: каждая школа получит "
    "пункт со сроком до {deadline}, представители школ — напоминания, а просроченное попадёт "
    "в сводки. Посмотреть и отметить выполненное — /plans."
)
TRACKED = "📌 Поручения на контроле: {plan}. {changes}"
TRACKED_ADDED = "Добавлено пунктов: {count}."
TRACKED_MOVED = "Перенесён срок у пунктов: {count}."
TRACKED_KEPT = "Без изменений: {count}."
TRACKED_UNOWNED = (
    "Нет представителя в боте у школ: {schools} — им напоминать некому, пункты видны в /plans "
    "и в сводках."
)
