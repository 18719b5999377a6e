"""/invite (a short wizard), /invitations (open ones, with revoke) and /invite_all (a workbook)."""

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import BaseModel

from bot.commands import Cmd
from bot.config import Settings
from bot.handlers.invitations.callbacks import (
    InviteRole,
    InviteScope,
    InviteUses,
    RevokeInvitation,
    ScopeKind,
)
from bot.handlers.invitations.states import InviteWizard
from bot.handlers.shared.buttons import close_buttons, message_of
from bot.handlers.shared.drafts import StaleConversation, read_draft, save_draft
from bot.handlers.shared.school_picker import PickerTexts, Picking, SchoolPicker
from bot.handlers.shared.views import local_date, scope_label
from bot.keyboard import InlineKeyboardBuilder
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
from core.clock import Clock
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
from texts import common as common_texts
from texts import people as texts
from texts.plurals import TIMES, counted

ROLE_ORDER = (Role.RESPONDENT, Role.COORDINATOR, Role.METHODIST, Role.ADMIN)
USES_CHOICES = (1, 2, 5, 0)
# The scopes each role's step offers (a respondent picks its school without this step).
SCOPE_KINDS: dict[Role, tuple[ScopeKind, ...]] = {
    Role.ADMIN: (),
    Role.METHODIST: (ScopeKind.MUNICIPALITY, ScopeKind.EVERYTHING),
    Role.COORDINATOR: (ScopeKind.DISTRICT, ScopeKind.PICK),
}
BULK_MAX_USES = 3


class InviteDraft(BaseModel):
    """What the wizard has gathered so far (kept in FSM data, validated on every read)."""

    role: Role | None = None
    municipality_id: int | None = None
    district_id: int | None = None
    school_ids: list[int] = []

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


class _ScopeSchools(SchoolPicker):
    """A respondent's school (one) or a coordinator's schools (several), within what the
    inviting person may grant."""

    refusal = Action.INVITE
    texts = PickerTexts(
        prompt=texts.INVITE_CHOOSE_SCHOOLS,
        prompt_one=texts.INVITE_CHOOSE_SCHOOL,
        nothing_to_pick=texts.INVITE_NO_DIRECTORY,
        not_found=texts.INVITE_NO_SCHOOLS,
        at_least_one=texts.INVITE_SELECT_AT_LEAST_ONE,
    )

    async def _role(self, picking: Picking) -> Role:
        draft = await _draft(picking.state)
        if draft.role is None:
            raise StaleConversation("no role chosen")
        return draft.role

    async def candidates(self, picking: Picking) -> list[School]:
        return grantable_schools(picking.actor, await self._role(picking), picking.directory)

    async def multiple(self, picking: Picking) -> bool:
        return await self._role(picking) is Role.COORDINATOR

    async def done(self, picking: Picking, school_ids: list[int]) -> None:
        draft = await _draft(picking.state)
        draft.school_ids = school_ids
        await _save(picking.state, draft)
        await picking.state.set_state(InviteWizard.uses)
        await picking.message.answer(texts.INVITE_CHOOSE_USES, reply_markup=_uses_keyboard())


PICKER = _ScopeSchools(InviteWizard.schools)


def build_router() -> Router:
    router = Router(name="invitations")
    PICKER.register(router)

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
        clock: Clock,
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
                        callback_data=InviteScope(kind=ScopeKind.MUNICIPALITY, id=municipality.id),
                    )
            if may_grant(actor, role, DEPLOYMENT):
                builder.button(
                    text=texts.INVITE_REGIONAL, callback_data=InviteScope(kind=ScopeKind.EVERYTHING)
                )
            await state.set_state(InviteWizard.scope)
            await message.answer(
                texts.INVITE_CHOOSE_MUNICIPALITY, reply_markup=builder.adjust(1).as_markup()
            )
            return
        if role is Role.COORDINATOR:
            for district in directory.districts.values():
                if may_grant(actor, role, Target.district(district)):
                    builder.button(
                        text=district.name,
                        callback_data=InviteScope(kind=ScopeKind.DISTRICT, id=district.id),
                    )
            builder.button(
                text=texts.INVITE_PICK_SCHOOLS, callback_data=InviteScope(kind=ScopeKind.PICK)
            )
            await state.set_state(InviteWizard.scope)
            await message.answer(
                texts.INVITE_CHOOSE_COORDINATOR_SCOPE, reply_markup=builder.adjust(1).as_markup()
            )
            return
        await _save(state, draft)
        await PICKER.start(actor, database, state, message, clock)

    @router.callback_query(InviteWizard.scope, InviteScope.filter())
    async def chose_scope(
        callback: CallbackQuery,
        callback_data: InviteScope,
        actor: Actor,
        database: Database,
        state: FSMContext,
        clock: Clock,
    ) -> None:
        draft = await _draft(state)
        assert draft.role is not None
        if callback_data.kind not in SCOPE_KINDS.get(draft.role, ()):
            raise AccessDenied(Action.INVITE)  # a scope this role is never offered: forged
        directory = await load_directory(database)
        message = message_of(callback)
        if callback_data.kind is ScopeKind.PICK:
            await callback.answer()
            await close_buttons(callback, texts.INVITE_PICK_SCHOOLS)
            await PICKER.start(actor, database, state, message, clock)
            return
        if (
            callback_data.kind is ScopeKind.MUNICIPALITY
            and callback_data.id in directory.municipalities
        ):
            target = Target.municipality(callback_data.id)
            draft.municipality_id, label = (
                callback_data.id,
                directory.municipalities[callback_data.id].name,
            )
        elif callback_data.kind is ScopeKind.DISTRICT and callback_data.id in directory.districts:
            target = Target.district(directory.districts[callback_data.id])
            draft.district_id, label = callback_data.id, directory.districts[callback_data.id].name
        elif callback_data.kind is ScopeKind.EVERYTHING:
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

    @router.callback_query(InviteWizard.uses, InviteUses.filter())
    async def chose_uses(
        callback: CallbackQuery,
        callback_data: InviteUses,
        actor: Actor,
        database: Database,
        settings: Settings,
        state: FSMContext,
        bot: Bot,
        clock: Clock,
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
            now=clock(),
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
            texts.USES_LIMIT.format(count=counted(invitation.max_uses, TIMES))
            if invitation.max_uses
            else texts.USES_NO_LIMIT
        )
        builder = InlineKeyboardBuilder()
        builder.button(
            text=texts.REVOKE_BUTTON.format(number=invitation.id),
            callback_data=RevokeInvitation(invitation_id=invitation.id),
        )
        await message_of(callback).answer(
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
        message: Message,
        actor: Actor,
        database: Database,
        settings: Settings,
        clock: Clock,
    ) -> None:
        if not allows_somewhere(actor, Action.INVITE):
            await message.answer(texts.INVITE_NOT_ALLOWED)
            return
        found = await open_invitations(database, actor, now=clock())
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
        callback: CallbackQuery,
        callback_data: RevokeInvitation,
        actor: Actor,
        database: Database,
        clock: Clock,
    ) -> None:
        revoked = await revoke(database, actor, callback_data.invitation_id, now=clock())
        await callback.answer(texts.REVOKED if revoked else texts.ALREADY_REVOKED, show_alert=True)

    @router.message(Command(Cmd.INVITE_ALL))
    async def invite_all(
        message: Message,
        actor: Actor,
        database: Database,
        settings: Settings,
        bot: Bot,
        clock: Clock,
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
        now = clock()
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
