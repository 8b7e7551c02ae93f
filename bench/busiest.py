"""The users with the most work in a synthetic database, and bearer tokens for them.

Shared by the benchmarks that time one request at a time (``endpoint_cpu.py``,
``national_bench.py``): the busiest agency (the largest case list and the longest
dashboard), its caseworker with the most cases and a supervisor, the fullest shelter's
staff, and the legal aid lawyer with the most assignments. Call inside an app context.
"""
from dataclasses import dataclass

from sqlalchemy import func, select

from referral.accounts.models import Role, User, UserRole
from referral.accounts.service import issue_token
from referral.cases.models import Case
from referral.extensions import db
from referral.legal.models import LegalAidAssignment
from referral.shelter.models import Stay


@dataclass
class Busiest:
    agency_id: object
    agency_cases: int
    caseworker: User
    supervisor: User
    shelter_id: object
    residents: int
    shelter_staff: User
    lawyer: User

    def headers(self) -> dict:
        """One bearer token each, committed: {"caseworker": {...}, "supervisor": ...}."""
        return {name: token_headers(user) for name, user in (
            ("caseworker", self.caseworker), ("supervisor", self.supervisor),
            ("shelter", self.shelter_staff), ("legal", self.lawyer))}


def token_headers(user) -> dict:
    token, _ = issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def role_user(role, **where):
    query = select(User).join(UserRole).where(UserRole.role == role)
    for column, value in where.items():
        query = query.where(getattr(User, column) == value)
    return db.session.scalars(query.order_by(User.username)).first()


def busiest() -> Busiest:
    agency_id, agency_cases = db.session.execute(
        select(Case.agency_id, func.count()).group_by(Case.agency_id)
        .order_by(func.count().desc())).first()
    caseworker_id, = db.session.execute(
        select(Case.assigned_to_id).where(Case.agency_id == agency_id,
                                          Case.assigned_to_id.is_not(None))
        .group_by(Case.assigned_to_id).order_by(func.count().desc())).first()
    shelter_id, residents = db.session.execute(
        select(Stay.shelter_agency_id, func.count()).where(Stay.left_at.is_(None))
        .group_by(Stay.shelter_agency_id).order_by(func.count().desc())).first()
    lawyer_id, = db.session.execute(
        select(LegalAidAssignment.user_id).group_by(LegalAidAssignment.user_id)
        .order_by(func.count().desc())).first()
    return Busiest(agency_id=agency_id, agency_cases=agency_cases,
                   caseworker=db.session.get(User, caseworker_id),
                   supervisor=role_user(Role.supervisor, agency_id=agency_id),
                   shelter_id=shelter_id, residents=residents,
                   shelter_staff=role_user(Role.shelter_staff, agency_id=shelter_id),
                   lawyer=db.session.get(User, lawyer_id))
