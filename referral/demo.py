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
    return passwords


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
