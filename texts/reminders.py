"""Texts of reminders (HTML: the values are escaped by the caller)."""

from texts.plurals import Forms

OPENING = "Открыта анкета «{title}» ({period}) для {school}. Срок — {deadline}."
BEFORE = (
    "Напоминание: до срока сдачи анкеты «{title}» ({period}) за {school} осталось дней: {days}. "
    "Срок — {deadline}."
)
DEADLINE = "Сегодня последний день: анкета «{title}» ({period}) за {school}, срок — {deadline}."
OPEN_BUTTON = "Открыть анкету"
DIGEST = (
    "Срок сдачи анкеты «{title}» ({period}) прошёл {deadline}. Не сдали {late} из {total}: "
    "{schools}."
)
SUMMARY = (
    "Итог по анкете «{title}» ({period}), срок {deadline}: сдали {done} из {total}. "
    "Не сдали: {schools}."
)
UNREACHABLE = (
    "Не удалось доставить напоминание для {name} ({school}): бот заблокирован или аккаунт "
    "удалён. Свяжитесь, пожалуйста, другим способом."
)

# One message per person per tick: every form that opened, and every deadline that is near,
# each on its own line, with one "Открыть: …" button per form.
OPENED_HEADER: Forms = ("Открыта {count}:", "Открыты {count}:", "Открыто {count}:")
OPENED_HEADER_FOR: Forms = (
    "Для {school} открыта {count}:",
    "Для {school} открыты {count}:",
    "Для {school} открыто {count}:",
)
DUE_HEADER = "Напоминание о сроках сдачи:"
DUE_HEADER_FOR = "Напоминание о сроках сдачи анкет за {school}:"
ITEM = "• «{title}» ({period})"
ITEM_SCHOOL = "• «{title}» ({period}), {school}"
ITEM_OPENED = "{item} — срок {deadline}"
ITEM_BEFORE = "{item} — осталось {days}, срок {deadline}"
ITEM_DEADLINE = "{item} — сегодня последний день, срок {deadline}"
OPEN_FORM_BUTTON = "Открыть: {form}"
OPEN_FORM_PERIOD_BUTTON = "Открыть: {form}, {period}"
OPEN_FORM_SCHOOL_BUTTON = "Открыть: {form}, {period}, {school}"

# A monitoring of several forms: named as such, with what the school has still to hand in.
OPENING_MONITORING = "Открыт мониторинг «{title}» ({period}) для {school}. Срок — {deadline}."
BEFORE_MONITORING = (
    "Напоминание: до срока сдачи мониторинга «{title}» ({period}) за {school} осталось дней: "
    "{days}. Срок — {deadline}."
)
DEADLINE_MONITORING = (
    "Сегодня последний день: мониторинг «{title}» ({period}) за {school}, срок — {deadline}."
)
DIGEST_MONITORING = (
    "Срок сдачи мониторинга «{title}» ({period}) прошёл {deadline}. Сдали не все анкеты "
    "{late} из {total} школ: {schools}."
)
SUMMARY_MONITORING = (
    "Итог по мониторингу «{title}» ({period}), срок {deadline}: сдали все анкеты {done} из "
    "{total}. Не сдали: {schools}."
)
OWED_FORMS = "Осталось сдать: {forms}."
MONITORING_FORMS = "Анкеты мониторинга: {forms}."
MONITORING_FORMS_LINE = "   анкеты: {forms}"
OWED_FORMS_LINE = "   осталось сдать: {forms}"
