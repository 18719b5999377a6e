"""Texts of a plan's items in the chat: a person's items, a plan's items, an item's card, and
moving an item on (в работе, выполнено, перенесено, не выполнено).

HTML: the handlers escape what they insert.
"""

from storage.plans import ItemStatus

STATUS_NAMES = {
    ItemStatus.PLANNED: "запланировано",
    ItemStatus.IN_PROGRESS: "в работе",
    ItemStatus.DONE: "выполнено",
    ItemStatus.POSTPONED: "перенесено",
    ItemStatus.NOT_DONE: "не выполнено",
}
STATUS_ICONS = {
    ItemStatus.PLANNED: "🕓",
    ItemStatus.IN_PROGRESS: "▶️",
    ItemStatus.DONE: "✅",
    ItemStatus.POSTPONED: "📅",
    ItemStatus.NOT_DONE: "✖️",
}
OVERDUE = " ⏰"

# --- a person's open items ("📌 Мои пункты") ---
MY_ITEMS_HEADER = "<b>Ваши пункты планов</b> — нажмите номер, чтобы открыть пункт:"
MY_ITEMS_NONE = "За вами нет открытых пунктов планов."
MY_ITEMS_MORE = "…и ещё {count}: сначала закройте эти."
MY_ITEM_LINE = "{number}. п. {item}. {content} — до {due}{overdue}"

# --- a plan's items ("🗂 Пункты плана") ---
PLAN_ITEMS_BUTTON = "🗂 Пункты плана"
PLAN_ITEMS_HEADER = "<b>{title}</b>\nПункты плана, стр. {page} из {pages} — нажмите номер:"
PLAN_ITEM_SECTION = "<i>{section}</i>"
NO_SECTION = "Без раздела"
PLAN_ITEM_LINE = "{number}. {icon} п. {item}. {content} — до {due}{overdue}"
PREVIOUS_PAGE = "◀️"
NEXT_PAGE = "▶️"
PLAN_GONE = "Этот план больше не доступен."

# --- an item's card ---
CARD_TITLE = "<b>п. {number}. {content}</b>"
CARD_PLAN = "План: {title}"
CARD_SECTION = "Раздел: {section}"
CARD_DEADLINE = "Срок: до {due}{label}{overdue}"
CARD_OVERDUE = " ⏰ просрочен"
CARD_OWNERS = "Ответственные: {owners}"
CARD_NO_OWNERS = "не указаны"
CARD_STATUS = "Статус: {icon} {status}"
CARD_REPORT = "Отчёт: {report}"
CARD_LINK = "Подтверждение: {link}"
CARD_FILE = "Подтверждение: файл (кнопка «📎 Файл» ниже)"
CARD_HISTORY = "<b>История</b>"
CARD_NO_HISTORY = "Изменений пока не было."
# 16.10.2020 10:00 · Дурникова Анна Викторовна: ▶️ в работе
HISTORY_LINE = "{at} · {who}: {icon} {status}{due}{comment}"
HISTORY_DUE = " до {due}"
HISTORY_COMMENT = " — «{comment}»"
HISTORY_NOBODY = "кто-то"
CARD_READ_ONLY = "<i>Отмечать пункт могут его ответственные и методист, который ведёт план.</i>"
CARD_OWNER_NOTE = "<i>Отметить пункт невыполненным может методист, который ведёт план.</i>"

START_BUTTON = "▶️ В работе"
DONE_BUTTON = "✅ Выполнено"
POSTPONE_BUTTON = "📅 Перенести"
DROP_BUTTON = "✖️ Не выполнено"
FILE_BUTTON = "📎 Файл"
MY_ITEMS_BACK = "📌 Мои пункты"
OPEN_BUTTON = "📄 Открыть пункт"

