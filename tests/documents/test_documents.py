"""Documents: checked by content, size-limited, stripped of hidden metadata, sealed at rest
in chunks under a data key of their own, streamed back, seen by category, every view and
download audited (DP-3), shelter staff never see identity papers (SH-3)."""
import io

import pikepdf
import pytest
from cryptography.exceptions import InvalidTag
from PIL import Image
from sqlalchemy import select, text, update

from referral.audit.models import AuditEntry
from referral.documents import sanitize
from referral.documents import store
from referral.documents.models import Document, DocumentChunk, DocumentVersion
from referral.extensions import db
from tests.documents.conftest import add, upload
from tests.documents.files import (AUTHOR_MARK, GPS_MARK, JPEG_COMMENT, PNG_MARK, XMP_MARK,
                                   jpeg_with_gps, pdf_with_metadata, png_with_text)
from tests.factories import create_case, create_user, token_headers


def content(client, headers, document_id, number=1):
    response = client.get(f"/api/v1/documents/{document_id}/versions/{number}/content",
                          headers=headers)
    assert response.status_code == 200, response.data
    return response


# --- upload, download, versions -------------------------------------------------------

def test_a_decision_letter_is_uploaded_found_and_downloaded(client, cw_headers, a_case):
    letter = pdf_with_metadata()
    response = upload(client, cw_headers, a_case.id, letter, title="Reasonable grounds")
    assert response.status_code == 201, response.json
    document = response.json
    assert document["category"] == "decision_letter" and document["title"] == \
        "Reasonable grounds"
    assert document["versions"][0]["content_type"] == "application/pdf"

    listed = client.get(f"/api/v1/cases/{a_case.id}/documents?category=decision_letter",
                        headers=cw_headers).json
    assert [d["id"] for d in listed] == [document["id"]]
    found = client.get(f"/api/v1/cases/{a_case.id}/documents?q=grounds",
                       headers=cw_headers).json
    assert [d["id"] for d in found] == [document["id"]]

    download = content(client, cw_headers, document["id"])
    assert download.is_streamed
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    with pikepdf.open(io.BytesIO(download.get_data())) as pdf:
        assert len(pdf.pages) == 1


