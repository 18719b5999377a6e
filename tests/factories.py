"""Small builders of directory rows and people for tests, and of an export's school reports."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from core.actors import Actor, resolve_actor
from core.export.model import DONE, SchoolReport, Timeliness
from storage import Database
from storage.directory import District, Municipality, School, add_municipality, add_school
from storage.people import Role, User, add_user, grant_role
from storage.reminders import DeliveryState
from storage.responses import Status
from storage.schema import campaigns, sent_reminders


@dataclass(frozen=True)
class Town:
    municipality: Municipality
    schools: list[School]


async def make_town(
    database: Database,
    name: str = "Город Томск",
    short_names: tuple[str, ...] = ("СОШ № 5", "СОШ № 11"),
) -> Town:
    async with database.write() as conn:
        municipality = await add_municipality(conn, name, "Asia/Tomsk")
        schools = [
            await add_school(
                conn, municipality_id=municipality.id, full_name=f"МАОУ {short}", short_name=short
            )
            for short in short_names
        ]
    return Town(municipality, schools)


async def make_person(
    database: Database,
    telegram_id: int,
    role: Role,
    *,
    full_name: str = "Иванова Мария Петровна",
    municipality_id: int | None = None,
    district_id: int | None = None,
    school_id: int | None = None,
) -> User:
    async with database.write() as conn:
        user = await add_user(conn, telegram_id=telegram_id, full_name=full_name)
        await grant_role(
            conn,
            user.id,
            role,
            municipality_id=municipality_id,
            district_id=district_id,
            school_id=school_id,
        )
    return user


async def make_actor(
    database: Database,
    telegram_id: int,
    role: Role,
    *,
    full_name: str = "Иванова Мария Петровна",
    municipality_id: int | None = None,
    district_id: int | None = None,
    school_id: int | None = None,
) -> Actor:
    """A person with one role, as the bot sees them when they write (``resolve_actor``)."""
    await make_person(
        database,
        telegram_id,
        role,
        full_name=full_name,
        municipality_id=municipality_id,
        district_id=district_id,
        school_id=school_id,
    )
    return await resolve_actor(database, telegram_id, admin_ids=())


async def campaign_of(database: Database, municipality_id: int) -> int:
    """The id of the one campaign a test opened for a municipality."""
    async with database.read() as conn:
        found = await conn.scalar(
            select(campaigns.c.id).where(campaigns.c.municipality_id == municipality_id)
        )
    assert found is not None
    return int(found)


def school_report(
    school: School,
    answers: dict[str, Any] | None = None,
    *,
    deadline: datetime,
    status: Status = Status.SUBMITTED,
    submitted: datetime | None = None,
    period: int = 0,
    municipality: str = "Город Томск",
    district: District | None = None,
    timezone: str = "Asia/Tomsk",
) -> SchoolReport:
    """One school's report of a round, as ``build_export`` makes it: handed in (a day before
    the deadline unless ``submitted`` says when) when ``status`` is done, overdue otherwise."""
    done = status in DONE
    handed_in = (submitted or deadline - timedelta(days=1)) if done else None
    late_by = handed_in - deadline if handed_in is not None and handed_in > deadline else None
    timeliness = Timeliness.OVERDUE
    if done:
        timeliness = Timeliness.LATE if late_by else Timeliness.ON_TIME
    return SchoolReport(
        period=period,
        campaign_id=period + 1,
        school=school,
        municipality=municipality,
        district=district,
        timezone=timezone,
        status=status,
        timeliness=timeliness,
        deadline_at=deadline,
        submitted_at=handed_in,
        first_submitted_at=handed_in,
        accepted_at=None,
        late_by=late_by,
        returned=0,
        answered_by=(),
        answers=answers or {},
        respondents=(),
    )


async def pending_claims_renewed_after(database: Database, moment: datetime) -> bool:
    """Every claimed, undelivered reminder was renewed after ``moment`` (and there is one)."""
    async with database.read() as conn:
        rows = (
            await conn.execute(
                select(sent_reminders.c.attempted_at).where(
                    sent_reminders.c.status == DeliveryState.PENDING.value
                )
            )
        ).all()
    return bool(rows) and all(row.attempted_at > moment for row in rows)
