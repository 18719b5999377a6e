"""Texts of reminders (HTML: the values are escaped by the caller)."""

OPENING = "Открыта анкета «{title}» ({period}) для {school}. Срок — {deadline}."
BEFORE = (
    "Напоминание: до срока сдачи анкеты «{title}» ({period}) за {school} осталось дней: {days}. "
    "Срок — {deadline}."
)
DEADLINE = "Сегодня последний день: анкета «{title}» ({period}) за {school}, срок — {deadline}."
OPEN_BUTTON = "Открыть анкету"
