"""Reading a plan's "Ответственные" cell: the people it names and the owners that are not people.

A person is written "Фамилия И.О.", "Фамилия И. О.", "И.О. Фамилия" (also "И.О.Фамилия") or in
full, "Фамилия Имя Отчество"; one initial will do. Lower-case words right after a person are
that person's position, up to a comma or the end of a sentence ("Ильина М.А., руководитель
отдела образования"; "Рябцев М.В. системный администратор отдела образования"). People may follow
one another with nothing between them ("Смирнова Е.А. Дурникова А.В. Макринский А.Н.").

Everything else is a free-text owner ("Администрации ШНОР", "психолог", "классные руководители"),
split at commas, semicolons, line breaks and full stops that end a sentence ("…по УМР. Учителя")
but not at those inside a word or after an abbreviation ("Зам.директора", "и.о. директора",
"г. Кедрового").
"""

import re
from dataclasses import dataclass

_UPPER = "А-ЯЁ"
_LOWER = "а-яё"
_SURNAME = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
# A second initial that is not the start of a word: "М.А", "М. А.", but not "М. Андреевна".
_INITIALS = rf"[{_UPPER}]\.(?:\s?[{_UPPER}](?![{_LOWER}])\.?)?"
_PATRONYMIC = rf"[{_UPPER}][{_LOWER}]+(?:вич|вна|ична|ич|оглы|кызы)"
_WORD_START = rf"(?<![{_UPPER}{_LOWER}])"  # not inside a word: "УМР. Учителя" is nobody
_PERSON = re.compile(
    rf"{_WORD_START}(?P<full_surname>{_SURNAME})\s+(?P<name>[{_UPPER}][{_LOWER}]+)\s+(?P<patronymic>{_PATRONYMIC})"
    rf"(?![{_LOWER}])"
    rf"|{_WORD_START}(?P<surname>{_SURNAME})\s+(?P<initials>{_INITIALS})"
    rf"|{_WORD_START}(?P<initials_first>{_INITIALS})\s?(?P<surname_last>{_SURNAME})(?![{_LOWER}])"
)
# A full stop ends a sentence when a capital follows and the word before it is not a one- or
# two-letter lower-case abbreviation ("г. Кедрового", "ул. Ленина").
_SENTENCE_END = re.compile(rf"(?<!\b[{_LOWER}])(?<!\b[{_LOWER}]{{2}})\.\s+(?=[{_UPPER}])")
_PIECE_BREAK = re.compile(r"\s*[;\n]\s*")
_EDGE = " \t,.;:-–—"


@dataclass(frozen=True)
class WrittenPerson:
    """A person as a plan names them; ``initials`` are "М.А." (or "М." when only one)."""

    surname: str
    initials: str
    position: str = ""

    @property
    def name(self) -> str:
        return f"{self.surname} {self.initials}"


@dataclass(frozen=True)
class Owners:
    people: tuple[WrittenPerson, ...] = ()
    others: tuple[str, ...] = ()  # owners that are not people, as written

    def __bool__(self) -> bool:
        return bool(self.people or self.others)


def parse_owners(text: str) -> Owners:
    """The people and the other owners named in an "Ответственные" cell."""
    text = " ".join(text.split())
    people: list[WrittenPerson] = []
    others: list[str] = []
    position = 0
    for match in _PERSON.finditer(text):
        others.extend(_pieces(text[position : match.start()]))
        people.append(_person(match))
        position = match.end()
        gap = _pieces(text[position : _next_person_start(text, position)])
        if gap and gap[0][:1].islower() and _follows_directly(text, position):
            people[-1] = WrittenPerson(people[-1].surname, people[-1].initials, gap[0])
            position += text[position:].find(gap[0]) + len(gap[0])
    others.extend(_pieces(text[position:]))
    return Owners(tuple(people), tuple(others))


def person_from_name(full_name: str) -> WrittenPerson | None:
    """A directory name ("Смирнова Елена Александровна", "Смирнова Е.А.") read as written in a
    plan: the surname first, then the initials of the other words."""
    text = " ".join(full_name.split())
    match = _PERSON.fullmatch(text)
    if match is not None:
        return _person(match)
    words = re.findall(rf"[{_UPPER}{_LOWER}-]+", text)
    if len(words) < 2:
        return None
    return WrittenPerson(words[0], "".join(f"{word[0].upper()}." for word in words[1:3]))


def _person(match: re.Match[str]) -> WrittenPerson:
    if match.group("full_surname"):
        initials = f"{match.group('name')[0]}.{match.group('patronymic')[0]}."
        return WrittenPerson(match.group("full_surname"), initials)
    surname = match.group("surname") or match.group("surname_last")
    initials = match.group("initials") or match.group("initials_first")
    return WrittenPerson(surname, _initials(initials))


def _initials(written: str) -> str:
    """ "М. А", "М.А." → "М.А." """
    return "".join(f"{letter}." for letter in re.findall(f"[{_UPPER}]", written))


def _next_person_start(text: str, position: int) -> int:
    following = _PERSON.search(text, position)
    return len(text) if following is None else following.start()


def _follows_directly(text: str, position: int) -> bool:
    """Whether the words after a person start right after it or after a comma (a position),
    rather than after a new sentence or a semicolon."""
    return re.match(r"\s*,?\s*[" + _LOWER + "]", text[position:]) is not None


def _pieces(text: str) -> list[str]:
    """Free text split into owners: at commas, semicolons, line breaks and sentence ends."""
    pieces: list[str] = []
    for part in _PIECE_BREAK.split(text):
        for sentence in _SENTENCE_END.split(part):
            pieces.extend(piece.strip(_EDGE) for piece in sentence.split(","))
    return [piece for piece in pieces if piece]
