"""The audit chain: keyed links written by a single chainer, and signed checkpoints kept
outside the database.

A request writes its audit entries in its own transaction and waits for nothing else
(``service.record``). The chainer (the worker's beat task, or ``flask audit verify`` and
``flask audit checkpoint``) then links the entries that are not yet linked, one after the
other in id order, under a lock that only chainers take. Each link is an HMAC-SHA256 under
``AUDIT_KEY`` of every column of the entry, its sequence number and the previous link, so:

- editing any column of an entry (``note`` included) breaks its link;
- deleting, reordering or inserting links breaks the sequence or the ``prev`` hashes;
- re-chaining (recomputing every later link) needs ``AUDIT_KEY``, which the database does
  not hold;
- truncating the tables or deleting their tail is caught by the checkpoints: at a fixed
  interval the worker writes the chain head (``seq`` and hash), signed with a key derived from
  ``AUDIT_KEY``, to a store outside the database (by default one new file per checkpoint in
  an append-only directory). ``verify`` requires the chain to reach every checkpoint with
  the same hash.
"""
import hashlib
import hmac
import json
import logging
import os
import shlex
# The checkpoint command is the operator's own configuration, run without a shell.
import subprocess  # nosec B404
import uuid
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import func, insert, select, text

from ..database import utcnow
from ..extensions import db
from .models import AuditEntry, AuditLink

logger = logging.getLogger(__name__)

_CHAIN_LOCK_KEY = 0x5245464552  # taken by chainers only, never by a request
# The chainer looks this far back (in entry ids) behind the newest linked entry for entries
# whose transaction committed late; ``verify`` looks at everything.
LOOKBACK = 100_000
BATCH = 2_000


# --- keys --------------------------------------------------------------------------------

class AuditKeys:
    """``AUDIT_KEY``: ``kid:secret,kid2:secret`` (the first one links new entries, every
    listed one verifies old links) or a single secret (key id ``k1``)."""

    def __init__(self, spec: str):
        self.keys: dict[str, bytes] = {}
        for item in (spec or "").split(","):
            item = item.strip()
            if not item:
                continue
            kid, sep, secret = item.partition(":")
            if not sep:
                kid, secret = "k1", item
            if len(secret) < 32:
                raise ValueError(f"audit key {kid!r} must be at least 32 characters")
            self.keys[kid] = secret.encode()
        if not self.keys:
            raise ValueError("AUDIT_KEY holds no key")
        self.current = next(iter(self.keys))

    def link_key(self, kid: str) -> bytes | None:
        return self.keys.get(kid)

    def checkpoint_key(self, kid: str) -> bytes | None:
        key = self.keys.get(kid)
        return hmac.new(key, b"referral audit checkpoint", hashlib.sha256).digest() \
            if key else None


def audit_keys() -> AuditKeys:
    spec = current_app.config["AUDIT_KEY"]
    cached = current_app.extensions.get("referral_audit_keys")
    if cached is None or cached[0] != spec:
        cached = (spec, AuditKeys(spec))
        current_app.extensions["referral_audit_keys"] = cached
    return cached[1]


# --- the link digest ---------------------------------------------------------------------

ENTRY_COLUMNS = tuple(column.name for column in AuditEntry.__table__.columns)


def _canonical(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def link_digest(key: bytes, entry, seq: int, prev_hash: str | None) -> str:
    """HMAC-SHA256 over every column of the entry (a mapping), its seq and the previous
    link's hash. New columns are covered without a change here."""
    payload = {"entry": {name: _canonical(entry[name]) for name in ENTRY_COLUMNS},
               "seq": seq, "prev": prev_hash}
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str,
                      ensure_ascii=False)
    return hmac.new(key, blob.encode(), hashlib.sha256).hexdigest()


# --- the chainer -------------------------------------------------------------------------

def _take_chain_lock(session) -> bool:
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return True
    return bool(conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"),
                             {"k": _CHAIN_LOCK_KEY}).scalar())


def head(session=None):
    """The last link: (seq, entry_hash), or None for an empty chain."""
    session = session or db.session
    return session.execute(select(AuditLink.seq, AuditLink.entry_hash)
                           .order_by(AuditLink.seq.desc()).limit(1)).first()


