"""Texts of the campaign wizard (/new_campaign) and of managing campaigns (/campaigns)."""

NOT_ALLOWED = "Открывать и менять мониторинги могут методисты и администраторы."
NO_MUNICIPALITIES = (
    "В справочнике нет муниципалитетов, где вы ведёте мониторинги. Загрузите /import."
)

CHOOSE_MUNICIPALITY = "Новый мониторинг. Для какого муниципалитета?"
CHOOSE_FORM = "Новый мониторинг. Какую анкету заполняют школы?"
SEVERAL_FORMS = "Несколько анкет — один мониторинг"
CHOOSE_FORMS = (
    "Отметьте анкеты мониторинга и нажмите «Готово». Школы увидят их в порядке этого списка."
)
FORM_CHECKED = "✅ {form}"
FORM_UNCHECKED = "▫️ {form}"
FORMS_DONE = "Готово ({count})"
PICK_AT_LEAST_ONE_FORM = "Отметьте хотя бы одну анкету."
ASK_TITLE = (
    "Как назвать мониторинг? Нажмите кнопку или напишите своё название (до {limit} знаков). "
    "Без названия он будет называться «{untitled}»."
)
USUAL_TITLE = "Мониторинг выполнения программы повышения качества образования"
NO_TITLE = "Без названия"
TITLE_EMPTY = "Напишите название мониторинга или нажмите кнопку."
TITLE_TOO_LONG = (
    "Название мониторинга — не длиннее {limit} знаков, а в этом {length}. "
    "Напишите короче или нажмите кнопку."
)
CHOOSE_RECURRENCE = "Как часто проводится мониторинг?"
RECURRENCE_ONCE = "Однократно"
RECURRENCE_LABELS = {
    "monthly": "Ежемесячно",
    "quarterly": "1 раз в четверть",
    "semiannual": "2 раза в год (октябрь, май)",
    "yearly": "1 раз в год (май)",
}
RECURRENCE_MONTHS = "по месяцам: {months}"  # a monitoring plan's own months ("months:6")
MONTH_NAMES = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def recurrence_label(value: str) -> str:
    """A stored recurrence in words: a named one's label, or its months ("по месяцам: июнь")."""
    if value in RECURRENCE_LABELS:
        return RECURRENCE_LABELS[value]
    numbers = value.removeprefix("months:").split(",")
    names = [MONTH_NAMES[int(n) - 1] for n in numbers if n.isdigit() and 1 <= int(n) <= 12]
    return RECURRENCE_MONTHS.format(months=", ".join(names)) if names else value


ASK_PERIOD = (
    "Отчётный период — так он будет назван в напоминаниях и в выгрузке. "
    "Выберите или напишите свой, например «1 полугодие 2026/27»."
)
ASK_RECURRING_PERIOD = (
    "С какого периода начать? По графику сейчас — «{suggested}»: нажмите его "
    "или напишите другой, например «{example}». Следующие периоды бот назовёт и откроет сам."
)
RECURRING_PERIOD_UNKNOWN = (
    "Не нахожу такой период в графике «{recurrence}». Напишите его так, как в кнопке, "
    "например «{suggested}» или «{example}» (не раньше текущего)."
)
PERIOD_TOO_LONG = "Название периода — не длиннее 100 знаков. Напишите короче."
CHOOSE_SCHOOLS = "Какие школы участвуют?"
SCHOOLS_ALL = "Все школы ({count})"
SCHOOLS_SHNOR = "Только ШНОР ({count})"
SCHOOLS_DISTRICT = "{district} ({count})"
SCHOOLS_PICK = "Выбрать школы…"
PICK_SCHOOLS = (
    "Отметьте школы и нажмите «Готово». Чтобы найти школу, напишите часть названия или номер."
)
PICK_AT_LEAST_ONE = "Отметьте хотя бы одну школу."
NO_SCHOOLS_FOUND = "Не нашлось школ по запросу «{query}». Попробуйте иначе."
NO_SCHOOLS_IN_CHOICE = "В этом выборе нет школ. Выберите другой вариант."
CHOSEN_FORMS = ("Выбрана", "Выбраны", "Выбрано")  # agrees with the number: 1, 2–4, 5+
SCHOOLS_CHOSEN = "{chosen} {schools}: {names}"
SCHOOLS_AND_MORE = "{names} и ещё {rest}"

LOCAL_TIME = "по местному времени ({place})"
ASK_OPENING = (
    "Когда открыть анкету? Нажмите «Сейчас» или напишите дату и время {local}, "
    "например «{example}»."
)
OPEN_NOW = "Сейчас"
ASK_DEADLINE = (
    "Срок сдачи — дата (до конца дня) или дата и время {local}, "
    "например «{example}» или «{example} 18:00»."
)
BAD_MOMENT = "Не понимаю дату. Напишите в виде ДД.ММ.ГГГГ или ДД.ММ.ГГГГ ЧЧ:ММ."
OPENING_IN_PAST = (
    "Это время уже прошло (сейчас {now}). Напишите будущее время или нажмите «Сейчас»."
)
OPENING_PASSED_TODAY = "Это время сегодня уже прошло, поэтому анкета откроется сейчас."
DEADLINE_IN_PAST = "Срок уже прошёл. Напишите дату в будущем."
DEADLINE_BEFORE_OPENING = "Срок должен быть позже открытия ({opens}). Напишите другую дату."

