"""What the person sees when a handler is refused or fails."""

import logging

from aiogram import Dispatcher
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from core.access import AccessDenied
from texts import people as texts

log = logging.getLogger(__name__)


async def _refuse(event: ErrorEvent) -> bool:
    """The policy said no: log who tried what, tell them, change nothing."""
    update = event.update
    if update.callback_query is not None:
        query = update.callback_query
        log.warning(
            "refused button: telegram_id=%s data=%r (%s)",
            query.from_user.id,
            query.data,
            event.exception,
        )
        await query.answer(texts.ACCESS_DENIED, show_alert=True)
    elif update.message is not None:
        sender = update.message.from_user
        log.warning(
            "refused message: telegram_id=%s text=%r (%s)",
            sender.id if sender else None,
            update.message.text,
            event.exception,
        )
        await update.message.answer(texts.ACCESS_DENIED)
    return True


def register_error_handlers(dispatcher: Dispatcher) -> None:
    dispatcher.errors.register(_refuse, ExceptionTypeFilter(AccessDenied))
