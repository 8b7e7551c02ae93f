"""Documents: add, add a version, list, read and download, each audited (DP-3).

An upload is checked by its bytes against the allowed types (``sanitize.TYPES``), limited to
``DOCUMENT_MAX_BYTES`` (413 above), cleaned of hidden metadata, and sealed in chunks under a
fresh data key (``store``). Nothing of a refused upload is kept: the checks run before any
row is written, and a file found broken while it is being stored rolls back with the request.
"""
import re
import unicodedata

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from ..audit.service import record
from ..crypto import open_sealed
from ..privacy.service import register_export_section
from ..database import utcnow
from ..errors import DomainError, Forbidden, Invalid, NotFound
from ..extensions import db
from ..labels import N_
from . import access, sanitize
from .models import CATEGORIES, Document, DocumentVersion
from .store import STORE, decode_key, encode_key, new_data_key

PURPOSE = "case documents"
SUBJECT_ACCESS_PURPOSE = "DP-6 the person's copy of their file"
MAX_TITLE = 200


class TooLarge(DomainError):
    """The file is larger than the configured limit."""
    status = 413


def max_bytes() -> int:
    return int(current_app.config["DOCUMENT_MAX_BYTES"])


def max_megabytes() -> str:
    return f"{max_bytes() / (1024 * 1024):g}"


def too_large() -> TooLarge:
    return TooLarge("file", N_("the file is larger than %(size)s MB"),
                    {"size": max_megabytes()})


def _category(actor, case, category: str):
    if category not in CATEGORIES:
        raise Invalid("category", N_("one of %(choices)s"),
                      {"choices": ", ".join(CATEGORIES)})
    if category not in access.visible_categories(actor, case):
        raise Forbidden("category", N_("your role does not see this category"))


def _title(value, fallback: str) -> str:
    value = " ".join((value or "").split())
    if len(value) > MAX_TITLE:
        raise Invalid("title", N_("at most %(count)s characters"), {"count": MAX_TITLE})
    return value or fallback


