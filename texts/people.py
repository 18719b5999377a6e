"""Texts of onboarding, invitations, people management and /whoami."""

from storage.people import Role

ROLE_NAMES_PLURAL: dict[Role, str] = {
    Role.ADMIN: "Администраторы",
    Role.METHODIST: "Методисты",
    Role.COORDINATOR: "Координаторы",
    Role.RESPONDENT: "Ответственные от школ",
}
ROLE_BUTTONS: dict[Role, str] = {
    Role.RESPONDENT: "Ответственный от школы",
    Role.COORDINATOR: "Координатор",
    Role.METHODIST: "Методист",
    Role.ADMIN: "Администратор",
}

# --- scopes ---
SCOPE_EVERYTHING = "все муниципалитеты"
SCOPE_SCHOOL = "{school} ({municipality})"
SCOPE_DISTRICT = "{district} ({municipality})"
SCOPE_MUNICIPALITY = "{municipality}"

# --- opening an invitation ---
# Keyed by ``core.invitations.Refusal`` values (a StrEnum member finds its value's entry).
REFUSALS: dict[str, str] = {
    "malformed": (
        "Ссылка-приглашение повреждена. Скопируйте её целиком или попросите новую у того, "
        "кто её прислал."
    ),
    "unknown": "Такого приглашения нет. Проверьте ссылку или попросите новую.",
    "revoked": "Это приглашение отозвано. Попросите у методиста новое.",
    "expired": "Срок действия приглашения истёк. Попросите у методиста новое.",
    "used_up": (
        "По этой ссылке уже зарегистрировалось разрешённое число людей. Попросите новую ссылку."
    ),
}
WELCOME = "Добро пожаловать! Вы зарегистрированы: {role} — {scope}."
ALREADY_MEMBER = "Вы уже зарегистрированы: {role} — {scope}."
ASK_FULL_NAME = "Как вас зовут? Напишите фамилию, имя и отчество, например: Иванова Мария Петровна."
BAD_FULL_NAME = (
    "Не похоже на фамилию, имя и отчество. Напишите их буквами через пробел, например: "
    "Иванова Мария Петровна."
)
ASK_POSITION = (
    "Ваша должность? Например: заместитель директора по УВР. Её увидят методисты и координаторы."
)
BAD_POSITION = "Напишите должность текстом, не длиннее 200 знаков."
SKIP = "Пропустить"
REGISTERED = "Готово, {name}!\n\n{help}"
TEXT_EXPECTED = "Пожалуйста, ответьте текстом."
# A respondent of one school opens a respondent link of another: asked before anything changes.
ANOTHER_SCHOOL = "Вы уже ответственный от {held}. Добавить {school}?"
ADD_SCHOOL_YES = "Да, добавить"
ADD_SCHOOL_NO = "Нет"
SCHOOL_ADDED = "Готово, школа добавлена: {role} — {scope}."
SCHOOL_NOT_ADDED = (
    "Хорошо, ничего не изменилось: {school} не добавлена. "
    "Если передумаете, откройте ссылку ещё раз."
)

# --- /invite ---
INVITE_NOT_ALLOWED = "Приглашать людей могут методисты и администраторы."
INVITE_CHOOSE_ROLE = "Кого пригласить?"
INVITE_CHOOSE_MUNICIPALITY = "Для какого муниципалитета методист?"
INVITE_REGIONAL = "Все муниципалитеты (региональный методист)"
INVITE_CHOOSE_COORDINATOR_SCOPE = "Координатор отвечает за округ или за выбранные школы:"
INVITE_PICK_SCHOOLS = "Выбрать школы"
INVITE_CHOOSE_SCHOOL = (
    "Выберите школу или напишите часть её названия (например: «СОШ 5» или «Мирненская»)."
)
INVITE_CHOOSE_SCHOOLS = (
    "Отметьте школы координатора и нажмите «Готово». Можно написать часть названия для поиска."
)
INVITE_NO_SCHOOLS = "Школы не найдены по запросу «{query}». Попробуйте иначе."
INVITE_NO_DIRECTORY = "В вашей зоне нет ни одной школы. Сначала загрузите справочник: /import."
INVITE_DONE_SELECTING = "Готово ({count})"
INVITE_SELECT_AT_LEAST_ONE = "Отметьте хотя бы одну школу."
INVITE_CHOOSE_USES = "Сколько человек смогут зарегистрироваться по ссылке?"
INVITE_USES_UNLIMITED = "Без ограничения"
INVITE_CREATED = (
    "Приглашение готово: {role} — {scope}.\n"
    "Действует до {expires}, {uses}.\n\n"
    "Перешлите ссылку человеку, которого приглашаете:\n{link}"
)
USES_LIMIT = "можно использовать {count}"  # "3 раза", from texts.plurals
USES_NO_LIMIT = "без ограничения числа использований"
PREVIOUS = "◀"
NEXT = "▶"
CHECKED = "✅ "

# --- /invitations ---
INVITATIONS_NONE = "Действующих приглашений нет. /invite — создать."
INVITATIONS_HEADER = "Действующие приглашения:"
INVITATION_LINE = "{number}. {role} — {scope}; до {expires}; использовано {uses}"
REVOKE_BUTTON = "Отозвать №{number}"
REVOKED = "Приглашение отозвано: ссылка больше не работает."
ALREADY_REVOKED = "Это приглашение уже не действует."

# --- /invite_all ---
INVITE_ALL_NONE = "В вашей зоне нет школ. Сначала загрузите справочник: /import."
INVITE_ALL_CAPTION = (
    "Ссылки-приглашения для ответственных от {count} школ. Каждая действует до {expires} "
    "и годится для {uses} человек. Разошлите их школам."
)
INVITE_ALL_HEADER = [
    "Муниципалитет",
    "Округ",
    "Школа",
    "Полное наименование",
    "Ссылка-приглашение",
    "Действует до",
    "Сколько человек может зарегистрироваться",
]
INVITE_ALL_FILE = "Приглашения_{date}.xlsx"

# --- /people ---
PEOPLE_NOT_ALLOWED = "Список людей доступен методистам и администраторам."
PEOPLE_NONE = "Никого не найдено."
PEOPLE_HEADER = "Люди ({count}):"
PEOPLE_ALL = "Все"
PERSON_CARD = "{name}\n{position}\n{roles}"
PERSON_NO_POSITION = "должность не указана"
PERSON_ROLE_LINE = "• {role} — {scope}"
MAKE_ROLE = "{scope}: сделать «{role}»"
REMOVE_PERSON = "Удалить из бота"
CONFIRM_REMOVE = "Удалить {name}? Ответы этого человека сохранятся."
CONFIRM_YES = "Да, удалить"
CONFIRM_NO = "Отмена"
PERSON_REMOVED = "{name} больше не имеет доступа к боту. Ответы сохранены."
PERSON_ROLES_REMOVED = "Роли в вашей зоне сняты: {count}. Другие роли человека остались."
ROLE_CHANGED = "Роль изменена: {role} — {scope}."

# --- /whoami ---
WHOAMI = "Вы: {name}\n{position}\n\nРоли:\n{roles}"
WHOAMI_STRANGER = "Вы пока не зарегистрированы. Доступ выдаётся по приглашению."
WHOAMI_BOOTSTRAP = "администратор (из настроек ADMIN_IDS)"

# --- access ---
ACCESS_DENIED = "Недостаточно прав для этого действия."
