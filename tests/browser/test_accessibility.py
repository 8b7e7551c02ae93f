"""WCAG 2.2 AA, checked by axe-core in the browser on the main pages of every role.

axe-core is fetched by .ci/install-browser (pinned version and sha256) into
tests/browser/.vendor/; without it the check skips with the reason, unless CI requires it.
"""
import hashlib
import os
from pathlib import Path

import pytest

from referral.extensions import db
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import PASSWORD, create_user

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / ".vendor" / "axe-4.14.1.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        reason = f"needs axe-core at {AXE} (.ci/install-browser fetches it)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "not the pinned axe-core"
    return source.decode()


def violations(browser, live_server, axe_source, username, paths, viewport):
    # The app's CSP rightly forbids injected scripts; only the checker's context bypasses it.
    context = browser.new_context(viewport=viewport, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, username, PASSWORD)
        found = []
        for path in paths:
            page.goto(path)
            page.add_script_tag(content=axe_source)
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', "
                                   "values: tags}})", TAGS)
            assert result["passes"], f"axe checked nothing on {path}"
            found += [(path, v["id"], v["impact"], v["help"], len(v["nodes"]),
                       v["nodes"][0]["target"]) for v in result["violations"]]
        return found
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_main_pages_meet_wcag_2_2_aa(browser, live_server, axe_source, viewport,
                                         caseworker, supervisor, admitted, shelter_user):
    case = admitted.case
    create_user("auditor", username="auditor", mfa_deferred=True)
    db.session.commit()
    pages = {
        "caseworker": ["/", "/cases/", f"/cases/{case.id}", "/cases/new",
                       f"/cases/{case.id}/consents", f"/cases/{case.id}/referrals",
                       "/follow-ups/", f"/privacy/cases/{case.id}/subject-access"],
        "supervisor": ["/supervision/", "/privacy/break-glass"],
        "shelter": ["/", "/shelter/residents", "/referrals/received"],
        "auditor": ["/audit/?action=case."],
    }
    found = []
    for username, paths in pages.items():
        found += violations(browser, live_server, axe_source, username, paths, viewport)
    assert not found, "\n".join(map(str, found))


def test_the_sign_in_page_meets_wcag_2_2_aa(browser, live_server, axe_source):
    context = browser.new_context(viewport=PHONE, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    page.goto("/login")
    page.add_script_tag(content=axe_source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           TAGS)
    context.close()
    assert result["passes"] and result["violations"] == [], result["violations"]
