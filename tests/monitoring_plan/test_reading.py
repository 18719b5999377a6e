"""Reading a monitoring plan (issue 18): seed 004's 19-line schedule pasted from Word (page
breaks included) or as a workbook, a plan with many mistakes reported by row and column, the
template read back, forms and owners matched."""

import io
from collections.abc import Sequence

import openpyxl
import pytest

from bot.catalog import builtin_forms
from core.monitoring_plan.files import PlanFileError, read_workbook, template_workbook
from core.monitoring_plan.loader import match_plan
from core.monitoring_plan.reading import PlanReading, read_text, text_rows
from core.plans.matching import KnownPerson
from core.plans.owners import parse_owners
from core.schedule import Months, Recurrence, recurrence_months
from storage.monitoring_plan import UNMATCHED_LIMIT, unmatched_text
from tests.monitoring_plan.seed import PEOPLE, as_rows, schedule_text, with_forms

JUNE = Months((6,))


def workbook(rows: Sequence[Sequence[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check_seed(reading: PlanReading) -> None:
    assert reading.problems == ()
    assert reading.lines is not None
    lines = reading.lines
    assert [line.number for line in lines] == [str(number) for number in range(1, 20)]
    by_number = {line.number: line for line in lines}
    assert [line.recurrence for line in lines] == [
        Recurrence.YEARLY,
        Recurrence.MONTHLY,
        Recurrence.YEARLY,  # "1 раз в год, Май"
        JUNE,  # "1 раз в год, июнь"
        Recurrence.SEMIANNUAL,
        Recurrence.YEARLY,
        Recurrence.YEARLY,
        Recurrence.YEARLY,
        Recurrence.YEARLY,
        Recurrence.YEARLY,
        Recurrence.QUARTERLY,
        Recurrence.QUARTERLY,
        Recurrence.SEMIANNUAL,  # "2 раз в год (входной-октябрь, итоговый-май)"
        Recurrence.SEMIANNUAL,
        Recurrence.QUARTERLY,
        Recurrence.MONTHLY,
        Recurrence.YEARLY,
        Recurrence.YEARLY,
        Recurrence.YEARLY,
    ]
    assert recurrence_months(by_number["4"].recurrence) == {6}
    assert recurrence_months(by_number["13"].recurrence) == {10, 5}
    owners = {
        number: [person.name for person in parse_owners(line.owners).people]
        for number, line in by_number.items()
    }
    assert owners["13"] == ["Максимова О.А.", "Смирнова О.В."]
    assert owners["14"] == ["Лапшина Г.Ю.", "Аксиненко О.С."]
    assert all(len(names) >= 1 for names in owners.values())
    # The rows a page break split are joined to their line.
    assert by_number["8"].owners == "Лапшина Г.Ю., специалист по УМР Управления образования"
    assert by_number["17"].direction.startswith("Мониторинг охвата детей с ОВЗ проф")
    assert by_number["17"].direction.endswith("мероприятиями")
    assert by_number["17"].owners.startswith("Мусабекова С.В., методист муниципального центра")
    assert [by_number[n].section for n in ("1", "4", "7", "11", "18", "19")] == [
        "Управленческие механизмы",
        "Результаты ВПР, ОГЭ, ЕГЭ, независимой оценки качества образования",
        "Педагоги",
        "Обучающиеся",
        "Образовательная среда",
        "Социальные партнеры",
    ]
    assert by_number["1"].row == 3  # the header is row 1, the first section row 2
    assert all(line.form == "" and line.due_day is None for line in lines)


def test_seed_004_pasted_from_word() -> None:
    check_seed(read_text(schedule_text()))


def test_seed_004_without_its_header_reads_in_the_template_order() -> None:
    text = "\n".join(schedule_text().splitlines()[1:])
    reading = read_text(text)
    assert reading.lines is not None
    assert len(reading.lines) == 19
    assert reading.lines[3].recurrence == JUNE


def test_seed_004_as_a_workbook() -> None:
    check_seed(read_workbook(workbook(as_rows(schedule_text()))))


def test_the_bot_columns_are_read() -> None:
    text = with_forms({"1": "vsoko", "4": "Результаты ВПР"}, {"1": 10, "4": 25})
    reading = read_text(text)
    assert reading.lines is not None
    first, fourth = reading.lines[0], reading.lines[3]
    assert (first.form, first.due_day) == ("vsoko", 10)
    assert (fourth.form, fourth.due_day) == ("Результаты ВПР", 25)


def test_a_plan_with_many_mistakes_names_each_by_row_and_column() -> None:
    text = "\n".join(
        [
            "№\tНаправление\tОтветственный\tПериодичность\tАнкета\tСрок сдачи",
            "\tпродолжение без пункта\t\t\t\t",
            "1\tАнализ ВПР\tАксиненко О.С.\tпо запросу\t\t",
            "2\t\tШтауб И.Ю.\tежемесячно\t\t",
            "3\tАнализ ГИА\tВикулова Е.Г.\t3 раза в год\t\t",
            "4\tАнализ ОГЭ\tВикулова Е.Г.\t2 раза в год, май\t\t",
            "5\tАнализ ВПР\tАксиненко О.С.\tиюнь\t\t",
            "6\tАнализ ЕГЭ\tВикулова Е.Г.\tиюнь\t\t45",
            "7\tАнализ НОКО\tВикулова Е.Г.\t\t\t",
            f"8\t{'очень длинное направление ' * 50}\tВикулова Е.Г.\tиюнь\t\t",
        ]
    )
    reading = read_text(text)
    assert reading.lines is None
    assert [problem.text() for problem in reading.problems] == [
        "Строка 2: строка продолжает пункт плана, но выше нет ни одного пункта",
        "Строка 3, столбец «Периодичность»: не удалось понять периодичность «по запросу»: "
        "напишите «ежемесячно», «1 раз в четверть», «2 раза в год», «1 раз в год» или месяцы "
        "(«октябрь, май», «июнь»)",
        "Строка 4, столбец «Направление»: не указано направление",
        "Строка 5, столбец «Периодичность»: «3 раза в год»: назовите месяцы "
        "(«сентябрь, январь, май»)",
        "Строка 6, столбец «Периодичность»: «2 раза в год, май»: число раз в год не совпадает "
        "с числом названных месяцев",
        "Строка 7, столбец «Направление»: направление «Анализ ВПР» уже есть в строке 3",
        "Строка 8, столбец «Срок сдачи»: «45» — не день месяца: напишите число от 1 до 31 или "
        "оставьте пустым",
        "Строка 9, столбец «Периодичность»: не указана периодичность",
        "Строка 10, столбец «Направление»: слишком длинный текст (1299 знаков, можно до 1000)",
    ]


def test_a_formula_is_reported_not_run() -> None:
    rows: list[list[object]] = [
        ["№", "Направление", "Ответственный", "Периодичность и сроки"],
        [1, "Анализ ВПР", "Аксиненко О.С.", '=CONCAT("ию", "нь")'],
    ]
    reading = read_workbook(workbook(rows))
    assert [problem.text() for problem in reading.problems] == [
        "Строка 2, столбец «Периодичность и сроки»: формула в ячейке не вычисляется: "
        "впишите значение"
    ]


def test_a_file_that_is_not_a_workbook() -> None:
    with pytest.raises(PlanFileError, match="прочитать"):
        read_workbook(b"%PDF-1.7 not a workbook")


def test_the_template_reads_back() -> None:
    reading = read_workbook(template_workbook())
    assert reading.problems == ()
    assert reading.lines is not None
    assert [line.number for line in reading.lines] == ["1", "2", "3", "4"]
    assert reading.lines[2].recurrence == JUNE
    assert reading.lines[1].due_day == 25
    forms = builtin_forms()
    preview = match_plan(reading, forms, [], uploader_id=None)
    assert preview.problems == ()


def test_pipes_separate_cells_when_the_text_has_no_tab() -> None:
    rows = text_rows("| 1 | Анализ ВПР | Аксиненко О.С. | июнь |")
    cells = [cell.strip() for cell in rows[0].cells]
    assert cells[:4] == ["1", "Анализ ВПР", "Аксиненко О.С.", "июнь"]
    reading = read_text("1 | Анализ ВПР | Аксиненко О.С. | июнь")
    assert reading.lines is not None
    assert reading.lines[0].recurrence == JUNE


def test_forms_and_owners_are_matched() -> None:
    reading = read_text(with_forms({"1": "vsoko", "13": "ВСОКО", "4": "Результаты ВПР"}))
    people = [
        KnownPerson(index, full)
        for index, full in enumerate(PEOPLE.values(), start=1)
        if not full.startswith("Гетманенко")
    ]
    preview = match_plan(reading, builtin_forms(), people, uploader_id=99)
    assert preview.problems == ()
    assert preview.lines is not None
    by_number = {line.draft.number: line for line in preview.lines}
    ids = {full: index for index, full in enumerate(PEOPLE.values(), start=1)}
    assert by_number["13"].owner_ids == (
        ids["Максимова Ольга Александровна"],
        ids["Смирнова Ольга Викторовна"],
    )
    assert by_number["13"].form_key == "vsoko"  # by its short title
    assert by_number["4"].form_key == "vpr"  # by its title
    assert by_number["15"].unmatched == ("Гетманенко А.С.",)
    assert by_number["15"].owner_ids == (99,)  # the uploader owns it until re-uploaded
    assert preview.unmatched == ["Гетманенко А.С."]
    assert (preview.owners_found, preview.owners_written) == (20, 21)
    assert preview.with_forms == 3

    wrong = read_text(with_forms({"2": "нет такой анкеты"}))
    refused = match_plan(wrong, builtin_forms(), people, uploader_id=99)
    assert refused.lines is None
    assert [problem.text() for problem in refused.problems] == [
        "Строка 4, столбец «Анкета»: анкета «нет такой анкеты» не найдена: напишите ключ или "
        "название анкеты бота"
    ]


def test_a_line_without_an_owner_has_no_owners() -> None:
    reading = read_text("1\tАнализ ВПР\t\tиюнь\n2\tОлимпиады\tГетманенко А.С.\tмай")
    preview = match_plan(reading, builtin_forms(), [], uploader_id=99)
    assert preview.lines is not None
    nobody, unknown = preview.lines
    assert nobody.owner_ids == ()  # every methodist gets the summary, not the uploader
    assert unknown.owner_ids == (99,)  # a named owner not found: the uploader, said in preview


@pytest.mark.parametrize(
    ("written", "day"),
    [("25", 25), ("до 25", 25), ("25 число", 25), ("до 25 числа", 25), ("10-го", 10)],
)
def test_due_days(written: str, day: int) -> None:
    reading = read_text(f"1\tАнализ ВПР\tАксиненко О.С.\tиюнь\t\t{written}")
    assert reading.problems == ()
    assert reading.lines is not None
    assert reading.lines[0].due_day == day


@pytest.mark.parametrize(
    "written", ["до 5 числа месяца, следующего за отчётным", "до 1 июня", "5 мая"]
)
def test_a_due_day_in_another_month_is_refused(written: str) -> None:
    reading = read_text(f"1\tАнализ ВПР\tАксиненко О.С.\tиюнь\t\t{written}")
    assert reading.lines is None
    (problem,) = reading.problems
    assert problem.text().startswith("Строка 1, столбец «Срок сдачи»: «")
    assert "срок в другом месяце" in problem.text()


def test_ambiguous_months_are_a_problem_of_the_row() -> None:
    reading = read_text("1\tАнализ ВПР\tАксиненко О.С.\tежемесячно, сентябрь, май")
    assert reading.lines is None
    (problem,) = reading.problems
    assert problem.text().startswith(
        "Строка 1, столбец «Периодичность и сроки»: «ежемесячно, сентябрь, май»: непонятно"
    )


def test_a_too_long_section_is_a_problem() -> None:
    section = "Раздел " * 60
    reading = read_text(f"{section}\n1\tАнализ ВПР\tАксиненко О.С.\tиюнь")
    assert reading.lines is None
    (problem,) = reading.problems
    assert problem.text().startswith("Строка 1, столбец «№»: слишком длинный текст")


def test_unmatched_owners_fit_their_column() -> None:
    names = [f"Неизвестная{index} А.Б." for index in range(100)]
    text = unmatched_text(names)
    assert len(text) == UNMATCHED_LIMIT
    assert text.endswith("…")
    assert unmatched_text(["Гетманенко А.С.", "Иванова И.И."]) == "Гетманенко А.С.; Иванова И.И."
