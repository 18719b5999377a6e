"""Demo data: the seed municipalities, a person of each role, and the forms open to answer."""

from datetime import timedelta
from importlib import resources

from bot.demo.people import CAST, DemoPerson
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.directory_import import import_directory
from core.questionnaires import FormCatalog
from core.schedule import ReminderPlan
from storage import Database
from storage.directory import load_directory
from storage.people import Role, add_user, grant_role
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
# The demo runs at any hour: no quiet hours, so ":tick" shows a reminder at once.
DEMO_PLAN = ReminderPlan(quiet_start=0, quiet_end=0)


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


def _full_name(demo: DemoPerson) -> str:
    return f"{demo.last_name} {demo.first_name}"
