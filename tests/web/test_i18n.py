"""UI languages: the switch, the browser's preference, and a complete Chinese catalogue."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from sellerdesk.services import users
from sellerdesk.services.database import Database
from sellerdesk.web.i18n import LOCALE_DIR, load_catalogues, pick_language
from tests.web.conftest import csrf_of, sign_in

WEB = Path(LOCALE_DIR).parent


def test_switching_to_chinese_sticks_to_the_user(client: TestClient, sqlite_db: Database) -> None:
    sign_in(client, "alice")
    assert "Inbox" in client.get("/inbox").text
    token = csrf_of(client, "/inbox")
    response = client.post("/language", data={"language": "zh_Hans", "next": "/inbox", "csrf_token": token})
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.text
    assert "收件箱" in response.text
    assert "剩余时间" in response.text
    with sqlite_db.reading() as store:  # the choice is the user's, kept for their next session
        assert users.require_user(store, "alice").ui_language == "zh_Hans"


def test_the_browser_language_picks_the_login_page_language(client: TestClient) -> None:
    assert "登录" in client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "de-DE,en;q=0.5"}).text


def test_language_choice_order() -> None:
    assert pick_language(user_language="zh_Hans", session_language="en", accept_language="en") == "zh_Hans"
    assert pick_language(user_language=None, session_language="zh_Hans", accept_language="en") == "zh_Hans"
    assert pick_language(user_language=None, session_language=None, accept_language="zh-TW") == "en"
    assert pick_language(user_language="xx", session_language=None, accept_language="") == "en"


def test_every_ui_string_has_a_chinese_translation() -> None:
    method_map = [("templates/**.html", "jinja2"), ("*.py", "python")]
    used = {message for _, _, message, _, _ in extract_from_dir(str(WEB), method_map=method_map)
            if isinstance(message, str)}
    with (LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="zh_Hans")
    translated = {m.id for m in catalog if m.id and m.string}
    assert used - translated == set(), "run pybabel extract/update (docs/web.md) and translate the new strings"
    chinese = load_catalogues()["zh_Hans"]
    assert chinese.gettext("Sign in") == "登录"
