"""Texts of the reminders about plans' items and of the digests of overdue items (HTML: the
values are escaped by the caller)."""

# One item, one message.
BEFORE = "🔔 Через {days} — срок пункта плана {plan}:\n{item}\nСрок: до {deadline}."
TOMORROW = "🔔 Завтра — срок пункта плана {plan}:\n{item}\nСрок: до {deadline}."
DEADLINE = "📅 Сегодня последний день по пункту плана {plan}:\n{item}\nСрок: до {deadline}."
OVERDUE = "⏰ Истёк срок пункта плана {plan}:\n{item}\nСрок был: до {deadline}."
HOW_TO_REPORT = "Когда пункт выполнен, нажмите «✅ Выполнено» и коротко напишите, что сделано."
DONE_BUTTON = "✅ Выполнено"

# Several items in one message.
LIST_HEADER = "🔔 Пункты планов, за которые вы отвечаете:"
STAGE_HEADERS = {
    "overdue": "⏰ Срок истёк:",
    "deadline": "📅 Сегодня последний день:",
    "before": "🔔 Срок скоро:",
}
PLAN_HEADING = "<b>{plan}</b>"
SECTION_HEADING = "<i>{section}</i>"
LIST_LINE = "{n}. {item} — до {deadline}"
LIST_MORE = "…и ещё пунктов: {count} — все они в /plans → «📌 Мои пункты»."
HOW_TO_REPORT_MANY = (
    "Когда пункт выполнен, нажмите кнопку с его номером и коротко напишите, что сделано."
)
DONE_NUMBERED_BUTTON = "✅ {n}"

# The daily digest of overdue items for coordinators and methodists.
DIGEST_HEADER = "⏰ Просроченные пункты планов на {day}: {count}"
DIGEST_LINE = "• {item} — до {due}; {owners}"
DIGEST_LINE_SCHOOLS = "{line} ({schools})"
DIGEST_MORE = "…и ещё {count}."
DIGEST_FOOTER = "Планы и отметки о выполнении — /plans"

# An order's instructions as a plan.
INSTRUCTIONS_TITLE = "Поручения по мониторингу «{title}» ({period})"
REPRESENTATIVE = "представитель школы"
