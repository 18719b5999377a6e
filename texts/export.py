"""Texts of /export."""

NOT_ALLOWED = "Выгрузка доступна методистам, координаторам и администраторам."
NOTHING = "Пока нет мониторингов со школами из вашей зоны — выгружать нечего."
CHOOSE = "Что выгрузить в Excel? Один период мониторинга или все его периоды (Динамика)."
CAMPAIGN_BUTTON = "{label}{town}{closed}"
CLOSED_MARK = " (закрыт)"
FORM_BUTTON = "📈 {form} — все периоды ({count})"
CHOOSE_DISTRICT = "По всей зоне или по одному образовательному округу?"
WHOLE_SCOPE = "Все школы ({count})"
DISTRICT_BUTTON = "{district} ({count})"
PREPARING = "Готовлю файл…"
CAPTION = "{title}: {scope}. Сдали {done} из {total}{late}."
CAPTION_MONITORING = (
    "{title}: {scope}. Анкет в мониторинге: {forms}. Сдали все анкеты {done} из {total}{late}."
)
CAPTION_LATE = ", не сдали в срок: {late}"
GONE = "Этого мониторинга больше нет в вашей зоне. Откройте /export заново."
MIXED = "Это разные мониторинги (у них разные анкеты); выберите один."

# /file CODE: a file a school uploaded as an answer (the export names the code).
FILE_USAGE = "Пришлите код файла из выгрузки: /file КОД"
FILE_NOT_FOUND = "Файла с кодом «{code}» нет среди ответов школ, которые вы можете смотреть."
