import os
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATABASE_URL, ConfigError, Settings, load_settings

VALID_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
SETTING_NAMES = frozenset(Settings.model_fields)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No setting from the real environment, and a working directory with no ``.env`` file."""
    for name in list(os.environ):
        if name.lower() in SETTING_NAMES:  # the settings read variables case-insensitively
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_the_isolation_covers_every_setting() -> None:
    assert {
        "bot_token",
        "database_url",
        "telegram_api_url",
        "timezone",
        "admin_ids",
        "log_level",
        "invitation_ttl_days",
        "reminder_tick_seconds",
        "reminder_rate",
        "webhook_url",
        "webhook_secret",
        "webhook_host",
        "webhook_port",
        "webhook_path",
    } == SETTING_NAMES
    assert not [name for name in os.environ if name.lower() in SETTING_NAMES]


def test_admin_ids_accept_commas_and_spaces() -> None:
    assert settings(admin_ids="1, 2 3").admin_ids == frozenset({1, 2, 3})


def test_admin_ids_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "42,7")
    assert load_settings().admin_ids == frozenset({42, 7})


def test_a_bad_admin_id_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "42, boss")
    with pytest.raises(ConfigError, match="ADMIN_IDS"):
        load_settings()


def test_defaults_need_no_environment() -> None:
    defaults = load_settings()
    assert defaults.database_url == DEFAULT_DATABASE_URL
    assert defaults.database_url.startswith("sqlite+aiosqlite:///")
    assert defaults.timezone == "Asia/Tomsk"
    assert defaults.bot_token is None
    assert defaults.telegram_api_url is None
    assert defaults.admin_ids == frozenset()
    assert defaults.log_level == "INFO"
    assert defaults.invitation_ttl_days == 14


def test_a_dotenv_file_in_the_working_directory_is_read(isolated: Path) -> None:
    (isolated / ".env").write_text(
        f"BOT_TOKEN={VALID_TOKEN}\nTIMEZONE=Asia/Novosibirsk\nlog_level=debug\n", encoding="utf-8"
    )

    loaded = load_settings()

    assert loaded.require_token().get_secret_value() == VALID_TOKEN
    assert loaded.timezone == "Asia/Novosibirsk"
    assert loaded.log_level == "DEBUG"


def test_the_environment_wins_over_the_dotenv_file(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated / ".env").write_text("TIMEZONE=Asia/Novosibirsk\n", encoding="utf-8")
    monkeypatch.setenv("TIMEZONE", "Europe/Moscow")

    assert load_settings().timezone == "Europe/Moscow"


def test_require_token_returns_a_valid_token_stripped() -> None:
    token = settings(bot_token=f" {VALID_TOKEN} ").require_token()
    assert token.get_secret_value() == VALID_TOKEN


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        (None, "BOT_TOKEN is not set"),
        ("", "BOT_TOKEN is not set"),
        ("   ", "BOT_TOKEN is not set"),
        ("not-a-token", "BOT_TOKEN is malformed"),
        ("123:short", "BOT_TOKEN is malformed"),
        ("12:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1", "BOT_TOKEN is malformed"),
    ],
)
def test_require_token_refuses_missing_and_malformed(token: str | None, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as error:
        settings(bot_token=token).require_token()
    assert "@BotFather" in str(error.value)
    if token and token.strip():
        assert token not in str(error.value)


def test_load_settings_names_the_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        load_settings()


def test_an_unknown_time_zone_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigError, match=r"TIMEZONE: .*unknown time zone 'Mars/Olympus'"):
        load_settings()


def test_api_url_must_be_http() -> None:
    assert settings(telegram_api_url="http://127.0.0.1:8081/").telegram_api_url == (
        "http://127.0.0.1:8081"
    )
    assert settings(telegram_api_url="  ").telegram_api_url is None
    # Not just "http": every pydantic error message carries an https:// link to its docs.
    with pytest.raises(ValueError, match=r"must be an http\(s\) URL"):
        settings(telegram_api_url="ftp://nowhere")
