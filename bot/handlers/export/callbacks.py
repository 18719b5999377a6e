"""Buttons of /export."""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import OptionalId, OptionalKey


class ExportPick(CallbackData, prefix="xp"):
    """One campaign (``campaign_id``) or every period of a form (``form_key``)."""

    campaign_id: OptionalId = 0
    form_key: OptionalKey = ""


class ExportRun(CallbackData, prefix="xr"):
    campaign_id: OptionalId = 0
    form_key: OptionalKey = ""
    district_id: OptionalId = 0  # 0: the whole scope
