"""The NC-3 tripwire: does a free-text reason tie an adverse step to (non-)cooperation?

This is not the rule. The rule is structural: an adverse step takes a reason code from a
closed list that holds no cooperation reason (``workflows.reasons``). Free text is
secondary, and this screen only catches the attempt to smuggle cooperation back in through
it, so that the step is refused (NC-3) and a supervisor sees the attempt.

How it reads text: a reason is split into clauses; a clause is a hit when a *cooperation
term* (testimony, statement to police, investigation, prosecution, charges, complaint,
trial, witness, ...) stands within a few words of a *negation or ending term* (not,
refused, stopped, dropped, closed, over, given ...), or when it holds a term that is on its
own about cooperation ("uncooperative", "acquitted"), or when help with the case is made a
condition ("until she agrees to speak to the police") or her testimony the purpose ("the
prosecutor still needs her testimony"). Merely mentioning a witness, the
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

# A condition put on the person's help with the case: "kept in until she agrees to speak to
# the police", "support only if she testifies". A clause is a hit when a condition term comes
# before an act of the person's and a cooperation term, within the window.
CONDITION_TERMS = (
    "until", "till", "unless", "onlyif", "providedthat", "aslongas",
    "jusqu", "tantque", "acondition", "saufsi", "amoinsque", "seulementsi",
    "hasta", "menos", "siempreque", "solosi", "contalque", "mientrasno",
    "حتي", "شرط", "بشرط", "مالم",
)
PERSON_ACTS = (
    "agree", "accept", "speak", "talk", "testif", "cooperat", "sign", "tell", "name",
    "identif", "help", "assist",
    "accept", "parl", "depos", "temoign", "signe", "cooper", "collabor", "aide", "denonc",
    "acept", "habl", "declar", "testific", "firm", "colabor", "coopere", "ayud", "denunci",
    "توافق", "تتكلم", "تتحدث", "تدلي", "تشهد", "تتعاون", "توقع", "تساعد",
)
# Her evidence as what keeps her there: "the prosecutor still needs her testimony", "she
# must stay to testify". An obligation term beside a term for testimony is a hit.
OBLIGATION_TERMS = (
    "must", "needs", "need", "needed", "required", "require", "still", "keep",
    "doit", "besoin", "necessaire", "encore", "garder",
    "debe", "necesit", "todavia", "aun", "mantener",
    "يجب", "تحتاج", "يحتاج", "لازم", "مازال",
)
TESTIMONY_TERMS = ("testif", "testimon", "temoign", "testific", "testimoni", "شهاد", "تشهد")

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
_COND = _folded_terms(CONDITION_TERMS)
_ACTS = _folded_terms(PERSON_ACTS)
_OBLIGE = _folded_terms(OBLIGATION_TERMS)
_TESTIMONY = _folded_terms(TESTIMONY_TERMS)
# Conditions of more than one word, written as one token before the clause is read.
_JOINED = tuple((re.compile(r"(?<!\w)" + a + r"(?!\w)"), b) for a, b in (
    (r"only if", "onlyif"), (r"provided that", "providedthat"), (r"as long as", "aslongas"),
    (r"tant qu", "tantque"), (r"a condition", "acondition"), (r"sauf si", "saufsi"),
    (r"a moins qu", "amoinsque"), (r"seulement si", "seulementsi"),
    (r"siempre que", "siempreque"), (r"solo si", "solosi"), (r"con tal (?:de|que)", "contalque"),
    (r"mientras no", "mientrasno"), (r"ما لم", "مالم"),
))
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
    for pattern, token in _JOINED:
        clause = pattern.sub(token, clause)
    tokens = _TOKEN.findall(clause)
    coop = [i for i, t in enumerate(tokens) if _matches(t, _COOP)]
    for i, token in enumerate(tokens):
        if _matches(token, _SELF):
            return token
    if not coop:
        return None
    if hit := _condition_hit(tokens, coop):
        return hit
    neg = [i for i, t in enumerate(tokens) if _matches(t, _NEG)]
    for i in coop:
        for j in neg:
            if abs(i - j) <= WINDOW and i != j:
                return f"{tokens[j]} … {tokens[i]}"
    return None


def _condition_hit(tokens, coop) -> str | None:
    """Help with the case made the condition of the step, or her testimony its purpose."""
    conditions = [i for i, t in enumerate(tokens) if _matches(t, _COND)]
    acts = {i for i, t in enumerate(tokens) if _matches(t, _ACTS)}
    for c in conditions:
        for i in coop:
            if c < i <= c + WINDOW + 4 and any(c < a <= i for a in acts):
                return f"{tokens[c]} … {tokens[i]}"
    obliged = [i for i, t in enumerate(tokens) if _matches(t, _OBLIGE)]
    for i, token in enumerate(tokens):
        if _matches(token, _TESTIMONY) and any(abs(i - o) <= WINDOW for o in obliged):
            return f"{tokens[min(obliged, key=lambda o: abs(i - o))]} … {token}"
    return None


def cooperation_hit(text: str | None) -> str | None:
    """The words that tie ``text`` to cooperation, or None."""
    if not text or not text.strip():
        return None
    for clause in _CLAUSE.split(fold(text)):
        if clause and (hit := _clause_hit(clause)):
            return hit
    return None