def chain_pending(session=None, *, everything=False) -> int:
    """Link every committed entry not linked yet, in id order. Returns how many were linked;
    0 at once if another chainer holds the lock. Runs in the caller's transaction."""
    session = session or db.session
    if not _take_chain_lock(session):
        return 0
    keys = audit_keys()
    key = keys.link_key(keys.current)
    last = head(session)
    seq, prev = (last.seq, last.entry_hash) if last else (0, None)
    floor = 0
    if not everything:
        newest = session.scalar(select(func.max(AuditLink.entry_id))) or 0
        floor = max(0, newest - LOOKBACK)
    entries, links = AuditEntry.__table__, AuditLink.__table__
    linked = 0
    while True:
        rows = session.execute(
            select(entries).outerjoin(links, links.c.entry_id == entries.c.id)
            .where(links.c.seq.is_(None), entries.c.id > floor)
            .order_by(entries.c.id).limit(BATCH)).mappings().all()
        if not rows:
            return linked
        now, batch = utcnow(), []
        for row in rows:
            seq += 1
            digest = link_digest(key, row, seq, prev)
            batch.append({"seq": seq, "entry_id": row["id"], "prev_hash": prev,
                          "entry_hash": digest, "key_id": keys.current, "linked_at": now})
            prev = digest
        session.execute(insert(AuditLink), batch)
        linked += len(batch)
        floor = rows[-1]["id"]


# --- checkpoints -------------------------------------------------------------------------

def _checkpoint_blob(checkpoint: dict) -> bytes:
    body = {k: checkpoint.get(k) for k in ("seq", "hash", "at", "key_id")}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def sign_checkpoint(checkpoint: dict) -> dict:
    key = audit_keys().checkpoint_key(checkpoint["key_id"])
    return {**checkpoint,
            "signature": hmac.new(key, _checkpoint_blob(checkpoint), hashlib.sha256).hexdigest()}


def checkpoint_signature_ok(checkpoint: dict) -> bool:
    key = audit_keys().checkpoint_key(str(checkpoint.get("key_id")))
    if key is None or not isinstance(checkpoint.get("signature"), str):
        return False
    expected = hmac.new(key, _checkpoint_blob(checkpoint), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, checkpoint["signature"])


class FileCheckpointStore:
    """One new file per checkpoint, created exclusively and never opened for writing again.
    In production the directory is append-only (``chattr +a``), on another machine's
    storage or a write-once mount, and not writable by the database's operators."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def describe(self) -> str:
        return f"file:{self.directory}"

    def write(self, checkpoint: dict) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = checkpoint["at"].replace(":", "").replace("-", "").replace("+0000", "Z")
        name = f"checkpoint-{checkpoint['seq']:012d}-{stamp}.json"
        fd = os.open(self.directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o440)
        with os.fdopen(fd, "w") as handle:
            json.dump(checkpoint, handle, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        return name

    def read(self):
        """Every checkpoint as (name, dict or None when unreadable), oldest first."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.glob("checkpoint-*.json")):
            try:
                found.append((path.name, json.loads(path.read_text())))
            except (OSError, ValueError):
                found.append((path.name, None))
        return found

    def latest(self):
        names = sorted(self.directory.glob("checkpoint-*.json")) \
            if self.directory.is_dir() else []
        for path in reversed(names):
            try:
                return json.loads(path.read_text())
            except (OSError, ValueError):
                continue
        return None


class CommandCheckpointStore:
    """Each checkpoint as one JSON line on the standard input of an operator's command (a
    shipper to a write-once bucket, a remote syslog, ...). It cannot be read back from here:
    ``flask audit verify --checkpoints`` is given the shipped copies."""

    def __init__(self, command: str):
        self.argv = shlex.split(command)

    def describe(self) -> str:
        return f"command:{self.argv[0]}"

    def write(self, checkpoint: dict) -> str:
        line = json.dumps(checkpoint, sort_keys=True) + "\n"
        # No shell: the operator's command and its fixed arguments, the checkpoint on stdin.
        subprocess.run(self.argv, input=line.encode(), check=True,  # nosec B603
                       timeout=30, stdout=subprocess.DEVNULL)
        return self.argv[0]

    def read(self):
        return []

    def latest(self):
        return None


