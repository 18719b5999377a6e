"""``draft_order`` end to end over the database and the core services (no Telegram): a round is
compared with the previous round of the same monitoring in the same municipality, never with a
round of another form or of another municipality; a coordinator's draft holds their district only.

Город Томск (СОШ № 5 and 11 in the north, ООШ № 66 in the south) answers the ВСОКО form in the
1st and the 2nd half-year. Decoys open before each of them: Томский район's rounds of the same
form and Город Томск's rounds of another form ("Пробный 2026", then "Декабрь 2026").
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.access import Action
from core.actors import Actor
from core.campaigns import open_form_for_schools
from core.forms.models import FormDefinition
from core.order import OrderChoices, OrderDraft, Share, draft_order, order_document
from core.questionnaires import (
    FormCatalog,
    forms_to_answer,
    open_response,
    record_answer,
    submit_response,
)
from exports.documents import Paragraph
from storage import Database
from storage.directory import add_district, add_municipality, add_school
from storage.people import Role
from tests.factories import make_actor
from texts import order as texts

TOMSK = ZoneInfo("Asia/Tomsk")
TRIAL, DECEMBER = "Пробный 2026", "Декабрь 2026"
FIRST, SECOND = "1 полугодие 2026/27", "2 полугодие 2026/27"
OPENS = {
    TRIAL: datetime(2026, 8, 20, 9, tzinfo=TOMSK),
    FIRST: datetime(2026, 9, 10, 9, tzinfo=TOMSK),
    DECEMBER: datetime(2026, 12, 1, 9, tzinfo=TOMSK),
    SECOND: datetime(2027, 1, 20, 9, tzinfo=TOMSK),
}
NOW = datetime(2027, 2, 15, 12, tzinfo=TOMSK)  # every round's deadline has passed

FIVE = "МАОУ СОШ № 5 имени А.К. Ерохина"
ELEVEN = "МАОУ СОШ № 11 имени В.И. Смирнова"
SIXTY_SIX = "МБОУ ООШ № 66"
TWO = "МБОУ СОШ № 2 Томского района"

VSOKO = FormDefinition.model_validate(
    {
        "id": "vsoko_check",
        "version": 1,
        "title": "Мониторинг внутренней системы оценки качества образования",
        "short_title": "ВСОКО",
        "sections": [
            {
                "title": "Положение о ВСОКО",
                "questions": [
                    {
                        "id": "regulation",
                        "type": "yes_no",
                        "text": "Есть ли в школе положение о ВСОКО?",
                        "order": {"finding": "имеется положение о ВСОКО"},
                    },
                    {
                        "id": "plan",
                        "type": "yes_no",
                        "text": "Утверждён ли план внутришкольного контроля?",
                        "order": {"finding": "утверждён план ВШК"},
                    },
                ],
            }
        ],
    }
)
LIBRARY = FormDefinition.model_validate(
    {
        "id": "library_check",
        "version": 1,
        "title": "Мониторинг информационно-библиотечных центров",
        "short_title": "ИБЦ",
        "sections": [
            {
                "title": "ИБЦ",
                "questions": [
                    {
                        "id": "centre",
                        "type": "yes_no",
                        "text": "Создан ли в школе информационно-библиотечный центр?",
                        "order": {"finding": "создан информационно-библиотечный центр"},
                    }
                ],
            }
        ],
    }
)


@dataclass(frozen=True)
class World:
    catalog: FormCatalog
    rounds: dict[tuple[str, str, str], int]  # (town, form, period) -> campaign id
    admin: Actor
    coordinator: Actor  # of the northern district: СОШ № 5 and 11


async def _open(
    database: Database, catalog: FormCatalog, methodist: Actor, form: FormDefinition, period: str
) -> int:
    opens = OPENS[period]
    [(campaign, _)] = await open_form_for_schools(
        database,
        catalog,
        methodist,
        form.id,
        deadline=(opens + timedelta(days=14)).date(),
        period_label=period,
        now=opens,
    )
    return campaign.id


@pytest.fixture
async def world(database: Database) -> World:
    catalog = FormCatalog({VSOKO.id: VSOKO, LIBRARY.id: LIBRARY})
    await catalog.sync(database)
    async with database.write() as conn:
        city = await add_municipality(conn, "Город Томск", "Asia/Tomsk")
        region = await add_municipality(conn, "Томский район", "Asia/Tomsk")
        north = await add_district(conn, city.id, "Северный округ")
        south = await add_district(conn, city.id, "Южный округ")
        schools = {
            full_name: await add_school(
                conn,
                municipality_id=town.id,
                full_name=full_name,
                short_name=short_name,
                legal_form=full_name.split()[0],
                district_id=district,
            )
            for full_name, short_name, town, district in (
                (FIVE, "СОШ № 5", city, north.id),
                (ELEVEN, "СОШ № 11", city, north.id),
                (SIXTY_SIX, "ООШ № 66", city, south.id),
                (TWO, "СОШ № 2", region, None),
            )
        }
    respondents = {
        full_name: await make_actor(database, 100 + n, Role.RESPONDENT, school_id=school.id)
        for n, (full_name, school) in enumerate(schools.items())
    }
    methodists = {
        "city": await make_actor(database, 201, Role.METHODIST, municipality_id=city.id),
        "region": await make_actor(database, 202, Role.METHODIST, municipality_id=region.id),
    }
    rounds: dict[tuple[str, str, str], int] = {}
    for town, form, period in (
        ("region", VSOKO, TRIAL),
        ("city", LIBRARY, TRIAL),
        ("city", VSOKO, FIRST),
        ("region", VSOKO, DECEMBER),
        ("city", LIBRARY, DECEMBER),
        ("city", VSOKO, SECOND),
    ):
        key = (town, form.id, period)
        rounds[key] = await _open(database, catalog, methodists[town], form, period)

    async def hand_in(key: tuple[str, str, str], school: str, answers: dict[str, bool]) -> None:
        await _submit(database, catalog, respondents[school], rounds[key], answers, OPENS[key[2]])

    yes, no = True, False
    # The monitoring under test: 2 of 3 have the regulation, then 1 of 3 (СОШ № 11 is silent).
    await hand_in(("city", VSOKO.id, FIRST), FIVE, {"regulation": yes, "plan": yes})
    await hand_in(("city", VSOKO.id, FIRST), ELEVEN, {"regulation": yes, "plan": no})
    await hand_in(("city", VSOKO.id, FIRST), SIXTY_SIX, {"regulation": no, "plan": no})
    await hand_in(("city", VSOKO.id, SECOND), FIVE, {"regulation": yes, "plan": yes})
    await hand_in(("city", VSOKO.id, SECOND), SIXTY_SIX, {"regulation": no, "plan": yes})
    # The decoys, with numbers of their own.
    await hand_in(("region", VSOKO.id, TRIAL), TWO, {"regulation": no, "plan": no})
    await hand_in(("region", VSOKO.id, DECEMBER), TWO, {"regulation": yes, "plan": yes})
    await hand_in(("city", LIBRARY.id, TRIAL), FIVE, {"centre": yes})
    await hand_in(("city", LIBRARY.id, TRIAL), ELEVEN, {"centre": no})
    for school in (FIVE, ELEVEN, SIXTY_SIX):
        await hand_in(("city", LIBRARY.id, DECEMBER), school, {"centre": yes})

    admin = await make_actor(database, 301, Role.ADMIN, full_name="Петрова Анна Сергеевна")
    coordinator = await make_actor(database, 302, Role.COORDINATOR, district_id=north.id)
    return World(catalog, rounds, admin, coordinator)


async def _submit(
    database: Database,
    catalog: FormCatalog,
    respondent: Actor,
    campaign_id: int,
    answers: dict[str, bool],
    opens: datetime,
) -> None:
    """The school answers the round's form and submits it, a day after the round opens."""
    now = opens + timedelta(days=1)
    [form] = [
        found
        for found in await forms_to_answer(database, catalog, respondent, now=now)
        if found.campaign.id == campaign_id
    ]
    view = await open_response(database, catalog, respondent, form.response.id, Action.ANSWER)
    for question_id, value in answers.items():
        view = (
            await record_answer(database, respondent, view, question_id, value, seen=None, now=now)
        ).view
    await submit_response(database, catalog, respondent, form.response.id, now=now)


