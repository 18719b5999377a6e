"""Buttons of /people."""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Id, Page
from storage.people import Role


class PeopleFilter(CallbackData, prefix="pf"):
    role: Role | None = None  # None: every role
    page: Page = 0


class OpenPerson(CallbackData, prefix="op"):
    user_id: Id


class ChangeRole(CallbackData, prefix="cr"):
    grant_id: Id
    role: Role


class RemovePerson(CallbackData, prefix="rm"):
    user_id: Id
    confirmed: bool = False
