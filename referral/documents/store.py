"""Sealed chunk storage for document content, in the case database.

Why the database, in a chunk table, rather than object storage or PostgreSQL large objects
(docs/documents.md): erasure (DP-5) deletes a case and everything hanging off it in one
transaction, found through foreign keys; a legal hold holds the files with the rest; one
backup holds all of it; an upload commits with its metadata and audit entry or not at all;
and the same table works on SQLite, so nothing needs installing. Large objects are
PostgreSQL-only and outlive their rows unless unlinked; object storage is a second system to
back up, erase and secure. ``ChunkStore`` is the seam for another store.

Each version has its own random 256-bit data key. Chunks are sealed with AES-256-GCM under it
with a fresh 96-bit nonce, and associated data ``<version id>:<seq>:<last>`` so a chunk moved
to another version or place, or a file cut short, does not open. The data key is sealed with
the app's keyring (``referral.crypto``) in the version row.
"""
import base64
import os
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import insert, select

from ..extensions import db
from .models import DocumentChunk

CHUNK_SIZE = 256 * 1024


def new_data_key() -> bytes:
    return os.urandom(32)


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode()


def decode_key(text: str) -> bytes:
    return base64.b64decode(text)


def _aad(version_id, seq: int, last: bool) -> bytes:
    return f"{version_id}:{seq}:{int(last)}".encode()


class ChunkStore:
    """Writes and reads one version's sealed chunks, one chunk in memory at a time."""

    def write(self, version_id, key: bytes, blocks) -> tuple[int, int]:
        """Seal ``blocks`` (an iterator of bytes) in CHUNK_SIZE pieces. Returns (size,
        chunk count). Rows are inserted as they are sealed, never held in the session."""
        aead = AESGCM(key)
        buffer = bytearray()
        size = seq = 0
        for block in blocks:
            size += len(block)
            buffer += block
            while len(buffer) > CHUNK_SIZE:  # more follows: this piece is not the last
                self._put(aead, version_id, seq, bytes(buffer[:CHUNK_SIZE]), last=False)
                del buffer[:CHUNK_SIZE]
                seq += 1
        self._put(aead, version_id, seq, bytes(buffer), last=True)
        return size, seq + 1

    def _put(self, aead, version_id, seq, plain: bytes, *, last: bool):
        nonce = os.urandom(12)
        sealed = nonce + aead.encrypt(nonce, plain, _aad(version_id, seq, last))
        db.session.execute(insert(DocumentChunk.__table__),
                           [{"id": uuid.uuid4(), "version_id": version_id,
                             "seq": seq, "data": sealed}])

    def read(self, version_id, key: bytes, chunk_count: int):
        """The plain content, chunk by chunk (a generator: one chunk in memory at a time)."""
        aead = AESGCM(key)
        table = DocumentChunk.__table__
        for seq in range(chunk_count):
            sealed = db.session.execute(select(table.c.data).where(
                table.c.version_id == version_id, table.c.seq == seq)).scalar_one()
            sealed = bytes(sealed)
            yield aead.decrypt(sealed[:12], sealed[12:],
                               _aad(version_id, seq, seq == chunk_count - 1))


STORE = ChunkStore()
