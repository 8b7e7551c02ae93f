"""The NC-3 tripwire: does a free-text reason tie an adverse step to (non-)cooperation?

This is not the rule. The rule is structural: an adverse step takes a reason code from a
closed list that holds no cooperation reason (``workflows.reasons``). Free text is
secondary, and this screen only catches the attempt to smuggle cooperation back in through
it, so that the step is refused (NC-3) and a supervisor sees the attempt.

How it reads text: a reason is split into clauses; a clause is a hit when a *cooperation
term* (testimony, statement to police, investigation, prosecution, charges, complaint,
trial, witness, ...) stands within a few words of a *negation or ending term* (not,
refused, stopped, dropped, closed, over, given ...), or when it holds a term that is on its
own about cooperation ("uncooperative", "acquitted"). Merely mentioning a witness, the
police or an investigation is not a hit. It covers English, French, Spanish and Arabic;
accents and Arabic diacritics are folded first. Its recall and false-positive rate on the
labelled corpus in ``tests/workflows/test_screening_corpus.py`` are printed by the suite
and recorded in docs/workflows.md.
"""
from __future__ import annotations

import re
import unicodedata

WINDOW = 6  # words between a cooperation term and a negation or ending term

# Token prefixes (after folding to lower case without accents). A token matches a list
# when it starts with one of its entries; Arabic tokens may carry the prefixes و ف ب ل ال.
COOPERATION_TERMS = (
    # English
    "testif", "testimon", "statement", "cooperat", "co-operat", "collaborat", "prosecut",
    "charge", "investigat", "police", "policem", "detective", "officer", "authorit",
    "criminal", "trial", "complain", "witness", "evidence", "deposition", "court",
    "traffickers", "perpetrator", "offender", "detectives",
    # French
    "temoign", "temoin", "cooper", "convoc", "collabor", "plainte", "enquet", "poursuit", "procureur",
    "parquet", "proces", "penal", "audition", "inculp", "gendarm", "justice", "declaration",
    "tribunal", "autorite", "trafiquant",
    # Spanish
    "testific", "testigo", "denunci", "citacion", "colabor", "policia", "investigacion", "fiscal",
    "juicio", "cargo", "acusacion", "imput", "declar", "autoridad", "tratante", "ayud",
    "tribunal",
    # Arabic (stems, matched inside tokens)
    "شهاد", "يشهد", "تشهد", "الشهاد", "شاهد", "الشرط", "شرطة", "النياب", "نيابة", "التحقيق",
    "تحقيق", "تعاون", "يتعاون", "تتعاون", "افاد", "اقوال", "شكو", "شكوى", "تهم", "اتهام",
    "محاكم", "القضي", "قضية", "جنائ", "المحكم", "محكمة", "السلطات", "سلطات", "المتاجر", "محقق", "المحقق",
    "ادعاء", "الادعاء", "الادلاء", "الإدلاء",
)

NEGATION_TERMS = (
    # English
    "not", "no", "never", "refus", "declin", "unwilling", "reluctan", "stop", "ceas", "quit",
    "withdr", "drop", "closed", "ended", "over", "finish", "conclud", "complet", "done",
    "given", "gave", "provided", "longer", "without", "lack", "fail", "cannot", "nothing",
    "none", "anymore",
    "unhelpful", "useless", "insufficient", "after", "since", "because",
    # French
    "ne", "n", "pas", "jamais", "plus", "refus", "aucun", "sans", "retir", "abandon",
    "class", "clos", "close", "clotur", "termin", "fini", "achev", "deja", "donne", "fourni",
    "arret", "cesse", "reticent", "faute", "manque", "suite", "apres", "puisque", "rien",
    # Spanish
    "nunca", "niega", "nego", "rehus", "rechaz", "archiv", "cerr", "conclu", "sin", "ya",
    "dio", "presto", "dejo", "deja", "falta", "despues", "tras", "porque", "nada", "ningun",
    "acab", "negativ",
    # Arabic
    "لم", "لن", "لا", "رفض", "ترفض", "يرفض", "رفضت", "عدم", "امتنع", "امتنعت", "تمتنع",
    "سحب", "سحبت", "اغلق", "إغلاق", "اغلاق", "أغلق", "انتهت", "انتهى", "انتهاء", "اسقاط",
    "إسقاط", "أسقط", "اسقط", "توقف", "توقفت", "بدون", "دون", "غير", "قدمت", "أدلت", "ادلت",
    "بعد", "لانه", "لأنه", "لأنها", "لانها", "ليس", "ليست", "رفضها", "تعد", "يعد",
)

