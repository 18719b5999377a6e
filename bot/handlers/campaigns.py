"""/open_form: open a questionnaire for every school with a deadline (until campaigns grow up)."""

import re
from datetime import date
from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.commands import Cmd
from bot.config import Settings
from bot.forms.parsing import parse_date
from bot.services.access import Action, allows_somewhere
from bot.services.actors import Actor
from bot.services.campaigns import open_form_for_schools
from bot.services.questionnaires import FormCatalog
from bot.texts import questionnaire as texts
from storage import Database
from storage.types import utcnow


def build_router() -> Router:
    router = Router(name="campaigns")

    @router.message(Command(Cmd.OPEN_FORM))
    async def open_form(
        message: Message,
        command: CommandObject,
        actor: Actor,
        database: Database,
        catalog: FormCatalog,
        settings: Settings,
    ) -> None:
        if not allows_somewhere(actor, Action.RUN_CAMPAIGNS):
            await message.answer(texts.OPEN_FORM_NOT_ALLOWED)
            return
        parts = (command.args or "").split(maxsplit=2)
        if len(parts) < 2:
            forms = "\n".join(
                texts.OPEN_FORM_LINE.format(id=form.id, title=escape(form.title))
                for form in catalog.current.values()
            )
            await message.answer(texts.OPEN_FORM_USAGE.format(forms=forms))
            return
        key, when = parts[0], parts[1]
        if key not in catalog.current:
            await message.answer(texts.OPEN_FORM_UNKNOWN.format(form=escape(key)))
            return
        now = utcnow()
        today = now.astimezone(settings.zone).date()
        deadline = parse_date(when, today) if re.fullmatch(r"[\d./-]+", when) else None
        if deadline is None or deadline < today:
            await message.answer(texts.OPEN_FORM_BAD_DATE)
            return
        period = parts[2].strip() if len(parts) > 2 else texts.DEFAULT_PERIOD
        opened = await open_form_for_schools(
            database, catalog, actor, key, deadline=deadline, period_label=period, now=now
        )
        if not opened:
            await message.answer(texts.OPEN_FORM_NOTHING)
            return
        await message.answer(
            texts.OPEN_FORM_DONE.format(
                title=escape(catalog.current[key].title),
                period=escape(period),
                count=sum(count for _, count in opened),
                deadline=_day(deadline),
            )
        )

    return router


def _day(day: date) -> str:
    return day.strftime("%d.%m.%Y")
