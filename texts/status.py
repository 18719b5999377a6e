"""Texts of /status, the completion board, and of nudges (HTML: values escaped by the caller)."""

from texts.plurals import SCHOOLS, counted

NOT_ALLOWED = "Сводка сдачи анкет доступна координаторам и методистам."
EMPTY = "Сейчас нет открытых анкет в ваших школах."
LEGEND = "✅ сдана · ✏️ заполняется · ⏳ не начата · ↩️ на доработке · ⚠️ срок прошёл"

HEADER = "<b>{title}</b>\nСрок: {deadline} · сдали {done} из {total}"
HEADER_MUNICIPALITY = "<b>{title}</b> ({municipality})\nСрок: {deadline} · сдали {done} из {total}"
LATE_COUNT = " · опаздывают: {late}"
CONTINUED = "<b>{title}</b> (продолжение)"

ICONS = {
    "submitted": "✅",
    "accepted": "✅",
    "draft": "✏️",
    "not_started": "⏳",
    "returned": "↩️",
    "late": "⚠️",
}
LINE = "{icon} {school}"
LINE_DETAIL = "{icon} {school} — {detail}"
DETAIL_PROGRESS = "{answered}/{total}"
DETAIL_NOT_STARTED = "не начата"
DETAIL_RETURNED = "на доработке"
DETAIL_ACCEPTED = "принята"
# A monitoring of several forms: a school's line counts its forms; the drill-down lists them.
DETAIL_FORMS = "сдано {done} из {total}"
HEADER_FORMS = "\nАнкет в мониторинге: {count}. «Сдали» — школы, сдавшие все анкеты."
DRILL_DOWN_BUTTON = "📋 По анкетам"
DRILL_DOWN_HEADER = "<b>{title}</b> — по анкетам"
DRILL_DOWN_LINE = "<b>{school}</b>: {forms}"
DRILL_DOWN_FORM = "{icon} {form}"
DRILL_DOWN_FORM_PROGRESS = "{icon} {form} {answered}/{total}"
DRILL_DOWN_SEPARATOR = " · "

NUDGE_BUTTON = "Напомнить: {school}"
# "Remind all": before the deadline everyone who has not submitted, after it the late schools
# (the same schools, by then).
NUDGE_ALL_OWING_BUTTON = "Напомнить всем, кто не сдал"
NUDGE_ALL_LATE_BUTTON = "Напомнить всем опаздывающим"
NUDGE_NO_OWING = "Все школы уже сдали анкету: напоминать некому."
NUDGE_NOTHING = "Напоминать некому: школы сдали анкету или у них нет ответственных в боте."
# The summary of a nudge (an alert: plain text, no HTML), one line per outcome that happened.
NUDGE_SENT = "Напомнили ({count}): {schools}"
NUDGE_THROTTLED = "Пропустили — уже напоминали в течение часа ({count}): {schools}"
NUDGE_UNREACHABLE = "Не дошло — ответственный заблокировал бота или недоступен ({count}): {schools}"
NUDGE_SUBMITTED = "Уже сдали ({count}): {schools}"
NUDGE_NOBODY = "Некому напомнить — нет ответственных в боте ({count}): {schools}"
NUDGE_SCHOOL_SEPARATOR = ", "
NUDGE_LINE_SEPARATOR = "\n"
# When the names do not fit an alert (200 characters): counts in the alert, names in a message.
NUDGE_SHORT_SENT = "Напомнили: {count}"
NUDGE_SHORT_THROTTLED = "пропустили (напоминали в течение часа): {count}"
NUDGE_SHORT_UNREACHABLE = "не дошло: {count}"
NUDGE_SHORT_SUBMITTED = "уже сдали: {count}"
NUDGE_SHORT_NOBODY = "некому: {count}"
NUDGE_SHORT_SEPARATOR = "; "
NUDGE_SHORT_MORE = "\nСписок школ — в сообщении."
NUDGE_REPORT_HEADER = "<b>Итог напоминаний</b>"

# What the respondents receive: before the deadline a friendly reminder of it, after it overdue.
NUDGE = (
    "Добрый день! Напоминаем: анкету «{title}» ({period}) за {school} нужно сдать до "
    "{deadline}. Она ещё не сдана — откройте её кнопкой ниже."
)
NUDGE_MONITORING = (
    "Добрый день! Напоминаем: мониторинг «{title}» ({period}) за {school} нужно сдать до "
    "{deadline}. Сданы ещё не все анкеты."
)
NUDGE_MONITORING_LATE = (
    "Напоминание: срок сдачи мониторинга «{title}» ({period}) за {school} прошёл "
    "({deadline}), а сданы ещё не все анкеты. Пожалуйста, заполните и отправьте их."
)
NUDGE_LATE = (
    "Напоминание: срок сдачи анкеты «{title}» ({period}) за {school} прошёл "
    "({deadline}), а анкета ещё не сдана. Пожалуйста, заполните и отправьте её."
)


def schools(count: int) -> str:
    """ "1 школа", "2 школы", "5 школ"."""
    return counted(count, SCHOOLS)
