"""Settings: one validated object read from the environment and an optional ``.env`` file."""

import re
from datetime import timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/shnor-monitor.sqlite3"
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
TOKEN_HELP = (
    "Get a token from @BotFather in Telegram (/newbot) and put it in BOT_TOKEN, "
    "in the environment or in a .env file next to where you start the bot. "
    "To try the bot without Telegram, run `python -m bot demo`."
)

WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
WEBHOOK_SECRET_HELP = (
    "1-256 characters A-Z, a-z, 0-9, _ and -, e.g. from "
    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_url: str | None = Field(
        default=None, description="Base URL of a Bot API server, e.g. a local one or a test fake"
    )
    timezone: str = "Asia/Tomsk"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    invitation_ttl_days: int = Field(default=14, ge=1, le=365)
    reminder_tick_seconds: float = Field(default=60, ge=1, le=3600)
    # Telegram allows about 30 messages a second overall: just under it (a bot-wide 429 still
    # pauses all sending), and never over it.
    reminder_rate: float = Field(default=29.5, gt=0, le=30)
    # Webhook mode (``run`` with WEBHOOK_URL set; long polling without it). Telegram posts
    # updates to WEBHOOK_URL (public, https, usually a reverse proxy) with WEBHOOK_SECRET in a
    # header; the bot listens on WEBHOOK_HOST:WEBHOOK_PORT at WEBHOOK_PATH, and GET /health.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/webhook"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in re.split(r"[,\s]+", value.strip()) if part)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name like Asia/Tomsk"
            ) from error
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("telegram_api_url")
    @classmethod
    def _plain_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) URL such as http://127.0.0.1:8081")
        return value.rstrip("/")

    @field_validator("webhook_url")
    @classmethod
    def _public_https_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not re.match(r"^https://[^\s/?#]+(/[^\s?#]*)?$", value):
            raise ValueError(
                "must be the public https:// URL Telegram posts updates to, "
                "such as https://bot.example.org/webhook"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            if info.data.get("webhook_url"):
                raise ValueError(f"is required with WEBHOOK_URL: {WEBHOOK_SECRET_HELP}")
            return None
        if not WEBHOOK_SECRET_PATTERN.match(value.get_secret_value()):
            raise ValueError(f"is malformed: {WEBHOOK_SECRET_HELP}")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not re.match(r"^/[A-Za-z0-9._~/-]*$", value):
            raise ValueError("must be a path starting with /, such as /webhook")
        return value

    def require_token(self) -> SecretStr:
        """The bot token, or a ConfigError that says how to get one (never echoing the value)."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError(f"BOT_TOKEN is not set. {TOKEN_HELP}")
        if not TOKEN_PATTERN.match(self.bot_token.get_secret_value().strip()):
            raise ConfigError(
                "BOT_TOKEN is malformed: a token looks like 123456789:AA... "
                f"(digits, a colon, then 30+ letters, digits, - or _). {TOKEN_HELP}"
            )
        return SecretStr(self.bot_token.get_secret_value().strip())

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def invitation_ttl(self) -> timedelta:
        return timedelta(days=self.invitation_ttl_days)


def load_settings(**overrides: object) -> Settings:
    """Read settings; a malformed value becomes a ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(
            f"{'_'.join(str(part) for part in issue['loc']).upper()}: {issue['msg']}"
            for issue in error.errors()
        )
        raise ConfigError(f"Invalid settings: {problems}") from None
