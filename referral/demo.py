"""Demo data: one user per role in a demo agency set, and synthetic cases.

Every name here is invented. Nothing is drawn from real people.
"""
import random
import secrets
from datetime import date

from sqlalchemy import func, select

from .accounts import service as accounts
from .accounts.models import AgencyKind, Role, User
from .cases import service as cases
from .extensions import db

DEMO_USERS = (
    # username, roles, agency key, display name
    ("caseworker", (Role.caseworker,), "ngo", "Amina Caseworker"),
    ("shelter", (Role.shelter_staff,), "shelter", "Sam Shelter"),
    ("legal", (Role.legal_aid,), "legal", "Lee Legal"),
    ("supervisor", (Role.supervisor,), "ngo", "Sofia Supervisor"),
    ("admin", (Role.admin,), "ngo", "Ade Admin"),
    ("auditor", (Role.auditor,), "authority", "Aud Auditor"),
)
DEMO_AGENCIES = {
    "ngo": ("Safe Passage (demo NGO)", AgencyKind.ngo),
    "shelter": ("Harbour House (demo shelter)", AgencyKind.shelter),
    "legal": ("Justice Access (demo legal aid)", AgencyKind.legal_aid),
    "authority": ("National Coordination Office (demo)", AgencyKind.authority),
}
_GIVEN = ["Ana", "Mihai", "Grace", "Olena", "Kwame", "Thi Lan", "Jorge", "Fatima", "Ion",
          "Blessing", "Arjun", "Mei", "Yusuf", "Elena", "Chidi", "Rosa"]
_FAMILY = ["Popescu", "Okafor", "Nguyen", "Kovalenko", "Mensah", "Garcia", "Haddad", "Rossi",
           "Balogun", "Sharma", "Chen", "Demir", "Ivanova", "Silva"]
_NATIONALITIES = ["RO", "NG", "VN", "UA", "GH", "MX", "SY", "AL", "IN", "CN", "TR", "BR"]
_FORMS = ["sexual_exploitation", "forced_labour", "domestic_servitude", "forced_criminality",
          "forced_begging"]
_SECTORS = ["agriculture", "construction", "domestic_work", "hospitality", "sex_industry",
            "manufacturing", "criminal_activity"]
_INDICATORS = ["documents_withheld", "debt_bondage", "restricted_movement", "threats",
               "excessive_hours", "no_pay", "isolation", "deceptive_recruitment"]


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def seed_demo(password: str | None = None, cases_count: int = 12, seed: int = 7) -> dict:
    """Create the demo agencies, users and cases. Returns {username: password}."""
    agencies = {key: accounts.create_agency(name, kind)
                for key, (name, kind) in DEMO_AGENCIES.items()}
    passwords, users = {}, {}
    for username, roles, agency_key, display in DEMO_USERS:
        pw = password or secrets.token_urlsafe(12)
        users[username] = accounts.create_user(
            username, pw, agency=agencies[agency_key], roles=roles, display_name=display,
            supervisor=users.get("supervisor"), mfa_deferred=True)
        passwords[username] = pw
    users["caseworker"].supervisor_id = users["supervisor"].id
    rng = random.Random(seed)
    opened = []
    for i in range(cases_count):
        child = i % 5 == 3
        person = {
            "given_name": rng.choice(_GIVEN), "family_name": rng.choice(_FAMILY),
            "sex": rng.choice(["female", "male", "female", "unknown"]),
            "nationality": rng.choice(_NATIONALITIES),
            "languages": [rng.choice(["ro", "en", "vi", "uk", "fr", "ar", "es"])],
            "interpreter_needed": rng.choice(["yes", "no"]),
        }
        if child:
            person["age_estimate"] = rng.randint(14, 17)
        else:
            person["date_of_birth"] = date(rng.randint(1975, 2004), rng.randint(1, 12),
                                           rng.randint(1, 28))
        referral = {
            "referred_by": rng.choice(["Labour inspectorate", "Border police", "Hospital A&E",
                                       "Helpline", "Self-referral", "Outreach team"]),
            "indicators": rng.sample(_INDICATORS, 3),
            "exploitation_forms": [rng.choice(_FORMS)],
            "sectors": [rng.choice(_SECTORS)],
            "jurisdiction": "uk" if i % 3 == 0 else "baseline",
        }
        opened.append(cases.open_case(users["caseworker"], person=person, referral=referral))
    _overdue_follow_ups(opened)
    _real_work(users, agencies, opened)
    return passwords


