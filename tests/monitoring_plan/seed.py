"""Seed 004's monitoring schedule (its 19 lines, page breaks and all) and the people it names."""

from pathlib import Path

SCHEDULE = Path(__file__).parent / "data" / "seed004_schedule.tsv"

# The specialists of the Tomsk district department as the bot would know them (full names).
PEOPLE = {
    "Смирнова О.В.": "Смирнова Ольга Викторовна",
    "Викулова Е.Г.": "Викулова Елена Геннадьевна",
    "Аксиненко О.С.": "Аксиненко Оксана Сергеевна",
    "Лапшина Г.Ю.": "Лапшина Галина Юрьевна",
    "Филиппова У.О.": "Филиппова Ульяна Олеговна",
    "Штауб И.Ю.": "Штауб Ирина Юрьевна",
    "Максимова О.А.": "Максимова Ольга Александровна",
    "Гетманенко А.С.": "Гетманенко Анна Сергеевна",
    "Мусабекова С.В.": "Мусабекова Светлана Викторовна",
}


def schedule_text() -> str:
    return SCHEDULE.read_text(encoding="utf-8")


def with_forms(forms: dict[str, str], due_days: dict[str, int] | None = None) -> str:
    """The schedule with the bot's two columns added: a form (by line number) and a day."""
    days = due_days or {}
    rows = []
    for index, line in enumerate(schedule_text().splitlines()):
        cells = line.split("\t")
        cells += [""] * (4 - len(cells))
        if index == 0:
            cells += ["Анкета", "Срок сдачи"]
        else:
            number = cells[0].strip()
            cells += [forms.get(number, ""), str(days.get(number, ""))]
        rows.append("\t".join(cells))
    return "\n".join(rows) + "\n"


def as_rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]
