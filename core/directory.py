"""A read-only snapshot of the directory, for resolving scopes and finding schools by name."""

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from core.access import DEPLOYMENT, Target
from storage import Database
from storage.directory import District, Municipality, School, schools_with_municipalities
from storage.directory import load_directory as load_snapshot

_NOISE = re.compile(r"[«»\"'№.,()]")


_NUMBER = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, str], ...]:
    """Sort key that puts "СОШ № 5" before "СОШ № 11"."""
    return tuple(
        (int(part), "") if part.isdigit() else (0, part.lower()) for part in _NUMBER.split(name)
    )


def normalize(text: str) -> str:
    """Lower case, ё as е, no quotes or № signs, single spaces: what search compares."""
    return " ".join(_NOISE.sub(" ", text.lower().replace("ё", "е")).split())


@dataclass(frozen=True, slots=True)
class Directory:
    municipalities: dict[int, Municipality]
    districts: dict[int, District]
    schools: dict[int, School]

    def target(
        self,
        *,
        municipality_id: int | None = None,
        district_id: int | None = None,
        school_id: int | None = None,
    ) -> Target:
        """The full target of a scope given by its narrowest level (a grant or an invitation)."""
        if school_id is not None:
            return Target.school(self.schools[school_id])
        if district_id is not None:
            return Target.district(self.districts[district_id])
        if municipality_id is not None:
            return Target.municipality(municipality_id)
        return DEPLOYMENT

    def search_schools(self, query: str, among: Iterable[School] | None = None) -> list[School]:
        """Schools whose short or full name contains every word of the query.

        A query word that is a whole word of the name ranks first, so "5" finds "СОШ № 5"
        before "СОШ № 15".
        """
        words = normalize(query).split()
        candidates = self.schools.values() if among is None else among
        found: list[tuple[int, tuple[tuple[int, str], ...], School]] = []
        for school in candidates:
            name_words = normalize(f"{school.short_name} {school.full_name}").split()
            haystack = " ".join(name_words)
            if words and all(word in haystack for word in words):
                misses = sum(word not in name_words for word in words)
                found.append((misses, natural_key(school.short_name), school))
        return [school for _, _, school in sorted(found, key=lambda item: item[:2])]

    def schools_of(self, municipality_id: int) -> list[School]:
        return sorted(
            (s for s in self.schools.values() if s.municipality_id == municipality_id),
            key=lambda s: natural_key(s.short_name),
        )


async def load_directory(database: Database) -> Directory:
    async with database.read() as conn:
        snapshot = await load_snapshot(conn)
    return Directory(
        municipalities={m.id: m for m in snapshot.municipalities},
        districts={d.id: d for d in snapshot.districts},
        schools={s.id: s for s in snapshot.schools},
    )


async def load_schools(database: Database, school_ids: Collection[int]) -> Directory:
    """A partial directory: only these schools and their municipalities (no districts).

    For a person of one school or a few (a respondent), whose path must not read the whole
    deployment's directory."""
    async with database.read() as conn:
        pairs = await schools_with_municipalities(conn, school_ids)
    return Directory(
        municipalities={municipality.id: municipality for _, municipality in pairs},
        districts={},
        schools={school.id: school for school, _ in pairs},
    )
