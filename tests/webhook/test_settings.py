"""The webhook settings validate at start, naming the variable and never echoing a secret."""

import os
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings

SETTING_NAMES = frozenset(Settings.model_fields)
SECRET = "s3cret_Token-0123456789"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower() in SETTING_NAMES:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_without_a_webhook_url_the_bot_long_polls() -> None:
    settings = load_settings()
    assert settings.webhook_url is None
    assert settings.webhook_secret is None
    assert (settings.webhook_host, settings.webhook_port, settings.webhook_path) == (
        "0.0.0.0",
        8080,
        "/webhook",
    )


def test_a_full_webhook_configuration_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/tg/webhook")
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("WEBHOOK_HOST", "127.0.0.1")
    monkeypatch.setenv("WEBHOOK_PORT", "9000")
    monkeypatch.setenv("WEBHOOK_PATH", "/tg/webhook")
    settings = load_settings()
    assert settings.webhook_url == "https://bot.example.org/tg/webhook"
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == SECRET
    assert (settings.webhook_host, settings.webhook_port) == ("127.0.0.1", 9000)
    assert settings.webhook_path == "/tg/webhook"


@pytest.mark.parametrize(
    "url",
    [
        "http://bot.example.org/webhook",  # Telegram posts to https only
        "bot.example.org/webhook",
        "https://",
        "https://bot.example.org/web hook",
        "ftp://bot.example.org",
    ],
)
def test_a_webhook_url_must_be_https(url: str) -> None:
    with pytest.raises(ConfigError, match=r"WEBHOOK_URL: .*https://"):
        load_settings(webhook_url=url, webhook_secret=SECRET)


def test_a_webhook_url_needs_a_secret() -> None:
    with pytest.raises(ConfigError, match=r"WEBHOOK_SECRET: .*required with WEBHOOK_URL"):
        load_settings(webhook_url="https://bot.example.org/webhook")


@pytest.mark.parametrize(
    "secret",
    ["with space", "точка", "a" * 257, "semi;colon", "slash/"],
)
def test_a_malformed_secret_is_refused_and_not_echoed(secret: str) -> None:
    with pytest.raises(ConfigError, match=r"WEBHOOK_SECRET: .*malformed") as refused:
        load_settings(webhook_url="https://bot.example.org/webhook", webhook_secret=secret)
    assert secret not in str(refused.value)


@pytest.mark.parametrize("secret", ["a", "A-z_0-9", "x" * 256])
def test_secrets_of_1_to_256_allowed_characters_pass(secret: str) -> None:
    settings = load_settings(webhook_url="https://bot.example.org/webhook", webhook_secret=secret)
    assert settings.webhook_secret is not None


@pytest.mark.parametrize(("name", "value"), [("webhook_port", "0"), ("webhook_path", "webhook")])
def test_the_listening_side_is_checked(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name.upper()):
        load_settings(**{name: value})
