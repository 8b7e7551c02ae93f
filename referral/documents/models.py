import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, \
    UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Role, User
from ..cases.models import Case
from ..crypto import sealed
from ..database import JSONType, Model, UTCDateTime, created_at, utcnow, uuid_pk


@dataclass(frozen=True)
class Category:
    """Who may see (and so add) a category's documents, and whether the person's own copy
    of their file includes them (DP-6)."""
    roles: tuple
    in_subject_access: bool = True


_AGENCY = (Role.caseworker, Role.supervisor)
# The categories and who sees each. Shelter staff see consent forms only, never identity
# papers or medical letters (SH-3); legal aid see what proceedings need. Evidence may name
# other people (exploiters, witnesses): it stays out of the person's copy until a caseworker
# has checked it, like any third party's data.
CATEGORIES = {
    "identity_papers": Category(_AGENCY),
    "decision_letter": Category(_AGENCY + (Role.legal_aid,)),
    "medical": Category(_AGENCY),
    "evidence": Category(_AGENCY + (Role.legal_aid,), in_subject_access=False),
    "consent_form": Category(_AGENCY + (Role.shelter_staff,)),
    "correspondence": Category(_AGENCY + (Role.legal_aid,)),
}


class Document(Model):
    """One document of a case in one category; its content is in its versions."""
    __tablename__ = "document"
    __table_args__ = (Index("ix_document_case_id_category", "case_id", "category"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(30))
    title = sealed()  # titles name people ("passport of ..."): sealed like the file
    title_enc: Mapped[str | None] = mapped_column(Text)
    current_version: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    created_by: Mapped[User] = relationship()
    versions: Mapped[list["DocumentVersion"]] = relationship(
        order_by="DocumentVersion.number.desc()", back_populates="document",
        passive_deletes=True)

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()
        super().__init__(**fields)


class DocumentVersion(Model):
    """One upload of a document. The content is in sealed chunks under a data key of its
    own; the data key is sealed by the app's keyring (so key rotation re-wraps it)."""
    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    filename = sealed()
    filename_enc: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    chunk_size: Mapped[int] = mapped_column()
    chunk_count: Mapped[int] = mapped_column()
    data_key = sealed()  # base64 of the 256-bit key that seals this version's chunks
    data_key_enc: Mapped[str | None] = mapped_column(Text)
    stripped: Mapped[list] = mapped_column(JSONType, default=list)  # what was removed
    uploaded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = created_at()

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by: Mapped[User] = relationship()

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()
        super().__init__(**fields)


class DocumentChunk(Model):
    """A sealed piece of a version: AES-256-GCM under the version's data key, a fresh nonce,
    associated data binding it to its version, its place and whether it is the last."""
    __tablename__ = "document_chunk"
    __table_args__ = (UniqueConstraint("version_id", "seq"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("document_version.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)