def test_a_new_version_keeps_the_earlier_ones(client, cw_headers, caseworker, a_case):
    document = add(caseworker, a_case, pdf_with_metadata("first"))
    response = client.post(f"/api/v1/documents/{document.id}/versions", headers=cw_headers,
                           data={"file": (io.BytesIO(png_with_text()), "scan.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 201 and response.json["number"] == 2
    assert response.json["filename"] == "scan.png"
    detail = client.get(f"/api/v1/documents/{document.id}", headers=cw_headers).json
    assert detail["current_version"] == 2 and [v["number"] for v in detail["versions"]] == [2, 1]
    assert content(client, cw_headers, document.id, 1).headers["Content-Type"] == \
        "application/pdf"
    assert content(client, cw_headers, document.id, 2).headers["Content-Type"] == "image/png"


def test_a_file_larger_than_one_chunk_comes_back_whole(caseworker, a_case, client, cw_headers):
    image = Image.effect_noise((900, 700), 80).convert("RGB")  # noise: barely compresses
    raw = io.BytesIO()
    image.save(raw, "PNG")
    assert len(raw.getvalue()) > 2 * store.CHUNK_SIZE
    document = add(caseworker, a_case, raw.getvalue(), filename="noise.png")
    version = document.versions[0]
    assert version.chunk_count == -(-version.size_bytes // store.CHUNK_SIZE)
    back = content(client, cw_headers, document.id).get_data()
    assert back == raw.getvalue()  # nothing to strip in this PNG: byte for byte the same


# --- type and size refusals: clear 4xx, nothing written -------------------------------

@pytest.mark.parametrize("data, filename", [
    (b"MZ\x90\x00 this is a program", "letter.pdf"),
    (b"<html><script>alert(1)</script></html>", "letter.jpg"),
    (b"PK\x03\x04 a word document", "letter.docx"),
    (b"just some text", "notes.txt"),
])
def test_a_file_is_refused_by_its_content_not_its_name(client, cw_headers, a_case, data,
                                                       filename):
    response = upload(client, cw_headers, a_case.id, data, filename=filename)
    assert response.status_code == 422
    assert "file" in response.json["errors"]
    assert "PDF, JPEG, PNG" in response.json["errors"]["file"][0]
    assert db.session.scalar(select(Document)) is None


def test_a_broken_image_is_refused_and_nothing_is_kept(client, cw_headers, a_case):
    cut = jpeg_with_gps()[:600]  # starts as a JPEG, ends in the middle
    response = upload(client, cw_headers, a_case.id, cut, filename="photo.jpg",
                      category="evidence")
    assert response.status_code == 422 and "file" in response.json["errors"]
    assert db.session.scalar(select(Document)) is None
    assert db.session.scalar(select(DocumentChunk)) is None


def test_a_file_over_the_size_limit_is_a_413_naming_the_limit(app, client, cw_headers, a_case):
    app.config["DOCUMENT_MAX_BYTES"] = 1024 * 1024
    try:
        big = pdf_with_metadata() + b"%" + b"x" * (1024 * 1024)
        response = upload(client, cw_headers, a_case.id, big)
        assert response.status_code == 413
        assert response.json == {"errors": {"file": ["the file is larger than 1 MB"]}}
        # The declared body alone is over the limit and the envelope: refused before parsing.
        huge = b"%PDF-" + b"x" * (3 * 1024 * 1024)
        response = upload(client, cw_headers, a_case.id, huge)
        assert response.status_code == 413 and "file" in response.json["errors"]
    finally:
        app.config["DOCUMENT_MAX_BYTES"] = 20 * 1024 * 1024
    assert db.session.scalar(select(Document)) is None


def test_an_upload_without_a_file_or_category_names_the_field(client, cw_headers, a_case):
    response = client.post(f"/api/v1/cases/{a_case.id}/documents", headers=cw_headers,
                           data={"category": "medical"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.json["errors"]
    response = upload(client, cw_headers, a_case.id, pdf_with_metadata(), category="diary")
    assert response.status_code == 422 and "category" in response.json["errors"]


# --- metadata stripping ----------------------------------------------------------------

def test_a_photo_loses_its_gps_position_and_camera_but_stays_upright(client, cw_headers,
                                                                     a_case):
    photo = jpeg_with_gps(orientation=6)
    assert GPS_MARK.encode() in photo and JPEG_COMMENT in photo
    document = upload(client, cw_headers, a_case.id, photo, category="evidence",
                      filename="IMG_0042.JPG").json
    assert set(document["versions"][0]["stripped"]) >= {"exif", "comment"}
    back = content(client, cw_headers, document["id"]).get_data()
    assert GPS_MARK.encode() not in back and JPEG_COMMENT not in back
    image = Image.open(io.BytesIO(back))
    exif = image.getexif()
    assert dict(exif) == {0x0112: 6}  # only the orientation is left
    assert exif.get_ifd(0x8825) == {}  # no GPS
    original = Image.open(io.BytesIO(photo))
    assert image.size == original.size
    assert image.tobytes() == original.tobytes()  # the picture itself is not re-encoded


def test_a_png_loses_its_text_chunks(client, cw_headers, a_case):
    document = upload(client, cw_headers, a_case.id, png_with_text(), category="evidence",
                      filename="screenshot.png").json
    assert set(document["versions"][0]["stripped"]) == {"tEXt", "iTXt"}
    back = content(client, cw_headers, document["id"]).get_data()
    assert PNG_MARK.encode() not in back and XMP_MARK.encode() not in back
    assert Image.open(io.BytesIO(back)).tobytes() == \
        Image.open(io.BytesIO(png_with_text())).tobytes()


def test_a_pdf_loses_its_author_and_xmp(client, cw_headers, a_case):
    letter = pdf_with_metadata()
    assert AUTHOR_MARK.encode() in letter and XMP_MARK.encode() in letter
    document = upload(client, cw_headers, a_case.id, letter).json
    assert {"info", "xmp"} <= set(document["versions"][0]["stripped"])
    back = content(client, cw_headers, document["id"]).get_data()
    assert AUTHOR_MARK.encode() not in back and XMP_MARK.encode() not in back
    with pikepdf.open(io.BytesIO(back)) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root


def test_a_photo_inside_a_pdf_loses_its_exif_too():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    photo = pikepdf.Stream(pdf, jpeg_with_gps(size=(20, 20)))
    photo.Type, photo.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    photo.Width = photo.Height = 20
    photo.ColorSpace, photo.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    photo.Filter = pikepdf.Name.DCTDecode
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=photo))
    raw = io.BytesIO()
    pdf.save(raw)
    assert GPS_MARK.encode() in raw.getvalue()
    cleaned = sanitize.clean(sanitize.detect(raw.getvalue()), io.BytesIO(raw.getvalue()))
    out = b"".join(cleaned.blocks)
    assert GPS_MARK.encode() not in out and "image exif" in cleaned.removed


def test_a_password_protected_pdf_is_refused_as_unreadable(client, cw_headers, a_case):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    raw = io.BytesIO()
    pdf.save(raw, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    response = upload(client, cw_headers, a_case.id, raw.getvalue())
    assert response.status_code == 422 and "password" in response.json["errors"]["file"][0]


# --- the seal ---------------------------------------------------------------------------

def test_content_title_and_file_name_are_unreadable_in_the_database(caseworker, a_case):
    image = png_with_text()
    add(caseworker, a_case, image, category="identity_papers", title="Passport of Ana",
        filename="passport-ana.png")
    version = db.session.scalar(select(DocumentVersion))
    plain = b"".join(store.STORE.read(version.id, store.decode_key(version.data_key),
                                      version.chunk_count))
    raw_chunks = [bytes(c) for c in db.session.execute(
        text("SELECT data FROM document_chunk")).scalars()]
    assert raw_chunks and all(b"IHDR" not in c and plain[16:48] not in c for c in raw_chunks)
    rows = db.session.execute(text("SELECT title_enc FROM document")).scalars().all() + list(
        db.session.execute(text("SELECT filename_enc, data_key_enc FROM document_version"))
        .one())
    assert all(value.startswith("v1:") and "Ana" not in value and "passport" not in value
               for value in rows)


def test_each_version_has_its_own_data_key(caseworker, a_case):
    first = add(caseworker, a_case, pdf_with_metadata())
    second = add(caseworker, a_case, pdf_with_metadata())
    keys = [v.data_key for v in db.session.scalars(select(DocumentVersion))]
    assert len(keys) == 2 and keys[0] != keys[1]
    assert first.id != second.id


def test_a_chunk_moved_to_another_place_does_not_open(caseworker, a_case, client, cw_headers):
    image = Image.effect_noise((900, 700), 80).convert("RGB")
    raw = io.BytesIO()
    image.save(raw, "PNG")
    document = add(caseworker, a_case, raw.getvalue(), category="evidence",
                   filename="noise.png")
    version = document.versions[0]
    chunks = db.session.execute(select(DocumentChunk.seq, DocumentChunk.data).where(
        DocumentChunk.version_id == version.id).order_by(DocumentChunk.seq)).all()
    db.session.execute(update(DocumentChunk).where(DocumentChunk.version_id == version.id,
                                                   DocumentChunk.seq == 0)
                       .values(data=chunks[1].data))
    db.session.commit()
    key = store.decode_key(version.data_key)
    with pytest.raises(InvalidTag):
        next(store.STORE.read(version.id, key, version.chunk_count))


# --- who sees what ----------------------------------------------------------------------

def test_SH3_shelter_staff_see_consent_forms_never_identity_papers(client, caseworker, a_case,
                                                                    admitted, shelter_user):
    passport = add(caseworker, a_case, png_with_text(), category="identity_papers",
                   title="Passport")
    consent = add(caseworker, a_case, pdf_with_metadata(), category="consent_form",
                  title="Signed consent to stay")
    headers = token_headers(shelter_user)
    listed = client.get(f"/api/v1/cases/{a_case.id}/documents", headers=headers).json
    assert [d["id"] for d in listed] == [str(consent.id)]
    assert client.get(f"/api/v1/documents/{passport.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/documents/{passport.id}/versions/1/content",
                      headers=headers).status_code == 404
    assert client.get(f"/api/v1/documents/{consent.id}/versions/1/content",
                      headers=headers).status_code == 200
    refused = upload(client, headers, a_case.id, png_with_text(), category="identity_papers")
    assert refused.status_code == 403
    assert upload(client, headers, a_case.id, pdf_with_metadata(),
                  category="consent_form").status_code == 201


def test_legal_aid_see_decision_letters_and_evidence_not_medical_letters(client, caseworker,
                                                                        a_case, lawyer):
    letter = add(caseworker, a_case, pdf_with_metadata(), category="decision_letter")
    medical = add(caseworker, a_case, pdf_with_metadata(), category="medical")
    headers = token_headers(lawyer)
    listed = client.get(f"/api/v1/cases/{a_case.id}/documents", headers=headers).json
    assert [d["id"] for d in listed] == [str(letter.id)]
    assert client.get(f"/api/v1/documents/{medical.id}", headers=headers).status_code == 404


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_administrators_and_auditors_reach_no_document(client, caseworker, a_case, role):
    document = add(caseworker, a_case, pdf_with_metadata())
    headers = token_headers(create_user(role, agency=caseworker.agency))
    assert client.get(f"/api/v1/documents/{document.id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/cases/{a_case.id}/documents",
                      headers=headers).status_code == 403


def test_another_agencys_document_is_404(client, caseworker, a_case):
    document = add(caseworker, a_case, pdf_with_metadata())
    other = create_user("caseworker")
    db.session.commit()
    headers = token_headers(other)
    assert client.get(f"/api/v1/documents/{document.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/documents/{document.id}/versions/1/content",
                      headers=headers).status_code == 404
    assert client.get("/api/v1/documents/not-a-uuid", headers=headers).status_code == 404


# --- audit ------------------------------------------------------------------------------

def test_DP3_every_upload_view_and_download_is_audited(client, cw_headers, caseworker, a_case):
    document = upload(client, cw_headers, a_case.id, pdf_with_metadata()).json
    client.get(f"/api/v1/documents/{document['id']}", headers=cw_headers)
    content(client, cw_headers, document["id"]).get_data()
    client.get(f"/api/v1/documents/{document['id']}/versions/1/content?copy=1",
               headers=cw_headers).get_data()
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_id == document["id"]).order_by(AuditEntry.id)).all()
    assert [(e.action, e.purpose) for e in entries] == [
        ("document.add", "case documents"), ("document.read", "case documents"),
        ("document.download", "case documents"),
        ("document.download", "DP-6 the person's copy of their file")]
    assert all(e.actor_id == caseworker.id and e.case_id == a_case.id for e in entries)


def test_the_timeline_shows_documents(client, cw_headers, caseworker, a_case):
    add(caseworker, a_case, pdf_with_metadata(), title="Conclusive grounds letter")
    items = client.get(f"/api/v1/cases/{a_case.id}/history", headers=cw_headers).json
    assert any(i["type"] == "document" for i in items)
    page_case = create_case(caseworker)
    assert page_case.id != a_case.id


def test_key_rotation_rewraps_data_keys_and_the_content_still_opens(app, client, cw_headers,
                                                                    caseworker, a_case):
    import base64
    import os

    from referral.crypto import rotate
    letter = pdf_with_metadata()
    document = add(caseworker, a_case, letter)
    chunks_before = db.session.execute(text("SELECT data FROM document_chunk")).scalars().all()
    old = app.config["ENCRYPTION_KEYS"]
    new_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    app.config["ENCRYPTION_KEYS"] = f"k2:{new_key},{old}"
    try:
        assert sum(rotate(db.session, [DocumentVersion, Document]).values()) >= 3  # key, name, title
        db.session.commit()
        app.config["ENCRYPTION_KEYS"] = f"k2:{new_key}"  # the old key is gone
        db.session.expire_all()
        version = db.session.scalar(select(DocumentVersion))
        assert version.data_key_enc.startswith("v1:k2:")
        back = content(client, cw_headers, document.id).get_data()
        assert back.startswith(b"%PDF-") and AUTHOR_MARK.encode() not in back
        # The content itself was not re-sealed: only its key was re-wrapped.
        assert db.session.execute(text("SELECT data FROM document_chunk")).scalars().all() \
            == chunks_before
    finally:
        app.config["ENCRYPTION_KEYS"] = old
