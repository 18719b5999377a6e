"""Texts of /review, a methodist's check of submitted responses, and of the notices the school
receives (HTML: values are escaped by the caller)."""

NOT_ALLOWED = "Проверять сданные анкеты могут методисты и администраторы."
EMPTY = "Сданных анкет, которые ждут проверки, нет."
QUEUE_HEADER = "<b>Ждут проверки: {count}</b>"
QUEUE_PAGE = " (стр. {page} из {pages})"
QUEUE_LINE = "{number}. {school} — {title}, {period}; сдана {at}, {timing}"
ON_TIME = "в срок"
LATE = "⚠️ с опозданием"
MINE = " · ⭐ ваш мониторинг"  # the reviewer owns the round (the monitoring plan)
QUEUE_HINT = "Нажмите анкету, чтобы посмотреть ответы и принять или вернуть её."
QUEUE_BUTTON = "{number}. {school} · {title}"
PREVIOUS_PAGE = "« Назад"
NEXT_PAGE = "Вперёд »"
ENTRY_BUTTON = "Проверить сданные ({count})"  # under the /status board

CARD_HEADER = "<b>{title}</b> — {period}\n{school}"
CARD_SUBMITTED = "Сдана {at} {zone}, {timing}."
CARD_LATE = "⚠️ с опозданием: срок был {deadline}"
CARD_STATE = "Сейчас: {state}."
ANSWERS_HEADER = "<b>Ответы</b>"
ANSWER_LINE = "{number}. {question} — {answer}"
NO_ANSWERS = "Ответов нет."
HISTORY_HEADER = "<b>История</b>"
HISTORY_LINE = "{at} — {what}: {who}"
HISTORY_COMMENT = "{at} — {what}: {who} — «{comment}»"
SOMEONE = "методист"
NOBODY = "—"
EVENTS = {
    "draft": "начато заполнение",
    "submitted": "отправлена",
    "returned": "возвращена на доработку",
    "accepted": "принята",
    "not_started": "сброшена",
}
REWORK = "начата доработка"  # returned -> draft
RESUBMITTED = "отправлена повторно"
STATES = {
    "not_started": "не начата",
    "draft": "школа заполняет анкету",
    "submitted": "ждёт проверки",
    "returned": "возвращена на доработку",
    "accepted": "принята",
}
ACCEPT_BUTTON = "✅ Принять"
RETURN_BUTTON = "↩️ Вернуть на доработку"
BACK_BUTTON = "« К списку"
CANCEL_BUTTON = "Отмена"

ASK_COMMENT = (
    "Напишите одним сообщением комментарий для {school}: что исправить в анкете «{title}». "
    "Школа получит его вместе с кнопкой, открывающей анкету."
)
EMPTY_COMMENT = (
    "Без комментария вернуть анкету нельзя: школе нужно понять, что исправить. "
    "Напишите комментарий текстом или нажмите «Отмена»."
)
LONG_COMMENT = (
    "Комментарий слишком длинный: {length} символов, можно до {limit}. Сократите его, пожалуйста."
)
RETURN_CANCELLED = "Возврат отменён: анкета по-прежнему ждёт проверки."
RETURNED = "↩️ Анкета «{title}» ({school}) возвращена на доработку."
ACCEPTED = "✅ Анкета «{title}» ({school}) принята."
NOTIFIED = "Уведомлено ответственных от школы: {count}."
NOT_DELIVERED = " Не удалось доставить: {count} — сообщите школе другим способом."
NOBODY_TO_NOTIFY = (
    "В боте нет ответственных от школы, до кого можно достучаться: сообщите школе другим способом."
)
CLOSED_NO_RETURN = (
    "Мониторинг закрыт: школа уже не сможет изменить анкету, поэтому вернуть её нельзя. "
    "Принять можно."
)
ALREADY_DECIDED = "Эта анкета уже не ждёт проверки: сейчас она {state}."
STATES_AFTER = {
    "not_started": "не начата",
    "draft": "на доработке у школы",
    "submitted": "ждёт проверки",
    "returned": "возвращена на доработку",
    "accepted": "принята",
}

NOTICE_RETURNED = (
    "↩️ Анкета «{title}» ({period}) за {school} возвращена на доработку.\n\n"
    "Комментарий методиста ({reviewer}):\n{comment}\n\n"
    "Исправьте ответы и отправьте анкету снова."
)
NOTICE_ACCEPTED = "✅ Анкета «{title}» ({period}) за {school} проверена и принята. Спасибо!"
