import pytest

from bot.config import ConfigError, Settings, load_settings

VALID_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_admin_ids_accept_commas_and_spaces() -> None:
    assert settings(admin_ids="1, 2 3").admin_ids == frozenset({1, 2, 3})


def test_defaults_need_no_environment() -> None:
    defaults = settings()
    assert defaults.database_url.startswith("sqlite+aiosqlite:///")
    assert defaults.timezone == "Asia/Tomsk"
    assert defaults.bot_token is None


def test_require_token_returns_a_valid_token_stripped() -> None:
    token = settings(bot_token=f" {VALID_TOKEN} ").require_token()
    assert token.get_secret_value() == VALID_TOKEN


@pytest.mark.parametrize("token", [None, "", "not-a-token", "123:short"])
def test_require_token_refuses_missing_and_malformed(token: str | None) -> None:
    with pytest.raises(ConfigError, match="BOT_TOKEN") as error:
        settings(bot_token=token).require_token()
    if token:
        assert token not in str(error.value)


def test_load_settings_names_the_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        load_settings(_env_file=None)


def test_api_url_must_be_http() -> None:
    assert settings(telegram_api_url="http://127.0.0.1:8081/").telegram_api_url == (
        "http://127.0.0.1:8081"
    )
    with pytest.raises(ValueError, match="http"):
        settings(telegram_api_url="ftp://nowhere")
