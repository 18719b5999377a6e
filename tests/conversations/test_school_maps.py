"""A school's own road map over the fake Bot API (seed 003: maps approved or under revision): the
school's representative uploads seed 001's road map as theirs, the methodist sees the counts,
opens it, returns it with a comment; the school is told, sends version 2, which is approved."""

from datetime import datetime
from zoneinfo import ZoneInfo

from storage.people import Role, get_user_by_telegram_id, grant_role
from tests.factories import make_person, make_town
from tests.harness import BotHarness
from tests.plans.seed import seed_docx, seed_xlsx
from texts import plans as plan_texts
from texts import school_maps as texts

METHODIST, TEACHER, DIRECTOR = 911, 912, 913
TOMSK = ZoneInfo("Asia/Tomsk")


async def test_a_school_map_is_returned_sent_again_and_approved(harness: BotHarness) -> None:
    harness.clock.set(datetime(2020, 9, 1, 10, tzinfo=TOMSK))
    kedrovy = await make_town(harness.database, "Город Кедровый", ("СОШ № 1", "Пудинская СОШ"))
    school = kedrovy.schools[0]
    await make_person(
        harness.database, METHODIST, Role.METHODIST, full_name="Смирнова Елена Александровна",
        municipality_id=kedrovy.municipality.id,
    )  # fmt: skip
    await make_person(
        harness.database, TEACHER, Role.RESPONDENT, full_name="Дурникова Анна Викторовна",
        school_id=school.id,
    )  # fmt: skip
    teacher, methodist = harness.user(TEACHER), harness.user(METHODIST)

    await teacher.send("/plans")
    listing = await teacher.next_message()
    assert "🗺 Дорожная карта школы «СОШ № 1» на 2020/21: не представлена" in (
        listing.plain_text or ""
    )
    await teacher.press(texts.MAP_BUTTON, message=listing)
    card = (await teacher.next_message()).plain_text or ""
    assert "Состояние: не представлена" in card
    assert "Файл станет версией 1 и уйдёт на утверждение" in card
    await teacher.send("вот")
    assert (await teacher.next_message()).plain_text == texts.WAITING.format(school="СОШ № 1")
    await teacher.send_document("дорожная карта.xlsx", seed_xlsx())
    sent = (await teacher.next_message()).plain_text or ""
    assert sent.startswith("✅ Дорожная карта школы «СОШ № 1» отправлена на утверждение — версия 1")
    assert "пунктов 39; ответственных узнал среди людей бота: 2 из 7" in sent
    board = (await teacher.next_message()).plain_text or ""
    assert "2020/2021 учебный год · пунктов: 39" in board

    # The methodist: the counts, the list, the map with its file.
    await methodist.send("/plans")
    plans = await methodist.next_message()
    assert (
        "🗺 Дорожные карты школ за 2020/21: утверждены 0, на доработке 0, на рассмотрении 1, "
        "не представлены 1" in (plans.plain_text or "")
    )
    assert texts.AWAITING_BUTTON.format(count=1) in plans.button_texts
    assert not any(text.startswith("2020/21 · ") for text in plans.button_texts)  # no plan
    await methodist.press(texts.AWAITING_BUTTON.format(count=1), message=plans)
    listed = await methodist.next_message()
    assert "Не представили: Пудинская СОШ." in (listed.plain_text or "")
    assert listed.button_texts == ["⏳ СОШ № 1 · версия 1 от 01.09"]
    await methodist.press(listed.button_texts[0], message=listed)
    document = await methodist.next_message()
    assert document.document is not None
    assert (document.document.file_name, document.document.content) == (
        "дорожная карта.xlsx",
        seed_xlsx(),
    )
    assert document.plain_text == "Дорожная карта школы «СОШ № 1» · версия 1 от 01.09.2020"
    first_card = await methodist.next_message()
    text = first_card.plain_text or ""
    assert "• Версия 1 от 01.09.2020, Дурникова Анна Викторовна — на рассмотрении" in text
    assert "Выполнено 0 · в работе 0 · запланировано 39" in text
    assert first_card.button_texts == [
        texts.APPROVE_BUTTON,
        texts.RETURN_BUTTON,
        texts.BACK_BUTTON,
    ]

    await methodist.press(texts.RETURN_BUTTON, message=first_card)
    assert "Что исправить в дорожной карте школы «СОШ № 1»?" in (
        (await methodist.next_message()).plain_text or ""
    )
    await methodist.send("   ")
    assert (await methodist.next_message()).plain_text == texts.EMPTY_COMMENT
    await methodist.send("Добавьте мероприятия по ВПР с датами")
    returned = (await methodist.next_message()).plain_text or ""
    assert returned.startswith(
        "↩️ Дорожная карта школы «СОШ № 1» (версия 1) возвращена на доработку."
    )
    assert "Сообщил представителям школы: 1 из 1." in returned

    notice = await teacher.next_message()
    assert (notice.plain_text or "").startswith(
        "↩️ Дорожная карта школы «СОШ № 1» на 2020/21 учебный год возвращена на доработку "
        "(версия 1)."
    )
    assert "Комментарий: «Добавьте мероприятия по ВПР с датами»" in (notice.plain_text or "")
    await teacher.press(texts.OPEN_BUTTON, message=notice)
    card = (await teacher.next_message()).plain_text or ""
    assert "Состояние: возвращена на доработку" in card
    assert "Комментарий управления: «Добавьте мероприятия по ВПР с датами»" in card
    assert "Файл станет версией 2" in card
    harness.clock.set(datetime(2020, 9, 3, 9, tzinfo=TOMSK))
    await teacher.send_document("дорожная карта v2.docx", seed_docx())
    assert "версия 2" in ((await teacher.next_message()).plain_text or "")
    await teacher.next_message()  # the board

    # The card the methodist still has shows version 1: its buttons no longer decide.
    stale = await methodist.press(texts.APPROVE_BUTTON, message=first_card)
    await harness.settle()
    assert (methodist.callback_answer(stale) or {}).get("text") == texts.NEWER_VERSION.format(
        version=2
    )
    await methodist.send("/plans")
    plans = await methodist.next_message()
    assert "на доработке 0, на рассмотрении 1" in (plans.plain_text or "")
    await methodist.press(texts.AWAITING_BUTTON.format(count=1), message=plans)
    listed = await methodist.next_message()
    await methodist.press("⏳ СОШ № 1 · версия 2 от 03.09", message=listed)
    document = await methodist.next_message()
    assert document.document is not None
    assert document.document.file_name == "дорожная карта v2.docx"
    second_card = await methodist.next_message()
    text = second_card.plain_text or ""
    assert (
        "• Версия 1 от 01.09.2020, Дурникова Анна Викторовна — возвращена 01.09.2020 "
        "(Смирнова Елена Александровна): «Добавьте мероприятия по ВПР с датами»" in text
    )
    assert "• Версия 2 от 03.09.2020, Дурникова Анна Викторовна — на рассмотрении" in text
    await methodist.press(texts.APPROVE_BUTTON, message=second_card)
    approved = (await methodist.next_message()).plain_text or ""
    assert approved.startswith("✅ Дорожная карта школы «СОШ № 1» (версия 2) утверждена.")
    assert second_card.button_texts == []  # taken off
    assert (await teacher.next_message()).plain_text == (
        "✅ Дорожная карта школы «СОШ № 1» на 2020/21 учебный год утверждена управлением "
        "образования (версия 2)."
    )

    await methodist.send("/plans")
    plans = await methodist.next_message()
    assert "утверждены 1, на доработке 0, на рассмотрении 0, не представлены 1" in (
        plans.plain_text or ""
    )
    assert texts.ALL_BUTTON in plans.button_texts
    await teacher.send("/plans")
    listing = await teacher.next_message()
    assert "🗺 Дорожная карта школы «СОШ № 1» на 2020/21: утверждена 03.09.2020" in (
        listing.plain_text or ""
    )
    await teacher.press(texts.MAP_BUTTON, message=listing)
    card = (await teacher.next_message()).plain_text or ""
    assert texts.CARD_APPROVED in card
    assert "Пришлите" not in card