CHOOSE_REMINDERS = (
    "Напоминания школам, которые ещё не сдали: {reminders}. "
    "С {quiet_start}:00 до {quiet_end}:00 не беспокоим. "
    "После срока координаторы получают ежедневную сводку опоздавших."
)
REMINDER_OPENING_NOW = "при открытии"
REMINDER_OPENING_AT = "{day} в {at} — при открытии"
REMINDER_BEFORE = "{days} в {at} — {phrase}"
REMINDER_DEADLINE = "{day} в {at} — в день срока"
REMINDERS_NONE = "не будет: до срока слишком мало времени"
REMINDERS_SKIPPED = "{phrase} — не будет: это раньше открытия"
REMINDERS_DEFAULT = "Оставить так"
REMINDERS_CUSTOM = "Другие дни…"
ASK_REMINDER_DAYS = (
    "За сколько дней до срока напоминать? Напишите числа через пробел, например «7 3 1». "
    "«0» — только при открытии и в день срока."
)
BAD_REMINDER_DAYS = "Нужны целые числа от 1 до 60 через пробел (или 0). Например: 5 2"

SUMMARY = (
    "<b>Проверьте мониторинг</b>\n"
    "{title}"
    "{forms}\n"
    "Муниципалитет: {municipality}\n"
    "Период: {period}\n"
    "Повторяется: {recurrence}\n"
    "Школы ({count}): {schools}\n"
    "Открытие: {opens}\n"
    "Срок: {deadline}\n"
    "Даты и время — {local}\n"
    "Напоминания: {reminders}"
)
SUMMARY_TITLE = "Название: {title}\n"
SUMMARY_FORM = "Анкета: {form}"
SUMMARY_FORMS = "Анкеты ({count}): {forms}"
SUMMARY_FORM_NAME = "«{form}»"
SUMMARY_OPENS_NOW = "сейчас"
SUMMARY_OPENS_NOW_PERIOD = "сейчас (период начался {start}, это время уже прошло)"
SUMMARY_OPENS_NOW_PASSED = "сейчас (указанное время {opens} уже прошло)"
CONFIRM = "✅ Открыть"
CANCEL = "✖ Отмена"
CANCELLED = "Мониторинг не открыт."
OPENED = (
    "Мониторинг открыт: «{title}»{forms}, {period}. В нём {schools}, срок {deadline}. "
    "Школы получат напоминание {when}. Ход сдачи — /status, изменить — /campaigns."
)
OPENED_FORMS = " ({forms})"  # several forms: "(3 анкеты)"
OPENED_NOW = "сейчас"
OPENED_LATER = "при открытии, {opens}"
STALE_WIZARD = "Этот шаг уже пройден. Начните заново: /new_campaign"

PROBLEMS = {
    "unknown_form": "Такой анкеты больше нет. Начните заново: /new_campaign",
    "no_forms": "Не выбрано ни одной анкеты. Начните заново: /new_campaign",
    "no_schools": "Не выбрано ни одной школы.",
    "foreign_school": "Школа не из этого муниципалитета.",
    "deadline_passed": "Срок уже прошёл. Напишите дату в будущем.",
    "deadline_before_opening": "Срок должен быть позже открытия.",
    "closed": "Этот мониторинг уже закрыт.",
    "not_found": "Такого мониторинга нет.",
}


# /campaigns
LIST_EMPTY = "Открытых мониторингов нет. Новый — /new_campaign"
LIST_HEADER = (
    "<b>Открытые мониторинги</b> — выберите, чтобы изменить срок, добавить школы или закрыть."
)
LIST_BUTTON = "{form} · {period} · {done}/{schools} · до {deadline}"
CARD = (
    "<b>{form}</b>\n"
    "Период: {period}{recurrence}\n"
    "Муниципалитет: {municipality}\n"
    "Открыт: {opens}\n"
    "Срок: {deadline}\n"
    "Сдали: {done} из {schools}"
)
CARD_RECURRENCE = " ({recurrence})"
CHANGE_DEADLINE = "📅 Изменить срок"
ADD_SCHOOLS = "➕ Добавить школы"
CLOSE = "⛔ Закрыть досрочно"
CLOSE_CONFIRM = (
    "Закрыть «{form}», {period}? Школы больше не смогут отвечать, напоминаний не будет{chain}."
)
CLOSE_CHAIN = ", следующие периоды не откроются"
CLOSE_CHAIN_GOES_ON = "; период «{period}» уже открыт, он и следующие продолжатся"
CLOSE_YES = "Да, закрыть"
CLOSE_NO = "Нет"
CLOSED = "Мониторинг «{form}», {period} закрыт."
ASK_NEW_DEADLINE = "Сейчас срок — {deadline}. Напишите новый: ДД.ММ.ГГГГ или ДД.ММ.ГГГГ ЧЧ:ММ."
DEADLINE_CHANGED = (
    "Срок «{form}», {period} — теперь {deadline}. Школы, которые ещё не сдали, получат оставшиеся "
    "напоминания к новому сроку."
)
ADD_SCHOOLS_PROMPT = "Какие школы добавить? Уже участвуют: {count}."
ADD_NOTHING_LEFT = "Все школы муниципалитета уже участвуют."
SCHOOLS_ADDED = "Добавлено школ: {count}. Они получат напоминание со следующим обходом."
SCHOOLS_ALREADY_IN = "Эти школы уже участвуют."
