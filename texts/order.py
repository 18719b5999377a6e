"""The analytic order's words (распоряжение): its fixed parts and the default wording of a
question that carries none, in the style of the department's orders (seed 000)."""

# --- the letterhead, the title, the preamble ---
HEAD_DEPARTMENT = "ОРГАН УПРАВЛЕНИЯ ОБРАЗОВАНИЕМ"
DOCUMENT_TYPE = "РАСПОРЯЖЕНИЕ"
DATE_AND_NUMBER = "«___» ____________ 20___ г.\t\t\t\t\t№ ________"
TITLE_OF_MONITORING = "О результатах анализа мониторинга {rest}"  # "Мониторинг выполнения …"
TITLE_QUOTED = "О результатах анализа мониторинга «{title}»"
PREAMBLE_OF_MONITORING = (
    "Проведен мониторинг {rest} за {period} в общеобразовательных учреждениях: {schools}."
)
PREAMBLE_QUOTED = (
    "Проведен мониторинг «{title}» за {period} в общеобразовательных учреждениях: {schools}."
)
PREAMBLE_SUBMITTED = "Результаты мониторинга представили {done} из {total} {schools}."
FINDINGS_LEAD = "На основе анализа результатов мониторинга выявлено следующее:"

# --- a finding ---
IN_SCHOOLS = "{text} в {schools}"  # "Проводятся дополнительные занятия … в ООУ № 5, 11"
SCHOOL_PARAGRAPH = "В {school} {phrases}."  # "В МАОУ СОШ № 28 имеется положение о ВСОКО, …"
DATED = "от {date}"  # a date detailing a school's answer: "(от 25.12.2020)"
TOPIC_LEAD = "{topic}:"  # a finding told only school by school
SAME_NOTE = "{schools} (во всех — {note})"  # every school listed has the same detail
TOWN_LIST = "{town}: {schools}"  # the schools of one municipality, when there are several
# A question with no wording of its own: its text and each answer with its schools.
PLAIN_QUESTION = "{question}: {answers}"
PLAIN_ANSWER = "«{answer}» — {schools}"
OTHER = "другое"
OTHER_FINDING = "указан другой ответ"  # the schools that answered «Другое», with their text

# --- Выводы ---
CONCLUSIONS = "Выводы"
SUBMITTED_SHARE = "Результаты мониторинга представили"
SUBMITTED_LINE = (
    "– Результаты мониторинга представили {count} из {total} {schools} ({percent} %){previous}."
)
SHARE_LINE = "– {text} — в {count} из {total} {schools} ({percent} %){previous}."
EVERYWHERE_LINE = "– Во всех школах ({total} из {total}): {items}."
SHARE_PREVIOUS = "; за {period} — {count} из {total} ({percent} %)"

# --- the schools that did not submit ---
NOT_SUBMITTED = "Не представили результаты мониторинга: {schools}."
NOT_SUBMITTED_ONE = "{school} (не сдана анкета «{forms}»)"
NOT_SUBMITTED_SOME = "{school} (не сданы {word}: {forms})"
NOT_SUBMITTED_NONE = "{school} (не сдано ни одной анкеты)"
ALL_SUBMITTED = "Результаты мониторинга представили все школы."

# --- the instructions ---
INSTRUCTIONS_LEAD = "Руководителям общеобразовательных учреждений в срок до {deadline}:"
INSTRUCTION = "{action} — {schools}."
SUBMIT_MISSING = "Представить результаты мониторинга в полном объёме"
CONTROL = "Контроль исполнения настоящего распоряжения возложить на {controller}."
CONTROLLER_BLANK = "__________________________________"
DEADLINE_BLANK = "«___» ____________ 20___ г."

# --- the signature ---
SIGNATURE_POSITION = "Руководитель органа управления образованием"
SIGNATURE_NAME = "И.О. Фамилия"
EXECUTOR = "Исполнитель: {name}"
