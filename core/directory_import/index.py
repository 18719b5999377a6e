"""The directory snapshot indexed by name keys."""

from collections.abc import Callable, Iterable
from typing import TypeVar

from core.directory_import.names import key
from storage.directory import DirectorySnapshot, District, School

T = TypeVar("T")
K = TypeVar("K")


def _first_by(items: Iterable[T], by: Callable[[T], K]) -> dict[K, T]:
    index: dict[K, T] = {}
    for item in items:
        index.setdefault(by(item), item)
    return index


class DirectoryIndex:
    """Municipalities by key, districts and schools by (municipality id, key)."""

    def __init__(self, snapshot: DirectorySnapshot) -> None:
        self.municipalities = _first_by(snapshot.municipalities, lambda m: key(m.name))
        self.districts = _first_by(snapshot.districts, lambda d: (d.municipality_id, key(d.name)))
        self.schools = _first_by(snapshot.schools, lambda s: (s.municipality_id, key(s.short_name)))
        self.district_keys = {d.id: key(d.name) for d in snapshot.districts}
        self.school_keys = {s.id: key(s.short_name) for s in snapshot.schools}

    def municipality_id(self, municipality: str) -> int | None:
        found = self.municipalities.get(municipality)
        return None if found is None else found.id

    def district(self, municipality: str, district: str) -> District | None:
        """The stored district with this key in the municipality with this key."""
        return self.districts.get((self.municipality_id(municipality) or 0, district))

    def school(self, municipality: str, school: str) -> School | None:
        """The stored school with this short-name key in the municipality with this key."""
        return self.schools.get((self.municipality_id(municipality) or 0, school))

    def has_district(self, municipality: str, district: str) -> bool:
        municipality_id = self.municipality_id(municipality)
        return municipality_id is not None and (municipality_id, district) in self.districts

    def district_of(self, school: School) -> str | None:
        """The key of a stored school's district."""
        return None if school.district_id is None else self.district_keys[school.district_id]

    def base_school_of(self, district: District) -> str | None:
        """The key of a stored district's base school."""
        base_id = district.base_school_id
        return None if base_id is None else self.school_keys[base_id]
