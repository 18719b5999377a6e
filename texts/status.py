"""Texts of /status, the completion board, and of nudges (HTML: values escaped by the caller)."""

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

NUDGE_BUTTON = "Напомнить: {school}"
NUDGE_ALL_BUTTON = "Напомнить всем опаздывающим"
NUDGE_NO_LATE = "Опаздывающих школ нет."
NUDGE_NOTHING = "Напоминать некому: школы сдали анкету или у них нет ответственных в боте."
NUDGE_DONE = "Напомнили: {nudged}"
NUDGE_THROTTLED = "не чаще раза в час: {throttled}"
NUDGE_NOBODY = "некому: {nobody}"
NUDGE_SEPARATOR = "; "

NUDGE = "Напоминание: анкета «{title}» ({period}) за {school} ещё не сдана. Срок — {deadline}."
NUDGE_LATE = (
    "Напоминание: срок сдачи анкеты «{title}» ({period}) за {school} прошёл "
    "({deadline}), а анкета ещё не сдана. Пожалуйста, заполните и отправьте её."
)


def schools(count: int) -> str:
    """ "1 школа", "2 школы", "5 школ"."""
    tens, ones = count % 100, count % 10
    if ones == 1 and tens != 11:
        word = "школа"
    elif 2 <= ones <= 4 and not 12 <= tens <= 14:
        word = "школы"
    else:
        word = "школ"
    return f"{count} {word}"