def checkpoint_store(spec: str | None = None):
    """``AUDIT_CHECKPOINT_STORE``: ``file:<directory>`` (the default, ``instance/
    audit-checkpoints``) or ``command:<program and arguments>``."""
    spec = spec or current_app.config["AUDIT_CHECKPOINT_STORE"]
    kind, _, target = spec.partition(":")
    if kind == "file" and target:
        return FileCheckpointStore(target)
    if kind == "command" and target.strip():
        return CommandCheckpointStore(target)
    raise ValueError(f"AUDIT_CHECKPOINT_STORE must be file:<dir> or command:<program>, "
                     f"not {spec!r}")


def read_checkpoints(path) -> list:
    """Checkpoints from a directory of files or from a file of JSON lines (shipped copies)."""
    path = Path(path)
    if path.is_dir():
        return FileCheckpointStore(path).read()
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.strip():
            try:
                found.append((f"{path.name}:{number}", json.loads(line)))
            except ValueError:
                found.append((f"{path.name}:{number}", None))
    return found


def write_checkpoint(session=None, store=None) -> dict | None:
    """Link what is pending, then write the signed chain head to the store, unless the
    head has not moved since the store's last checkpoint. Returns what was written."""
    session = session or db.session
    store = store or checkpoint_store()
    chain_pending(session)
    last = head(session)
    seq, digest = (last.seq, last.entry_hash) if last else (0, None)
    previous = store.latest()
    if previous is not None and checkpoint_signature_ok(previous):
        if previous.get("seq", 0) > seq:
            logger.error("audit chain head seq %s is behind its last checkpoint seq %s: "
                         "run flask audit verify", seq, previous["seq"])
        if previous.get("seq") == seq and previous.get("hash") == digest:
            return None
    checkpoint = sign_checkpoint({"seq": seq, "hash": digest,
                                  "at": utcnow().isoformat(timespec="microseconds"),
                                  "key_id": audit_keys().current})
    store.write(checkpoint)
    return checkpoint


# --- verification ------------------------------------------------------------------------

def verify_chain(session=None, *, checkpoints=None, chain=True) -> list[str]:
    """Walk the whole chain and hold it against every checkpoint; return the problems
    found (empty when intact). ``checkpoints``: (name, dict) pairs, by default those of the
    configured store. Links pending entries first unless ``chain`` is False."""
    session = session or db.session
    if chain:
        chain_pending(session, everything=True)
    keys = audit_keys()
    if checkpoints is None:
        checkpoints = checkpoint_store().read()
    problems, expected_at = [], {}
    for name, checkpoint in checkpoints:
        if not isinstance(checkpoint, dict) or not checkpoint_signature_ok(checkpoint):
            problems.append(f"checkpoint {name}: its signature does not match "
                            "(forged or damaged)")
            continue
        expected_at.setdefault(int(checkpoint["seq"]), []).append((name, checkpoint))

    entries, links = AuditEntry.__table__, AuditLink.__table__
    rows = session.execute(
        select(*links.c, *entries.c)
        .select_from(links.outerjoin(entries, entries.c.id == links.c.entry_id))
        .order_by(links.c.seq).execution_options(yield_per=BATCH)).mappings()
    prev_hash, expected_seq, last_seq = None, 1, 0
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            problems.append(f"entry seq {seq}: expected seq {expected_seq} "
                            "(an entry was deleted or reordered)")
        if row["id"] is None:
            problems.append(f"entry seq {seq}: its audit entry is missing (deleted)")
        elif row["prev_hash"] != prev_hash:
            problems.append(f"entry seq {seq}: does not follow the previous entry")
        else:
            key = keys.link_key(row["key_id"])
            if key is None:
                problems.append(f"entry seq {seq}: linked under key {row['key_id']!r}, "
                                "which AUDIT_KEY does not hold")
            elif not hmac.compare_digest(row["entry_hash"],
                                         link_digest(key, row, seq, row["prev_hash"])):
                problems.append(f"entry seq {seq}: content does not match its hash "
                                "(edited or re-chained)")
        for name, checkpoint in expected_at.get(seq, ()):
            if checkpoint["hash"] != row["entry_hash"]:
                problems.append(f"entry seq {seq}: differs from checkpoint {name} "
                                "(the chain was rewritten)")
        prev_hash, expected_seq, last_seq = row["entry_hash"], seq + 1, seq
    for seq in sorted(s for s in expected_at if s > last_seq):
        for name, _ in expected_at[seq]:
            problems.append(f"the chain ends at seq {last_seq}, but checkpoint {name} "
                            f"recorded seq {seq}: entries were removed (truncation or "
                            "deletion of the tail)")
    return problems