# Alerts of a pressed button.
ITEM_CLOSED = "Этот пункт уже закрыт."
ITEM_GONE = "Этот пункт вам больше не доступен."
ONLY_MANAGER_DROPS = "Отметить пункт невыполненным может только методист, который ведёт план."
CANNOT_POSTPONE = (
    "Перенести этот пункт вы не можете: срок уже за пределами учебного года плана. "
    "Перенести его может методист, который ведёт план."
)
STARTED_ALERT = "▶️ Пункт в работе."
ALREADY_STARTED = "Пункт уже в работе."
NO_FILE = "Файла к этому пункту нет."

# --- выполнено: a report, then evidence ---
ASK_REPORT = (
    "П. {number} «{content}».\nКоротко напишите, что сделано (до {limit} знаков) — "
    "это увидит методист. Передумали: /cancel"
)
REPORT_TOO_LONG = "Слишком длинно: {length} знаков из {limit}. Сократите, пожалуйста."
REPORT_EMPTY = "Напишите словами, что сделано."
ASK_EVIDENCE = (
    "Приложите подтверждение: файл (документ или фото) или ссылку, например "
    "https://school5.ru/otchet. Если подтверждения нет, нажмите «Без подтверждения»."
)
NO_EVIDENCE_BUTTON = "Без подтверждения"
EVIDENCE_NOT_A_LINK = (
    "Это не похоже на ссылку. Пришлите адрес целиком, начиная с https://, или файл — "
    "или нажмите «Без подтверждения»."
)
EVIDENCE_TOO_LONG = "Ссылка длиннее {limit} знаков: пришлите подтверждение файлом."
EVIDENCE_WRONG_KIND = (
    "Подтверждением может быть файл (документ или фото) или ссылка. "
    "Если подтверждения нет, нажмите «Без подтверждения»."
)
REPORTED = "✅ Отмечено выполненным: п. {number} «{content}»{evidence}. Спасибо!"
REPORTED_WITH_LINK = " (со ссылкой)"
REPORTED_WITH_FILE = " (с файлом)"

# --- перенесено: a new deadline, then the reason ---
ASK_DEADLINE = (
    "П. {number} «{content}», срок сейчас — до {due}.\n"
    "Напишите новый срок: дату (25.12), месяц (декабрь) или «до 10.03» — не позднее {limit}; "
    "без года — в текущем учебном году. Передумали: /cancel"
)
DEADLINE_UNCLEAR = (
    "Не понял срок «{text}». Напишите дату (25.12 или 25.12.2026), месяц (декабрь), "
    "четверть (III четверть) или «до 10.03»."
)
DEADLINE_NOT_AFTER_TODAY = (
    "Это {due} — не позже сегодняшнего дня ({today}). Новый срок должен быть впереди; "
    "месяц без года я отношу к текущему учебному году, можно указать год: «август 2021»."
)
DEADLINE_SAME = "Это прежний срок ({due}). Напишите другой."
DEADLINE_TOO_LATE_OWNER = (
    "Это {due}, а перенести можно не позднее {limit} — конца учебного года плана. "
    "Дальше переносит методист, который ведёт план."
)
DEADLINE_TOO_LATE = "Это {due}, а перенести можно не позднее {limit}."
ASK_POSTPONE_REASON = (
    "Новый срок — до {due}. Почему переносится? Коротко, до {limit} знаков. Передумали: /cancel"
)
REASON_EMPTY = "Напишите причину словами."
REASON_TOO_LONG = "Слишком длинно: {length} знаков из {limit}. Сократите, пожалуйста."
POSTPONED = "📅 Перенесено: п. {number} «{content}» — теперь до {due}."

# --- не выполнено: the reason ---
ASK_DROP_REASON = (
    "П. {number} «{content}» будет отмечен невыполненным и закроется. "
    "Почему он не выполнен? Коротко, до {limit} знаков. Передумали: /cancel"
)
DROPPED = "✖️ Отмечено невыполненным: п. {number} «{content}»."

# A step that waits for words got something else (a sticker, a photo).
TEXT_WANTED = "Напишите ответ текстом. Передумали: /cancel"
