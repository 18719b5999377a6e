"""The error type handlers raise and its Bot API envelope."""

from __future__ import annotations

from typing import Any

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    413: "Request Entity Too Large",
}


class APIError(Exception):
    """A Bot API failure answered as ``{"ok": false, ...}`` with HTTP status ``status``."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> APIError:
    return APIError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> APIError:
    return APIError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> APIError:
    return APIError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def injected_error(
    status: int, description: str | None = None, retry_after: int | None = None
) -> APIError:
    """Build an injected error, filling in Telegram's usual description for the status."""
    if status == 429:
        seconds = 1 if retry_after is None else retry_after
        if description is None:
            return too_many_requests(seconds)
        return APIError(429, description, retry_after=seconds)
    if description is None:
        if status >= 500:
            description = "Internal Server Error"
        else:
            description = _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}: injected")
    return APIError(status, description, retry_after=retry_after)
