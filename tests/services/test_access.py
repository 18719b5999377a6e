"""The access matrix: every role × every action × own or other school, cell by cell."""

import pytest

from core.access import (
    DEPLOYMENT,
    AccessDenied,
    Action,
    Target,
    allows,
    authorize,
    grant_covers,
    may_grant,
    visible_schools,
)
from core.actors import Actor
from storage.directory import School
from storage.people import Role, RoleGrant

M1, M2 = 1, 2  # municipalities
D1, D2 = 10, 20  # districts of M1
OWN = School(
    id=100, municipality_id=M1, district_id=D1, full_name="МАОУ СОШ № 5", short_name="СОШ № 5"
)
NEIGHBOUR = School(
    id=101, municipality_id=M1, district_id=D2, full_name="МБОУ ООШ № 66", short_name="ООШ № 66"
)
OTHER = School(
    id=200,
    municipality_id=M2,
    district_id=None,
    full_name="МБОУ «Мирненская СОШ»",
    short_name="Мирненская СОШ",
)


def actor(
    *grants: tuple[Role, int | None, int | None, int | None], bootstrap: bool = False
) -> Actor:
    return Actor(
        telegram_id=1,
        user=None,
        grants=tuple(
            RoleGrant(id=i, user_id=1, role=role, municipality_id=m, district_id=d, school_id=s)
            for i, (role, m, d, s) in enumerate(grants, start=1)
        ),
        bootstrap_admin=bootstrap,
    )


ACTORS: dict[str, Actor] = {
    "admin": actor((Role.ADMIN, None, None, None)),
    "admin from ADMIN_IDS": actor(bootstrap=True),
    "methodist": actor((Role.METHODIST, M1, None, None)),
    "regional methodist": actor((Role.METHODIST, None, None, None)),
    "district coordinator": actor((Role.COORDINATOR, None, D1, None)),
    "coordinator of named schools": actor((Role.COORDINATOR, None, None, OWN.id)),
    "respondent": actor((Role.RESPONDENT, None, None, OWN.id)),
    "stranger": actor(),
}

Y, N = True, False
ALL = dict.fromkeys(Action, (Y, Y))
NONE = dict.fromkeys(Action, (N, N))
METHODIST = NONE | {
    Action.VIEW_ANSWERS: (Y, N),
    Action.VIEW_STATUS: (Y, N),
    Action.NUDGE: (Y, N),
    Action.EXPORT: (Y, N),
    Action.REVIEW: (Y, N),
    Action.RUN_CAMPAIGNS: (Y, N),
    Action.INVITE: (Y, N),
    Action.MANAGE_PEOPLE: (Y, N),
    Action.ORDER: (Y, N),
    Action.ORDER_TEMPLATE: (Y, N),
    Action.VIEW_PLANS: (Y, N),
    Action.MANAGE_PLANS: (Y, N),
    Action.REVIEW_SCHOOL_PLANS: (Y, N),
}
COORDINATOR = NONE | {
    Action.VIEW_ANSWERS: (Y, N),
    Action.VIEW_STATUS: (Y, N),
    Action.NUDGE: (Y, N),
    Action.EXPORT: (Y, N),
    Action.ORDER: (Y, N),
    Action.VIEW_PLANS: (Y, N),
}
# (own school, other school) for every action; "other" is a school of another municipality.
EXPECTED: dict[str, dict[Action, tuple[bool, bool]]] = {
    "admin": ALL,
    "admin from ADMIN_IDS": ALL,
    "methodist": METHODIST,
    "regional methodist": {a: (own, own) for a, (own, _) in METHODIST.items()},
    "district coordinator": COORDINATOR,
    "coordinator of named schools": COORDINATOR,
    "respondent": NONE
    | {
        Action.ANSWER: (Y, N),
        Action.VIEW_ANSWERS: (Y, N),
        Action.VIEW_PLANS: (Y, N),
        Action.REPORT_PLAN: (Y, N),
        Action.SUBMIT_SCHOOL_PLAN: (Y, N),
    },
    "stranger": NONE,
}

