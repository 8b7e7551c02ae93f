"""The pages in a browser that prefers Arabic (right to left) or French."""
import pytest

from tests.browser.conftest import DESKTOP
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def arabic_page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="ar")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_arabic_lays_the_pages_out_right_to_left(arabic_page, caseworker):
    page = arabic_page
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    # The brand starts the header: on the right when the page reads right to left.
    assert box(page, ".brand")["x"] > DESKTOP["width"] / 2
    page.get_by_label("اسم المستخدم").fill("caseworker")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(lambda url: "/login" not in url)
    expect(page.get_by_role("heading", name="ملفاتي")).to_be_visible()
    # Sign-out is pushed to the end of the header (margin-inline-start: auto): the left.
    assert box(page, ".signout")["x"] < box(page, ".brand")["x"]
    assert box(page, ".signout")["x"] < DESKTOP["width"] / 2
    # Tables run right to left: the first column is the rightmost.
    page.goto("/cases/")
    first, last = box(page, "thead th:first-child"), box(page, "thead th:last-child")
    assert first["x"] > last["x"]


def test_a_french_browser_signs_in_in_french(browser, live_server, caseworker):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/login")
        page.get_by_label("Nom d'utilisateur").fill("caseworker")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lambda url: "/login" not in url)
        expect(page.get_by_role("heading", name="Mes dossiers")).to_be_visible()
    finally:
        context.close()
