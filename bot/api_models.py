"""aiogram's ``Response[T]`` models, each parametrised once and kept for the life of the process.

aiogram's ``BaseSession.check_response`` validates every Bot API answer with
``Response[method.__returning__]``. Pydantic caches parametrised generic models only weakly
(``pydantic._internal._generics``: a weak-value cache), nothing else holds them, and the models
sit in reference cycles, so each garbage collection drops them and the next request builds the
model again: schema generation, ~9 ms each, for one API call in four under load (issue 15).
Holding every model here turns each later lookup into a cache hit. ``KeptModelsSession`` does it
for the result type of each method as it is first used; ``tests/test_api_models.py`` fails if
the models are built again.
"""

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

# result type (a method's ``__returning__``) -> Response[result type]; grows to one entry per
# Bot API method result type the process uses (a few dozen at most).
_KEPT: dict[Any, type[Response[Any]]] = {}


def keep_response_model(returning: Any) -> type[Response[Any]]:
    """``Response[returning]``, built at most once per process."""
    model = _KEPT.get(returning)
    if model is None:
        model = _KEPT[returning] = Response[returning]
    return model


class KeptModelsSession(AiohttpSession):
    """``AiohttpSession`` whose response models are never collected (see the module)."""

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        keep_response_model(method.__returning__)
        return super().check_response(bot, method, status_code, content)
