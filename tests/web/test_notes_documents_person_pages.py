"""The pages: record a contact (with a draft), upload a document from a form, find it,
correct the person's details; the case file shows the person and the timeline."""
import io
from datetime import datetime, timezone

from sqlalchemy import select

from referral.documents.models import Document
from referral.extensions import db
from referral.notes.models import CaseNote
from referral.person.models import PersonCorrection
from tests.documents.files import jpeg_with_gps, pdf_with_metadata
from tests.web.conftest import login


def page(response):
    return response.get_data(as_text=True)


def test_the_case_file_shows_the_person_and_links_to_notes_and_documents(cw_client, a_case):
    text = page(cw_client.get(f"/cases/{a_case.id}"))
    assert "Sentinelpd-Family" in text and "The person" in text
    assert f"/cases/{a_case.id}/notes" in text and f"/cases/{a_case.id}/documents" in text
    assert f"/cases/{a_case.id}/person" in text


def test_a_caseworker_records_a_contact_and_sees_it_on_the_timeline(cw_client, a_case):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")
    response = cw_client.post(f"/cases/{a_case.id}/notes", data={
        "kind": "accompaniment", "occurred_at": now, "body": "Went with her to the clinic.",
        "person_present": "y", "interpreter_used": "y", "interpreter_language": "ro",
        "follow_up_id": ""})
    assert response.status_code == 302, page(response)
    note = db.session.scalar(select(CaseNote))
    assert note.kind == "accompaniment" and note.interpreter_language == "ro"
    listing = page(cw_client.get(f"/cases/{a_case.id}/notes"))
    assert "Went with her to the clinic." in listing and "Accompaniment" in listing
    assert "Contact: Accompaniment" in page(cw_client.get(f"/cases/{a_case.id}"))


def test_a_contact_form_with_an_error_is_shown_again_with_the_field_named(cw_client, a_case):
    response = cw_client.post(f"/cases/{a_case.id}/notes", data={
        "kind": "visit", "occurred_at": "2999-01-01T10:00", "body": "x", "follow_up_id": ""})
    assert response.status_code == 400
    assert "a contact is recorded after it happened" in page(response)
    assert db.session.scalar(select(CaseNote)) is None


def test_a_half_typed_note_is_kept_as_a_draft_of_that_case_only(cw_client, caseworker,
                                                                a_case):
    from tests.factories import create_case
    other = create_case(caseworker)
    response = cw_client.post(f"/drafts/note:{a_case.id}",
                              data={"body": "DRAFT-NOTE half typed", "kind": "call"})
    assert response.status_code == 200
    assert "DRAFT-NOTE half typed" in page(cw_client.get(f"/cases/{a_case.id}/notes"))
    assert "DRAFT-NOTE" not in page(cw_client.get(f"/cases/{other.id}/notes"))
    assert cw_client.post("/drafts/note:not-a-case", data={"body": "x"}).status_code == 422


def test_the_author_edits_a_note_on_its_page(cw_client, caseworker, a_case):
    from referral.notes import service
    note = service.record_contact(caseworker, a_case, kind="call",
                                  occurred_at=datetime.now(timezone.utc), body="typo hre")
    db.session.commit()
    form = page(cw_client.get(f"/notes/{note.id}/edit"))
    assert "typo hre" in form
    response = cw_client.post(f"/notes/{note.id}/edit", data={
        "kind": "call", "occurred_at": note.occurred_at.strftime("%Y-%m-%dT%H:%M"),
        "body": "typo here", "follow_up_id": ""})
    assert response.status_code == 302
    db.session.refresh(note)
    assert note.body == "typo here"


