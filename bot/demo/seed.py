"""Demo data: the seed municipalities from the sample directory files and a person of each role."""

from importlib import resources

from bot.demo.people import CAST, DemoPerson
from bot.services.directory_import import import_directory
from storage import Database
from storage.directory import load_directory
from storage.people import Role, add_user, grant_role

SAMPLE_FILES = ("municipalities.csv", "districts.csv", "schools.csv")
RESPONDENT_SCHOOL = ("Город Томск", "СОШ № 5")
COORDINATOR_DISTRICT = ("Томский район", "Зональненский образовательный округ")
METHODIST_MUNICIPALITY = "Город Томск"


def sample_files() -> list[tuple[str, bytes]]:
    folder = resources.files("bot") / "samples" / "directory"
    return [(name, (folder / name).read_bytes()) for name in SAMPLE_FILES]


async def seed_demo(database: Database, default_timezone: str = "Asia/Tomsk") -> None:
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


def _full_name(demo: DemoPerson) -> str:
    return f"{demo.last_name} {demo.first_name}"
