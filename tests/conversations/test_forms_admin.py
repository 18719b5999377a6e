"""/forms_admin over the fake Bot API (issue 18): a methodist gets the questionnaire template and
any of the bot's forms as a workbook that reads back into the same form; a school's
representative is refused."""

from core.forms.workbook.reader import read_form_workbook
from storage.people import Role
from tests.factories import make_person, make_town
from tests.harness import BotHarness
from texts import form_workbook as file_texts
from texts import forms_admin as texts

METHODIST, TEACHER = 951, 952


async def test_a_methodist_gets_the_template_and_a_form_as_workbooks(
    harness: BotHarness,
) -> None:
    town = await make_town(harness.database)
    await make_person(
        harness.database, METHODIST, Role.METHODIST, municipality_id=town.municipality.id
    )
    await make_person(harness.database, TEACHER, Role.RESPONDENT, school_id=town.schools[0].id)
    methodist = harness.user(METHODIST)

    await methodist.send("/forms_admin")
    template = await methodist.next_message()
    assert template.document is not None
    assert template.document.file_name == file_texts.TEMPLATE_FILE
    assert template.plain_text == texts.TEMPLATE_CAPTION
    reading = read_form_workbook(template.document.content)
    assert reading.problems == []
    assert reading.definition is not None
    listing = await methodist.next_message()
    assert listing.plain_text == texts.FORMS_LIST
    vpr = harness.catalog.current["vpr"]
    button = texts.FORM_BUTTON.format(title=vpr.short_title, version=vpr.version)
    assert button in listing.button_texts

    await methodist.press(button, message=listing)
    sent = await methodist.next_message()
    assert sent.document is not None
    assert sent.document.file_name == "Анкета «Результаты ВПР», версия 2.xlsx"
    back = read_form_workbook(sent.document.content)
    assert back.definition == vpr  # the table, its checks and thresholds included

    teacher = harness.user(TEACHER)
    await teacher.send("/forms_admin")
    assert (await teacher.next_message()).plain_text == texts.NOT_ALLOWED
