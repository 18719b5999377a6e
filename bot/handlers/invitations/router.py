"""/invite (a short wizard), /invitations (open ones, with revoke) and /invite_all (a workbook)."""

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import BaseModel

from bot.commands import Cmd
from bot.config import Settings
from bot.handlers.invitations.callbacks import InviteRole, InviteScope, InviteUses, RevokeInvitation
from bot.handlers.invitations.states import InviteWizard
from bot.handlers.shared.callbacks import PickSchool, SchoolsDone, SchoolsPage
from bot.handlers.shared.drafts import read_draft, save_draft
from bot.handlers.shared.filters import TYPED_TEXT
from bot.handlers.shared.school_picker import close_buttons, school_picker
from bot.handlers.shared.views import local_date, scope_label
from core.access import (
    DEPLOYMENT,
    AccessDenied,
    Action,
    Target,
    allows_somewhere,
    grantable_roles,
    may_grant,
)
from core.actors import Actor
from core.directory import Directory, load_directory
from core.invitations import (
    Scope,
    create_invitation,
    create_school_invitations,
    grantable_schools,
    invitation_link,
    invitation_scope,
    open_invitations,
    revoke,
)
from exports.sheets import CellValue, SheetData, write_workbook
from storage import Database
from storage.directory import School
from storage.people import Role
from storage.types import utcnow
from texts import common as common_texts
from texts import people as texts

ROLE_ORDER = (Role.RESPONDENT, Role.COORDINATOR, Role.METHODIST, Role.ADMIN)
USES_CHOICES = (1, 2, 5, 0)
BULK_MAX_USES = 3


class InviteDraft(BaseModel):
    """What the wizard has gathered so far (kept in FSM data, validated on every read)."""

    role: Role | None = None
    municipality_id: int | None = None
    district_id: int | None = None
    school_ids: list[int] = []
    query: str = ""
    page: int = 0

    def scope(self) -> Scope:
        return Scope(self.municipality_id, self.district_id, tuple(self.school_ids))


async def _draft(state: FSMContext) -> InviteDraft:
    return await read_draft(state, InviteDraft)


async def _save(state: FSMContext, draft: InviteDraft) -> None:
    await save_draft(state, draft)