async def _draft(
    database: Database, world: World, actor: Actor, key: tuple[str, str, str]
) -> OrderDraft:
    return await draft_order(database, world.catalog, actor, campaign_id=world.rounds[key], now=NOW)


def _shares(draft: OrderDraft) -> list[Share]:
    return [share for finding in draft.findings for share in finding.shares]


def _conclusions(draft: OrderDraft) -> list[str]:
    """The document's Выводы: the paragraphs after the heading."""
    document = order_document(draft, OrderChoices())
    lines = [block.text for block in document.blocks if isinstance(block, Paragraph)]
    start = lines.index(texts.CONCLUSIONS) + 1
    return [line for line in lines[start:] if line.startswith("– ")]


async def test_a_round_is_compared_with_the_previous_round_of_its_monitoring(
    database: Database, world: World
) -> None:
    """The 2nd half-year against the 1st, though Томский район's round of the same form and
    Город Томск's round of another form opened between them."""
    draft = await _draft(database, world, world.admin, ("city", VSOKO.id, SECOND))

    assert draft.period == SECOND
    assert draft.previous_period == FIRST
    assert draft.municipality == "Город Томск"
    assert draft.schools == (FIVE, ELEVEN, SIXTY_SIX)
    assert (draft.submitted, draft.total) == (2, 3)
    assert draft.submitted_share.previous == (3, 3)
    assert [(s.text, s.count, s.total, s.previous) for s in _shares(draft)] == [
        ("Имеется положение о ВСОКО", 1, 3, (2, 3)),
        ("Утверждён план ВШК", 2, 3, (1, 3)),
    ]
    assert _conclusions(draft) == [
        f"– Результаты мониторинга представили 2 из 3 школ (67 %); за {FIRST} — 3 из 3 (100 %).",
        f"– Имеется положение о ВСОКО — в 1 из 3 школ (33 %); за {FIRST} — 2 из 3 (67 %).",
        f"– Утверждён план ВШК — в 2 из 3 школ (67 %); за {FIRST} — 1 из 3 (33 %).",
    ]


