"""Demo data: a municipality with its schools and a person of each role."""

from bot.demo.people import CAST
from storage import Database
from storage.directory import add_municipality, add_school
from storage.people import Role, add_user, grant_role

TOMSK_SCHOOLS = (
    ("МАОУ СОШ № 5 имени А.К. Ерохина", "СОШ № 5", "МАОУ"),
    ("МАОУ СОШ № 11 имени В.И. Смирнова", "СОШ № 11", "МАОУ"),
    ("МАОУ СОШ № 28", "СОШ № 28", "МАОУ"),
    ("МАОУ СОШ № 41", "СОШ № 41", "МАОУ"),
    ("МАОУ СОШ № 44", "СОШ № 44", "МАОУ"),
    ("МАОУ ООШ № 38", "ООШ № 38", "МАОУ"),
    ("МБОУ ООШ № 66", "ООШ № 66", "МБОУ"),
)


async def seed_demo(database: Database) -> None:
    async with database.write() as conn:
        tomsk = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        schools = [
            await add_school(
                conn,
                municipality_id=tomsk.id,
                full_name=full,
                short_name=short,
                legal_form=form,
                is_shnor=True,
            )
            for full, short, form in TOMSK_SCHOOLS
        ]
        for demo in CAST:
            if demo.role is None:
                continue
            user = await add_user(
                conn,
                telegram_id=demo.telegram_id,
                full_name=f"{demo.last_name} {demo.first_name}",
                position=demo.position,
            )
            if demo.role is Role.RESPONDENT:
                await grant_role(conn, user.id, demo.role, school_id=schools[0].id)
            elif demo.role is Role.ADMIN:
                await grant_role(conn, user.id, demo.role)
            elif demo.role is Role.COORDINATOR:
                for school in schools:
                    await grant_role(conn, user.id, demo.role, school_id=school.id)
            else:
                await grant_role(conn, user.id, demo.role, municipality_id=tomsk.id)
