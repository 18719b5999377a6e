"""Demo data: the seed municipalities, a person of each role, the forms open to answer, and a
road map of the methodist's town."""

from datetime import date, datetime, timedelta
from importlib import resources

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.demo.people import CAST, DemoPerson
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.directory_import import import_directory
from core.plans.progress import current_school_year
from core.questionnaires import FormCatalog
from core.schedule import ReminderPlan
from storage import Database
from storage.directory import load_directory
from storage.people import Role, add_user, grant_role
from storage.plans import (
    ItemStatus,
    NewItem,
    Owner,
    PlanKind,
    add_plan,
    change_item_status,
    get_plan,
)
from storage.types import utcnow

SAMPLE_FILES = ("municipalities.csv", "districts.csv", "schools.csv")
RESPONDENT_SCHOOL = ("Город Томск", "СОШ № 5")
COORDINATOR_DISTRICT = ("Томский район", "Зональненский образовательный округ")
METHODIST_MUNICIPALITY = "Город Томск"


def sample_files() -> list[tuple[str, bytes]]:
    folder = resources.files("bot") / "samples" / "directory"
    return [(name, (folder / name).read_bytes()) for name in SAMPLE_FILES]


DEMO_DEADLINE_DAYS = 14
DEMO_PERIOD = "демо: 1 полугодие"
# The forms of seed 000's "мониторинг выполнения программы повышения качества образования".
MONITORING_TITLE = "Мониторинг выполнения программы повышения качества образования"
MONITORING_FORMS = (
    "management",
    "extra_classes",
    "parents",
    "students_website",
    "vsoko",
    "teachers",
)
# The demo runs at any hour: no quiet hours, so ":tick" shows a reminder at once; plans' items
# and the digest of overdue ones are due from midnight.
DEMO_PLAN = ReminderPlan(quiet_start=0, quiet_end=0)
DEMO_PLAN_HOURS = ReminderPlan(hour=0, digest_hour=0, quiet_start=0, quiet_end=0)


async def seed_demo(
    database: Database, catalog: FormCatalog, default_timezone: str = "Asia/Tomsk"
) -> None:
    """The sample directory, the cast, and every built-in form open for every school: seed 000's
    forms as one monitoring, the others each alone."""
    report = await import_directory(database, sample_files(), default_timezone=default_timezone)
    if not report.ok:
        raise RuntimeError(f"the sample directory does not import: {report.file_errors}")
    async with database.write() as conn:
        directory = await load_directory(conn)
        town = {m.name: m.id for m in directory.municipalities}
        school = next(
            s.id
            for s in directory.schools
            if (s.municipality_id, s.short_name)
            == (town[RESPONDENT_SCHOOL[0]], RESPONDENT_SCHOOL[1])
        )
        district = next(
            d.id
            for d in directory.districts
            if (d.municipality_id, d.name)
            == (town[COORDINATOR_DISTRICT[0]], COORDINATOR_DISTRICT[1])
        )
        scopes: dict[Role, dict[str, int]] = {
            Role.RESPONDENT: {"school_id": school},
            Role.COORDINATOR: {"district_id": district},
            Role.METHODIST: {"municipality_id": town[METHODIST_MUNICIPALITY]},
            Role.ADMIN: {},
        }
        owners: dict[Role, Owner] = {}
        for demo in CAST:
            if demo.role is None:
                continue
            user = await add_user(
                conn,
                telegram_id=demo.telegram_id,
                full_name=_full_name(demo),
                position=demo.position,
            )
            await grant_role(conn, user.id, demo.role, **scopes[demo.role])
            owners[demo.role] = Owner(user.full_name, demo.position, user.id)
        await _road_map(conn, town[METHODIST_MUNICIPALITY], owners, utcnow())
    organiser = Actor(telegram_id=0, user=None, bootstrap_admin=True)
    now = utcnow()
    deadline = (now + timedelta(days=DEMO_DEADLINE_DAYS)).date()
    # Seed 000's half-year monitoring as one monitoring of its forms; every other form alone.
    together = tuple(key for key in MONITORING_FORMS if key in catalog.current)
    rounds: list[tuple[str, ...]] = [together] if together else []
    rounds += [(key,) for key in catalog.current if key not in together]
    for keys in rounds:
        await open_form_for_schools(
            database,
            catalog,
            organiser,
            keys,
            deadline=deadline,
            period_label=DEMO_PERIOD,
            now=now,
            reminder_plan=DEMO_PLAN,
            title=MONITORING_TITLE if len(keys) > 1 else None,
        )


async def _road_map(
    conn: AsyncConnection, municipality_id: int, owners: dict[Role, Owner], now: datetime
) -> None:
    """A small road map of the methodist's town, loaded a month ago: the methodist's item
    overdue (":tick" reminds her of it, with today's digest), the school's two due in weeks
    (under "📌 Мои пункты"), one in work, so /plans has a board."""
    today = now.date()
    methodist, school = owners[Role.METHODIST], owners[Role.RESPONDENT]
    year = current_school_year(today)
    end_of_year = date(year + 1, 8, 31)
    rows = [
        ("Методическая работа", "1", "Назначение куратора для сопровождения ШНОР",
         today - timedelta(days=10), methodist),
        ("Методическая работа", "2", "Методический десант в СОШ № 5: посещение уроков, разбор",
         today + timedelta(days=20), school),
        ("Работа с педагогами", "1", "Корректировка рабочих программ по предметам с учётом "
         "проблемных зон по результатам ВПР", today + timedelta(days=30), school),
        ("Работа с педагогами", "2", "Обучающий семинар «Схема анализа урока по ФГОС» для "
         "заместителей директоров по УМР", end_of_year, methodist),
    ]  # fmt: skip
    plan_id = await add_plan(
        conn,
        municipality_id=municipality_id,
        kind=PlanKind.ROAD_MAP,
        title=f"«Дорожная карта» по работе со ШНОР на {year}/{year + 1} учебный год (демо)",
        school_year=year,
        items=[
            NewItem(
                section=section,
                number=number,
                content=content,
                due_on=due,
                deadline_kind="date",
                deadline_label=due.strftime("%d.%m.%Y"),
                owners=(owner,),
            )
            for section, number, content, due, owner in rows
        ],
        created_by=None,
        now=now - timedelta(days=30),
    )
    plan = await get_plan(conn, plan_id)
    assert plan is not None
    await change_item_status(
        conn, plan.items[-1].id, ItemStatus.IN_PROGRESS, user_id=methodist.user_id, now=now
    )


def _full_name(demo: DemoPerson) -> str:
    return f"{demo.last_name} {demo.first_name}"