def _role_keyboard(roles: frozenset[Role]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in ROLE_ORDER:
        if role in roles:
            builder.button(text=texts.ROLE_BUTTONS[role], callback_data=InviteRole(role=role))
    builder.adjust(1)
    return builder.as_markup()


def _uses_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for uses in USES_CHOICES:
        label = str(uses) if uses else texts.INVITE_USES_UNLIMITED
        builder.button(text=label, callback_data=InviteUses(uses=uses))
    builder.adjust(4)
    return builder.as_markup()


def _candidates(actor: Actor, draft: InviteDraft, directory: Directory) -> list[School]:
    assert draft.role is not None
    allowed = grantable_schools(actor, draft.role, directory)
    return directory.search_schools(draft.query, allowed) if draft.query else allowed


def build_router() -> Router:
    router = Router(name="invitations")

    @router.message(Command(Cmd.INVITE))
    async def start_wizard(message: Message, actor: Actor, state: FSMContext) -> None:
        roles = grantable_roles(actor)
        if not roles or not allows_somewhere(actor, Action.INVITE):
            await message.answer(texts.INVITE_NOT_ALLOWED)
            return
        await state.set_state(InviteWizard.role)
        await _save(state, InviteDraft())
        await message.answer(texts.INVITE_CHOOSE_ROLE, reply_markup=_role_keyboard(roles))

    @router.callback_query(InviteWizard.role, InviteRole.filter())
    async def chose_role(
        callback: CallbackQuery,
        callback_data: InviteRole,
        actor: Actor,
        database: Database,
        state: FSMContext,
    ) -> None:
        role = Role.parse(callback_data.role)
        if role is None or role not in grantable_roles(actor):
            raise AccessDenied(Action.INVITE)
        await callback.answer()
        await close_buttons(callback, texts.ROLE_BUTTONS[role])
        draft = InviteDraft(role=role)
        await _save(state, draft)
        directory = await load_directory(database)
        message = callback.message
        assert isinstance(message, Message)
        if role is Role.ADMIN:
            await state.set_state(InviteWizard.uses)
            await message.answer(texts.INVITE_CHOOSE_USES, reply_markup=_uses_keyboard())
            return
        builder = InlineKeyboardBuilder()
        if role is Role.METHODIST:
            for municipality in directory.municipalities.values():
                if may_grant(actor, role, Target.municipality(municipality.id)):
                    builder.button(
                        text=municipality.name,
                        callback_data=InviteScope(kind="m", id=municipality.id),
                    )
            if may_grant(actor, role, DEPLOYMENT):
                builder.button(text=texts.INVITE_REGIONAL, callback_data=InviteScope(kind="all"))
            await state.set_state(InviteWizard.scope)
            await message.answer(
                texts.INVITE_CHOOSE_MUNICIPALITY, reply_markup=builder.adjust(1).as_markup()
            )
            return
        if role is Role.COORDINATOR:
            for district in directory.districts.values():
                if may_grant(actor, role, Target.district(district)):
                    builder.button(
                        text=district.name, callback_data=InviteScope(kind="d", id=district.id)
                    )
            builder.button(text=texts.INVITE_PICK_SCHOOLS, callback_data=InviteScope(kind="pick"))
            await state.set_state(InviteWizard.scope)
            await message.answer(
                texts.INVITE_CHOOSE_COORDINATOR_SCOPE, reply_markup=builder.adjust(1).as_markup()
            )
            return
        await _show_picker(message, actor, draft, directory, state)

    @router.callback_query(InviteWizard.scope, InviteScope.filter())
    async def chose_scope(
        callback: CallbackQuery,
        callback_data: InviteScope,
        actor: Actor,
        database: Database,
        state: FSMContext,
    ) -> None:
        draft = await _draft(state)
        assert draft.role is not None
        directory = await load_directory(database)
        message = callback.message
        assert isinstance(message, Message)
        if callback_data.kind == "pick":
            await callback.answer()
            await close_buttons(callback, texts.INVITE_PICK_SCHOOLS)
            await _show_picker(message, actor, draft, directory, state)
            return
        if callback_data.kind == "m" and callback_data.id in directory.municipalities:
            target = Target.municipality(callback_data.id)
            draft.municipality_id, label = (
                callback_data.id,
                directory.municipalities[callback_data.id].name,
            )
        elif callback_data.kind == "d" and callback_data.id in directory.districts:
            target = Target.district(directory.districts[callback_data.id])
            draft.district_id, label = callback_data.id, directory.districts[callback_data.id].name
        elif callback_data.kind == "all":
            target, label = DEPLOYMENT, texts.INVITE_REGIONAL
        else:
            raise AccessDenied(Action.INVITE)
        if not may_grant(actor, draft.role, target):
            raise AccessDenied(Action.INVITE)
        await callback.answer()
        await close_buttons(callback, label)
        await _save(state, draft)
        await state.set_state(InviteWizard.uses)
        await message.answer(texts.INVITE_CHOOSE_USES, reply_markup=_uses_keyboard())

    @router.message(InviteWizard.schools, TYPED_TEXT)
    async def search_schools(
        message: Message, actor: Actor, database: Database, state: FSMContext
    ) -> None:
        draft = await _draft(state)
        draft.query, draft.page = (message.text or "").strip(), 0
        await _show_picker(message, actor, draft, await load_directory(database), state)

    @router.callback_query(InviteWizard.schools, SchoolsPage.filter())
    async def turn_page(
        callback: CallbackQuery,
        callback_data: SchoolsPage,
        actor: Actor,
        database: Database,
        state: FSMContext,
    ) -> None:
        draft = await _draft(state)
        await callback.answer()
        if callback_data.page == draft.page:
            return
        draft.page = max(0, callback_data.page)
        await _save(state, draft)
        await _refresh_picker(callback, actor, draft, await load_directory(database))

    @router.callback_query(InviteWizard.schools, PickSchool.filter())
    async def pick_school(
        callback: CallbackQuery,
        callback_data: PickSchool,
        actor: Actor,
        database: Database,
        state: FSMContext,
    ) -> None:
        draft = await _draft(state)
        assert draft.role is not None
        directory = await load_directory(database)
        school = directory.schools.get(callback_data.school_id)
        if school is None or not may_grant(actor, draft.role, Target.school(school)):
            raise AccessDenied(Action.INVITE)
        await callback.answer()
        if draft.role is Role.COORDINATOR:
            if school.id in draft.school_ids:
                draft.school_ids.remove(school.id)
            else:
                draft.school_ids.append(school.id)
            await _save(state, draft)
            await _refresh_picker(callback, actor, draft, directory)
            return
        draft.school_ids = [school.id]
        await _save(state, draft)
        await close_buttons(callback, school.short_name)
        await state.set_state(InviteWizard.uses)
        assert isinstance(callback.message, Message)
        await callback.message.answer(texts.INVITE_CHOOSE_USES, reply_markup=_uses_keyboard())

    @router.callback_query(InviteWizard.schools, SchoolsDone.filter())
    async def schools_done(callback: CallbackQuery, state: FSMContext) -> None:
        draft = await _draft(state)
        if not draft.school_ids:
            await callback.answer(texts.INVITE_SELECT_AT_LEAST_ONE, show_alert=True)
            return
        await callback.answer()
        if isinstance(callback.message, Message):
            await callback.message.edit_reply_markup(reply_markup=None)
            await state.set_state(InviteWizard.uses)
            await callback.message.answer(texts.INVITE_CHOOSE_USES, reply_markup=_uses_keyboard())

    @router.callback_query(InviteWizard.uses, InviteUses.filter())
    async def chose_uses(
        callback: CallbackQuery,
        callback_data: InviteUses,
        actor: Actor,
        database: Database,
        settings: Settings,
        state: FSMContext,
        bot: Bot,
    ) -> None:
        draft = await _draft(state)
        assert draft.role is not None
        if callback_data.uses not in USES_CHOICES:
            raise AccessDenied(Action.INVITE)
        created = await create_invitation(
            database,
            actor,
            draft.role,
            draft.scope(),
            now=utcnow(),
            ttl=settings.invitation_ttl,
            max_uses=callback_data.uses or None,
        )
        await state.clear()
        await callback.answer()
        label = str(callback_data.uses) if callback_data.uses else texts.INVITE_USES_UNLIMITED
        await close_buttons(callback, label)
        directory = await load_directory(database)
        me = await bot.me()
        invitation = created.invitation
        uses = (
            texts.USES_LIMIT.format(count=invitation.max_uses)
            if invitation.max_uses
            else texts.USES_NO_LIMIT
        )
        builder = InlineKeyboardBuilder()
        builder.button(
            text=texts.REVOKE_BUTTON.format(number=invitation.id),
            callback_data=RevokeInvitation(invitation_id=invitation.id),
        )
        assert isinstance(callback.message, Message)
        await callback.message.answer(
            texts.INVITE_CREATED.format(
                role=common_texts.ROLE_NAMES[draft.role],
                scope=escape(_scope_text(directory, draft.scope())),
                expires=local_date(invitation.expires_at, settings.zone),
                uses=uses,
                link=invitation_link(me.username or "", created.token),
            ),
            reply_markup=builder.as_markup(),
        )

    @router.message(Command(Cmd.INVITATIONS))
    async def list_open(
        message: Message, actor: Actor, database: Database, settings: Settings
    ) -> None:
        if not allows_somewhere(actor, Action.INVITE):
            await message.answer(texts.INVITE_NOT_ALLOWED)
            return
        found = await open_invitations(database, actor, now=utcnow())
        if not found:
            await message.answer(texts.INVITATIONS_NONE)
            return
        directory = await load_directory(database)
        lines = [texts.INVITATIONS_HEADER]
        builder = InlineKeyboardBuilder()
        for invitation in found[-20:]:
            uses = (
                f"{invitation.uses} из {invitation.max_uses}"
                if invitation.max_uses
                else str(invitation.uses)
            )
            lines.append(
                texts.INVITATION_LINE.format(
                    number=invitation.id,
                    role=common_texts.ROLE_NAMES[invitation.role],
                    scope=escape(_scope_text(directory, invitation_scope(invitation))),
                    expires=local_date(invitation.expires_at, settings.zone),
                    uses=uses,
                )
            )
            builder.button(
                text=texts.REVOKE_BUTTON.format(number=invitation.id),
                callback_data=RevokeInvitation(invitation_id=invitation.id),
            )
        await message.answer("\n".join(lines), reply_markup=builder.adjust(2).as_markup())

    @router.callback_query(RevokeInvitation.filter())
    async def revoke_one(
        callback: CallbackQuery, callback_data: RevokeInvitation, actor: Actor, database: Database
    ) -> None:
        revoked = await revoke(database, actor, callback_data.invitation_id, now=utcnow())
        await callback.answer(texts.REVOKED if revoked else texts.ALREADY_REVOKED, show_alert=True)

    @router.message(Command(Cmd.INVITE_ALL))
    async def invite_all(
        message: Message, actor: Actor, database: Database, settings: Settings, bot: Bot
    ) -> None:
        if not allows_somewhere(actor, Action.INVITE) or Role.RESPONDENT not in grantable_roles(
            actor
        ):
            await message.answer(texts.INVITE_NOT_ALLOWED)
            return
        directory = await load_directory(database)
        schools = grantable_schools(actor, Role.RESPONDENT, directory)
        if not schools:
            await message.answer(texts.INVITE_ALL_NONE)
            return
        await bot.send_chat_action(message.chat.id, "upload_document")
        now = utcnow()
        created = await create_school_invitations(
            database,
            actor,
            schools,
            now=now,
            ttl=settings.invitation_ttl,
            max_uses=BULK_MAX_USES,
        )
        me = await bot.me()
        expires = now + settings.invitation_ttl
        rows: list[list[CellValue]] = []
        for school, invitation in created:
            district = directory.districts.get(school.district_id) if school.district_id else None
            rows.append(
                [
                    directory.municipalities[school.municipality_id].name,
                    district.name if district else "",
                    school.short_name,
                    school.full_name,
                    invitation_link(me.username or "", invitation.token),
                    expires.astimezone(settings.zone).date(),
                    BULK_MAX_USES,
                ]
            )
        content = write_workbook(
            [
                SheetData(
                    title="Приглашения",
                    header=texts.INVITE_ALL_HEADER,
                    rows=rows,
                    column_widths=[18, 30, 24, 50, 60, 14, 14],
                )
            ]
        )
        name = texts.INVITE_ALL_FILE.format(date=local_date(now, settings.zone))
        await message.answer_document(
            BufferedInputFile(content, filename=name),
            caption=texts.INVITE_ALL_CAPTION.format(
                count=len(created), expires=local_date(expires, settings.zone), uses=BULK_MAX_USES
            ),
        )

    return router


def _scope_text(directory: Directory, scope: Scope) -> str:
    return scope_label(
        directory,
        municipality_id=scope.municipality_id,
        district_id=scope.district_id,
        school_ids=scope.school_ids,
    )


async def _show_picker(
    message: Message, actor: Actor, draft: InviteDraft, directory: Directory, state: FSMContext
) -> None:
    await _save(state, draft)
    await state.set_state(InviteWizard.schools)
    schools = _candidates(actor, draft, directory)
    if not schools:
        text = (
            texts.INVITE_NO_SCHOOLS.format(query=escape(draft.query))
            if draft.query
            else texts.INVITE_NO_DIRECTORY
        )
        await message.answer(text)
        return
    multiple = draft.role is Role.COORDINATOR
    prompt = texts.INVITE_CHOOSE_SCHOOLS if multiple else texts.INVITE_CHOOSE_SCHOOL
    await message.answer(
        prompt,
        reply_markup=school_picker(
            schools, directory, selected=draft.school_ids, page=draft.page, multiple=multiple
        ),
    )


async def _refresh_picker(
    callback: CallbackQuery, actor: Actor, draft: InviteDraft, directory: Directory
) -> None:
    if isinstance(callback.message, Message):
        schools = _candidates(actor, draft, directory)
        await callback.message.edit_reply_markup(
            reply_markup=school_picker(
                schools,
                directory,
                selected=draft.school_ids,
                page=draft.page,
                multiple=draft.role is Role.COORDINATOR,
            )
        )