async def test_a_methodist_who_represents_a_school_chooses_where_a_file_goes(
    harness: BotHarness,
) -> None:
    harness.clock.set(datetime(2020, 9, 1, 10, tzinfo=TOMSK))
    kedrovy = await make_town(harness.database, "Город Кедровый", ("СОШ № 1",))
    await make_person(
        harness.database, DIRECTOR, Role.METHODIST, municipality_id=kedrovy.municipality.id
    )
    async with harness.database.write() as conn:
        user = await get_user_by_telegram_id(conn, DIRECTOR)
        assert user is not None
        await grant_role(conn, user.id, Role.RESPONDENT, school_id=kedrovy.schools[0].id)
    director = harness.user(DIRECTOR)

    await director.send("/plans")
    listing = await director.next_message()
    assert plan_texts.UPLOAD_HOW_TO in (listing.plain_text or "")  # /plans: the municipality's
    await director.press(texts.MAP_BUTTON, message=listing)
    card = (await director.next_message()).plain_text or ""
    assert texts.CARD_UPLOAD_NOT_PLAN in card
    await director.send_document("карта школы.xlsx", seed_xlsx())
    assert ((await director.next_message()).plain_text or "").startswith(
        "✅ Дорожная карта школы «СОШ № 1» отправлена на утверждение"
    )
    await director.next_message()  # the board

    # It is the school's map, awaiting a decision, and no municipality's plan.
    await director.send("/plans")
    listing = await director.next_message()
    text = listing.plain_text or ""
    assert plan_texts.NO_PLANS in text
    assert (
        "🗺 Дорожная карта школы «СОШ № 1» на 2020/21: на рассмотрении (версия 1 от 01.09.2020)"
        in text
    )
    assert "на рассмотрении 1, не представлены 0" in text
