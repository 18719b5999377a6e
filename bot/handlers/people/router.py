"""/people (list, person card, change a role, remove) and /whoami."""

from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.commands import Cmd
from bot.handlers.people.callbacks import ChangeRole, OpenPerson, PeopleFilter, RemovePerson
from bot.handlers.shared.menus import ROLE_ORDER
from bot.handlers.shared.views import grant_label
from bot.keyboard import InlineKeyboardBuilder
from core.access import Action, allows_somewhere, may_grant
from core.actors import Actor
from core.clock import Clock
from core.directory import Directory, load_directory
from core.people import (
    change_role,
    grant_target,
    people_in_scope,
    person_for,
    remove_person,
    roles_for_scope,
)
from storage import Database
from storage.people import Person, Role
from texts import common as common_texts
from texts import people as texts

PAGE_SIZE = 10


def _roles_text(person: Person, directory: Directory) -> str:
    return "\n".join(
        texts.PERSON_ROLE_LINE.format(
            role=common_texts.ROLE_NAMES[grant.role],
            scope=escape(grant_label(directory, grant)),
        )
        for grant in person.grants
    )


def _card(person: Person, directory: Directory, actor: Actor) -> tuple[str, InlineKeyboardMarkup]:
    text = texts.PERSON_CARD.format(
        name=f"<b>{escape(person.user.full_name)}</b>",
        position=escape(person.user.position or texts.PERSON_NO_POSITION),
        roles=_roles_text(person, directory),
    )
    builder = InlineKeyboardBuilder()
    for grant in person.grants:
        target = grant_target(directory, grant)
        for role in roles_for_scope(grant):
            if role is not grant.role and may_grant(actor, role, target):
                builder.button(
                    text=texts.MAKE_ROLE.format(
                        scope=grant_label(directory, grant), role=texts.ROLE_BUTTONS[role]
                    ),
                    callback_data=ChangeRole(grant_id=grant.id, role=role),
                )
    builder.button(text=texts.REMOVE_PERSON, callback_data=RemovePerson(user_id=person.user.id))
    builder.adjust(1)
    return text, builder.as_markup()


async def _people_page(
    database: Database, actor: Actor, role: Role | None, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    people = await people_in_scope(database, actor, role=role)
    builder = InlineKeyboardBuilder()
    filters = [None, *ROLE_ORDER]
    for option in filters:
        label = texts.PEOPLE_ALL if option is None else texts.ROLE_NAMES_PLURAL[option]
        if option == role:
            label = texts.CHECKED + label
        builder.button(text=label, callback_data=PeopleFilter(role=option, page=0))
    pages = max(1, -(-len(people) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = people[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    for person in shown:
        builder.button(text=person.user.full_name, callback_data=OpenPerson(user_id=person.user.id))
    sizes = [len(filters), *[1] * len(shown)]
    if pages > 1:
        builder.button(text=texts.PREVIOUS, callback_data=PeopleFilter(role=role, page=page - 1))
        builder.button(text=texts.NEXT, callback_data=PeopleFilter(role=role, page=page + 1))
        sizes.append(2)
    text = texts.PEOPLE_HEADER.format(count=len(people)) if people else texts.PEOPLE_NONE
    builder.adjust(*sizes)
    return text, builder.as_markup()


def build_router() -> Router:
    router = Router(name="people")

    @router.message(Command(Cmd.WHOAMI))
    async def whoami(message: Message, actor: Actor, database: Database) -> None:
        if not actor.is_registered:
            await message.answer(texts.WHOAMI_STRANGER)
            return
        directory = await load_directory(database)
        lines = [
            texts.PERSON_ROLE_LINE.format(
                role=common_texts.ROLE_NAMES[grant.role],
                scope=escape(grant_label(directory, grant)),
            )
            for grant in actor.grants
        ]
        if actor.bootstrap_admin:
            lines.append(f"• {texts.WHOAMI_BOOTSTRAP}")
        user = actor.user
        await message.answer(
            texts.WHOAMI.format(
                name=escape(user.full_name if user else str(actor.telegram_id)),
                position=escape((user.position if user else None) or texts.PERSON_NO_POSITION),
                roles="\n".join(lines),
            )
        )

    @router.message(Command(Cmd.PEOPLE))
    async def list_people(message: Message, actor: Actor, database: Database) -> None:
        if not allows_somewhere(actor, Action.MANAGE_PEOPLE):
            await message.answer(texts.PEOPLE_NOT_ALLOWED)
            return
        text, markup = await _people_page(database, actor, None, 0)
        await message.answer(text, reply_markup=markup)

    @router.callback_query(PeopleFilter.filter())
    async def filter_people(
        callback: CallbackQuery, callback_data: PeopleFilter, actor: Actor, database: Database
    ) -> None:
        text, markup = await _people_page(database, actor, callback_data.role, callback_data.page)
        await callback.answer()
        if isinstance(callback.message, Message):
            await callback.message.edit_text(text, reply_markup=markup)

    @router.callback_query(OpenPerson.filter())
    async def open_person(
        callback: CallbackQuery, callback_data: OpenPerson, actor: Actor, database: Database
    ) -> None:
        person = await person_for(database, actor, callback_data.user_id)
        text, markup = _card(person, await load_directory(database), actor)
        await callback.answer()
        if isinstance(callback.message, Message):
            await callback.message.answer(text, reply_markup=markup)

    @router.callback_query(ChangeRole.filter())
    async def change(
        callback: CallbackQuery, callback_data: ChangeRole, actor: Actor, database: Database
    ) -> None:
        role = Role.parse(callback_data.role)
        if role is None:
            await callback.answer(texts.ACCESS_DENIED, show_alert=True)
            return
        grant = await change_role(database, actor, callback_data.grant_id, role)
        directory = await load_directory(database)
        await callback.answer(
            texts.ROLE_CHANGED.format(
                role=common_texts.ROLE_NAMES[grant.role], scope=grant_label(directory, grant)
            ),
            show_alert=True,
        )
        if isinstance(callback.message, Message):
            text, markup = _card(await person_for(database, actor, grant.user_id), directory, actor)
            await callback.message.edit_text(text, reply_markup=markup)

    @router.callback_query(RemovePerson.filter())
    async def remove(
        callback: CallbackQuery,
        callback_data: RemovePerson,
        actor: Actor,
        database: Database,
        clock: Clock,
    ) -> None:
        person = await person_for(database, actor, callback_data.user_id)
        message = callback.message
        if not callback_data.confirmed:
            builder = InlineKeyboardBuilder()
            builder.button(
                text=texts.CONFIRM_YES,
                callback_data=RemovePerson(user_id=person.user.id, confirmed=True),
            )
            builder.button(text=texts.CONFIRM_NO, callback_data=OpenPerson(user_id=person.user.id))
            await callback.answer()
            if isinstance(message, Message):
                await message.answer(
                    texts.CONFIRM_REMOVE.format(name=escape(person.user.full_name)),
                    reply_markup=builder.as_markup(),
                )
            return
        removal = await remove_person(database, actor, person.user.id, now=clock())
        await callback.answer()
        text = (
            texts.PERSON_REMOVED.format(name=escape(person.user.full_name))
            if removal.fully_removed
            else texts.PERSON_ROLES_REMOVED.format(count=removal.removed_grants)
        )
        if isinstance(message, Message):
            await message.edit_text(text, reply_markup=None)

    return router
