"""Reminders as Telegram messages through the paced sender: each with a button that opens the
school's form, or one button per form when a message carries several reminders; a plan item's
reminder with a "✅" button that reports it done.

The outgoing key is the message's first reminder id; its delivery is reported once, and
``core.reminders.record_result`` records it on every reminder the message carried."""

from collections.abc import Awaitable, Callable, Sequence

from aiogram.types import InlineKeyboardMarkup

from bot.delivery.sender import Delivery, DeliveryStatus, Outgoing, Sender
from bot.handlers.plans.callbacks import ItemDone
from bot.handlers.questionnaire.callbacks import OpenResponse
from bot.keyboard import InlineKeyboardBuilder
from core.reminders import Deliver, DoneButton, Notice, NoticeResult, OpenButton, Outcome
from texts import reminders as texts

OUTCOMES = {
    DeliveryStatus.SENT: Outcome.SENT,
    DeliveryStatus.UNREACHABLE: Outcome.UNREACHABLE,
    DeliveryStatus.FAILED: Outcome.FAILED,
}


def _keyboard(buttons: Sequence[OpenButton | DoneButton]) -> InlineKeyboardMarkup:
    """A form's button a row (its label names it); a plan item's numbered "✅ N", five a row."""
    builder = InlineKeyboardBuilder()
    for button in buttons:
        if isinstance(button, DoneButton):
            builder.button(text=button.label, callback_data=ItemDone(i=button.item_id))
        else:
            builder.button(
                text=button.label, callback_data=OpenResponse(response_id=button.response_id)
            )
    if all(isinstance(button, DoneButton) for button in buttons) and len(buttons) > 1:
        builder.adjust(5)
    else:
        builder.adjust(1)
    return builder.as_markup()


def telegram_delivery(sender: Sender) -> Deliver:
    async def deliver(
        notices: Sequence[Notice], on_result: Callable[[NoticeResult], Awaitable[None]]
    ) -> None:
        by_key = {str(notice.reminder_id): notice for notice in notices}
        outgoing = []
        for notice in notices:
            markup = None
            if notice.buttons:
                markup = _keyboard(notice.buttons)
            elif notice.response_id is not None:
                builder = InlineKeyboardBuilder()
                builder.button(
                    text=texts.OPEN_BUTTON,
                    callback_data=OpenResponse(response_id=notice.response_id),
                )
                markup = builder.as_markup()
            outgoing.append(
                Outgoing(
                    key=str(notice.reminder_id),
                    chat_id=notice.telegram_id,
                    text=notice.text,
                    reply_markup=markup,
                )
            )

        async def relay(delivery: Delivery) -> None:
            await on_result(
                NoticeResult(
                    by_key[delivery.outgoing.key],
                    OUTCOMES[delivery.status],
                    delivery.attempts,
                    delivery.error,
                )
            )

        await sender.send_many(outgoing, on_delivery=relay)

    return deliver
