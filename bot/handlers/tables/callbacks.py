"""Buttons of a table question's Excel entry: the questionnaire's table screen carries
``TableTemplate``; pressing it sends the school's template and waits for it filled. The
/campaigns card carries ``BulkStart``: the methodist's bulk load of a round's table."""

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.handlers.shared.fields import Flag, Id, Key


class TableTemplate(CallbackData, prefix="tt"):
    """Send the template of table ``q`` of response ``r`` and wait for it filled."""

    r: Id
    q: Key


# The methodist's bulk load of a round's table (from the /campaigns card).


class BulkStart(CallbackData, prefix="tbs"):
    """Load a table of round ``c`` for all its schools: pick the table if there are several."""

    c: Id


class BulkTable(CallbackData, prefix="tbt"):
    """Load table ``q`` of form ``f`` of round ``c``: wait for the file."""

    c: Id
    f: Key
    q: Key


class BulkSample(CallbackData, prefix="tbm"):
    """Send the template of a bulk load by rows of table ``q`` of form ``f`` of round ``c``."""

    c: Id
    f: Key
    q: Key


class BulkYear(CallbackData, prefix="tby"):
    """Load year ``y``'s columns of the published table just sent."""

    y: Annotated[int, Field(ge=1900, le=2100)]


class BulkReplace(CallbackData, prefix="tbr"):
    """Replace the tables schools filled in themselves (1), or load nothing (0)."""

    yes: Flag
