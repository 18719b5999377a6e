"""Buttons of /order_template. ``m`` is whose template the button was shown for (0: the
deployment's): a press after the person's scope changed is stale, never applied elsewhere."""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Flag, OptionalId


class TemplateSample(CallbackData, prefix="tps"):
    """Send the sample template."""


class TemplateDelete(CallbackData, prefix="tpd"):
    """Ask whether to remove the own template."""

    m: OptionalId = 0


class TemplateDeleteConfirm(CallbackData, prefix="tpc"):
    m: OptionalId = 0
    yes: Flag = 0