def test_a_decision_letter_is_uploaded_from_the_page_and_found_again(cw_client, a_case):
    response = cw_client.post(f"/cases/{a_case.id}/documents", data={
        "category": "decision_letter", "title": "Positive reasonable grounds",
        "file": (io.BytesIO(pdf_with_metadata()), "RG decision.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, page(response)
    document = db.session.scalar(select(Document))
    found = page(cw_client.get(f"/cases/{a_case.id}/documents?category=decision_letter"
                               "&q=reasonable"))
    assert "Positive reasonable grounds" in found
    detail = page(cw_client.get(f"/documents/{document.id}"))
    assert "RG decision.pdf" in detail and "info" in detail
    download = cw_client.get(f"/documents/{document.id}/versions/1/download")
    assert download.status_code == 200 and download.get_data()[:5] == b"%PDF-"


def test_a_photo_is_added_as_a_new_version(cw_client, caseworker, a_case):
    from tests.documents.conftest import add
    document = add(caseworker, a_case, pdf_with_metadata(), category="evidence")
    response = cw_client.post(f"/documents/{document.id}/versions", data={
        "file": (io.BytesIO(jpeg_with_gps()), "IMG_0001.JPG")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert "IMG_0001.jpg" in page(cw_client.get(f"/documents/{document.id}"))


def test_a_refused_upload_says_why_on_the_page(app, cw_client, a_case):
    response = cw_client.post(f"/cases/{a_case.id}/documents", data={
        "category": "medical", "file": (io.BytesIO(b"MZ program"), "letter.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "not an accepted type: PDF, JPEG, PNG" in page(response)
    app.config["DOCUMENT_MAX_BYTES"] = 1024
    try:
        response = cw_client.post(f"/cases/{a_case.id}/documents", data={
            "category": "medical", "file": (io.BytesIO(pdf_with_metadata() + b"%" * 4000),
                                            "letter.pdf")},
            content_type="multipart/form-data")
        assert response.status_code == 413
        assert "the file is larger than" in page(response)
    finally:
        app.config["DOCUMENT_MAX_BYTES"] = 20 * 1024 * 1024
    assert db.session.scalar(select(Document)) is None


def test_the_persons_nationality_is_corrected_on_the_page(cw_client, a_case):
    form = page(cw_client.get(f"/cases/{a_case.id}/person"))
    assert 'value="RO"' in form and "No correction yet." in form
    response = cw_client.post(f"/cases/{a_case.id}/person", data={
        "given_name": "Test", "family_name": "Sentinelpd-Family",
        "date_of_birth": "1990-05-17", "sex": "female", "nationality": "MD",
        "languages": "", "interpreter_needed": "unknown",
        "indicators": ["documents_withheld", "debt_bondage"],
        "exploitation_forms": ["forced_labour"], "sectors": ["agriculture"],
        "narrative": a_case.narrative, "reason": "nationality confirmed from the passport"})
    assert response.status_code == 302, page(response)
    [row] = db.session.scalars(select(PersonCorrection)).all()
    assert (row.field, row.before, row.after) == ("nationality", "RO", "MD")
    history = page(cw_client.get(f"/cases/{a_case.id}/person"))
    assert "nationality confirmed from the passport" in history


def test_a_correction_without_a_reason_is_refused_on_the_page(cw_client, a_case):
    response = cw_client.post(f"/cases/{a_case.id}/person", data={
        "nationality": "MD", "sex": "female", "interpreter_needed": "unknown"})
    assert response.status_code == 400
    assert db.session.scalar(select(PersonCorrection)) is None


def test_SH3_shelter_staff_notes_page_never_shows_the_reference(client, caseworker, a_case,
                                                                admitted, shelter_user):
    from referral.notes import service
    service.record_contact(caseworker, a_case, kind="visit",
                           occurred_at=datetime.now(timezone.utc), body="shared with shelter",
                           shared_with_shelter=True)
    db.session.commit()
    login(client, "shelter")
    text = page(client.get(f"/cases/{a_case.id}/notes"))
    assert "shared with shelter" in text and a_case.reference not in text
    assert "Share with the person" not in text  # they do not decide who reads
    assert client.get(f"/cases/{a_case.id}/person").status_code == 403
    documents = page(client.get(f"/cases/{a_case.id}/documents"))
    assert a_case.reference not in documents and "Identity papers" not in documents
