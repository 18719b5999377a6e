"""Texts of the questionnaire screens: the list of forms, questions, review, submission."""

MY_FORMS_BUTTON = "📋 Мои анкеты"
COMMAND_FORMS = "Мои анкеты"
NO_FORMS = (
    "Сейчас нет анкет, которые нужно заполнить. "
    "Когда методист откроет мониторинг, бот пришлёт напоминание."
)
FORMS_HEADER = "Анкеты вашей школы:"
FORM_LINE = "{icon} {title}{school} — {progress}, срок {deadline}"
PROGRESS_LINE = "{answered} из {total}"
STATUS_SUBMITTED = "отправлена {at}"
ICONS = {"not_started": "⏳", "draft": "✏️", "submitted": "✅", "returned": "↩️", "accepted": "✅"}
BUTTON_START = "Заполнить: {title}"
BUTTON_CONTINUE = "Продолжить: {title}"
BUTTON_VIEW = "Посмотреть: {title}"

PAUSED = "Черновик сохранён. Продолжить можно в любой момент: «Мои анкеты» → «Продолжить»."
OVERWRITTEN = "Этот ответ только что изменил(а) {name}: «{old}». Сохранён ваш ответ: «{new}»."
LOCKED = (
    "Срок сдачи прошёл, анкета уже отправлена — изменения не принимаются. "
    "Если нужно исправить ответ, напишите методисту."
)
STALE = "Эта кнопка устарела. Откройте анкету заново: «Мои анкеты»."

REVIEW_HEADER = "Проверьте ответы — «{title}», {school}:"
REVIEW_LINE = "{number}. {question} — {answer}"
REVIEW_HINT = "Чтобы изменить ответ, нажмите его номер."
REVIEW_SUBMITTED = "Отправлено {at}. До {deadline} ответы можно изменить и отправить снова."
REVIEW_LOCKED = "Отправлено {at}. Срок сдачи прошёл: изменения не принимаются."
EDIT_BUTTON = "✏️ {number}"
SUBMIT = "📨 Отправить"
RESUBMIT = "📨 Отправить изменения"
CLOSE = "Закрыть"
SUBMITTED = "Анкета «{title}» отправлена {at} ({zone}). Спасибо!"
INCOMPLETE = "Ещё не на все обязательные вопросы есть ответ."
CLOSED = "Анкета закрыта. Вернуться к ней: «Мои анкеты»."

OPEN_FORM_USAGE = (
    "Открыть анкету для всех школ: /open_form ФОРМА ДД.ММ.ГГГГ [период]\n"
    "Например: /open_form vsoko 10.03.2027 1 полугодие 2026/27\n\nФормы:\n{forms}"
)
OPEN_FORM_LINE = "• {id} — {title}"
OPEN_FORM_NOT_ALLOWED = "Открывать мониторинги могут методисты и администраторы."
OPEN_FORM_UNKNOWN = "Нет анкеты «{form}». /open_form — список."
OPEN_FORM_BAD_DATE = "Срок — дата в будущем в виде ДД.ММ.ГГГГ."
OPEN_FORM_NOTHING = "В вашей зоне нет школ."
OPEN_FORM_DONE = "Открыта анкета «{title}» ({period}): {count} школ(ы), срок {deadline}."
DEFAULT_PERIOD = "текущий период"
ANSWER_SAVED = "Ответ сохранён."
