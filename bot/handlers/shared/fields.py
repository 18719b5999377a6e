"""Bounded field types for callback data: a payload out of range does not parse.

aiogram's ``CallbackData.filter()`` treats a payload that fails validation as "no match", so a
forged or corrupted button (a huge or negative id, an unknown action) never reaches a handler or
a database query: it falls through to the fallback router, which refuses it with an alert and a
log line.
"""

from typing import Annotated

from pydantic import Field

MAX_ID = 2**31 - 1  # the largest id either database stores in an INTEGER primary key
MAX_PAGE = 10_000

Id = Annotated[int, Field(ge=1, le=MAX_ID)]  # a stored row's id
OptionalId = Annotated[int, Field(ge=0, le=MAX_ID)]  # 0 means "none"
Page = Annotated[int, Field(ge=0, le=MAX_PAGE)]
Flag = Annotated[int, Field(ge=0, le=1)]
# A question, option or form id of the questionnaires (``core.forms.models.IDENTIFIER``), or a
# one-press value such as "yes", "today" or a grade.
Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]{0,23}$")]
OptionalKey = Annotated[str, Field(pattern=r"^([a-z0-9][a-z0-9_]{0,23})?$")]
