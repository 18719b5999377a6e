"""Fault injection (errors, delays) and Telegram-like send rate limits."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Literal

ANY_METHOD = "*"


@dataclass
class Injection:
    """One planned fault; ``remaining`` is ``None`` for "until cleared"."""

    kind: Literal["error", "delay"]
    method: str
    chat_id: int | None
    remaining: int | None
    status: int = 0
    description: str | None = None
    retry_after: int | None = None
    seconds: float = 0.0

    def matches(self, kind: str, method: str, chat_id: int | None) -> bool:
        return (
            self.kind == kind
            and self.method in (ANY_METHOD, method.lower())
            and (self.chat_id is None or self.chat_id == chat_id)
        )


class FaultPlan:
    """Injections matched in insertion order; each use consumes one of its ``times``."""

    def __init__(self) -> None:
        self._injections: list[Injection] = []

    def add(self, injection: Injection) -> None:
        if injection.remaining is not None and injection.remaining <= 0:
            raise ValueError("times must be positive or None")
        injection.method = injection.method.lower()
        self._injections.append(injection)

    def clear(self) -> None:
        self._injections.clear()

    def take(self, kind: str, method: str, chat_id: int | None) -> Injection | None:
        """The first injection matching the request, consuming one use of it."""
        for injection in self._injections:
            if injection.matches(kind, method, chat_id):
                if injection.remaining is not None:
                    injection.remaining -= 1
                    if injection.remaining == 0:
                        self._injections.remove(injection)
                return injection
        return None


def is_rate_limited_method(method: str) -> bool:
    """Methods that send a message count against the limits (chat actions do not)."""
    name = method.lower()
    return (name.startswith("send") and name != "sendchataction") or name in {
        "copymessage",
        "forwardmessage",
    }


class RateLimiter:
    """Sliding one-second windows: a global limit and a per-chat limit."""

    WINDOW = 1.0

    def __init__(self, global_per_second: float | None, per_chat_per_second: float | None) -> None:
        self.global_per_second = global_per_second
        self.per_chat_per_second = per_chat_per_second
        self._global: deque[float] = deque()
        self._per_chat: defaultdict[int, deque[float]] = defaultdict(deque)

    def _trim(self, window: deque[float], now: float) -> None:
        while window and window[0] <= now - self.WINDOW:
            window.popleft()

    def try_acquire(self, chat_id: int | None, now: float) -> bool:
        """Count a send at ``now`` if it fits in both windows; ``False`` if over a limit."""
        self._trim(self._global, now)
        if self.global_per_second is not None and len(self._global) >= self.global_per_second:
            return False
        chat_window = None
        if chat_id is not None and self.per_chat_per_second is not None:
            chat_window = self._per_chat[chat_id]
            self._trim(chat_window, now)
            if len(chat_window) >= self.per_chat_per_second:
                return False
        self._global.append(now)
        if chat_window is not None:
            chat_window.append(now)
        return True
