"""The person panel and its rectification.

What the panel shows comes from the person (DP-2): names and other names, date of birth or
an age estimate with the child flag, sex and gender as stated, nationality, languages and the
need for an interpreter, contact and safe-contact details; and from the referral: indicators,
forms of exploitation, sectors, the story.

A correction is validated by the very schemas that validate a new referral
(``referral.cases.schemas``), needs a reason, and leaves one history row per changed field
with the value before and after, sealed. A correction never ends child treatment: a person who
may be a child stays one until an age assessment says otherwise (CH-1).
"""
import enum
import json
import uuid
from datetime import timedelta

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workflows import jurisdictions

from ..audit.service import record
from ..privacy.service import register_export_section
from ..cases.models import AgeStatus
from ..cases.schemas import CaseCreateSchema, PersonInSchema
from ..cases.service import AGE_GROUPS, age_status_from
from ..database import utcnow
from ..errors import Invalid, flatten
from ..extensions import db
from ..labels import N_
from ..reminders.service import plan_deadline
from . import access
from .models import PersonCorrection

PERSON_FIELDS = ("given_name", "family_name", "known_as", "aliases", "date_of_birth",
                 "age_estimate", "sex", "gender", "nationality", "languages",
                 "interpreter_needed", "contact", "safe_contact", "contact_is_safe")
REFERRAL_FIELDS = ("indicators", "exploitation_forms", "sectors", "narrative")
MIN_REASON = 10
PURPOSE = "case management"
RECTIFICATION = "rectification of personal data (GDPR art. 16)"

# One validation for intake and correction: the intake schemas, every field optional.
_person_schema = PersonInSchema(partial=True)
_referral_schema = CaseCreateSchema(only=REFERRAL_FIELDS + ("is_child",), partial=True)


def panel(actor, case) -> dict:
    """The person as the case's own agency sees them; audited as a read of identity."""
    person = case.person
    record(actor, "person.read", "person", person.id, case_id=case.id, purpose=PURPOSE)
    data = {name: getattr(person, name) for name in PERSON_FIELDS}
    data.update({name: getattr(case, name) for name in REFERRAL_FIELDS})
    data.update(is_child=case.is_child, age_status=case.age_status.value)
    data["aliases"] = data["aliases"] or []
    return data


def _load(schema, data: dict) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        field, messages = next(iter(flatten(exc.messages).items()))
        raise Invalid(field, messages[0]) from None


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, dict, bool, int)):
        return json.dumps(value, ensure_ascii=False)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _same(before, after) -> bool:
    if isinstance(before, list) or isinstance(after, list):
        return list(before or []) == list(after or [])
    if isinstance(before, str) or isinstance(after, str):
        return (before or None) == (after or None)
    return before == after


def _age_status(case, person, is_child) -> AgeStatus:
    """CH-1: an assessed age stands; a possible or disputed child stays a child until an age
    assessment; otherwise the corrected age decides, as it would have at intake."""
    current = case.age_status
    if current in (AgeStatus.assessed_child, AgeStatus.assessed_adult,
                   AgeStatus.possible_child, AgeStatus.disputed):
        return current  # after an assessment, a new doubt goes to a new age assessment
    return age_status_from({"date_of_birth": person.date_of_birth,
                            "age_estimate": person.age_estimate}, is_child)


def _age_group(case, person) -> str:
    """The age group when referred (statistics, DP-4), from the corrected age."""
    dob, estimate = person.date_of_birth, person.age_estimate
    if dob:
        at = case.referred_at.date()
        estimate = at.year - dob.year - ((at.month, at.day) < (dob.month, dob.day))
    if estimate is None:
        return "unknown"
    return next((label for low, high, label in AGE_GROUPS if low <= estimate <= high),
                "unknown")


def correct(actor, case, *, person=None, referral=None, reason=None) -> list[PersonCorrection]:
    """Correct the person's details or the referral's, with a reason (rectification)."""
    if not access.may_see_identity(actor, case):
        from ..errors import Forbidden
        raise Forbidden("role", N_("only the case's caseworkers and supervisors correct it"))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise Invalid("reason", N_("give a reason of at least %(count)s characters"),
                      {"count": MIN_REASON})
    if len(reason) > 2000:
        raise Invalid("reason", N_("at most %(count)s characters"), {"count": 2000})
    person_changes = _load(_person_schema, {k: v for k, v in (person or {}).items()})
    referral_changes = _load(_referral_schema, dict(referral or {}))
    is_child = referral_changes.pop("is_child", None)
    row = case.person
    batch = uuid.uuid4()
    changes = []

    def change(target, name, value):
        before = getattr(target, name)
        if _same(before, value):
            return
        setattr(target, name, value)
        changes.append(PersonCorrection(case_id=case.id, batch=batch, field=name,
                                        before=_as_text(before), after=_as_text(value),
                                        reason=reason, corrected_by_id=actor.id))

    for name, value in person_changes.items():
        change(row, name, value)
    for name, value in referral_changes.items():
        change(case, name, value)
    was_child = case.is_child
    status = _age_status(case, row, is_child)
    if status != case.age_status:
        change(case, "age_status", status)
    case.age_group = _age_group(case, row)
    if not changes:
        raise Invalid("person", N_("nothing was changed"))
    if case.is_child and not was_child and case.guardian_appointed_at is None:
        days = jurisdictions.for_case(case).guardian_deadline_days
        plan_deadline(case.id, "guardian_appointment", utcnow() + timedelta(days=days),
                      remind_days=(1,), risk=2, assignee_id=case.assigned_to_id)
    db.session.add_all(changes)
    db.session.flush()
    record(actor, "person.correct", "person", row.id, case_id=case.id, purpose=RECTIFICATION,
           details={"fields": sorted(c.field for c in changes)})
    return changes


def corrections(actor, case) -> list[PersonCorrection]:
    """The correction history, newest first; audited (it holds identity)."""
    rows = db.session.scalars(select(PersonCorrection)
                              .where(PersonCorrection.case_id == case.id)
                              .options(selectinload(PersonCorrection.corrected_by))
                              .order_by(PersonCorrection.corrected_at.desc())).all()
    record(actor, "person.read_corrections", "person", case.person_id, case_id=case.id,
           purpose=PURPOSE)
    return rows


@register_export_section("person_correction")
def subject_access_records(case) -> list[dict]:
    """The corrections as the person receives them (DP-6): what changed and why; staff
    shown by role, not by name."""
    rows = db.session.scalars(select(PersonCorrection)
                              .where(PersonCorrection.case_id == case.id)
                              .order_by(PersonCorrection.corrected_at)).all()
    return [{"field": r.field, "before": r.before, "after": r.after, "reason": r.reason,
             "corrected_at": r.corrected_at.isoformat()} for r in rows]
