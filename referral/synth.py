"""Synthetic data at national scale, for benchmarks and load tests.

``flask --app referral synth --cases 1000000 --seed 1`` loads agencies, staff, providers and
N cases with their people, history, decisions, consents, referrals, shelter stays,
proceedings, hearings and follow-ups into a migrated, empty PostgreSQL database with
``COPY``, then runs ``ANALYZE``.

Everything is invented from word lists; nothing comes from real people. Identity fields and
the narrative are sealed with the app's own keys (``referral.crypto``), with the same
associated data the models use, so the case file opens them as it would any other.

Proportions, per case (see ``Synth.case``): the longer ago a case was referred, the likelier
it is closed; open cases are spread over the NRM stages; a child's case has a guardian, or
a pending (often overdue) guardian deadline. One agency and one shelter per 5,000 cases, a
legal aid office per 20,000 and a provider per 2,000, so an agency holds a few thousand
cases and a shelter houses tens of people whatever N is. No case is on the return path
(the returns area's requests, assessments and plans are not synthesised), and the audit
log starts empty.

PostgreSQL only: SQLite has no COPY. Use ``seed-demo`` for a small local data set.
"""
import base64
import hmac
import hashlib
import json
import math
import os
import random
import time
from datetime import datetime, timedelta

from workflows import jurisdictions

from .cases.service import AGE_GROUPS
from .crypto import keyring, normalise
from .extensions import db

# ---- word lists (invented) -------------------------------------------------------------

GIVEN = ["Ana", "Mihai", "Grace", "Olena", "Kwame", "Thi Lan", "Jorge", "Fatima", "Ion",
         "Blessing", "Arjun", "Mei", "Yusuf", "Elena", "Chidi", "Rosa", "Nadia", "Tomas",
         "Amara", "Dmytro", "Linh", "Sara", "Omar", "Precious", "Vasile", "Hoa", "Ravi",
         "Joy", "Iryna", "Kofi", "Maria", "Ahmed", "Esther", "Andrei", "Lan", "Daniel"]
FAMILY = ["Popescu", "Okafor", "Nguyen", "Kovalenko", "Mensah", "Garcia", "Haddad", "Rossi",
          "Balogun", "Sharma", "Chen", "Demir", "Ivanova", "Silva", "Tran", "Boateng",
          "Petrov", "Lopez", "Adeyemi", "Hoang", "Shevchenko", "Ionescu", "Kaur", "Ali"]
NATIONALITIES = (("RO", 12), ("NG", 10), ("VN", 10), ("AL", 9), ("UA", 6), ("GH", 4),
                 ("CN", 5), ("IN", 4), ("SY", 3), ("ER", 3), ("SD", 3), ("BR", 2),
                 ("MX", 2), ("BG", 4), ("PL", 3), ("TR", 2), ("PH", 3), ("GB", 12),
                 ("unknown", 3))
SEXES = (("female", 54), ("male", 42), ("unknown", 2), ("other", 1), ("declined", 1))
FORMS = (("sexual_exploitation", 38), ("forced_labour", 34), ("domestic_servitude", 9),
         ("forced_criminality", 11), ("forced_begging", 3), ("forced_marriage", 2),
         ("servitude", 2), ("other", 1))
SECTORS_FOR = {
    "sexual_exploitation": ("sex_industry", "entertainment", "hospitality"),
    "forced_labour": ("agriculture", "construction", "manufacturing", "fishing",
                      "hospitality", "care_and_nursing", "mining"),
    "domestic_servitude": ("domestic_work", "care_and_nursing"),
    "forced_criminality": ("criminal_activity",),
    "forced_begging": ("begging",),
    "forced_marriage": ("domestic_work", "other"),
    "servitude": ("domestic_work", "agriculture"),
    "other": ("other",),
}
INDICATORS = ("documents_withheld", "debt_bondage", "restricted_movement", "threats",
              "excessive_hours", "no_pay", "isolation", "deceptive_recruitment",
              "violence", "poor_living_conditions")
VULNERABILITY = ("poverty", "debt", "discrimination", "gender_based_violence", "disability",
                 "irregular_status", "no_documents", "language", "isolation",
                 "family_violence", "crisis_or_conflict", "substance_use")
RECRUITMENT = ("direct", "agency", "intermediary", "family_or_acquaintance", "online")
REFERRED_BY = ("Labour inspectorate", "Border police", "Police", "Hospital A&E",
               "Helpline", "Self-referral", "Outreach team", "School", "Local authority",
               "Embassy", "Trade union")
