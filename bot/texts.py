"""Every Russian text the bot shows, in one catalog.

Handlers and keyboards take their words from here; nothing user-facing is spelled elsewhere.
Texts are HTML (the bot's default parse mode): values from users go through ``html.escape``.
"""

from storage.people import Role

ROLE_NAMES: dict[Role, str] = {
    Role.ADMIN: "администратор",
    Role.METHODIST: "методист",
    Role.COORDINATOR: "координатор",
    Role.RESPONDENT: "ответственный от школы",
}

# --- commands (descriptions for the Telegram menu) ---
COMMAND_START = "Начало работы"
COMMAND_HELP = "Что умеет бот"
COMMAND_CANCEL = "Отменить текущее действие"

# --- /start and /help ---
START_STRANGER = (
    "Здравствуйте! Это бот мониторинга школ с низкими образовательными результатами (ШНОР).\n\n"
    "Доступ выдаётся по приглашению: попросите методиста или администратора управления "
    "образования прислать вам ссылку-приглашение и откройте её в Telegram."
)
START_KNOWN = "Здравствуйте, {name}! Вы вошли как {roles}.\n\n{help}"

HELP_HEADER = "Что можно сделать:"
HELP_COMMON = ["/help — эта подсказка", "/cancel — отменить текущее действие"]
HELP_BY_ROLE: dict[Role, list[str]] = {
    Role.RESPONDENT: ["заполнять анкеты мониторинга за свою школу (скоро)"],
    Role.COORDINATOR: ["видеть, какие школы сдали анкеты, и напоминать опаздывающим (скоро)"],
    Role.METHODIST: ["проводить мониторинги и выгружать сводную таблицу Excel (скоро)"],
    Role.ADMIN: ["загружать справочник школ и приглашать людей (скоро)"],
}
HELP_STRANGER = (
    "Бот доступен по приглашению. Попросите методиста или администратора прислать вам "
    "ссылку-приглашение."
)

# --- /cancel ---
CANCELLED = "Действие отменено. Ответы, которые вы уже дали, сохранены."
NOTHING_TO_CANCEL = "Сейчас нечего отменять. /help — что умеет бот."

# --- fallback ---
UNKNOWN_COMMAND = "Не знаю команду {command}. /help — список доступных команд."
UNEXPECTED_TEXT = "Не понял сообщение. /help — что умеет бот."
UNEXPECTED_MEDIA = (
    "Я понимаю только текст, команды и кнопки под сообщениями. /help — что умеет бот."
)
STALE_BUTTON = "Эта кнопка устарела. Откройте нужный раздел заново."
