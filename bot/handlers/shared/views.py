"""Turning directory ids and timestamps into the words people read (long texts into messages:
``bot.handlers.shared.messages``)."""

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location

from core.directory import Directory
from storage.people import RoleGrant
from texts import common as common_texts
from texts import people as texts


def scope_label(
    directory: Directory,
    *,
    municipality_id: int | None = None,
    district_id: int | None = None,
    school_ids: Sequence[int] = (),
) -> str:
    if school_ids:
        return "; ".join(school_label(directory, school_id) for school_id in school_ids)
    if district_id is not None:
        district = directory.districts[district_id]
        return texts.SCOPE_DISTRICT.format(
            district=district.name,
            municipality=directory.municipalities[district.municipality_id].name,
        )
    if municipality_id is not None:
        return texts.SCOPE_MUNICIPALITY.format(
            municipality=directory.municipalities[municipality_id].name
        )
    return texts.SCOPE_EVERYTHING


def school_label(directory: Directory, school_id: int) -> str:
    school = directory.schools[school_id]
    return texts.SCOPE_SCHOOL.format(
        school=school.short_name, municipality=directory.municipalities[school.municipality_id].name
    )


def grant_label(directory: Directory, grant: RoleGrant) -> str:
    return scope_label(
        directory,
        municipality_id=grant.municipality_id,
        district_id=grant.district_id,
        school_ids=() if grant.school_id is None else (grant.school_id,),
    )


def local_date(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y")


def local_datetime(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def local_place(zone: ZoneInfo, municipality: str) -> str:
    """Whose local time it is, as people say it: "Томск" for Asia/Tomsk; the municipality's
    name when the zone has no city of its own (UTC, Etc/GMT-7)."""
    try:
        city = get_timezone_location(zone.key, locale="ru", return_city=True)
    except (LookupError, ValueError):
        city = ""
    if not city or "/" in city or not any("а" <= letter.lower() <= "я" for letter in city):
        return municipality
    return str(city)


def local_time_note(zone: ZoneInfo, municipality: str = "") -> str:
    """ "по местному времени (Томск)": never an IANA name such as Asia/Tomsk."""
    place = local_place(zone, municipality)
    return common_texts.LOCAL_TIME.format(place=place) if place else common_texts.LOCAL_TIME_PLAIN
