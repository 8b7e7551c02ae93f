"""Issue bearer tokens for synthetic users of each role, for the load test.

    DATABASE_URL=... .venv/bin/python bench/issue_tokens.py --per-role 20 > tokens.json

Signing in over the API would hash 50 passwords and trip the sign-in rate limit (10 a
minute per address): the load test measures the case pages, so it starts with tokens.
Picks the users with the most work: caseworkers with the most cases, shelter staff of the
fullest shelters, legal aid staff with the most assignments, supervisors of the largest
agencies. Prints JSON; the tokens are secrets, keep the file private and delete it after.
"""
import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-role", type=int, default=20)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to the PostgreSQL database synth loaded")

    from sqlalchemy import func, select

    from referral import create_app
    from referral.accounts.models import Role, User, UserRole
    from referral.accounts.service import issue_token
    from referral.cases.models import Case
    from referral.extensions import db
    from referral.legal.models import LegalAidAssignment
    from referral.shelter.models import Stay

    n = args.per_role
    app = create_app()
    with app.app_context():
        agencies = db.session.scalars(select(Case.agency_id).group_by(Case.agency_id)
                                      .order_by(func.count().desc()).limit(n)).all()
        picks = {
            "caseworker": db.session.scalars(
                select(Case.assigned_to_id).where(Case.assigned_to_id.is_not(None))
                .group_by(Case.assigned_to_id).order_by(func.count().desc()).limit(n)).all(),
            "supervisor": db.session.scalars(
                select(User.id).join(UserRole).where(UserRole.role == Role.supervisor,
                                                     User.agency_id.in_(agencies))
                .order_by(User.username).limit(n)).all(),
            "shelter_staff": db.session.scalars(
                select(User.id).join(UserRole).where(
                    UserRole.role == Role.shelter_staff,
                    User.agency_id.in_(select(Stay.shelter_agency_id)
                                       .where(Stay.left_at.is_(None))))
                .order_by(User.username).limit(n)).all(),
            "legal_aid": db.session.scalars(
                select(LegalAidAssignment.user_id).group_by(LegalAidAssignment.user_id)
                .order_by(func.count().desc()).limit(n)).all(),
        }
        out = {}
        for role, ids in picks.items():
            out[role] = []
            for user_id in ids:
                user = db.session.get(User, user_id)
                token, _ = issue_token(user)
                out[role].append({"token": token, "user_id": str(user.id),
                                  "agency_id": str(user.agency_id)})
        db.session.commit()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