CONSENT = {"language": "en", "information_given": "what is shared, why, who sees it, and how "
                                                  "to withdraw at any time (demo)"}


def _real_work(users, agencies, opened):
    """So that every role has work on first sign-in: a provider directory (the shelter and
    legal aid agencies), a referral waiting for the shelter, a person staying there, a case
    with legal aid, service offers and a return request (issue 14)."""
    from .consent import service as consent
    from .legal import service as legal
    from .returns import service as returns
    from .services import service as services
    from .services.models import Provider
    from .shelter import service as shelter
    cw = users["caseworker"]
    shelter_provider = Provider(name="Harbour House shelter", services=["accommodation"],
                                agency_id=agencies["shelter"].id, languages=["en", "ro", "uk"],
                                data_sharing_agreement=True)
    legal_provider = Provider(name="Justice Access legal clinic",
                              services=["legal_counselling"], agency_id=agencies["legal"].id,
                              languages=["en", "fr"], data_sharing_agreement=True)
    clinic = Provider(name="Riverside health centre (demo)", services=["medical",
                                                                        "psychological"],
                      languages=["en"], data_sharing_agreement=True)
    db.session.add_all([shelter_provider, legal_provider, clinic])
    db.session.flush()
    adults = [c for c in opened if not c.is_child]
    if len(adults) < 4:
        return  # a tiny demo (--cases 1): the directory only
    waiting, staying, lawyer, going_home = adults[:4]
    # A referral the shelter has to answer today.
    for purpose in ("referral", "service"):
        consent.give_consent(cw, waiting, purpose=purpose, provider_id=shelter_provider.id,
                             **CONSENT)
    services.make_referral(cw, waiting, provider_id=shelter_provider.id,
                           service="accommodation", note="Needs a room tonight (demo).")
    # Someone already staying.
    consent.give_consent(cw, staying, purpose="service", provider_id=shelter_provider.id,
                         **CONSENT)
    shelter.admit(cw, staying, shelter_id=agencies["shelter"].id, room="2A")
    # A case with legal aid assigned.
    consent.give_consent(cw, lawyer, purpose="referral", provider_id=legal_provider.id,
                         **CONSENT)
    legal.assign_legal_aid(cw, lawyer, users["legal"].id)
    # Services offered, one answered; a return the person asked for.
    services.offer_service(cw, staying, service="medical", provider_id=clinic.id)
    services.answer_offer(cw, services.offer_service(cw, staying, service="psychological"),
                          True)
    returns.request_return(cw, going_home, destination_country="RO",
                           person_words="I want to go back to my family in Iasi (demo).")


def _overdue_follow_ups(opened):
    """A few follow-ups already due, so the first sweep of ``make run`` shows reminders
    arriving: one overdue (to the caseworker), one past its grace (to the supervisor)."""
    from datetime import timedelta

    from .database import utcnow
    from .reminders.service import plan_deadline
    now = utcnow()
    for case, days_ago, kind in zip(opened, (1, 4), ("hearing", "limitation")):
        plan_deadline(case.id, kind, now - timedelta(days=days_ago), source_key="demo",
                      assignee_id=case.assigned_to_id)


def passwords_file():
    """Where ``make run`` finds the demo passwords; None under tests unless configured."""
    from flask import current_app
    from pathlib import Path
    configured = current_app.config.get("DEMO_PASSWORDS_FILE")
    if configured:
        return Path(configured)
    return None if current_app.testing else \
        Path(current_app.instance_path) / "demo-passwords.txt"


def remember_passwords(passwords: dict):
    """Keep the demo passwords where ``make run`` shows them once the server is up (a demo
    convenience: the file is the instance folder's, readable by its owner only)."""
    import os
    path = passwords_file()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"  {username:12} {pw}\n" for username, pw in passwords.items())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def reset_passwords(password: str | None = None) -> dict:
    """New passwords for the demo users that exist (sign-in locks lifted, sessions ended);
    returns {username: password}."""
    from .accounts.service import hash_password
    passwords = {}
    for username, *_ in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            continue
        pw = password or secrets.token_urlsafe(12)
        user.password_hash = hash_password(pw)
        user.session_generation = (user.session_generation or 0) + 1
        user.failed_logins = 0
        user.mfa_deferred = True if user.mfa_secret is None else user.mfa_deferred
        passwords[username] = pw
    return passwords
