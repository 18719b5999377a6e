"""Buttons of /export."""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Flag, Id, OptionalId


class ExportPick(CallbackData, prefix="xp"):
    """One campaign, or (``every``) every period of its monitoring: the rounds with its forms."""

    campaign_id: Id
    every: Flag = 0


class ExportRun(CallbackData, prefix="xr"):
    campaign_id: Id
    every: Flag = 0
    district_id: OptionalId = 0  # 0: the whole scope