def safe_filename(name: str | None, kind: sanitize.FileType) -> str:
    """The file name without folders or control characters, ending as its real type does."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)[:150] or "document"
    return f"{stem}.{kind.extension}"


def _measure(source) -> int:
    source.seek(0, 2)
    size = source.tell()
    source.seek(0)
    return size


def _check(source) -> sanitize.FileType:
    """Size, then type by content; nothing is written before both pass."""
    size = _measure(source)
    if size == 0:
        raise Invalid("file", N_("the file is empty"))
    if size > max_bytes():
        raise too_large()
    kind = sanitize.detect(source.read(16))
    source.seek(0)
    if kind is None:
        raise Invalid("file", N_("not an accepted type: %(types)s (checked by content)"),
                      {"types": sanitize.ALLOWED})
    return kind


def _store_version(actor, document: Document, source, filename) -> DocumentVersion:
    kind = _check(source)
    try:
        cleaned = sanitize.clean(kind, source)
    except sanitize.Unacceptable as exc:
        raise Invalid("file", N_("the file cannot be read as %(type)s: %(problem)s"),
                      {"type": kind.code.upper(), "problem": str(exc)}) from None
    key = new_data_key()
    version = DocumentVersion(document_id=document.id, number=document.current_version + 1,
                              content_type=kind.content_type, size_bytes=0, chunk_size=0,
                              chunk_count=0, uploaded_by_id=actor.id)
    version.filename = safe_filename(filename, kind)
    version.data_key = encode_key(key)
    db.session.add(version)
    db.session.flush()
    try:
        size, count = STORE.write(version.id, key, cleaned.blocks)
    except sanitize.Unacceptable as exc:
        raise Invalid("file", N_("the file cannot be read as %(type)s: %(problem)s"),
                      {"type": kind.code.upper(), "problem": str(exc)}) from None
    finally:
        cleaned.close()
    if size > max_bytes():
        raise too_large()
    from .store import CHUNK_SIZE
    version.size_bytes, version.chunk_count, version.chunk_size = size, count, CHUNK_SIZE
    version.stripped = sorted(set(cleaned.removed))
    document.current_version = version.number
    document.updated_at = utcnow()
    db.session.flush()
    return version


def add_document(actor, case, *, category, source, filename=None, title=None) -> Document:
    """A new document of the case, with its first version."""
    _category(actor, case, category)
    title = _title(title, fallback=(filename or "").rsplit("/", 1)[-1][:MAX_TITLE] or
                   category.replace("_", " "))
    document = Document(case_id=case.id, category=category, created_by_id=actor.id)
    document.title = title
    db.session.add(document)
    db.session.flush()
    version = _store_version(actor, document, source, filename)
    record(actor, "document.add", "document", document.id, case_id=case.id, purpose=PURPOSE,
           details={"category": category, "version": version.number,
                    "type": version.content_type, "bytes": version.size_bytes,
                    "stripped": version.stripped})
    return document


def add_version(actor, document: Document, *, source, filename=None) -> DocumentVersion:
    """A new version of a document; the earlier ones stay, in order."""
    version = _store_version(actor, document, source, filename)
    record(actor, "document.add_version", "document", document.id, case_id=document.case_id,
           purpose=PURPOSE, details={"version": version.number, "type": version.content_type,
                                     "bytes": version.size_bytes,
                                     "stripped": version.stripped})
    return version


def documents_for(actor, case, *, category=None, q=None) -> list[Document]:
    """The documents of the case in the categories the actor sees, newest first; ``q``
    finds words of the title (titles are sealed: matched after opening, per case)."""
    categories = access.visible_categories(actor, case)
    if category:
        categories = tuple(c for c in categories if c == category)
    rows = db.session.scalars(
        select(Document).where(Document.case_id == case.id, Document.category.in_(categories))
        .options(selectinload(Document.versions).selectinload(DocumentVersion.uploaded_by))
        .order_by(Document.updated_at.desc())).all()
    if q:
        words = q.casefold().split()
        rows = [d for d in rows if all(w in (d.title or "").casefold() for w in words)]
    record(actor, "document.list", "case", case.id, case_id=case.id, purpose=PURPOSE,
           details={"count": len(rows)})
    return rows


def read_document(actor, document: Document) -> Document:
    record(actor, "document.read", "document", document.id, case_id=document.case_id,
           purpose=PURPOSE)
    return document


def version_of(document: Document, number) -> DocumentVersion:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound("version") from None
    version = db.session.scalar(select(DocumentVersion).where(
        DocumentVersion.document_id == document.id, DocumentVersion.number == number))
    if version is None:
        raise NotFound("version")
    return version


def open_version(actor, document: Document, number=None, *, for_the_person=False):
    """The version (the current one by default) and its content as an iterator of chunks,
    opened one at a time. Audited as a download before the first byte leaves."""
    version = version_of(document, number if number is not None else
                         document.current_version)
    record(actor, "document.download", "document", document.id, case_id=document.case_id,
           purpose=SUBJECT_ACCESS_PURPOSE if for_the_person else PURPOSE,
           details={"version": version.number})
    key = decode_key(version.data_key)
    return version, STORE.read(version.id, key, version.chunk_count)


# --- the case timeline and the person's copy of their file ------------------------------

def timeline_rows():
    """The versions' part of a case's history statement (``cases.service.history``)."""
    from ..accounts.models import User
    from ..cases.service import timeline_columns
    return (select(*timeline_columns(at=DocumentVersion.uploaded_at,
                                     ref=DocumentVersion.document_id, text1=Document.category,
                                     text2=User.display_name, text3=Document.title_enc,
                                     number=DocumentVersion.number))
            .select_from(DocumentVersion)
            .join(Document, Document.id == DocumentVersion.document_id)
            .join(User, User.id == DocumentVersion.uploaded_by_id)
            .where(Document.case_id == bindparam("case_id", type_=Document.case_id.type)))


def timeline_items(rows) -> list[dict]:
    """One line per version added, for the case file's timeline (each title opened once)."""
    titles = {r.ref: open_sealed(Document.__tablename__, "title", r.ref, r.text3)
              for r in rows if r.text3}
    return [{"type": "document", "at": r.at, "kind": r.text1, "title": titles.get(r.ref),
             "version": r.number, "document_id": str(r.ref), "actor": r.text2} for r in rows]


@register_export_section("document_version")
@register_export_section("document_chunk")
def _content_in_its_document(case):
    return None  # versions are listed under their document; chunks are the file itself


@register_export_section("document")
def subject_access_records(case) -> list[dict]:
    """The documents the person receives (DP-6): every category but evidence (it may name
    other people), each version with its name and size, and where to download it."""
    categories = [code for code, c in CATEGORIES.items() if c.in_subject_access]
    rows = db.session.scalars(select(Document).where(
        Document.case_id == case.id, Document.category.in_(categories))
        .options(selectinload(Document.versions)).order_by(Document.created_at)).all()
    held_back = db.session.scalar(select(func.count()).select_from(Document).where(
        Document.case_id == case.id, Document.category.not_in(categories)))
    records = [{"document_id": str(d.id), "category": d.category, "title": d.title,
                "versions": [{"number": v.number, "filename": v.filename,
                              "content_type": v.content_type, "size_bytes": v.size_bytes,
                              "uploaded_at": v.uploaded_at.isoformat(),
                              "download": f"/api/v1/documents/{d.id}/versions/{v.number}"
                                          "/content?copy=1"}
                             for v in sorted(d.versions, key=lambda v: v.number)]}
               for d in rows]
    if held_back:
        records.append({"category": "evidence", "held_back": held_back,
                        "note": "evidence may name other people; ask your caseworker"})
    return records
