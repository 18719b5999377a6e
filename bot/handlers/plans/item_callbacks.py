"""Buttons of a plan's items: the list of a plan's items, an item's card and what it offers.

"✅ Выполнено" is ``callbacks.ItemDone`` (prefix "pld"): reminders of an item carry it too.
"""

from aiogram.filters.callback_data import CallbackData

from bot.handlers.shared.fields import Flag, Id, Page


class PlanItems(CallbackData, prefix="pli"):
    """Page ``pg`` of plan ``p``'s items; ``t`` = 1 turns the page of the message pressed."""

    p: Id
    pg: Page = 0
    t: Flag = 0


class ItemOpen(CallbackData, prefix="pio"):
    """Show item ``i``'s card."""

    i: Id


class ItemStart(CallbackData, prefix="pis"):
    """Item ``i``: в работе."""

    i: Id


class ItemPostpone(CallbackData, prefix="pip"):
    """Item ``i``: перенести (a new deadline, then the reason, are asked next)."""

    i: Id


class ItemDrop(CallbackData, prefix="pix"):
    """Item ``i``: не выполнено (the reason is asked next)."""

    i: Id


class ItemFile(CallbackData, prefix="pif"):
    """Send the file given as item ``i``'s evidence."""

    i: Id


class NoEvidence(CallbackData, prefix="pin"):
    """Item ``i`` is done without evidence."""

    i: Id
