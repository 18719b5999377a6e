"""Campaigns: the /new_campaign wizard and managing open rounds (/campaigns)."""

from aiogram import Router

from bot.handlers.campaigns import manage, wizard


def build_router() -> Router:
    router = Router(name="campaigns")
    router.include_routers(wizard.build_router(), manage.build_router())
    return router