async def test_the_first_round_has_no_previous_period(database: Database, world: World) -> None:
    """Earlier rounds of another form, or of another municipality, are no previous period."""
    draft = await _draft(database, world, world.admin, ("city", VSOKO.id, FIRST))

    assert draft.previous_period is None
    assert draft.submitted_share == Share(texts.SUBMITTED_SHARE, 3, 3, None)
    assert [(s.count, s.total, s.previous) for s in _shares(draft)] == [(2, 3, None), (1, 3, None)]
    conclusions = _conclusions(draft)
    assert conclusions[0] == "– Результаты мониторинга представили 3 из 3 школ (100 %)."
    assert conclusions[1] == "– Имеется положение о ВСОКО — в 2 из 3 школ (67 %)."
    assert not any("; за " in line for line in conclusions)


async def test_each_monitoring_and_municipality_keeps_its_own_history(
    database: Database, world: World
) -> None:
    """Томский район's December round follows its own trial round, not Город Томск's 1st
    half-year; the other form's December round follows that form's trial round."""
    region = await _draft(database, world, world.admin, ("region", VSOKO.id, DECEMBER))
    assert (region.previous_period, region.schools) == (TRIAL, (TWO,))
    assert [(s.count, s.total, s.previous) for s in _shares(region)] == [
        (1, 1, (0, 1)),
        (1, 1, (0, 1)),
    ]

    library = await _draft(database, world, world.admin, ("city", LIBRARY.id, DECEMBER))
    assert library.previous_period == TRIAL
    assert library.submitted_share.previous == (2, 3)
    assert [(s.count, s.total, s.previous) for s in _shares(library)] == [(3, 3, (1, 3))]


async def test_a_coordinator_drafts_on_their_district_only(
    database: Database, world: World
) -> None:
    """СОШ № 5 and 11 of the northern district, in both periods; ООШ № 66 is not counted."""
    draft = await _draft(database, world, world.coordinator, ("city", VSOKO.id, SECOND))

    assert draft.schools == (FIVE, ELEVEN)
    assert (draft.submitted, draft.total, draft.previous_period) == (1, 2, FIRST)
    assert draft.submitted_share.previous == (2, 2)
    assert [(s.count, s.total, s.previous) for s in _shares(draft)] == [
        (1, 2, (2, 2)),
        (1, 2, (1, 2)),
    ]
    assert _conclusions(draft)[1] == (
        f"– Имеется положение о ВСОКО — в 1 из 2 школ (50 %); за {FIRST} — 2 из 2 (100 %)."
    )
    assert "ООШ № 66" not in " ".join(_conclusions(draft))
