"""The queue of pending updates served by ``getUpdates`` long polling."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from .waiting import Notifier


def update_type(update: dict[str, Any]) -> str:
    """The update's kind, i.e. its only key besides ``update_id``."""
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Pending updates; an update is confirmed once a poll asks for a higher offset."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.last_update_id = 0  # the newest pushed update, 0 before the first
        self._pending: list[dict[str, Any]] = []
        self._confirmed_below = 0  # every update with a smaller id is confirmed
        self._filtered: set[int] = set()  # dropped because of allowed_updates
        self._allowed: frozenset[str] | None = None
        self._polls = 0
        self._closed = False
        self._changed = Notifier()

    @property
    def polls(self) -> int:
        """How many getUpdates requests arrived."""
        return self._polls

    def push(self, payload: dict[str, Any]) -> int:
        update_id = self.last_update_id = next(self._ids)
        self._pending.append({"update_id": update_id, **payload})
        self._changed.notify()
        return update_id

    def drop_pending(self) -> None:
        """Confirm everything pending (``deleteWebhook(drop_pending_updates=True)``)."""
        if self._pending:
            self._confirm(self._pending[-1]["update_id"] + 1)

    def _confirm(self, offset: int) -> None:
        self._pending = [update for update in self._pending if update["update_id"] >= offset]
        self._confirmed_below = max(self._confirmed_below, offset)
        self._changed.notify()

    def _apply_allowed(self, allowed_updates: Sequence[str] | None) -> None:
        if allowed_updates:
            self._allowed = frozenset(allowed_updates)
        if self._allowed is None:
            return
        kept = []
        for update in self._pending:
            if update_type(update) in self._allowed:
                kept.append(update)
            else:
                self._filtered.add(update["update_id"])
        if len(kept) != len(self._pending):
            self._pending = kept
            self._changed.notify()

    async def get(
        self,
        *,
        offset: int | None,
        limit: int,
        wait_seconds: float,
        allowed_updates: Sequence[str] | None,
    ) -> list[dict[str, Any]]:
        """Serve one getUpdates call, waiting up to ``wait_seconds`` for updates."""
        self._polls += 1
        if offset is not None and offset > 0:
            self._confirm(offset)
        self._apply_allowed(allowed_updates)
        self._changed.notify()
        await self._changed.wait_until(lambda: bool(self._pending) or self._closed, wait_seconds)
        if self._closed:
            return []
        self._apply_allowed(None)
        return [dict(update) for update in self._pending[:limit]]

    def is_processed(self, update_id: int) -> bool:
        return update_id < self._confirmed_below or update_id in self._filtered

    async def wait_processed(self, update_id: int, seconds: float) -> None:
        if not await self._changed.wait_until(lambda: self.is_processed(update_id), seconds):
            raise TimeoutError(
                f"update {update_id} was not confirmed by getUpdates within {seconds:g}s"
            )

    async def wait_polls(self, count: int, seconds: float) -> None:
        if not await self._changed.wait_until(lambda: self._polls >= count, seconds):
            raise TimeoutError(f"fewer than {count} getUpdates requests within {seconds:g}s")

    def close(self) -> None:
        """Answer pending long polls with no updates and wake all waiters."""
        self._closed = True
        self._changed.notify()

    def reopen(self) -> None:
        self._closed = False
