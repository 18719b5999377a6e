"""Texts of the questionnaire screens: the list of forms, questions, review, submission."""

from texts.plurals import FORMS_GENITIVE, Forms, counted

MY_FORMS_BUTTON = "📋 Мои анкеты"
COMMAND_FORMS = "Мои анкеты"
NO_FORMS = (
    "Сейчас нет анкет, которые нужно заполнить. "
    "Когда методист откроет мониторинг, бот пришлёт напоминание."
)
FORMS_HEADER = "Анкеты вашей школы:"
FORMS_HEADER_SCHOOLS = "Анкеты ваших школ:"
FORMS_PAGE = "Стр. {page} из {pages} · всего анкет: {count}"
PREVIOUS_PAGE = "◀️"
NEXT_PAGE = "▶️"
FORM_LINE = "{icon} {title} — {period}{school}: {progress}, до {deadline}"
BUTTON_PERIOD = "{button} · {period}"  # when two rounds of one form are listed
PROGRESS_LINE = "отвечено {answered} из {total}"
QUESTIONS_GENITIVE: Forms = ("вопроса", "вопросов", "вопросов")  # "из 1 вопроса", "из 5 вопросов"
STATUS_SUBMITTED = "отправлена {at}"
ICONS = {"not_started": "⏳", "draft": "✏️", "submitted": "✅", "returned": "↩️", "accepted": "✅"}
BUTTON_START = "Заполнить: {title}"
BUTTON_CONTINUE = "Продолжить: {title}"
BUTTON_VIEW = "Посмотреть: {title}"
BUTTON_SCHOOL = "{button} · {school}"  # the same form of several schools: whose it is

PAUSED = "Черновик сохранён. Продолжить можно в любой момент: «Мои анкеты» → «Продолжить»."
OVERWRITTEN = "Этот ответ только что изменили ({name}): было «{old}». Сохранён ваш ответ: «{new}»."
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
RETURNED_NOTE = (
    "↩️ <b>Анкета возвращена на доработку</b> {at}.\n"
    "Комментарий методиста ({name}):\n{comment}\n\n"
    "Измените нужные ответы и отправьте анкету снова."
)

ANSWER_SAVED = "Ответ сохранён."

# Carry forward: last round's answer offered again in a recurring campaign.
CARRY_PREVIOUS = "В прошлый раз: {answer}"
CARRY_SAME = "✅ Без изменений"
CARRY_REST = "⏩ Все ответы — без изменений"
CARRY_GONE = "Прошлый ответ больше не подходит. Ответьте, пожалуйста, заново."
CARRY_DONE = "Оставлено без изменений ответов: {count}."


def progress_line(answered: int, total: int) -> str:
    """ "отвечено 2 из 11 вопросов" in the list of forms."""
    return PROGRESS_LINE.format(answered=answered, total=counted(total, QUESTIONS_GENITIVE))


# A monitoring of several forms without a title of its own.
MONITORING_OF = "Мониторинг: {forms}"
# Its heading in "Мои анкеты", above its forms (whose lines are indented under it).
MONITORING_LINE = "📂 <b>{title}</b> — {period}{school}: сдано {done}, до {deadline}"
MONITORING_ITEM = "    {line}"
MONITORING_FORM_LINE = "{icon} {title}: {progress}"  # the period and deadline are the heading's


def monitoring_done(done: int, total: int) -> str:
    """ "3 из 5 анкет" for a monitoring's heading."""
    return f"{done} из {counted(total, FORMS_GENITIVE)}"
