"""Encryption at rest for identity and other sensitive fields, and blind indexes.

Values are sealed with AES-256-GCM (``cryptography``), a fresh random 96-bit nonce each time,
and associated data binding the value to its table, column and row: a value copied to
another row or column does not open. Each stored value names its key id
(``v1:<kid>:<base64(nonce + ciphertext)>``) so keys can rotate: the first key in
``ENCRYPTION_KEYS`` seals, every listed key opens, and ``flask --app referral crypto rotate``
re-seals everything under the current key. Exact-match search uses HMAC-SHA256 blind indexes
under a separate key (``BLIND_INDEX_KEY``).
"""
import base64
import hashlib
import hmac
import os
import unicodedata

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

PREFIX = "v1"


class KeyError_(ValueError):
    pass


class Keyring:
    def __init__(self, spec: str):
        self.keys = {}
        self.current = None
        for item in (spec or "").split(","):
            item = item.strip()
            if not item:
                continue
            kid, _, encoded = item.partition(":")
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            if len(key) != 32:
                raise KeyError_(f"encryption key {kid!r} must be 32 bytes (AES-256)")
            self.keys[kid] = AESGCM(key)
            self.current = self.current or kid
        if self.current is None:
            raise KeyError_("ENCRYPTION_KEYS holds no key")

    def seal(self, plaintext: str, aad: str) -> str:
        return self.seal_with(self.current, plaintext, aad)

    def seal_with(self, kid: str, plaintext: str, aad: str) -> str:
        nonce = os.urandom(12)
        sealed = self.keys[kid].encrypt(nonce, plaintext.encode(), aad.encode())
        return f"{PREFIX}:{kid}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, token: str, aad: str) -> str:
        prefix, kid, encoded = token.split(":", 2)
        if prefix != PREFIX or kid not in self.keys:
            raise KeyError_(f"no key {kid!r} to open this value")
        blob = base64.urlsafe_b64decode(encoded)
        return self.keys[kid].decrypt(blob[:12], blob[12:], aad.encode()).decode()

    def key_id(self, token: str) -> str:
        return token.split(":", 2)[1]


def keyring() -> Keyring:
    ext = current_app.extensions
    spec = current_app.config["ENCRYPTION_KEYS"]
    cached = ext.get("referral_keyring")
    if cached is None or cached[0] != spec:
        cached = (spec, Keyring(spec))
        ext["referral_keyring"] = cached
    return cached[1]


def aad_for(table: str, column: str, row_id) -> str:
    return f"{table}.{column}.{row_id}"


def open_sealed(table: str, name: str, row_id, token: str | None) -> str | None:
    """The text of a sealed value read as a column (``<name>_enc`` of ``table``'s row
    ``row_id``), opened as the model attribute (``sealed``) opens it; None for None."""
    return None if token is None else keyring().open(token, aad_for(table, name, row_id))


def normalise(value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "").casefold()
    return " ".join(value.split())


def blind_index(*parts) -> str | None:
    text = "|".join(normalise(str(p)) for p in parts if p)
    if not text:
        return None
    key = current_app.config["BLIND_INDEX_KEY"].encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


class sealed:
    """A model attribute stored sealed in ``<name>_enc``; reads and writes plain values.

    ``kind`` converts to and from text: ``str``, ``date``, ``list`` or ``dict`` (JSON; an
    empty one is stored as nothing and read back as ``[]`` or ``{}``). The row id is assigned
    before the first write so the associated data can bind the value to its row.
    """

    def __init__(self, kind=str):
        self.kind = kind

    def __set_name__(self, owner, name):
        self.name = name
        self.column = f"{name}_enc"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        token = getattr(obj, self.column)
        if token is None:
            return {} if self.kind is dict else None
        text = open_sealed(obj.__tablename__, self.name, obj.id, token)
        if self.kind is str:
            return text
        if self.kind in (list, dict):
            import json
            return json.loads(text)
        from datetime import date
        return date.fromisoformat(text)

    def __set__(self, obj, value):
        if obj.id is None:
            import uuid
            obj.id = uuid.uuid4()
        if value is None or value == "" or (self.kind in (list, dict) and not value):
            setattr(obj, self.column, None)
            self._changed(obj)
            return
        if self.kind is list:
            import json
            text = json.dumps(list(value), ensure_ascii=False)
        elif self.kind is dict:
            import json
            text = json.dumps(value, sort_keys=True, ensure_ascii=False)
        else:
            text = value if isinstance(value, str) else value.isoformat()
        setattr(obj, self.column, keyring().seal(text, aad_for(obj.__tablename__, self.name,
                                                               obj.id)))
        self._changed(obj)

    @staticmethod
    def _changed(obj):
        hook = getattr(obj, "on_sealed_change", None)
        if hook is not None:
            hook()


def sealed_attributes(model) -> list[str]:
    return [name for name, value in vars(model).items() if isinstance(value, sealed)]


def _stale(model, name, prefix):
    """Rows of ``model`` whose ``name`` is sealed under a key other than the current one."""
    from sqlalchemy import select
    column = model.__table__.c[f"{name}_enc"]
    return select(model.__table__.c.id, column).where(
        column.is_not(None), ~column.startswith(prefix, autoescape=True))


