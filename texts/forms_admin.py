"""Texts of /forms_admin: the questionnaire template and the bot's forms as workbooks."""

NOT_ALLOWED = "Анкеты в Excel доступны методистам и администраторам."
TEMPLATE_CAPTION = (
    "📄 Шаблон анкеты: листы «Настройки», «Вопросы», «Варианты», «Таблицы» и «Как заполнять» — "
    "в нём пример анкеты, замените его вопросы своими."
)
FORMS_LIST = "Анкеты бота — любую можно получить файлом и взять за основу:"
FORM_BUTTON = "📄 {title} (версия {version})"
FORM_CAPTION = "📄 «{title}», версия {version} — в том же виде, что и шаблон."
STALE = "Этой анкеты уже нет. Откройте /forms_admin заново."
