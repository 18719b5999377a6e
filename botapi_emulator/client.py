"""An aiogram HTTP session for the emulator."""

from __future__ import annotations

from typing import Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer


class LocalSession(AiohttpSession):
    """``AiohttpSession`` pointed at an emulator's ``base_url``.

    ``close()`` skips aiogram's 250 ms grace period meant for TLS connections.
    """

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(api=TelegramAPIServer.from_base(base_url), **kwargs)

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
