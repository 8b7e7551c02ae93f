"""A caseworker's day with the file: record a contact, upload a decision letter from a
360-pixel phone, find it again, correct the person's nationality; and axe-core's WCAG 2.2
AA rules on the new pages, on a desktop and a phone."""
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from referral.documents.models import Document
from referral.extensions import db
from referral.person.models import PersonCorrection
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, sign_in
from tests.browser.test_accessibility import axe_source, violations  # noqa: F401
from tests.documents.files import AUTHOR_MARK, pdf_with_metadata
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def test_record_a_contact_upload_a_letter_on_a_phone_find_it_correct_the_nationality(
        phone, caseworker, a_case, tmp_path):
    sign_in(phone, "caseworker", PASSWORD)

    # Record a contact.
    phone.goto(f"/cases/{a_case.id}/notes")
    phone.get_by_text("Record a contact").click()
    phone.get_by_label("Kind of contact").select_option("call")
    phone.get_by_label("Date and time (UTC)").fill("2026-11-30T09:30")
    phone.get_by_label("An interpreter was used").check()
    phone.get_by_label("Interpreter's language (code)").fill("ro")
    phone.get_by_label("Note", exact=True).fill("Called about the reasonable grounds letter.")
    phone.get_by_role("button", name="Save the contact").click()
    expect(phone.get_by_text("Contact recorded.")).to_be_visible()
    expect(phone.get_by_text("Called about the reasonable grounds letter.")).to_be_visible()

    # Upload a decision letter from the phone.
    letter = tmp_path / "RG decision.pdf"
    letter.write_bytes(pdf_with_metadata())
    phone.goto(f"/cases/{a_case.id}/documents")
    phone.get_by_text("Add a document").click()
    phone.get_by_label("Category", exact=True).select_option("decision_letter")
    phone.get_by_label("Title", exact=True).fill("Reasonable grounds decision")
    phone.get_by_label("File (PDF, JPEG or PNG)").set_input_files(str(letter))
    phone.get_by_role("button", name="Upload").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Reasonable grounds decision")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    if os.environ.get("UPDATE_SCREENSHOTS"):
        phone.screenshot(path=str(SCREENSHOTS / "document-phone.png"), full_page=True)
    document = db.session.scalar(select(Document))
    assert document.category == "decision_letter"

    # Find it again from the case file.
    phone.goto(f"/cases/{a_case.id}")
    phone.get_by_role("link", name="Documents", exact=True).click()
    phone.get_by_label("Show category").select_option("decision_letter")
    phone.get_by_label("Words of the title").fill("reasonable")
    phone.get_by_role("button", name="Find").click()
    phone.get_by_role("link", name="Reasonable grounds decision").click()
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Download version 1").click()
    saved = Path(download_info.value.path()).read_bytes()
    assert saved.startswith(b"%PDF-") and AUTHOR_MARK.encode() not in saved

    # Correct the person's nationality, with a reason.
    phone.goto(f"/cases/{a_case.id}")
    phone.get_by_role("link", name="Correct these details").click()
    phone.get_by_label("Nationality").select_option("MD")
    phone.get_by_label("Why these details are corrected").fill(
        "nationality confirmed from the passport")
    phone.get_by_role("button", name="Save the correction").click()
    expect(phone.get_by_text("The correction is recorded.")).to_be_visible()
    expect(phone.locator("#person")).to_be_visible()
    expect(phone.locator(".panel-list")).to_contain_text("MD")
    row = db.session.scalar(select(PersonCorrection))
    assert (row.field, row.before, row.after) == ("nationality", "RO", "MD")
    # The timeline shows the contact and the letter.
    timeline = phone.locator(".timeline")
    expect(timeline).to_contain_text("Contact: Phone call")
    expect(timeline).to_contain_text("Reasonable grounds decision")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_notes_documents_and_person_pages_meet_wcag_2_2_aa(  # noqa: F811
        browser, live_server, axe_source, viewport, caseworker, admitted, shelter_user):
    import io
    from datetime import datetime, timezone

    from referral.documents import service as documents
    from referral.notes import service as notes
    case = admitted.case
    notes.record_contact(caseworker, case, kind="visit", occurred_at=datetime.now(timezone.utc),
                         body="A visit.", shared_with_shelter=True)
    document = documents.add_document(caseworker, case, category="consent_form",
                                      source=io.BytesIO(pdf_with_metadata()),
                                      filename="consent.pdf", title="Consent to stay")
    db.session.commit()
    pages = {
        "caseworker": [f"/cases/{case.id}/notes", f"/cases/{case.id}/documents",
                       f"/documents/{document.id}", f"/cases/{case.id}/person",
                       f"/cases/{case.id}"],
        "shelter": [f"/cases/{case.id}/notes", f"/cases/{case.id}/documents"],
    }
    found = []
    for username, paths in pages.items():
        found += violations(browser, live_server, axe_source, username, paths, viewport)
    assert not found, "\n".join(map(str, found))
