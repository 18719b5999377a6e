"""Routers, one per feature, composed in one stated order.

Order matters: aiogram offers an update to routers in sequence and the first matching handler
wins.
1. ``onboarding``: invitation links and registration, open to strangers.
2. ``common``: /start, /help, /cancel, open to everyone.
3. ``gate``: stops strangers here; everything below needs a role (and asks the policy).
4. feature routers.
5. ``fallback``, the catch-all, MUST stay last, or it would swallow what later routers handle.
Routers are built fresh on every call: an aiogram Router can be attached to one Dispatcher only
(tests build several).
"""

from aiogram import Router

from bot.handlers import (
    campaign_wizard,
    campaigns,
    common,
    directory,
    export,
    fallback,
    files,
    gate,
    invitations,
    onboarding,
    people,
    questionnaire,
    review,
    status,
)


def build_routers() -> list[Router]:
    return [
        onboarding.build_router(),
        common.build_router(),
        gate.build_router(),
        questionnaire.build_router(),
        campaign_wizard.build_router(),
        campaigns.build_router(),
        status.build_router(),
        export.build_router(),
        files.build_router(),
        review.build_router(),
        invitations.build_router(),
        people.build_router(),
        directory.build_router(),
        # Keep last: answers whatever no router above took.
        fallback.build_router(),
    ]
