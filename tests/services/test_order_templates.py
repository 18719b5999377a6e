"""Whose order template a person manages, and what an upload comes to."""

from datetime import UTC, datetime

import pytest

from core.access import AccessDenied
from core.actors import Actor
from core.order_templates import (
    MAX_TEMPLATE_BYTES,
    managed_municipality,
    template_for,
    upload_template,
)
from exports.documents import sample_template
from storage import Database
from storage.people import Role, RoleGrant
from tests.factories import make_actor, make_town

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def actor(*grants: RoleGrant, bootstrap: bool = False) -> Actor:
    return Actor(telegram_id=1, user=None, grants=grants, bootstrap_admin=bootstrap)


def test_a_methodist_manages_their_municipality_and_an_administrator_the_deployment() -> None:
    methodist = RoleGrant(id=1, user_id=1, role=Role.METHODIST, municipality_id=7)
    regional = RoleGrant(id=2, user_id=1, role=Role.METHODIST)
    admin = RoleGrant(id=3, user_id=1, role=Role.ADMIN)
    local_admin = RoleGrant(id=4, user_id=1, role=Role.ADMIN, municipality_id=9)

    assert managed_municipality(actor(methodist)) == 7
    assert managed_municipality(actor(regional)) is None
    assert managed_municipality(actor(methodist, admin)) is None
    assert managed_municipality(actor(local_admin)) == 9
    assert managed_municipality(actor(bootstrap=True)) is None


@pytest.mark.parametrize(
    "grant",
    [
        RoleGrant(id=1, user_id=1, role=Role.COORDINATOR, municipality_id=7),
        RoleGrant(id=1, user_id=1, role=Role.RESPONDENT, school_id=3),
    ],
)
def test_anyone_else_is_refused(grant: RoleGrant) -> None:
    with pytest.raises(AccessDenied):
        managed_municipality(actor(grant))
    with pytest.raises(AccessDenied):
        managed_municipality(actor())


async def test_an_upload_is_checked_stored_and_printed_from(sqlite_db: Database) -> None:
    town = await make_town(sqlite_db)
    methodist = await make_actor(
        sqlite_db, 50, Role.METHODIST, municipality_id=town.municipality.id
    )
    sample = sample_template()

    too_large = await upload_template(
        sqlite_db, methodist, "a.docx", b"0" * (MAX_TEMPLATE_BYTES + 1), now=NOW
    )
    broken = await upload_template(sqlite_db, methodist, "a.docx", b"not a docx", now=NOW)
    assert too_large.saved is None
    assert "больше 2 МБ" in too_large.problems[0]
    assert broken.saved is None
    assert await template_for(sqlite_db, town.municipality.id) is None

    done = await upload_template(sqlite_db, methodist, "бланк.docx", sample, now=NOW)

    assert done.problems == []
    assert done.saved is not None
    assert methodist.user is not None
    assert done.saved.uploaded_by == methodist.user.id
    assert done.placeholders == ["ЗАГОЛОВОК", "ТЕКСТ", "ИСПОЛНИТЕЛЬ"]
    assert await template_for(sqlite_db, town.municipality.id) == sample
    assert await template_for(sqlite_db, None) is None
