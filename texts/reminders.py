"""Texts of reminders (HTML: the values are escaped by the caller)."""

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
    "Не удалось доставить напоминание: {name} ({school}) заблокировал(а) бота или удалил(а) "
    "аккаунт. Свяжитесь, пожалуйста, другим способом."
)