# The coded referral source of each (invented) referrer, for the statistics.
SOURCE_CODES = {"Labour inspectorate": "labour_inspectorate", "Border police": "border_force",
                "Police": "police", "Hospital A&E": "health", "Helpline": "helpline",
                "Self-referral": "self_referral", "Outreach team": "ngo", "School": "school",
                "Local authority": "local_authority", "Embassy": "embassy",
                "Trade union": "trade_union"}
LANGUAGES = {"RO": "ro", "NG": "en", "VN": "vi", "AL": "sq", "UA": "uk", "GH": "en",
             "CN": "zh", "IN": "hi", "SY": "ar", "ER": "ti", "SD": "ar", "BR": "pt",
             "MX": "es", "BG": "bg", "PL": "pl", "TR": "tr", "PH": "tl", "GB": "en",
             "unknown": "en"}
NARRATIVE = ("Recruited through {r} with a promise of work in {s}; {i} reported at "
             "referral. Referred by {b}.")
SERVICE_NAMES = ("medical", "psychological", "legal_counselling", "interpretation",
                 "material_assistance", "education", "training_employment",
                 "sexual_reproductive_health", "family_tracing", "childcare")
COURTS = ("Crown Court", "District Court", "Regional Court", "Employment Tribunal",
          "Immigration Tribunal", "Public Prosecutor")

# Cases, staff and places per unit of scale: a shelter houses tens of people and an agency
# holds a few thousand cases, whatever the number of cases.
CASES_PER_AGENCY = 5000
CASES_PER_SHELTER = 5000
CASES_PER_LEGAL_OFFICE = 20000
CASES_PER_PROVIDER = 2000
CASEWORKERS_PER_AGENCY = 10
SUPERVISORS_PER_AGENCY = 2
STAFF_PER_SHELTER = 3
LAWYERS_PER_OFFICE = 10
YEARS = 10
CHUNK = 20000


class SynthError(RuntimeError):
    """The database is not one synth can load into."""


# ---- COPY helpers --------------------------------------------------------------------