# Terms that are about cooperation on their own, in an adverse step's reason.
SELF_STANDING = (
    "uncooperat", "non-cooperat", "noncooperat", "non-coop", "acquit", "noncomplian",
    "non-complian", "snitch", "nonparticipat",
    "non-cooperat", "acquitte", "relaxe", "non-lieu", "nonlieu", "sobresei", "absuelt",
    "absolucion", "absuelto", "no-cooperat", "غيرمتعاون", "البراءة", "براءة",
)

# Phrases (folded) that are on their own about cooperation.
SELF_STANDING_PHRASES = (
    "non cooperation", "non cooperative", "no cooperation", "pas cooperative",
    "non collaboration", "no colabora", "no coopera", "غير متعاون", "غير متعاونة",
    "عدم التعاون", "case against", "affaire contre", "caso contra", "classement sans suite",
    "classee sans suite", "classe sans suite", "sans suite", "non lieu",
)

# Honest mentions a screen must let pass even beside a negation ("no police escort needed").
_ARABIC_PREFIXES = ("وال", "فال", "بال", "لل", "ال", "و", "ف", "ب", "ل")
_CLAUSE = re.compile(r"[.;:!?\n،؛]+|\b(?:but|however|mais|cependant|pero|sin embargo)\b"
                     r"|لكن|ولكن")
_TOKEN = re.compile(r"[\w'-]+", re.UNICODE)
_ARABIC_MARKS = re.compile(r"[\u064B-\u0652\u0670\u0640]")


def fold(text: str) -> str:
    """Lower case, accents removed (é -> e), Arabic diacritics and tatweel removed, hamza
    seats unified, English and French elisions spelled out."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _ARABIC_MARKS.sub("", text).lower()
    text = text.replace("\u2019", "'").replace("`", "'")
    text = re.sub(r"[أإآ]", "ا", text).replace("ى", "ي").replace("ة", "ه")
    text = re.sub(r"n't\b", " not", text)
    text = re.sub(r"\b(n|l|d|qu|j|s|c)'", r"\1 ", text)
    return text


def _folded_terms(terms):
    return tuple(sorted({fold(t).strip() for t in terms}, key=len, reverse=True))


_COOP = _folded_terms(COOPERATION_TERMS)
_NEG = _folded_terms(NEGATION_TERMS)
_SELF = _folded_terms(SELF_STANDING)
_PHRASES = _folded_terms(SELF_STANDING_PHRASES)
_SHORT_EXACT = {"no", "n", "ne", "ya", "sin", "not", "over", "done", "lack", "plus", "pas",
                "dio", "clos", "close", "deja", "suite", "since", "after", "tras", "dejo",
                "given", "gave", "court", "fini", "none",
                "لم", "لن", "لا", "دون", "غير", "بعد", "ليس", "تعد", "يعد"}


def _bare(token: str) -> list[str]:
    """The token and, for Arabic, the token without its usual prefixes."""
    forms = [token]
    for prefix in _ARABIC_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            forms.append(token[len(prefix):])
    return forms


def _matches(token: str, terms) -> bool:
    for form in _bare(token):
        for term in terms:
            if term in _SHORT_EXACT or len(term) <= 2:
                if form == term:
                    return True
            elif form.startswith(term):
                return True
    return False


def _clause_hit(clause: str) -> str | None:
    for phrase in _PHRASES:
        if re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", clause):
            return phrase
    tokens = _TOKEN.findall(clause)
    coop = [i for i, t in enumerate(tokens) if _matches(t, _COOP)]
    for i, token in enumerate(tokens):
        if _matches(token, _SELF):
            return token
    if not coop:
        return None
    neg = [i for i, t in enumerate(tokens) if _matches(t, _NEG)]
    for i in coop:
        for j in neg:
            if abs(i - j) <= WINDOW and i != j:
                return f"{tokens[j]} … {tokens[i]}"
    return None


def cooperation_hit(text: str | None) -> str | None:
    """The words that tie ``text`` to cooperation, or None."""
    if not text or not text.strip():
        return None
    for clause in _CLAUSE.split(fold(text)):
        if clause and (hit := _clause_hit(clause)):
            return hit
    return None
