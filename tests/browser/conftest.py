"""Browser journeys in Debian's chromium, driven by Playwright, against a live server.

The server is the real app on a loopback port, with CSRF on, sharing the suite's database.
Without chromium the journeys skip with the reason; CI (REQUIRE_BROWSER=1, set by .ci/run
after .ci/install-browser) fails instead, so a missing browser is never a silent pass.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from referral import create_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


def _missing_browser() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"needs Debian's chromium at {CHROMIUM} (.ci/install-browser installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs the playwright package (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _missing_browser()
    if reason:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def live_server(app, browser):
    served = create_app({
        "TESTING": False, "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config.get("REDIS_URL"),
        "ENCRYPTION_KEYS": app.config["ENCRYPTION_KEYS"],
        "BLIND_INDEX_KEY": app.config["BLIND_INDEX_KEY"],
        "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": True,
    })
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class Screens:
    """Saves screenshots into docs/screenshots when UPDATE_SCREENSHOTS=1."""

    def __init__(self, page):
        self.page = page

    def __call__(self, name):
        if os.environ.get("UPDATE_SCREENSHOTS"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screens(page):
    return Screens(page)


def sign_in(page, username, password):
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login**")
