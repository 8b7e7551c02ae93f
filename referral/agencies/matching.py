"""Finding a possible earlier referral of the same person in another agency, without names.

Each person gets *match keys*: keyed hashes (HMAC-SHA256 under the search key, as the blind
indexes in ``referral.crypto``) of
- each name token, normalised (case, accents, transliteration variants folded: ``ph``/``f``,
  ``w``/``v``, ``y``/``i``, ``kh``/``h``, ``ks``/``x``, doubled letters ...), tagged ``n``;
- each name token's phonetic skeleton (first letter and consonant classes), tagged ``p``;
- the date of birth (``d``; not when it is 1 January, the date written for a guessed age),
  the year of birth with its neighbours (``y``), "no date of birth" (``u``), and the
  nationality (``c``).
Names and aliases are keyed alike; given and family name order does not matter. Matching
compares keys only: no name is decrypted to compare, and the keys of another agency's person
are never shown, only that a match exists.
"""
import re
import unicodedata
from datetime import date

from ..crypto import blind_index

# Cyrillic, Greek and a few Latin letters spelt in several ways, to one Latin spelling.
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "e",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "i", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
    "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "č": "ch", "ć": "ch", "š": "sh", "ś": "sh", "ž": "zh", "ź": "z", "ș": "s",
    "ş": "s", "ț": "t", "ţ": "t",
}

# Spelling variants folded, in order (after accents and transliteration).
_FOLDS = [
    (r"tsch", "ch"), (r"sch", "sh"), (r"tch", "ch"), (r"dzh", "j"), (r"dj", "j"),
    (r"zh", "j"), (r"kh", "h"), (r"sh", "s"), (r"ch", "9"),
    (r"gh", "g"), (r"ph", "f"), (r"th", "t"), (r"ck", "k"), (r"q", "k"), (r"x", "ks"),
    (r"c(?=[eiy])", "s"), (r"c", "k"), (r"w", "v"), (r"y", "i"), (r"j", "i"), (r"ou", "u"),
    (r"oo", "u"), (r"ee", "i"), (r"ie", "i"), (r"ei", "i"), (r"ey", "i"), (r"ae", "e"),
    (r"(.)\1+", r"\1"),
]
_FOLDS = [(re.compile(a), b) for a, b in _FOLDS]
# Phonetic classes of consonants (as Soundex), vowels and h dropped after the first letter.
_CLASSES = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz9", "2"),
            **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFC", (text or "").casefold())
    text = unicodedata.normalize("NFKD", "".join(_TRANSLIT.get(ch, ch) for ch in text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z]+", " ", text)


def fold(token: str) -> str:
    """One name token in its folded spelling: ``Mohammed``, ``Muhammad`` stay two, but
    ``Oleksandr``/``Aleksandr``-like variants and ``Olexandr``/``Oleksandr`` become one."""
    for pattern, repl in _FOLDS:
        token = pattern.sub(repl, token)
    return token


def phonetic(token: str) -> str:
    """First letter (vowels as one) and the consonant classes: spelling-tolerant."""
    token = fold(token)
    if not token:
        return ""
    head = "a" if token[0] in "aeiou" else token[0]
    out, last = [], _CLASSES.get(token[0])
    for ch in token[1:]:
        code = _CLASSES.get(ch)
        if code is not None and code != last:
            out.append(code)
        last = code if ch not in "h" else last
    return (head + "".join(out))[:5]


def name_tokens(*names) -> list[str]:
    tokens = []
    for name in names:
        for token in _ascii(name).split():
            if len(token) > 1:
                tokens.append(token)
    return list(dict.fromkeys(tokens))


def plain_keys(names, date_of_birth: date | None, nationality: str | None) -> set[str]:
    """The keys before hashing (a test and the bench look at them; never stored)."""
    keys = set()
    for token in name_tokens(*names):
        keys.add("n:" + fold(token))
        keys.add("p:" + phonetic(token))
    if date_of_birth is not None:
        if (date_of_birth.month, date_of_birth.day) != (1, 1):  # 1 January: a guessed date
            keys.add("d:" + date_of_birth.isoformat())
        keys.add("y:" + str(date_of_birth.year))
    else:
        keys.add("u:no-birth-date")  # matches on names alone, whatever the other's date
    if nationality and nationality not in ("unknown", "declined"):
        keys.add("c:" + nationality.upper())
    return keys


def query_keys(names, date_of_birth, nationality) -> set[str]:
    """What to look for: the stored keys of the person, and the years either side (DOB
    tolerance: a year of birth guessed one out still matches)."""
    keys = plain_keys(names, date_of_birth, nationality)
    if date_of_birth is not None:
        keys |= {f"y:{date_of_birth.year - 1}", f"y:{date_of_birth.year + 1}"}
        if (date_of_birth.month, date_of_birth.day) != (1, 1):
            keys.add("d:" + _swapped(date_of_birth))
        keys.add("u:no-birth-date")
    return keys


def _swapped(d: date) -> str:
    """Day and month written the other way round (03/04 vs 04/03), when that is a date."""
    try:
        return date(d.year, d.day, d.month).isoformat()
    except ValueError:
        return d.isoformat()


def hashed(keys) -> set[str]:
    return {blind_index("match", key) for key in keys}


# Deciding: a possible earlier referral needs two name tokens alike (in spelling or sound)
# and a birth date or year that fits (or no birth date on one side), or one name token and
# the same birth date. Nationality only orders the matches: it never decides (ID-4).
def score(shared_kinds: dict) -> float:
    names = max(shared_kinds.get("n", 0), shared_kinds.get("p", 0))
    value = min(names, 3) * 0.25 + min(shared_kinds.get("n", 0), 3) * 0.05
    if shared_kinds.get("d"):
        value += 0.3
    elif shared_kinds.get("y"):
        value += 0.1
    if shared_kinds.get("c"):
        value += 0.05
    return round(value, 2)


def kinds_of(keys) -> dict:
    counts = {}
    for key in keys:
        kind = key.split(":", 1)[0]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def is_match(shared_kinds: dict, asked_with_birth_date: bool = True) -> bool:
    names = max(shared_kinds.get("n", 0), shared_kinds.get("p", 0))
    birth_fits = bool(shared_kinds.get("d") or shared_kinds.get("y")
                      or shared_kinds.get("u") or not asked_with_birth_date)
    return (names >= 2 and birth_fits) or (names >= 1 and bool(shared_kinds.get("d")))
