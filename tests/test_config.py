"""The configuration loader: valid files load, every mistake names the file, the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sellerdesk.cli import _register, cli
from sellerdesk.config import load_config, parse_config, render_docs, resolve_secret
from sellerdesk.errors import ConfigError
from sellerdesk.services.ingest import read_mailboxes

GOOD = """
database_url = "sqlite:///x.db"

[[stores]]
name = "acme-us"
marketplaces = ["US", "ca"]
timezone = "America/Los_Angeles"

[[mailboxes]]
store = "acme-us"
imap_host = "imap.example.com"
imap_username = "support@acme.example"
imap_password_env = "ACME_IMAP_PASSWORD"
smtp_host = "smtp.example.com"
from_address = "support@acme.example"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sellerdesk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), env={})
    assert config.database_url == "sqlite:///x.db"
    assert config.stores[0].marketplaces == ("US", "CA")
    assert config.mailboxes[0].imap_port == 993
    assert config.mailboxes[0].label == "acme-us:support@acme.example@imap.example.com/INBOX"
    assert config.store("acme-us").timezone == "America/Los_Angeles"


def test_environment_overrides_top_level_keys(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), env={"SELLERDESK_DATABASE_URL": "sqlite:///other.db",
                                                     "SELLERDESK_POLL_SECONDS": "5"})
    assert config.database_url == "sqlite:///other.db"
    assert config.poll_seconds == 5


def test_sellerdesk_config_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert load_config(None, env={"SELLERDESK_CONFIG": str(path)}).source == str(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("database_url = ", "not valid TOML"),
        ("colour = 1", "unknown key 'colour'"),
        ("[[stores]]\nname = 'a'\n", "missing key 'marketplaces'"),
        ("[[stores]]\nname = 'a'\nmarketplaces = ['XX']\n", "unknown marketplace 'XX'"),
        ("[[stores]]\nname = 'a'\nmarketplaces = ['US']\ntimezone = 'Mars/Olympus'\n", "not an IANA time zone"),
        ("[[stores]]\nname = 'a'\nmarketplaces = ['US']\n[[stores]]\nname = 'a'\nmarketplaces = ['DE']\n",
         "appears twice"),
        ("poll_seconds = 'often'", "not a whole number"),
        (GOOD.replace('store = "acme-us"', 'store = "acme-de"'), "no [[stores]] table is named 'acme-de'"),
        (GOOD.replace('imap_password_env = "ACME_IMAP_PASSWORD"', 'imap_password = "hunter2"'),
         "secrets are never written here"),
        (GOOD.replace('imap_host = "imap.example.com"', 'imap_host = "imap.example.com"\nimap_security = "none"'),
         "allowed only for a loopback host"),
        (GOOD.replace('imap_host = "imap.example.com"', 'imap_host = "imap.example.com"\nimap_security = "ssl"'),
         "'ssl' is not one of"),
    ],
)
def test_mistakes_name_the_file_the_key_and_the_fix(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_a_named_file_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml", env={})


def test_no_file_means_defaults_unless_required(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(env={}).stores == ()
    with pytest.raises(ConfigError):
        load_config(env={}, required=True)


def test_unknown_tables_are_kept_for_later_sections() -> None:
    assert parse_config({"compliance": {"allowed_domains": ["brand.example"]}}, env={}).extra == {
        "compliance": {"allowed_domains": ["brand.example"]}}


def test_secrets_are_read_from_the_environment_and_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TEST_SECRET", "s3cret")
    assert resolve_secret("SD_TEST_SECRET", what="mailbox x") == "s3cret"
    monkeypatch.delenv("SD_TEST_SECRET")
    with pytest.raises(ConfigError, match="SD_TEST_SECRET is not set") as caught:
        resolve_secret("SD_TEST_SECRET", what="mailbox x")
    assert "s3cret" not in str(caught.value)


def test_configuration_docs_are_generated_from_the_declarations() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
    assert docs.read_text(encoding="utf-8") == render_docs(), "run: sellerdesk config docs > docs/configuration.md"


def test_config_check_reports_missing_secrets_without_values(tmp_path: Path) -> None:
    _register()
    path = write(tmp_path, GOOD)
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(path)], env={"ACME_IMAP_PASSWORD": ""})
    assert result.exit_code == 1
    assert "ACME_IMAP_PASSWORD" in result.output
    ok = CliRunner().invoke(cli, ["config", "check", "--config", str(path)], env={"ACME_IMAP_PASSWORD": "pw"})
    assert ok.exit_code == 0, ok.output
    assert '"ok": true' in ok.output
    assert "pw" not in ok.output.replace("password", "")


def test_a_send_only_mailbox_needs_no_imap_keys(tmp_path: Path) -> None:
    text = """
outbox_folder = "sent-mail"
[[stores]]
name = "demo"
marketplaces = ["DE"]
[[mailboxes]]
store = "demo"
imap_enabled = false
from_address = "cs@demo.example"
"""
    config = load_config(write(tmp_path, text), env={})
    assert config.outbox_folder == "sent-mail"
    assert config.mailboxes[0].imap_enabled is False
    assert config.mailboxes[0].imap_host == ""
    with pytest.raises(ConfigError, match="missing key 'imap_host'"):
        load_config(write(tmp_path, text.replace("imap_enabled = false", "imap_enabled = true")), env={})
    with pytest.raises(ConfigError, match="expected true or false"):
        load_config(write(tmp_path, text.replace("imap_enabled = false", "imap_enabled = 3")), env={})


def test_send_only_mailboxes_are_not_read(tmp_path: Path) -> None:
    text = GOOD + '\n[[mailboxes]]\nstore = "acme-us"\nimap_enabled = false\nfrom_address = "a@b.example"\n'
    config = load_config(write(tmp_path, text), env={})
    assert [box.imap_host for box in read_mailboxes(config)] == ["imap.example.com"]
