"""DP-5 and DP-6 reach notes and documents: erasure takes them with the case (content
chunks included), a legal hold keeps them, and the person's copy of their file carries their
notes, corrections and documents (which they can download) without privileged legal notes
or other people."""
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from referral.database import utcnow
from referral.documents import service as documents
from referral.documents.models import Document, DocumentChunk, DocumentVersion
from referral.errors import Refused
from referral.extensions import db
from referral.legal import service as legal
from referral.notes import service as notes
from referral.notes.models import CaseNote, NoteCorrection
from referral.person import service as person
from referral.person.models import PersonCorrection
from referral.privacy import service as privacy
from tests.documents.files import pdf_with_metadata, png_with_text
from tests.factories import token_headers, write_privileged_note

NOTE = "NOTE-FOR-THE-PERSON talked about her sister"
THIRD = "Inspector Zbigniew Thirdparty"
PRIVILEGED = "PRIVILEGED-ADVICE-SENTINEL"


@pytest.fixture
def full_file(caseworker, a_case):
    note = notes.record_contact(caseworker, a_case, kind="visit",
                                occurred_at=utcnow() - timedelta(hours=2), body=NOTE,
                                participants=THIRD)
    notes.correct_note(caseworker, a_case, note, body="her cousin, not her sister",
                       reason="the person corrected this herself")
    for category, data in (("decision_letter", pdf_with_metadata()),
                           ("identity_papers", png_with_text()),
                           ("evidence", pdf_with_metadata("statement of a witness"))):
        documents.add_document(caseworker, a_case, category=category, source=io.BytesIO(data),
                               filename=f"{category}.bin", title=f"My {category}")
    person.correct(caseworker, a_case, person={"nationality": "MD"},
                   reason="confirmed from the passport")
    db.session.commit()
    return a_case


def counts():
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (CaseNote, NoteCorrection, Document, DocumentVersion, DocumentChunk,
                          PersonCorrection)}


def test_DP5_erasure_takes_notes_documents_and_their_content(caseworker, supervisor,
                                                            full_file):
    assert all(counts().values())
    full_file.nrm_state, full_file.closed_at = "closed", utcnow() - timedelta(days=365 * 7)
    db.session.commit()
    result = privacy.run_retention()
    db.session.commit()
    assert result["erased"] == [full_file.reference]
    assert counts() == {name: 0 for name in counts()}


def test_DP5_a_legal_hold_keeps_notes_and_documents(client, caseworker, supervisor,
                                                   full_file):
    legal.open_proceeding(caseworker, full_file, kind="criminal", person_role="victim",
                          court_or_authority="Crown Court")
    db.session.commit()
    before = counts()
    with pytest.raises(Refused) as refused:
        privacy.erase_case(supervisor, full_file, basis="person_request")
    assert refused.value.rule == "DP-5"
    db.session.rollback()
    assert counts() == before
    response = client.post(f"/api/v1/cases/{full_file.id}/erasure",
                           headers=token_headers(supervisor),
                           json={"confirm_reference": full_file.reference})
    assert response.status_code == 409 and "DP-5" in response.json["errors"]
    assert counts() == before


def test_DP6_the_persons_copy_carries_notes_corrections_and_documents(client, caseworker,
                                                                     full_file):
    write_privileged_note(caseworker, full_file, PRIVILEGED)
    export = client.get(f"/api/v1/cases/{full_file.id}/subject-access",
                        headers=token_headers(caseworker)).json
    records = export["records"]
    text = json.dumps(export)
    # Notes: the note and its correction, not who else was there (a third party).
    [note] = records["case_note"]
    assert note["note"] == NOTE and note["kind"] == "visit"
    assert note["corrections"][0]["note"] == "her cousin, not her sister"
    assert THIRD not in text and "Thirdparty" not in text
    assert "case_note_correction" not in records
    # Privileged legal notes stay out (LP-5).
    assert PRIVILEGED not in text and "legal_note" not in records
    # Documents: what the person may take away, evidence held back (it names others).
    docs = [d for d in records["document"] if "document_id" in d]
    assert {d["category"] for d in docs} == {"decision_letter", "identity_papers"}
    assert [d for d in records["document"] if d.get("held_back") == 1]
    assert "document_chunk" not in records and "document_version" not in records
    # The corrections of their details, with the reasons.
    assert records["person_correction"][0]["after"] == "MD"
    assert export["person"]["nationality"] == "MD"

    # The person's own documents can be downloaded for them, audited as DP-6.
    link = docs[0]["versions"][0]["download"]
    download = client.get(link, headers=token_headers(caseworker))
    assert download.status_code == 200 and download.get_data()[:4] in (b"%PDF", b"\x89PNG")


def test_DP6_the_printable_copy_lists_notes_and_document_links(client, caseworker, full_file):
    from tests.web.conftest import login
    login(client, "caseworker")
    page = client.get(f"/privacy/cases/{full_file.id}/subject-access").get_data(as_text=True)
    assert NOTE in page and THIRD not in page
    assert "My decision_letter" in page and "/versions/1/download?copy=1" in page
    assert "My evidence" not in page