CELLS = [
    pytest.param(name, action, which, id=f"{name}-{action}-{which}")
    for name in EXPECTED
    for action in Action
    for which in ("own", "other")
]


def test_every_actor_has_a_row_for_every_action() -> None:
    assert set(EXPECTED) == set(ACTORS)
    for name, row in EXPECTED.items():
        assert set(row) == set(Action), f"{name}: add the new action to the matrix"


@pytest.mark.parametrize(("name", "action", "which"), CELLS)
def test_matrix_cell(name: str, action: Action, which: str) -> None:
    school = OWN if which == "own" else OTHER
    expected = EXPECTED[name][action][0 if which == "own" else 1]

    assert allows(ACTORS[name], action, Target.school(school)) is expected
    if not expected:
        with pytest.raises(AccessDenied):
            authorize(ACTORS[name], action, Target.school(school))


def test_a_district_coordinator_does_not_see_the_neighbouring_district() -> None:
    coordinator = ACTORS["district coordinator"]
    assert not allows(coordinator, Action.VIEW_STATUS, Target.school(NEIGHBOUR))
    assert visible_schools(coordinator, Action.VIEW_STATUS, [OWN, NEIGHBOUR, OTHER]) == [OWN]


def test_a_methodist_sees_the_whole_municipality_and_nothing_else() -> None:
    methodist = ACTORS["methodist"]
    assert visible_schools(methodist, Action.EXPORT, [OWN, NEIGHBOUR, OTHER]) == [OWN, NEIGHBOUR]
    assert not allows(methodist, Action.EXPORT, DEPLOYMENT)


def test_only_administrators_import_the_directory() -> None:
    for name, person in ACTORS.items():
        assert allows(person, Action.IMPORT_DIRECTORY, DEPLOYMENT) is name.startswith("admin")


def test_several_roles_add_up_without_leaking() -> None:
    director = actor(
        (Role.RESPONDENT, None, None, NEIGHBOUR.id), (Role.COORDINATOR, None, D1, None)
    )

    assert allows(director, Action.ANSWER, Target.school(NEIGHBOUR))
    assert not allows(director, Action.ANSWER, Target.school(OWN))  # coordinates, not answers
    assert allows(director, Action.NUDGE, Target.school(OWN))
    assert not allows(director, Action.NUDGE, Target.school(OTHER))


@pytest.mark.parametrize(
    ("name", "role", "own", "other"),
    [
        ("admin", Role.ADMIN, Y, Y),
        ("admin", Role.METHODIST, Y, Y),
        ("methodist", Role.RESPONDENT, Y, N),
        ("methodist", Role.COORDINATOR, Y, N),
        ("methodist", Role.METHODIST, N, N),
        ("methodist", Role.ADMIN, N, N),
        ("district coordinator", Role.RESPONDENT, N, N),
        ("respondent", Role.RESPONDENT, N, N),
        ("stranger", Role.RESPONDENT, N, N),
    ],
)
def test_who_may_hand_out_which_role(name: str, role: Role, own: bool, other: bool) -> None:
    assert may_grant(ACTORS[name], role, Target.school(OWN)) is own
    assert may_grant(ACTORS[name], role, Target.school(OTHER)) is other


def test_grant_levels_cover_what_lies_below_them() -> None:
    district = RoleGrant(id=1, user_id=1, role=Role.COORDINATOR, district_id=D1)
    assert grant_covers(district, Target(M1, D1, None))
    assert grant_covers(district, Target.school(OWN))
    assert not grant_covers(district, Target.municipality(M1))
    school = RoleGrant(id=2, user_id=1, role=Role.RESPONDENT, school_id=OWN.id)
    assert not grant_covers(school, Target(M1, D1, None))
