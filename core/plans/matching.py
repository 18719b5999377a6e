"""Finding the directory's person a plan names: same surname, agreeing initials, one candidate.

Names compare ignoring case and "ё"/"е". Initials agree when one set starts the other ("Е." and
"Е.А." agree, "Е.А." and "Е.В." do not), so a directory that keeps only a first name still matches.
Two people who both agree leave the written person unresolved: the caller asks, we do not guess.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from core.plans.owners import WrittenPerson, person_from_name


@dataclass(frozen=True)
class KnownPerson:
    id: int
    full_name: str  # "Смирнова Елена Александровна" or "Смирнова Е.А."


class PeopleIndex:
    """The known people by surname, to resolve the people written in a plan."""

    def __init__(self, people: Iterable[KnownPerson]) -> None:
        self._by_surname: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for person in people:
            written = person_from_name(person.full_name)
            if written is not None:
                key = _key(written.surname)
                self._by_surname[key].append((_letters(written.initials), person.id))

    def resolve(self, person: WrittenPerson) -> int | None:
        """The id of the one known person this is, or None (nobody, or several)."""
        initials = _letters(person.initials)
        if not initials:
            return None
        ids = {
            known_id
            for known, known_id in self._by_surname.get(_key(person.surname), [])
            if known and (known.startswith(initials) or initials.startswith(known))
        }
        return ids.pop() if len(ids) == 1 else None


def _key(word: str) -> str:
    return word.replace("ё", "е").replace("Ё", "Е").casefold()


def _letters(initials: str) -> str:
    return _key("".join(letter for letter in initials if letter.isalpha()))
