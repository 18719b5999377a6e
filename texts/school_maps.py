"""Texts of a school's own road map: its representative uploads it, the department approves it
or returns it for revision (HTML: the handlers escape what they insert)."""

# --- /plans: a line and a button per school the person represents
MAP_LINE = "🗺 Дорожная карта школы «{school}» на {year}: {state}"
MAP_BUTTON = "🗺 Дорожная карта школы"
MAP_BUTTON_OF = "🗺 Дорожная карта: {school}"  # a representative of several schools

# The state of a map, after "Состояние:" or in the /plans line.
STATE_NONE = "не представлена"
STATE_SUBMITTED = "на рассмотрении"
STATE_APPROVED = "утверждена"
STATE_RETURNED = "возвращена на доработку"
STATE_SUBMITTED_ON = "на рассмотрении (версия {version} от {date})"
STATE_APPROVED_ON = "утверждена {date}"
STATE_RETURNED_WITH = "возвращена на доработку: «{comment}»"

# --- the representative's card of the map
CARD_TITLE = "<b>Дорожная карта школы «{school}»</b> на {year} учебный год"
CARD_STATE = "Состояние: {state}"
CARD_COMMENT = "Комментарий управления: «{comment}»"
CARD_VERSIONS = "Версии:"
CARD_UPLOAD = (
    "Пришлите дорожную карту файлом .xlsx или .docx: таблица «№ п/п | Содержание мероприятия | "
    "Сроки | Ответственные», строки разделов между пунктами. Файл с ошибками не загружается — "
    "я перечислю каждую. Файл станет версией {version} и уйдёт на утверждение в управление "
    "образования. Выйти: /cancel"
)
CARD_UPLOAD_NOT_PLAN = "Этот файл станет дорожной картой школы, а не планом муниципалитета."
CARD_APPROVED = (
    "Утверждённую карту заменить нельзя. Если нужны изменения, обратитесь к методисту "
    "управления образования."
)
PROGRESS_BUTTON = "📊 Ход выполнения"

# --- uploading
WAITING = "Жду файл дорожной карты школы «{school}» (.xlsx или .docx). Выйти: /cancel"
WRONG_TYPE = "Нужен файл .xlsx или .docx с таблицей дорожной карты."
TOO_LARGE = "Файл больше {megabytes} МБ — пришлите таблицу дорожной карты поменьше."
NOT_SAVED = "❌ Дорожная карта не загружена: исправьте в файле и пришлите его снова."
WRONG_YEAR = (
    "❌ В заголовке файла — {found} учебный год, а принимается дорожная карта на {year}. "
    "Исправьте заголовок или пришлите карту на {year} учебный год."
)
SUBMITTED = (
    "✅ Дорожная карта школы «{school}» отправлена на утверждение — версия {version}: разделов "
    "{sections}, пунктов {items}; ответственных узнал среди людей бота: {known} из {people}. "
    "О решении управления я сообщу."
)
ALREADY_APPROVED = (
    "Дорожная карта школы «{school}» на {year} уже утверждена — заменить её нельзя. Если нужны "
    "изменения, обратитесь к методисту управления образования."
)
GONE = "Эта дорожная карта вам больше не доступна."

# --- the reviewer: a line per municipality in /plans, the list, the card
COUNTS = (
    "утверждены {approved}, на доработке {returned}, на рассмотрении {submitted}, "
    "не представлены {missing}"
)
SUMMARY = "🗺 Дорожные карты школ за {year}: {counts}"
SUMMARY_OF = SUMMARY + " ({municipality})"  # a reviewer of several municipalities
AWAITING_BUTTON = "🗺 На рассмотрении: {count}"
ALL_BUTTON = "🗺 Дорожные карты школ"
BUTTON_OF = "{button} ({municipality})"
LIST_TITLE = "<b>Дорожные карты школ за {year}</b> — {municipality}"
LIST_MISSING = "Не представили: {schools}."
LIST_HOW_TO = "Откройте карту: пришлю её файл, ход выполнения и кнопки решения."
LIST_EMPTY = "Школы ещё не прислали ни одной дорожной карты."
LIST_MORE = "…и ещё {count}: сначала решите по этим."
LIST_BUTTON = "{mark} {school} · версия {version} от {date}"
MARK_SUBMITTED = "⏳"
MARK_RETURNED = "↩️"
MARK_APPROVED = "✅"

DOCUMENT_CAPTION = "Дорожная карта школы «{school}» · версия {version} от {date}"
REVIEW_TITLE = "<b>Дорожная карта школы «{school}»</b> · {year} учебный год"
VERSION_LINE = "• Версия {version} от {date}{author} — {outcome}"
VERSION_AUTHOR = ", {name}"
OUTCOME_AWAITING = "на рассмотрении"
OUTCOME_REPLACED = "заменена следующей версией"
OUTCOME_APPROVED = "утверждена {date}{by}"
OUTCOME_RETURNED = "возвращена {date}{by}: «{comment}»"
OUTCOME_BY = " ({name})"
APPROVE_BUTTON = "✅ Утвердить"
RETURN_BUTTON = "↩️ Вернуть на доработку"
BACK_BUTTON = "« К списку"
CANCEL_BUTTON = "Отмена"

ASK_COMMENT = (
    "Что исправить в дорожной карте школы «{school}»? Напишите одним сообщением "
    "(до {limit} знаков) — школа получит его вместе с решением."
)
EMPTY_COMMENT = "Напишите, что исправить: без комментария карту не вернуть."
LONG_COMMENT = "Слишком длинно: {length} знаков из {limit}. Сократите, пожалуйста."
RETURN_CANCELLED = "Хорошо, карта не возвращена."
APPROVED_DONE = "✅ Дорожная карта школы «{school}» (версия {version}) утверждена."
RETURNED_DONE = "↩️ Дорожная карта школы «{school}» (версия {version}) возвращена на доработку."
NOTIFIED = "Сообщил представителям школы: {sent} из {count}."
NOBODY_TO_NOTIFY = "Представителей школы в боте нет — сообщите о решении сами."
NOT_AWAITING = "Карта уже не ждёт решения: она {state}."
NEWER_VERSION = "Школа прислала новую версию ({version}) — откройте карту заново."

# --- what the school's representatives are told
NOTICE_APPROVED = (
    "✅ Дорожная карта школы «{school}» на {year} учебный год утверждена управлением образования "
    "(версия {version})."
)
NOTICE_RETURNED = (
    "↩️ Дорожная карта школы «{school}» на {year} учебный год возвращена на доработку (версия "
    "{version}).\nКомментарий: «{comment}»\nИсправьте и пришлите новую версию."
)
OPEN_BUTTON = "🗺 Открыть дорожную карту"
