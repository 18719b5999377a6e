"""What an inline button's payload is, when no handler took it: stale or forged.

Every ``CallbackData`` class of the bot registers its prefix when its module is imported. A
payload with a known prefix that parses is a real button pressed out of its step (stale); one
that does not parse (an unknown prefix, a huge or negative id, an unknown action) was never sent
by this bot (forged or corrupted).
"""

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class Payload(StrEnum):
    STALE = "stale"
    FORGED = "forged"


def _classes() -> dict[str, type[CallbackData]]:
    found: dict[str, type[CallbackData]] = {}
    pending = list(CallbackData.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        found[cls.__prefix__] = cls
    return found


def classify(data: str | None) -> Payload:
    if not data:
        return Payload.FORGED
    cls = _classes().get(data.split(":", 1)[0])
    if cls is None:
        return Payload.FORGED
    try:
        cls.unpack(data)
    except (TypeError, ValueError):  # pydantic's ValidationError is a ValueError
        return Payload.FORGED
    return Payload.STALE
