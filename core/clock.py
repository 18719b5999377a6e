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
    """A clock a test or the demo controls: it follows the wall clock until it is ``set`` (then
    it stands still there), and ``advance`` moves it either way."""

    def __init__(self, start: datetime | None = None) -> None:
        self._frozen = start
        self._offset = timedelta()

    def __call__(self) -> datetime:
        return self._frozen if self._frozen is not None else utcnow() + self._offset

    def set(self, moment: datetime) -> None:
        self._frozen = moment

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        step = delta if delta is not None else timedelta(**parts)
        if self._frozen is not None:
            self._frozen += step
        else:
            self._offset += step
        return self()
