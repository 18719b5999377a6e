"""Routers, one per feature, composed in one stated order.

Order matters: aiogram offers an update to routers in sequence and the first matching handler
wins.
1. ``onboarding``: invitation links and registration, open to strangers.
2. ``start``: /start, /help, /cancel, open to everyone.
3. ``gate``: stops strangers here; everything below needs a role (and asks the policy).
4. feature routers. ``order_template`` and ``plans`` come before ``directory``: an
   administrator's document is a directory file unless the template or plan step awaits it.
5. ``fallback``, the catch-all, MUST come after every feature router, or it would swallow what
   later routers handle.
6. ``errors``: the catch-all error handler (an apology), last so that a feature router's own
   error handler is offered an error first.
Routers are built fresh on every call: an aiogram Router can be attached to one Dispatcher only
(tests build several).
"""

from aiogram import Router

from bot.handlers import (
    campaigns,
    directory,
    errors,
    export,
    fallback,
    files,
    forms_admin,
    gate,
    invitations,
    monitoring_plan,
    onboarding,
    order,
    order_template,
    people,
    plans,
    questionnaire,
    review,
    start,
    status,
    tables,
)


def build_routers() -> list[Router]:
    return [
        onboarding.build_router(),
        start.build_router(),
        gate.build_router(),
        questionnaire.build_router(),
        tables.build_router(),  # a school's filled template; a methodist's bulk load
        campaigns.build_router(),
        status.build_router(),
        export.build_router(),
        order.build_router(),
        order_template.build_router(),
        plans.build_router(),
        forms_admin.build_router(),
        monitoring_plan.build_router(),  # /plan: a plan's file only while its step awaits it
        files.build_router(),
        review.build_router(),
        invitations.build_router(),
        people.build_router(),
        directory.build_router(),
        # Keep these two last: the fallback answers whatever no router above took, and the
        # errors router catches what no feature router's error handler did.
        fallback.build_router(),
        errors.build_router(),
    ]