def rotate(session, models, *, batch: int = 500, once: bool = False) -> dict:
    """Re-seal under the current key every sealed value of ``models`` still sealed under an
    older one, ``batch`` rows at a time (with ``once``, one batch per column, for a caller
    that commits between calls). Values are opened and sealed again with the same
    associated data; the rows are otherwise untouched (no version bump, no hooks). Stopped
    half-way, it picks up where it was: it only ever selects values not yet under the
    current key. Returns the count per ``table.column``."""
    from sqlalchemy import update
    ring = keyring()
    prefix = f"{PREFIX}:{ring.current}:"
    counts = {}
    for model in models:
        table = model.__table__
        for name in sealed_attributes(model):
            column = table.c[f"{name}_enc"]
            done = 0
            while True:
                rows = session.execute(_stale(model, name, prefix).limit(batch)).all()
                for row_id, token in rows:
                    aad = aad_for(model.__tablename__, name, row_id)
                    session.execute(update(table).where(table.c.id == row_id)
                                    .values({column: ring.seal(ring.open(token, aad), aad)}))
                done += len(rows)
                if not rows or once:
                    break
            if done:
                counts[f"{model.__tablename__}.{name}"] = done
    session.expire_all()  # loaded objects read the new values
    return counts


def stale_counts(session, models) -> dict:
    """How many values of each ``table.column`` are still sealed under an older key (to
    check before an old key leaves ENCRYPTION_KEYS)."""
    from sqlalchemy import func, select
    prefix = f"{PREFIX}:{keyring().current}:"
    counts = {}
    for model in models:
        for name in sealed_attributes(model):
            count = session.scalar(select(func.count()).select_from(
                _stale(model, name, prefix).subquery()))
            if count:
                counts[f"{model.__tablename__}.{name}"] = count
    return counts


def sealed_models(registry) -> list:
    return [mapper.class_ for mapper in registry.mappers if sealed_attributes(mapper.class_)]


# -- Name search without decrypting every row: normalised-token blind indexes (docs/search.md)

MIN_PREFIX = 3  # a part of a name is at least three letters: shorter prefixes match crowds

# Spelling variants folded together, in order: transliterations and common misspellings of
# the same sound ("Nowak"/"Novak", "Tomasz"/"Tomash", "Mohammed"/"Muhammad").
_SOUND_FOLDS = (("sch", "s"), ("sz", "s"), ("sh", "s"), ("cz", "c"), ("ch", "c"),
                ("ph", "f"), ("ck", "k"), ("kh", "k"), ("gh", "g"), ("th", "t"),
                ("dh", "d"), ("x", "ks"), ("q", "k"), ("c", "k"), ("w", "v"), ("z", "s"),
                ("y", "i"), ("j", "i"))


def name_words(*names) -> list[str]:
    """The words of names, without accents, case or punctuation: "Zoë O'Brien-Łukasz" ->
    ["zoe", "obrien", "lukasz"] (hyphens split words, apostrophes do not)."""
    words = []
    for name in names:
        text = unicodedata.normalize("NFKD", normalise(name or "").replace("ł", "l")
                                     .replace("ø", "o").replace("ß", "ss"))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.replace("'", "").replace("’", "")
        for word in "".join(ch if ch.isalnum() else " " for ch in text).split():
            if word not in words:
                words.append(word)
    return words


def sound_key(word: str) -> str:
    """A spelling-variant key: common folds, doubled letters collapsed, vowels after the
    first letter dropped ("muhammad", "mohamed" -> "mhmd")."""
    for a, b in _SOUND_FOLDS:
        word = word.replace(a, b)
    collapsed = []
    for ch in word:
        if not collapsed or collapsed[-1] != ch:
            collapsed.append(ch)
    head, tail = collapsed[:1], collapsed[1:]
    return "".join(head + [ch for ch in tail if ch not in "aeiou"])


def name_token_indexes(*names) -> set[str]:
    """Every blind index a person's names are found by: each word, each prefix of a word
    from ``MIN_PREFIX`` letters, and each word's spelling-variant key. HMAC under the blind
    index key with a label per kind, so one kind's value never equals another's."""
    tokens = set()
    for word in name_words(*names):
        tokens.add(blind_index("name-word", word))
        if len(word) >= MIN_PREFIX:
            for end in range(MIN_PREFIX, len(word)):
                tokens.add(blind_index("name-prefix", word[:end]))
            sound = sound_key(word)
            tokens.add(blind_index("name-sound", sound))
            for end in range(MIN_PREFIX, len(sound)):  # the start of a misspelt name
                tokens.add(blind_index("name-sound-prefix", sound[:end]))
    return tokens


def name_query_indexes(word: str) -> set[str]:
    """What one typed word may match: the word itself, the start of a longer name, or a
    spelling variant of it (words shorter than ``MIN_PREFIX`` match whole words only)."""
    keys = {blind_index("name-word", word)}
    if len(word) >= MIN_PREFIX:
        keys.add(blind_index("name-prefix", word))
        sound = sound_key(word)
        keys.add(blind_index("name-sound", sound))
        if len(sound) >= MIN_PREFIX:
            keys.add(blind_index("name-sound-prefix", sound))
    return keys
