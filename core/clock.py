"""What time the application believes it is.

The clock is injected (a Dispatcher kwarg ``clock``, the scheduler's runtime, the services'
``now`` arguments), so a conversation test or the demo can hold or move time instead of reading
the wall clock.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from storage.types import utcnow

Clock = Callable[[], datetime]  # returns an aware UTC datetime


def system_clock() -> datetime:
    return utcnow()


class ManualClock:
    """A clock that stands still until moved: ``clock.advance(hours=1)``, ``clock.set(moment)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or utcnow()

    def __call__(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**parts)
        return self._now