def _text(value) -> str:
    """One value in COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat(" ")
    value = str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                 .replace("\r", "\\r"))
    return value


class Table:
    """Rows for one table, gathered as COPY text lines and flushed in chunks."""

    def __init__(self, name, columns):
        self.name, self.columns = name, columns
        self.lines = []
        self.count = 0

    def add(self, *values):
        self.lines.append("\t".join([_text(v) for v in values]))

    def take(self):
        """The gathered rows as one COPY statement and its data; the table starts afresh."""
        lines, self.lines = self.lines, []
        self.count += len(lines)
        sql = f'COPY "{self.name}" ({", ".join(self.columns)}) FROM STDIN'
        return sql, "\n".join(lines) + "\n" if lines else None


def _tables():
    spec = {
        "agency": "id name kind created_at",
        "user_account": "id username display_name email password_hash agency_id supervisor_id "
                        "is_active_account locale session_generation password_changed_at "
                        "mfa_deferred failed_logins created_at",
        "user_role": "user_id role",
        "provider": "id name agency_id description services genders_accepted languages "
                    "capacity data_sharing_agreement dsa_reference created_at",
        "person": "id given_name_enc family_name_enc known_as_enc date_of_birth_enc "
                  "safe_contact_enc name_index birth_index age_estimate sex nationality "
                  "languages interpreter_needed contact_is_safe created_at",
        "case_file": "id reference jurisdiction rule_version version person_id agency_id "
                     "assigned_to_id nrm_state assistance_state shelter_state legal_state "
                     "return_state referred_by referred_at indicators exploitation_forms "
                     "sectors sector_formality recruitment_enc vulnerability_factors "
                     "internal_trafficking narrative_enc age_group age_status guardian_name "
                     "guardian_organisation guardian_appointed_at reflection_started_at "
                     "reflection_minimum_ends_at reflection_ends_at identification "
                     "first_decision_outcome is_restricted closed_at created_at updated_at "
                     "referral_source",
        "case_transition": "id case_id track event from_state to_state actor_id at reason "
                           "facts rule_version",
        "decision": "id case_id kind outcome decision_maker reasons_enc reason_codes "
                    "best_interests_enc evidence language_explained_in child_views_enc decided_at "
                    "review_deadline rule_version recorded_by_id details created_at",
        "consent": "id case_id purpose provider_id recipient_name data_categories given_by "
                   "child_views_enc language information_given_enc given_at withdrawn_at "
                   "recorded_by_id created_at",
        "referral": "id case_id provider_id service consent_id status requested_by_id "
                    "requested_at decided_at closed_at",
        "stay": "id case_id shelter_agency_id provider_id consent_id room admitted_at left_at "
                "left_note",
        "legal_aid_assignment": "id case_id user_id assigned_at",
        "proceeding": "id case_id kind person_role court_or_authority reference status "
                      "opened_at closed_at",
        "hearing": "id proceeding_id at place person_must created_at",
        "deadline": "id case_id agency_id kind source_key due_at remind_days reminders_sent "
                    "next_at risk assignee_id status overdue_notified_at escalated_at met_at "
                    "details created_at",
    }
    return {name: Table(name, cols.split()) for name, cols in spec.items()}


# ---- the generator -----------------------------------------------------------------------

def _weighted(pairs):
    values = [v for v, _ in pairs]
    cumulative, total = [], 0
    for _, w in pairs:
        total += w
        cumulative.append(total)
    return values, cumulative


class _Ids:
    """Random (version 4) UUID strings, drawn in bulk from the seeded generator."""

    def __init__(self, rng):
        self.rng = rng

    def __call__(self) -> str:
        n = self.rng.getrandbits(128)
        n = (n & ~(0xF << 76)) | (0x4 << 76)  # version 4
        n = (n & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
        h = "%032x" % n
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Synth:
    def __init__(self, n_cases: int, seed: int, password_hash: str, now: datetime,
                 echo=print):
        self.n = n_cases
        self.rng = random.Random(seed)
        self.uid = _Ids(self.rng)
        self.now = now.replace(microsecond=0)
        self.echo = echo
        self.password_hash = password_hash
        self.t = _tables()
        ring = keyring()
        self._aead = ring.keys[ring.current]
        self._seal_prefix = f"v1:{ring.current}:"
        from flask import current_app
        self._index_key = current_app.config["BLIND_INDEX_KEY"].encode()
        self.grace = timedelta(days=current_app.config["ESCALATION_GRACE_DAYS"])
        self.nat_values, self.nat_cum = _weighted(NATIONALITIES)
        self.sex_values, self.sex_cum = _weighted(SEXES)
        self.form_values, self.form_cum = _weighted(FORMS)
        self.jurisdictions = {code: jurisdictions.get(code) for code in ("baseline", "uk")}
        self.seconds_sealing = 0.0

    # sealing, as referral.crypto does it, without a model object per value
    def seal(self, text: str, table: str, column: str, row_id: str) -> str:
        nonce = os.urandom(12)
        blob = nonce + self._aead.encrypt(nonce, text.encode(),
                                          f"{table}.{column}.{row_id}".encode())
        return self._seal_prefix + base64.urlsafe_b64encode(blob).decode()

    def blind_index(self, text: str) -> str:
        return hmac.new(self._index_key, normalise(text).encode(),
                        hashlib.sha256).hexdigest()

    def at(self, days_ago: float) -> datetime:
        return self.now - timedelta(seconds=int(days_ago * 86400))

    # -- reference data -------------------------------------------------------------------

    def reference_data(self):
        rng, uid, t, now = self.rng, self.uid, self.t, self.now
        created = now - timedelta(days=YEARS * 365 + 30)
        n_agencies = max(2, math.ceil(self.n / CASES_PER_AGENCY))
        n_shelters = max(1, math.ceil(self.n / CASES_PER_SHELTER))
        n_offices = max(1, math.ceil(self.n / CASES_PER_LEGAL_OFFICE))
        n_providers = max(5, math.ceil(self.n / CASES_PER_PROVIDER))

        def agency(name, kind):
            aid = uid()
            t["agency"].add(aid, name, kind, created)
            return aid

        def user(username, agency_id, role, supervisor_id=None):
            user_id = uid()
            display = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            t["user_account"].add(user_id, username, display, f"{username}@example.org",
                                  self.password_hash, agency_id, supervisor_id, True, "en",
                                  0, created, True, 0, created)
            t["user_role"].add(user_id, role)
            return user_id

        self.agencies = []  # (agency id, [caseworker ids], [supervisor ids], weight)
        for a in range(n_agencies):
            aid = agency(f"Synth NGO {a:04d}", "ngo" if a % 4 else "authority")
            supervisors = [user(f"synth-sup-{a:04d}-{k}", aid, "supervisor")
                           for k in range(SUPERVISORS_PER_AGENCY)]
            workers = [user(f"synth-cw-{a:04d}-{k:02d}", aid, "caseworker",
                            supervisors[k % len(supervisors)])
                       for k in range(CASEWORKERS_PER_AGENCY)]
            self.agencies.append((aid, workers, supervisors))
        weights = [1 + 3 * rng.random() for _ in self.agencies]
        self.agency_cum = []
        total = 0
        for w in weights:
            total += w
            self.agency_cum.append(total)

        self.shelters = []  # (agency id, provider id, name)
        for s in range(n_shelters):
            name = f"Synth Shelter {s:04d}"
            aid = agency(name, "shelter")
            pid = uid()
            t["provider"].add(pid, f"{name} accommodation", aid, "Safe accommodation",
                              '["accommodation"]', "[]", '["en"]', rng.randint(15, 60),
                              True, f"DSA-S{s:04d}", created)
            for k in range(STAFF_PER_SHELTER):
                user(f"synth-shelter-{s:04d}-{k}", aid, "shelter_staff")
            self.shelters.append((aid, pid, f"{name} accommodation"))

        self.lawyers = []
        for o in range(n_offices):
            aid = agency(f"Synth Legal Aid {o:04d}", "legal_aid")
            self.lawyers += [user(f"synth-legal-{o:04d}-{k:02d}", aid, "legal_aid")
                             for k in range(LAWYERS_PER_OFFICE)]

        self.providers = []  # (provider id, name, [services])
        for p in range(n_providers):
            services = sorted(rng.sample(SERVICE_NAMES, rng.randint(1, 4)))
            pid, name = uid(), f"Synth Provider {p:04d}"
            t["provider"].add(pid, name, None, "Support services", json.dumps(services),
                              "[]", '["en"]', None, True, f"DSA-P{p:04d}", created)
            self.providers.append((pid, name, services))

        national = agency("Synth National Coordination", "authority")
        user("synth-admin", national, "admin")
        user("synth-auditor", national, "auditor")

    # -- one case -------------------------------------------------------------------------

    def _pick(self, values, cumulative):
        return values[_bisect(cumulative, self.rng.random() * cumulative[-1])]

    def case(self, i: int):
        rng, uid, t, now = self.rng, self.uid, self.t, self.now
        # Referral volume grows over the years: recent cases are denser.
        age = YEARS * 365 * rng.random() ** 1.3
        referred = self.at(age)
        code = "uk" if rng.random() < 0.3 else "baseline"
        jur = self.jurisdictions[code]
        rule_version = jur.rule_version
        agency_id, workers, supervisors = self.agencies[
            _bisect(self.agency_cum, rng.random() * self.agency_cum[-1])]
        self.agency_id = agency_id
        worker = rng.choice(workers) if rng.random() < 0.95 else None
        actor = worker or supervisors[0]

        # the person
        person_id, case_id = uid(), uid()
        child = rng.random() < 0.22
        sex = self._pick(self.sex_values, self.sex_cum)
        nationality = self._pick(self.nat_values, self.nat_cum)
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        sealed = time.perf_counter()
        if child:
            years = rng.randint(9, 17)
            dob = None
            age_status = "assessed_child" if rng.random() < 0.5 else "possible_child"
        else:
            years = max(18, min(70, int(rng.gauss(29, 8))))
            age_status = "assessed_adult" if rng.random() < 0.3 else "stated_adult"
            dob = referred.date() - timedelta(days=years * 365 + rng.randint(0, 364))
        given_enc = self.seal(given, "person", "given_name", person_id)
        family_enc = self.seal(family, "person", "family_name", person_id)
        dob_enc = self.seal(dob.isoformat(), "person", "date_of_birth", person_id) \
            if dob else None
        known_as_enc = self.seal(given[:3], "person", "known_as", person_id) \
            if rng.random() < 0.1 else None
        contact_enc = self.seal(f"+44 7{rng.randint(100000000, 999999999)}", "person",
                                "safe_contact", person_id) if rng.random() < 0.3 else None
        name_index = self.blind_index(f"{given} {family}")
        birth_index = self.blind_index(dob.isoformat()) if dob else None
        self.seconds_sealing += time.perf_counter() - sealed
        language = LANGUAGES[nationality]
        t["person"].add(person_id, given_enc, family_enc, known_as_enc, dob_enc, contact_enc,
                        name_index, birth_index, years if child else None, sex, nationality,
                        f'["{language}"]', "yes" if language != "en" else "no",
                        contact_enc is not None, referred)

        # what happened
        form = self._pick(self.form_values, self.form_cum)
        forms = [form] if rng.random() < 0.85 else sorted({form, self._pick(
            self.form_values, self.form_cum)})
        sectors = sorted({rng.choice(SECTORS_FOR[f]) for f in forms})
        indicators = rng.sample(INDICATORS, rng.randint(2, 5))
        recruitment = rng.choice(RECRUITMENT)
        referred_by = rng.choice(REFERRED_BY)
        narrative = NARRATIVE.format(r=recruitment.replace("_", " "),
                                     s=sectors[0].replace("_", " "),
                                     i=", ".join(x.replace("_", " ") for x in indicators),
                                     b=referred_by)
        sealed = time.perf_counter()
        narrative_enc = self.seal(narrative, "case_file", "narrative", case_id)
        self.seconds_sealing += time.perf_counter() - sealed

        # the NRM path, by how long ago the case was referred
        stage = self._stage(age, child, code)
        history = []  # (track, event, from, to, at, reason)

        def step(track, event, src, dst, at, reason=None):
            history.append((track, event, src, dst, at, reason))

        identification, first_outcome = "pending", None
        reflection = (None, None, None)
        closed_at = None
        first_decision_at = None
        decisions = []  # (kind, outcome, at)
        first_target = jurisdictions.add_days(referred, jur.first_decision_target_days,
                                              jur.first_decision_working_days)
        state = "presumed_victim"
        ended_at = None  # when the reflection period ended, if it did

        def decide(kind, outcome, at):
            decisions.append((kind, outcome, at))

        if code == "baseline":
            start = referred
            step("nrm", "start_reflection_period", state, "reflection_period", start,
                 "reflection period starts on referral")
            state = "reflection_period"
        else:
            start = None
        if stage in ("assistance", "outcome", "closed_after", "closed_early", "child") \
                or (stage == "reflection" and code == "uk"):
            # the first decision comes within the target, rarely later
            lag = timedelta(days=rng.uniform(0.3, 1.3) * jur.first_decision_target_days)
            first_decision_at = min(referred + lag, now - timedelta(hours=1))
            # a child's case goes to child protection after a negative decision (CH-4)
            negative = stage == "child" or (stage == "closed_early" and rng.random() < 0.6)
            first_outcome = "negative" if negative else "positive"
            decide(jur.first_decision, first_outcome, first_decision_at)
            if code == "uk" and first_outcome == "positive":
                start = first_decision_at
                step("nrm", "start_reflection_period", state, "reflection_period", start,
                     "positive reasonable grounds decision")
                state = "reflection_period"
            if negative:
                identification = "negative_final"
        if start is not None:
            minimum = start + timedelta(days=jur.reflection_min_days)
            reflection = (start, minimum, minimum)
        if stage in ("assistance", "outcome", "closed_after"):
            begin = min(reflection[1] + timedelta(days=rng.uniform(0, 20)),
                        now - timedelta(minutes=30))
            if code == "uk":
                decide(jur.final_decision, "positive", begin - timedelta(hours=2))
            identification = "positive"
            step("nrm", "begin_assistance", state, "assistance", begin)
            state, ended_at = "assistance", begin
            reflection = (reflection[0], reflection[1], min(reflection[2], begin))
            if stage in ("outcome", "closed_after") and rng.random() < 0.7:
                event, dst = rng.choices(
                    (("integrate_locally", "local_integration"),
                     ("resettle", "third_country")), (9, 1))[0]
                at = begin + (now - begin) * rng.uniform(0.2, 0.6)
                step("nrm", event, state, dst, at)
                state = dst
            if stage == "closed_after":
                closed_at = begin + (now - begin) * rng.uniform(0.7, 0.98)
                step("nrm", "close", state, "closed", closed_at, "case concluded")
                state = "closed"
        elif stage == "closed_early":
            at = max(first_decision_at + timedelta(days=rng.uniform(31, 120)),
                     referred + timedelta(days=1)) if first_decision_at else \
                referred + timedelta(days=rng.uniform(2, 20))
            closed_at = min(at, now - timedelta(hours=1))
            if identification == "negative_final":
                step("nrm", "close", state, "closed", closed_at,
                     "negative decision final")
            else:
                step("nrm", "decline_identification", state, "closed", closed_at,
                     "the person declined identification")
            if state == "reflection_period":
                reflection = (reflection[0], reflection[1], min(reflection[2], closed_at))
            state = "closed"
        elif stage == "child":
            at = min(first_decision_at + timedelta(days=2), now - timedelta(minutes=30))
            step("nrm", "hand_to_child_protection", state, "child_protection", at)
            if state == "reflection_period":
                reflection = (reflection[0], reflection[1], min(reflection[2], at))
            state = "child_protection"
        is_open = state != "closed"
        last = closed_at or now

        # guardian (CH-3): most children have one within days; some still wait
        guardian = (None, None, None)
        guardian_pending = False
        if child:
            if rng.random() < 0.9 or not is_open:
                guardian = (f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                            "Child Guardianship Service",
                            min(referred + timedelta(days=rng.uniform(0.2, 3)), last))
            else:
                guardian_pending = True

        # assistance track
        assistance_state = "not_started"
        if state in ("reflection_period", "presumed_victim") and rng.random() < 0.5 \
                or stage in ("assistance", "outcome", "closed_after", "child"):
            offered = referred + (last - referred) * rng.uniform(0.01, 0.1)
            step("assistance", "offer", "not_started", "offered", offered)
            assistance_state = "offered"
            if rng.random() < 0.9:
                accepted = offered + timedelta(hours=rng.uniform(1, 72))
                if accepted < last:
                    self.consent(case_id, "service", None, "Case management agency", child,
                                 actor, accepted - timedelta(minutes=5), language)
                    step("assistance", "accept", "offered", "in_progress", accepted)
                    assistance_state = "in_progress"
                    if not is_open:
                        step("assistance", "end", "in_progress", "ended", closed_at,
                             "case closed")
                        assistance_state = "ended"
            else:
                step("assistance", "decline", "offered", "declined",
                     offered + timedelta(hours=2))
                assistance_state = "declined"

        # shelter track: a few open cases stay now; more stayed once
        shelter_state = "not_in_shelter"
        r = rng.random()
        if assistance_state in ("in_progress", "ended") and (r < 0.03 if is_open else r < 0.2):
            shelter_agency, shelter_provider, shelter_name = rng.choice(self.shelters)
            admitted = referred + (last - referred) * rng.uniform(0.02, 0.2)
            consent = self.consent(case_id, "service", shelter_provider, shelter_name, child,
                                   actor, admitted - timedelta(minutes=10), language)
            step("shelter", "admit", "not_in_shelter", "staying", admitted,
                 "admitted with consent")
            left = None
            if not is_open or rng.random() < 0.05:
                left = admitted + (last - admitted) * rng.uniform(0.3, 0.99)
                step("shelter", "leave", "staying", "left", left, "the person left")
            shelter_state = "left" if left else "staying"
            t["stay"].add(uid(), case_id, shelter_agency, shelter_provider, consent,
                          f"{rng.randint(1, 4)}{rng.choice('ABCD')}", admitted, left,
                          "the person left" if left else None)

        # legal track
        legal_state = "not_involved"
        hearing_due = None
        if stage in ("assistance", "outcome", "closed_after") and rng.random() < 0.18:
            opened = referred + (last - referred) * rng.uniform(0.1, 0.5)
            step("legal", "open_proceedings", "not_involved", "involved", opened)
            proceeding_id = uid()
            concluded = None
            if not is_open or rng.random() < 0.2:
                concluded = opened + (last - opened) * rng.uniform(0.5, 0.99)
                step("legal", "conclude", "involved", "concluded", concluded,
                     "proceedings concluded")
                legal_state = "concluded"
            else:
                legal_state = "involved"
            t["proceeding"].add(proceeding_id, case_id, rng.choice(("criminal", "criminal",
                                                                    "civil", "compensation")),
                                rng.choice(("victim", "witness", "complainant")),
                                rng.choice(COURTS), f"P-{i:07d}",
                                "concluded" if concluded else "open", opened, concluded)
            lawyer = rng.choice(self.lawyers)
            t["legal_aid_assignment"].add(uid(), case_id, lawyer, opened)
            if legal_state == "involved":
                hearing_id = uid()
                hearing_due = (hearing_id, now + timedelta(days=rng.uniform(2, 120)))
                t["hearing"].add(hearing_id, proceeding_id, hearing_due[1],
                                 rng.choice(COURTS), "attend with interpreter", opened)

        # referrals to providers, with the person's consent for each
        if assistance_state in ("in_progress", "ended") and rng.random() < 0.6:
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                provider_id, provider_name, services = rng.choice(self.providers)
                requested = referred + (last - referred) * rng.uniform(0.05, 0.6)
                consent = self.consent(case_id, "referral", provider_id, provider_name,
                                       child, actor, requested - timedelta(minutes=5),
                                       language)
                status = rng.choices(("completed", "accepted", "requested", "rejected"),
                                     (5, 3, 1, 1))[0] if is_open else \
                    rng.choice(("completed", "completed", "rejected"))
                decided = requested + timedelta(days=rng.uniform(0.5, 5)) \
                    if status != "requested" else None
                t["referral"].add(uid(), case_id, provider_id, rng.choice(services), consent,
                                  status, actor, requested, decided,
                                  decided if status in ("completed", "rejected") else None)

        # decisions
        for kind, outcome, at in decisions:
            review_deadline = at + timedelta(days=jur.review_window_days) \
                if outcome == "negative" else None
            decision_id = uid()
            t["decision"].add(decision_id, case_id, kind, outcome, "Competent authority",
                              self.seal("Indicators assessed against the definition; "
                                        "reasons recorded.", "decision", "reasons",
                                        decision_id),
                              "[]" if outcome == "positive" else '["insufficient_information"]',
                              self.seal("Recorded by the guardian.", "decision",
                                        "best_interests", decision_id) if child else None,
                              "[]", language,
                              self.seal("The child's views were heard.", "decision",
                                        "child_views", decision_id) if child else None, at,
                              review_deadline, rule_version, actor, "{}", at)

        # follow-ups: the scheduler of record
        if first_decision_at is not None:
            self.deadline(case_id, "first_decision_target", "", first_target, (2, 1), 1,
                          worker, "met", met_at=first_decision_at, created=referred)
        elif is_open:
            self.deadline(case_id, "first_decision_target", "", first_target, (2, 1), 1,
                          worker, "pending", created=referred)
        if reflection[0] is not None:
            if state == "reflection_period":
                self.deadline(case_id, "reflection_end", "", reflection[2],
                              jur.reflection_reminder_days, 2, worker, "pending",
                              created=reflection[0])
            else:
                self.deadline(case_id, "reflection_end", "", reflection[2],
                              jur.reflection_reminder_days, 2, worker,
                              "met" if ended_at else "cancelled",
                              met_at=reflection[2], created=reflection[0])
        if guardian_pending:
            self.deadline(case_id, "guardian_appointment", "",
                          referred + timedelta(days=jur.guardian_deadline_days), (1,), 2,
                          worker, "pending", created=referred)
        if hearing_due:
            self.deadline(case_id, "hearing", hearing_due[0], hearing_due[1], (7, 1), 1,
                          worker, "pending", created=referred)
        if state in ("local_integration", "third_country", "assistance") and \
                rng.random() < 0.5:
            self.deadline(case_id, "reintegration_checkin", "",
                          now + timedelta(days=rng.uniform(-25, 90)), (7, 1), 1, worker,
                          "pending", created=referred)

        # the case row and its history
        version = 1 + len(history)
        t["case_file"].add(
            case_id, _reference(referred, i), code, rule_version, version, person_id,
            agency_id, worker, state, assistance_state, shelter_state, legal_state, "none",
            referred_by, referred, json.dumps(indicators), json.dumps(forms),
            json.dumps(sectors), rng.choice(("formal", "informal", "unknown")),
            self.seal(json.dumps({"method": recruitment}, sort_keys=True), "case_file",
                      "recruitment", case_id),
            json.dumps(rng.sample(VULNERABILITY, rng.randint(1, 3))),
            nationality == "GB", narrative_enc, _age_group(years), age_status,
            guardian[0], guardian[1], guardian[2], reflection[0], reflection[1],
            reflection[2], identification, first_outcome, False, closed_at, referred,
            max([referred] + [h[4] for h in history]), SOURCE_CODES[referred_by])
        for track, event, src, dst, at, reason in history:
            t["case_transition"].add(uid(), case_id, track, event, src, dst, actor, at,
                                     reason, "{}", rule_version)

    def _stage(self, age, child, code):
        """Where a case referred ``age`` days ago stands now."""
        r = self.rng.random()
        if age < 10:
            return "reflection" if code == "baseline" or r < 0.3 else "presumed"
        if age < 50:
            if r < 0.08:
                return "closed_early"
            if child and r < 0.12:
                return "child"
            return "reflection" if r < 0.85 else "assistance"
        if age < 365:
            table = (("closed_early", 0.08), ("child", 0.12 if child else 0.0),
                     ("reflection", 0.03), ("assistance", 0.45), ("outcome", 0.15))
        elif age < 3 * 365:
            table = (("closed_early", 0.08), ("child", 0.05 if child else 0.0),
                     ("assistance", 0.12), ("outcome", 0.15))
        else:
            table = (("closed_early", 0.10), ("child", 0.01 if child else 0.0),
                     ("outcome", 0.03))
        for stage, share in table:
            if r < share:
                return stage
            r -= share
        return "closed_after"

    def consent(self, case_id, purpose, provider_id, recipient, child, actor, at, language):
        consent_id = self.uid()
        self.t["consent"].add(
            consent_id, case_id, purpose, provider_id, recipient,
            '["identity", "contact", "needs"]', "guardian" if child else "person",
            self.seal("The child agrees.", "consent", "child_views", consent_id)
            if child else None, language,
            self.seal("What is shared, why, who sees it, and how to withdraw.", "consent",
                      "information_given", consent_id), at, None, actor, at)
        return consent_id

    def deadline(self, case_id, kind, source_key, due, remind_days, risk, assignee, status,
                 met_at=None, created=None):
        now = self.now
        remind = sorted(set(remind_days), reverse=True)
        sent, overdue_at, escalated_at, next_at = [], None, None, None
        if status == "pending":
            # what the sweep would already have sent by now
            sent = [d for d in remind if due - timedelta(days=d) <= now]
            grace = timedelta(0) if risk >= 3 else self.grace
            if due <= now:
                overdue_at = due
            if due + grace <= now:
                escalated_at = due + grace
            moments = []
            if overdue_at is None:
                moments += [due - timedelta(days=d) for d in remind if d not in sent]
                moments.append(due)
            if escalated_at is None:
                moments.append(due + grace)
            next_at = min(moments) if moments else None
        self.t["deadline"].add(
            self.uid(), case_id, self.agency_id, kind, source_key, due, json.dumps(remind),
            json.dumps(sent), next_at, risk, assignee, status, overdue_at, escalated_at,
            met_at if status == "met" else None, "{}", min(created or due, due))

    # -- the load -------------------------------------------------------------------------

    def run(self, connection):
        """Generate in this thread while another one COPYs the previous chunk: on two cores
        Python and the PostgreSQL backend each keep one busy."""
        started = time.perf_counter()
        writer = _Writer(connection)
        self.reference_data()
        writer.send(self.take())
        self.echo(f"reference data: {len(self.agencies)} agencies, {len(self.shelters)} "
                  f"shelters, {len(self.lawyers)} legal aid staff, {len(self.providers)} "
                  f"providers")
        generating = 0.0
        try:
            for i in range(self.n):
                if i and i % CHUNK == 0:
                    writer.send(self.take())
                    if i % (CHUNK * 10) == 0:
                        rate = i / (time.perf_counter() - started)
                        self.echo(f"  {i:,} cases ({rate:,.0f}/s)")
                mark = time.perf_counter()
                self.case(i)
                generating += time.perf_counter() - mark
            writer.send(self.take())
        finally:
            writer.close()
        connection.commit()
        loaded = time.perf_counter() - started
        mark = time.perf_counter()
        connection.cursor().execute("ANALYZE")  # or the planner guesses at a million rows
        connection.commit()
        analyzed = time.perf_counter() - mark
        return {"seconds": loaded + analyzed, "loaded": loaded, "analyze": analyzed,
                "generate": generating, "sealing": self.seconds_sealing,
                "copy": writer.busy, "rows": {name: table.count
                                              for name, table in self.t.items()}}

    def take(self):
        # in dependency order: parents first
        return [batch for table in self.t.values() if (batch := table.take())[1]]


class _Writer:
    """COPYs chunks on its own thread, one chunk behind the generator, in one transaction."""

    def __init__(self, connection):
        import queue
        import threading
        self.connection = connection
        self.queue = queue.Queue(maxsize=2)
        self.error = None
        self.busy = 0.0
        self.thread = threading.Thread(target=self._work, name="synth-copy", daemon=True)
        self.thread.start()

    def _work(self):
        cursor = self.connection.cursor()
        while (chunk := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain after a failure so the generator never blocks
            try:
                mark = time.perf_counter()
                for sql, data in chunk:
                    with cursor.copy(sql) as copy:
                        copy.write(data)
                self.busy += time.perf_counter() - mark
            except BaseException as exc:  # handed to the generator's thread
                self.error = exc

    def send(self, chunk):
        self._raise()
        self.queue.put(chunk)

    def close(self):
        self.queue.put(None)
        self.thread.join()
        self._raise()

    def _raise(self):
        if self.error is not None:
            raise self.error


def _bisect(cumulative, x):
    lo, hi = 0, len(cumulative) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _reference(referred: datetime, i: int) -> str:
    """Like ``cases.service.new_reference`` but unique by construction: the case number
    through an odd multiplier modulo 32**6 is a bijection, so no two cases share one."""
    n = (i * 0x2F0C_A3D5 + 0x1B3) % (1 << 30)
    code = "".join(_ALPHABET[(n >> shift) & 31] for shift in (25, 20, 15, 10, 5, 0))
    return f"RF-{referred:%y}-{code}"


def _age_group(years: int) -> str:
    return next((label for low, high, label in AGE_GROUPS if low <= years <= high), "unknown")


def synthesise(n_cases: int, seed: int = 1, password: str | None = None, echo=print) -> dict:
    """Load ``n_cases`` synthetic cases into the app's (PostgreSQL) database."""
    from sqlalchemy import func, select

    from .accounts.service import hash_password
    from .cases.models import Case
    from .database import utcnow

    if db.engine.dialect.name != "postgresql":
        raise SynthError("synth loads with PostgreSQL COPY; set DATABASE_URL to a migrated "
                         "PostgreSQL database (on SQLite use seed-demo for a small data set)")
    if db.session.scalar(select(func.count()).select_from(Case)):
        raise SynthError("the database already has cases; synth loads into an empty, "
                         "migrated database")
    db.session.rollback()
    password_hash = hash_password(password or base64.urlsafe_b64encode(os.urandom(24))
                                  .decode())
    synth = Synth(n_cases, seed, password_hash, utcnow(), echo=echo)
    connection = db.engine.raw_connection()
    try:
        return synth.run(connection.driver_connection)
    finally:
        connection.close()
