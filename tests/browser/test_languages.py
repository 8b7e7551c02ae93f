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


# -- Arabic pages are right to left and meet WCAG 2.2 AA; Spanish signs in --------------------

from tests.browser.conftest import PHONE, Screens  # noqa: E402
from tests.browser.test_accessibility import TAGS, axe_source  # noqa: E402,F401


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_arabic_pages_are_right_to_left_and_axe_clean(browser, live_server, axe_source,
                                                      viewport, caseworker, a_case):
    from referral.extensions import db
    a_case.person.languages = ["ar"]  # the person's copy is written to them in Arabic
    db.session.commit()
    context = browser.new_context(viewport=viewport, base_url=live_server, locale="ar",
                                  bypass_csp=True)  # only so the checker can be injected
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/login")
        page.get_by_label("اسم المستخدم").fill("caseworker")
        page.get_by_label("كلمة المرور").fill(PASSWORD)
        page.get_by_role("button", name="تسجيل الدخول").click()
        page.wait_for_url(lambda url: "/login" not in url)
        found = []
        for path in ("/", "/cases/", f"/cases/{a_case.id}",
                     f"/privacy/cases/{a_case.id}/subject-access"):
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            expect(page.locator("html")).to_have_attribute("lang", "ar")
            # Nothing runs off the side of a phone, mirrored or not.
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
            page.add_script_tag(content=axe_source)
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', "
                                   "values: tags}})", TAGS)
            assert result["passes"], f"axe checked nothing on {path}"
            found += [(path, v["id"], v["impact"], v["help"], v["nodes"][0]["target"])
                      for v in result["violations"]]
        assert not found, found
        # The case file in Arabic: the stage in the UNODC term, the copy marked as Arabic.
        shot = "-phone" if viewport == PHONE else ""
        page.goto(f"/cases/{a_case.id}")
        expect(page.get_by_text("فترة التعافي والتفكير").first).to_be_visible()
        Screens(page)(f"case-file-arabic{shot}")
        page.goto(f"/privacy/cases/{a_case.id}/subject-access")
        expect(page.locator("article.printable")).to_have_attribute("dir", "rtl")
        Screens(page)(f"persons-copy-arabic{shot}")
    finally:
        context.close()


def test_a_spanish_browser_signs_in_in_spanish(browser, live_server, caseworker):
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="es-ES",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/login")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        page.get_by_label("Nombre de usuario").fill("caseworker")
        page.get_by_label("Contraseña").fill(PASSWORD)
        page.get_by_role("button", name="Iniciar sesión").click()
        page.wait_for_url(lambda url: "/login" not in url)
        expect(page.get_by_role("heading", name="Mis casos")).to_be_visible()
    finally:
        context.close()
