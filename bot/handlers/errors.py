"""The error boundary: whatever a handler raises, the person gets an answer, never silence.

- ``AccessDenied``: the policy said no; logged as a refusal, the person is told so.
- ``StaleConversation``: FSM data from an older release; the state is dropped and the person is
  told to start again.
- Anything else is a bug: logged with the update id and the traceback, and the person gets a
  short apology (a pressed button is answered). Services write each change in one transaction,
  so a handler that fails midway leaves no half-written change behind.
Telling the person may itself fail (the chat is gone, Telegram is down): that is logged too.
"""

import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import ErrorEvent, Update

from bot.handlers.shared.buttons import MessageTooOld
from bot.handlers.shared.drafts import StaleConversation
from core.access import AccessDenied
from texts import common as texts
from texts import people as people_texts

log = logging.getLogger(__name__)


async def tell(bot: Bot, update: Update, alert: str, message: str) -> None:
    """Answer the button with an alert; if it cannot be answered any more, write in the chat."""
    try:
        if update.callback_query is not None:
            query = update.callback_query
            try:
                await bot.answer_callback_query(query.id, alert, show_alert=True)
            except TelegramAPIError:
                if query.message is None:
                    raise
                await bot.send_message(query.message.chat.id, message)
        elif update.message is not None:
            await bot.send_message(update.message.chat.id, message)
        elif update.edited_message is not None:
            await bot.send_message(update.edited_message.chat.id, message)
    except TelegramAPIError as error:
        log.warning("update %s: could not tell the person: %s", update.update_id, error)


def _sender(update: Update) -> int | None:
    event = update.callback_query or update.message or update.edited_message
    user = getattr(event, "from_user", None)
    return None if user is None else user.id


async def _refuse(event: ErrorEvent, bot: Bot) -> bool:
    """The policy said no: log who tried what, tell them, change nothing."""
    update = event.update
    if update.callback_query is not None:
        what, data = "button", update.callback_query.data
    else:
        what, data = "message", update.message.text if update.message else None
    log.warning(
        "refused %s: update=%s telegram_id=%s data=%r (%s)",
        what,
        update.update_id,
        _sender(update),
        (data or "")[:80],
        event.exception,
    )
    await tell(bot, update, people_texts.ACCESS_DENIED, people_texts.ACCESS_DENIED)
    return True


async def _blocked(event: ErrorEvent) -> bool:
    """The person blocked the bot or left: there is nobody to tell."""
    log.info("update %s: the chat refuses messages (%s)", event.update.update_id, event.exception)
    return True


async def _stale(event: ErrorEvent, bot: Bot, state: FSMContext | None = None) -> bool:
    log.warning(
        "update %s: dropped stale conversation data (%s)", event.update.update_id, event.exception
    )
    if state is not None:
        await state.clear()
    await tell(bot, event.update, texts.STALE_CONVERSATION, texts.STALE_CONVERSATION)
    return True


async def _not_modified(event: ErrorEvent, bot: Bot) -> bool:
    """An edit to what the message already shows (a double press, the page it is on): done."""
    if event.update.callback_query is not None:
        try:
            await bot.answer_callback_query(event.update.callback_query.id)
        except TelegramAPIError as error:  # already answered before the edit
            log.debug("update %s: %s", event.update.update_id, error)
    return True


def _is_not_modified(event: ErrorEvent) -> bool:
    error = event.exception
    return isinstance(error, TelegramBadRequest) and "message is not modified" in error.message


# What Telegram says when a button's message can no longer be edited as its handler expects.
GONE_REASONS = (
    "message to edit not found",
    "message can't be edited",
    "there is no text in the message to edit",
)


def _is_gone(event: ErrorEvent) -> bool:
    """The message a button belongs to was deleted or cannot be edited any more."""
    error = event.exception
    return isinstance(error, TelegramBadRequest) and any(
        reason in error.message for reason in GONE_REASONS
    )


async def _too_old(event: ErrorEvent, bot: Bot) -> bool:
    """A button under a message Telegram no longer lets the bot read or edit."""
    await tell(bot, event.update, texts.STALE_BUTTON, texts.STALE_BUTTON)
    return True


async def _unexpected(event: ErrorEvent, bot: Bot) -> bool:
    log.error(
        "update %s failed (telegram_id=%s)",
        event.update.update_id,
        _sender(event.update),
        exc_info=event.exception,
    )
    await tell(bot, event.update, texts.UNEXPECTED_ERROR_ALERT, texts.UNEXPECTED_ERROR)
    return True


def register_error_handlers(dispatcher: Dispatcher) -> None:
    """The specific refusals, which hold for every router."""
    dispatcher.errors.register(_refuse, ExceptionTypeFilter(AccessDenied))
    dispatcher.errors.register(_stale, ExceptionTypeFilter(StaleConversation))
    dispatcher.errors.register(_blocked, ExceptionTypeFilter(TelegramForbiddenError))
    dispatcher.errors.register(_too_old, ExceptionTypeFilter(MessageTooOld))
    dispatcher.errors.register(_not_modified, _is_not_modified)
    dispatcher.errors.register(_too_old, _is_gone)


def build_router() -> Router:
    """The catch-all for errors. aiogram offers an error to the dispatcher's handlers and then to
    the routers in order, so a feature router's own error handler (``campaigns.manage``) runs
    before this one, which MUST be the last router."""
    router = Router(name="errors")
    router.errors.register(_unexpected)
    return router
