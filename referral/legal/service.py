"""Legal track rules. Nothing here is read by the assistance, shelter, return or NRM tracks'
guards: cooperation facts are fed to the legal track only (NC-2)."""
import re
import uuid
from datetime import timedelta
from functools import cache
from types import SimpleNamespace

from sqlalchemy import Integer, Uuid, bindparam, select
from sqlalchemy.orm import joinedload

from workflows.claims import (ASYLUM, COMPENSATION, PERMIT, PERMIT_IN_FORCE,
                              lifecycle_for_permit)

from ..accounts.models import Role, User
from ..audit.service import record
from ..cases import access
from ..cases.facts import register_facts
from ..cases.models import Case
from ..cases.service import apply_transition
from ..database import among_parameter, read_rows, utcnow
from ..errors import Forbidden, Invalid, NotFound, Refused, StaleVersion
from ..extensions import db
from ..labels import N_
from ..reminders.service import cancel_deadlines, plan_deadline
from .models import (CLOSED_STATUSES, COMPENSATION_KINDS, COOPERATION_KINDS, MEASURE_KINDS,
                     NON_PUNISHMENT_OUTCOMES, OFFENCE_CATEGORIES, OPEN_STATUSES, PERMIT_KINDS,
                     PERSON_ROLES, PROCEEDING_KINDS, ClaimStep, CompensationClaim,
                     CooperationRecord, Hearing, InformationGiven, LegalAidAssignment,
                     LegalNote, Proceeding, ProceedingRevision, ProtectiveMeasure,
                     ResidencePermit)

LEGAL_ROLES = (Role.caseworker, Role.supervisor, Role.legal_aid)


@access.register_scope(applies=lambda user: user.has_role(Role.legal_aid))
def _legal_aid_scope(user_id, agency_id):
    """Legal aid staff reach the cases assigned to them, through the legal view only."""
    return Case.id.in_(select(LegalAidAssignment.case_id)
                       .where(LegalAidAssignment.user_id == user_id))


def is_assigned_legal_aid(user, case) -> bool:
    return user.has_role(Role.legal_aid) and db.session.scalar(
        select(LegalAidAssignment.id).where(LegalAidAssignment.case_id == case.id,
                                            LegalAidAssignment.user_id == user.id)) is not None


def _choice(value, allowed, field):
    if value not in allowed:
        raise Invalid(field, N_("one of %(choices)s"), {"choices": ", ".join(allowed)})


def assign_legal_aid(actor, case, user_id) -> LegalAidAssignment:
    access.require(access.can_edit_case(actor, case))
    try:
        user = db.session.get(User, uuid.UUID(str(user_id))) if user_id else None
    except ValueError:
        user = None
    if user is None or not user.has_role(Role.legal_aid):
        raise Invalid("user_id", N_("assign a member of legal aid staff"))
    row = db.session.scalar(select(LegalAidAssignment).where(
        LegalAidAssignment.case_id == case.id, LegalAidAssignment.user_id == user.id))
    if row is None:
        row = LegalAidAssignment(case_id=case.id, user_id=user.id)
        db.session.add(row)
        db.session.flush()
        record(actor, "legal.assign", "case", case.id, case_id=case.id, purpose="legal aid")
    return row


def open_proceeding(actor, case, *, kind, person_role, court_or_authority, reference=None,
                    offence_category=None) -> Proceeding:
    _choice(kind, PROCEEDING_KINDS, "kind")
    _choice(person_role, PERSON_ROLES, "person_role")
    if person_role == "suspect":
        _choice(offence_category, OFFENCE_CATEGORIES, "offence_category")
    if not (court_or_authority or "").strip():
        raise Invalid("court_or_authority", N_("name the court or authority"))
    proceeding = Proceeding(case_id=case.id, kind=kind, person_role=person_role,
                            court_or_authority=court_or_authority.strip(),
                            reference=reference, offence_category=offence_category,
                            non_punishment_outcome="pending" if person_role == "suspect"
                            else None)
    db.session.add(proceeding)
    db.session.flush()
    if case.legal_state != "involved":
        apply_transition(actor, case, "legal", "open_proceedings", via="legal",
                         reason=f"{kind} proceedings opened")
    record(actor, "legal.proceeding_open", "proceeding", proceeding.id, case_id=case.id,
           purpose="legal proceedings", details={"kind": kind, "role": person_role})
    return proceeding


PROCEEDING_STATUSES = OPEN_STATUSES + CLOSED_STATUSES


def _revise(actor, proceeding):
    """Keep what the proceeding says now before it changes, and move it to its next
    version: an edit is never a silent overwrite."""
    db.session.add(ProceedingRevision(proceeding_id=proceeding.id, version=proceeding.version,
                                      status=proceeding.status, outcome=proceeding.outcome,
                                      changed_by_id=actor.id))
    proceeding.version = (proceeding.version or 1) + 1


def update_proceeding(actor, proceeding, *, status=None, outcome=None,
                      version=None) -> Proceeding:
    """Edit a recorded proceeding's status and outcome. ``version``, when given, is the
    version the editor loaded: a proceeding edited by someone else since is refused
    (reload and try again) rather than overwritten. What it said before is kept."""
    if status is not None:
        _choice(status, PROCEEDING_STATUSES, "status")
    if outcome is not None:
        outcome = outcome.strip()
        if len(outcome) > 2000:
            raise Invalid("outcome", N_("at most %(max)s characters"), {"max": 2000})
    if version is not None and version != proceeding.version:
        raise StaleVersion(N_("the proceeding changed since you loaded it; reload and try "
                              "again"))
    changed = (status is not None and status != proceeding.status) or \
        (outcome is not None and (outcome or None) != proceeding.outcome)
    if not changed:
        return proceeding
    before = proceeding.status
    _revise(actor, proceeding)
    if status is not None:
        proceeding.status = status
        proceeding.closed_at = (proceeding.closed_at or utcnow()) \
            if status in CLOSED_STATUSES else None
    if outcome is not None:
        proceeding.outcome = outcome or None
    db.session.flush()
    record(actor, "legal.proceeding_update", "proceeding", proceeding.id,
           case_id=proceeding.case_id, purpose="legal proceedings",
           details={"from": before, "to": proceeding.status, "version": proceeding.version})
    return proceeding


def proceeding_history(proceeding_ids) -> dict:
    """The earlier versions of each proceeding, newest first."""
    history = {}
    if proceeding_ids:
        for row in db.session.scalars(select(ProceedingRevision).where(
                ProceedingRevision.proceeding_id.in_(proceeding_ids))
                .order_by(ProceedingRevision.version.desc())):
            history.setdefault(row.proceeding_id, []).append(row)
    return history


def add_hearing(actor, proceeding, *, at, place, person_must=None) -> Hearing:
    """LP-1: a hearing is a deadline with reminders."""
    if not (place or "").strip():
        raise Invalid("place", N_("where the hearing is"))
    opened = proceeding.opened_at
    if opened is not None and at is not None:
        from datetime import timezone

        def as_utc(moment):
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        if as_utc(at).date() < as_utc(opened).date():  # dates in order, never "overdue" since
            raise Invalid("at", N_("a hearing cannot be before its proceeding was opened"))
    hearing = Hearing(proceeding_id=proceeding.id, at=at, place=place.strip(),
                      person_must=person_must)
    db.session.add(hearing)
    db.session.flush()
    plan_deadline(proceeding.case_id, "hearing", at, source_key=str(hearing.id),
                  remind_days=(7, 1), risk=2)
    record(actor, "legal.hearing_add", "hearing", hearing.id, case_id=proceeding.case_id,
           purpose="legal proceedings")
    return hearing


LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def log_information(actor, proceeding, *, stage, summary, language) -> InformationGiven:
    """LP-1: the person is informed at each stage; what and in which language is logged."""
    for field, value in (("stage", stage), ("summary", summary), ("language", language)):
        if not (value or "").strip():
            raise Invalid(field, N_("required"))
    if len(stage.strip()) > 60:
        raise Invalid("stage", N_("at most %(max)s characters"), {"max": 60})
    if not LANGUAGE_CODE.match(language.strip()):
        raise Invalid("language", N_("a language code such as 'ro' or 'pt-BR'"))
    row = InformationGiven(proceeding_id=proceeding.id, stage=stage.strip(),
                           summary=summary.strip(), language=language.strip(),
                           given_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record(actor, "legal.information_given", "information_given", row.id,
           case_id=proceeding.case_id, purpose="legal proceedings")
    return row


def offender_released(actor, proceeding, *, event="release"):
    """LP-1: release or escape of an offender creates an urgent safety task, at once."""
    if event not in ("release", "escape"):
        raise Invalid("event", N_("release or escape"))
    now = utcnow()
    row = plan_deadline(proceeding.case_id, "safety_task", now,
                        source_key=f"{event}-{uuid.uuid4()}", remind_days=(), risk=3,
                        details={"event": event, "proceeding": str(proceeding.id)})
    record(actor, "legal.offender_" + event, "proceeding", proceeding.id,
           case_id=proceeding.case_id, purpose="safety")
    return row


def add_measure(actor, proceeding, *, kind, review_at, note=None) -> ProtectiveMeasure:
    """LP-2: protective measures are recorded and reviewed."""
    _choice(kind, MEASURE_KINDS, "kind")
    if review_at <= utcnow():
        raise Invalid("review_at", N_("must be in the future"))
    measure = ProtectiveMeasure(proceeding_id=proceeding.id, kind=kind, review_at=review_at,
                                note=note)
    db.session.add(measure)
    db.session.flush()
    plan_deadline(proceeding.case_id, "protective_measure_review", review_at,
                  source_key=str(measure.id))
    record(actor, "legal.measure_add", "protective_measure", measure.id,
           case_id=proceeding.case_id, purpose="legal proceedings")
    return measure


def record_cooperation(actor, case, *, kind, value, proceeding_id=None, note=None):
    _choice(kind, COOPERATION_KINDS, "kind")
    _choice(value, ("given", "refused", "willing", "unwilling"), "value")
    if proceeding_id is not None:
        try:
            proceeding = db.session.get(Proceeding, uuid.UUID(str(proceeding_id)))
        except ValueError:
            proceeding = None
        if proceeding is None or proceeding.case_id != case.id:
            raise Invalid("proceeding_id", N_("a proceeding of this case"))
        proceeding_id = proceeding.id
    row = CooperationRecord(case_id=case.id, proceeding_id=proceeding_id, kind=kind,
                            value=value, note=note)
    db.session.add(row)
    db.session.flush()
    record(actor, "legal.cooperation", "cooperation_record", row.id, case_id=case.id,
           purpose="legal proceedings")
    return row


def review_non_punishment(actor, proceeding, *, review, outcome) -> Proceeding:
    """LP-4: a non-punishment review and its outcome for proceedings against the victim."""
    if not proceeding.is_against_victim:
        raise Refused("LP-4", N_("non-punishment applies to proceedings against the person"))
    _choice(outcome, NON_PUNISHMENT_OUTCOMES, "outcome")
    if not (review or "").strip():
        raise Invalid("review", N_("record the non-punishment review"))
    proceeding.non_punishment_review = review.strip()
    proceeding.non_punishment_outcome = outcome
    if outcome in ("discontinued", "record_erased") and proceeding.status != "discontinued":
        _revise(actor, proceeding)  # the status changes: an edit like any other
        proceeding.status, proceeding.closed_at = "discontinued", utcnow()
    record(actor, "legal.non_punishment_review", "proceeding", proceeding.id,
           case_id=proceeding.case_id, purpose="non-punishment")
    return proceeding


def non_punishment_alerts(case, proceedings=None) -> list[str]:
    """An open proceeding against the victim shows an alert on the case (LP-4).

    ``proceedings``: the case's proceedings when the caller has loaded them already (a
    list of many cases must not query once per case)."""
    if proceedings is None:
        rows = db.session.scalars(select(Proceeding).where(
            Proceeding.case_id == case.id, Proceeding.person_role == "suspect",
            Proceeding.status.not_in(CLOSED_STATUSES))).all()
    else:
        rows = [p for p in proceedings
                if p.person_role == "suspect" and p.status not in CLOSED_STATUSES]
    from flask_babel import gettext
    from ..labels import DECISION_LABELS, LEGAL_LABELS, OFFENCE_LABELS, labelled
    alerts = []
    for p in rows:  # English for the API (its locale is English), translated on the pages
        alerts.append(gettext(
            "LP-4: %(kind)s proceedings against the person (%(offence)s) — non-punishment "
            "review %(outcome)s", kind=labelled(LEGAL_LABELS)(p.kind),
            offence=labelled(OFFENCE_LABELS)(p.offence_category or "other"),
            outcome=labelled({**LEGAL_LABELS, **DECISION_LABELS})(
                p.non_punishment_outcome or "pending")))
    return alerts


def _step_row(actor, *, case_id, lifecycle_step, from_status, to_status, at=None,
              reason=None, note=None, expires_at=None, amount=None, permit=None,
              compensation=None) -> ClaimStep:
    """One step of a claim's history (who, when, why, a sealed note), never edited."""
    row = ClaimStep(case_id=case_id, step=lifecycle_step, from_status=from_status,
                    to_status=to_status, at=at or utcnow(),
                    actor_id=getattr(actor, "id", None), expires_at=expires_at, amount=amount,
                    permit_id=getattr(permit, "id", None),
                    compensation_id=getattr(compensation, "id", None))
    row.reason = (reason or "").strip()[:2000] or None
    row.note = (note or "").strip()[:5000] or None
    db.session.add(row)
    return row


def _when_ok(at):
    """A step happened in the past or now, never in the future."""
    if at is not None and at > utcnow() + timedelta(minutes=5):
        raise Invalid("at", N_("a step is recorded when it has happened, not before"))
    return at


def add_compensation(actor, case, *, kind, amount_claimed, currency, limitation_at,
                     amount_awarded=None) -> CompensationClaim:
    """LP-3: claimable whatever the residence status; each claim has its limitation. A claim
    is filed, then awarded and paid, or refused or withdrawn (``workflows.claims``)."""
    _choice(kind, COMPENSATION_KINDS, "kind")
    if amount_claimed < 0 or (amount_awarded is not None and amount_awarded < 0):
        raise Invalid("amount_claimed", N_("amounts are not negative"))
    if not (currency or "").strip():
        raise Invalid("currency", N_("an ISO 4217 code"))
    claim = CompensationClaim(case_id=case.id, kind=kind, amount_claimed=amount_claimed,
                              amount_awarded=amount_awarded, currency=currency.upper(),
                              limitation_at=limitation_at,
                              status=COMPENSATION.may_start_as[0])
    db.session.add(claim)
    db.session.flush()
    _step_row(actor, case_id=case.id, lifecycle_step="record", from_status=None,
              to_status=claim.status, amount=amount_claimed, compensation=claim)
    plan_deadline(case.id, "limitation", limitation_at, source_key=str(claim.id),
                  remind_days=(30, 7), risk=2)
    db.session.flush()
    record(actor, "legal.compensation_add", "compensation_claim", claim.id, case_id=case.id,
           purpose="compensation")
    return claim


def update_compensation(actor, claim, *, status, amount_awarded=None, at=None, reason=None,
                        note=None) -> CompensationClaim:
    """LP-3, DP-5: filed -> awarded (with the amount) -> paid, or refused or withdrawn. Once
    paid, refused or withdrawn the claim no longer holds the file against erasure."""
    step = COMPENSATION.step_to(claim.status, status)
    if step is None:
        raise Refused("WF-STATE", N_("a %(status)s claim cannot become %(target)s"),
                      {"status": claim.status, "target": status})
    if "amount_awarded" in step.needs:
        if amount_awarded is None:
            raise Invalid("amount_awarded", N_("the amount awarded"))
        if amount_awarded < 0:
            raise Invalid("amount_awarded", N_("amounts are not negative"))
        claim.amount_awarded = amount_awarded
    before = claim.status
    claim.status = status
    if status in COMPENSATION.final:  # nothing left to claim: the limitation no longer runs
        cancel_deadlines(claim.case_id, "limitation", source_key=str(claim.id))
    _step_row(actor, case_id=claim.case_id, lifecycle_step=step.name, from_status=before,
              to_status=status, at=_when_ok(at), reason=reason, note=note,
              amount=claim.amount_awarded if step.name in ("award", "pay") else None,
              compensation=claim)
    db.session.flush()
    db.session.expire(claim, ["steps"])
    record(actor, "legal.compensation_update", "compensation_claim", claim.id,
           case_id=claim.case_id, purpose="compensation",
           details={"from": before, "to": status, "step": step.name})
    return claim


def _plan_renewal(permit):
    cancel_deadlines(permit.case_id, "permit_renewal", source_key=str(permit.id))
    if permit.status in PERMIT_IN_FORCE and permit.expires_at is not None:
        plan_deadline(permit.case_id, "permit_renewal", permit.expires_at - timedelta(days=30),
                      source_key=str(permit.id), remind_days=(30, 7))


def add_permit(actor, case, *, kind, status, expires_at=None, conditions=None):
    """A residence permit or an asylum claim, as it stands when recorded; from then on it
    moves by its lifecycle's steps (``workflows.claims``)."""
    _choice(kind, PERMIT_KINDS, "kind")
    lifecycle = lifecycle_for_permit(kind)
    _choice(status, lifecycle.may_start_as, "status")
    permit = ResidencePermit(case_id=case.id, kind=kind, status=status,
                             expires_at=expires_at, conditions=conditions)
    db.session.add(permit)
    db.session.flush()
    _step_row(actor, case_id=case.id, lifecycle_step="record", from_status=None,
              to_status=status, expires_at=expires_at, permit=permit)
    _plan_renewal(permit)
    db.session.flush()
    record(actor, "legal.permit_add", "residence_permit", permit.id, case_id=case.id,
           purpose="residence status", details={"kind": kind, "status": status})
    return permit


def update_permit(actor, permit, *, status, expires_at=None, at=None, reason=None,
                  note=None):
    """RR-2: record a decision, a withdrawal, a renewal or an expiry. An asylum claim is
    granted, refused or withdrawn; a permit granted, renewed (with its new expiry) or
    expired. The guards (a pending asylum claim blocks return) read the current status."""
    lifecycle = lifecycle_for_permit(permit.kind)
    step = lifecycle.step_to(permit.status, status)
    if step is None:
        raise Refused("WF-STATE", N_("a %(status)s permit or claim cannot become %(target)s"),
                      {"status": permit.status, "target": status})
    if "expires_at" in step.needs and expires_at is None:
        raise Invalid("expires_at", N_("the new expiry date"))
    if expires_at is not None and permit.expires_at is not None and step.name == "renew" \
            and expires_at <= permit.expires_at:
        raise Invalid("expires_at", N_("a renewal runs past the current expiry"))
    before = permit.status
    permit.status = status
    if expires_at is not None:
        permit.expires_at = expires_at
    _plan_renewal(permit)
    _step_row(actor, case_id=permit.case_id, lifecycle_step=step.name, from_status=before,
              to_status=status, at=_when_ok(at), reason=reason, note=note,
              expires_at=expires_at, permit=permit)
    db.session.flush()
    db.session.expire(permit, ["steps"])
    record(actor, "legal.permit_update", "residence_permit", permit.id,
           case_id=permit.case_id, purpose="residence status",
           details={"from": before, "to": status, "step": step.name})
    return permit


def claims_for(actor, case) -> dict:
    """The case's asylum claims, permits and compensation claims, each with its history and
    the steps open to it now."""
    permits = db.session.scalars(select(ResidencePermit).where(
        ResidencePermit.case_id == case.id).order_by(ResidencePermit.created_at)).all()
    compensation = db.session.scalars(select(CompensationClaim).where(
        CompensationClaim.case_id == case.id).order_by(CompensationClaim.created_at)).all()
    record(actor, "legal.claims_read", "case", case.id, case_id=case.id,
           purpose="residence status and compensation")

    def item(row, lifecycle):
        return {"row": row, "lifecycle": lifecycle,
                "next": lifecycle.steps_from(row.status), "steps": row.steps}
    return {"asylum": [item(p, ASYLUM) for p in permits if p.kind == "asylum_claim"],
            "permits": [item(p, PERMIT) for p in permits if p.kind != "asylum_claim"],
            "compensation": [item(c, COMPENSATION) for c in compensation]}


def add_note(actor, case, body) -> LegalNote:
    """LP-5: only the person's legal aid staff write and read privileged notes."""
    if not is_assigned_legal_aid(actor, case):
        raise NotFound("notes")
    if not (body or "").strip():
        raise Invalid("body", N_("the note is empty"))
    note = LegalNote(case_id=case.id, author_id=actor.id, body=body.strip())
    db.session.add(note)
    db.session.flush()
    record(actor, "legal.note_add", "legal_note", note.id, case_id=case.id,
           purpose="privileged legal advice")
    return note


def notes_for(actor, case) -> list[LegalNote]:
    """Who may: ``access.get_notes_case_for`` (the assigned legal aid, LP-5)."""
    record(actor, "legal.notes_read", "case", case.id, case_id=case.id,
           purpose="privileged legal advice")
    return db.session.scalars(select(LegalNote).where(LegalNote.case_id == case.id)
                              .order_by(LegalNote.created_at)).all()


def legal_summary(actor, case) -> dict:
    # The proceedings with their hearings and measures in one statement; the alerts are
    # found among them, not read again.
    proceedings = db.session.scalars(
        select(Proceeding).where(Proceeding.case_id == case.id).order_by(Proceeding.opened_at)
        .options(joinedload(Proceeding.hearings), joinedload(Proceeding.measures))
    ).unique().all()
    claims = db.session.scalars(select(CompensationClaim)
                                .where(CompensationClaim.case_id == case.id)).all()
    permits = db.session.scalars(select(ResidencePermit)
                                 .where(ResidencePermit.case_id == case.id)).all()
    record(actor, "legal.read", "case", case.id, case_id=case.id, purpose="legal proceedings")
    return {"case_id": case.id, "reference": case.reference, "legal_state": case.legal_state,
            "proceedings": proceedings, "compensation_claims": claims, "permits": permits,
            "non_punishment_alerts": non_punishment_alerts(case, proceedings)}


LEGAL_DEADLINE_KINDS = ("hearing", "limitation", "protective_measure_review", "permit_renewal")


def legal_aid_view(actor, *, page=1, per_page=50) -> list[dict]:
    """The legal aid view: proceedings, hearings, deadlines and measures of assigned cases,
    and no other case data. Matters with an open proceeding come first, newest first, a
    page at a time: a lawyer's assignments only grow."""
    if not actor.has_role(Role.legal_aid):
        raise Forbidden("permission", N_("for legal aid staff"))
    if page < 1 or not 1 <= per_page <= 200:
        raise Invalid("page", N_("page from 1, per_page from 1 to 200"))
    reads = _legal_view_reads(db.session.get_bind().dialect.name)
    cases = read_rows(reads.cases, {"user_id": actor.id, "limit": per_page,
                                 "offset": (page - 1) * per_page}).all()
    ids = [c.id for c in cases]
    proceedings, deadlines = {}, {}
    if ids:
        rows = read_rows(reads.proceedings, {"ids": ids}).all()
        hearings, measures = {}, {}
        if rows:
            shown = [p.id for p in rows]
            for h in read_rows(reads.hearings, {"ids": shown}):
                hearings.setdefault(h.proceeding_id, []).append(
                    {"id": h.id, "at": h.at, "place": h.place, "person_must": h.person_must})
            for m in read_rows(reads.measures, {"ids": shown}):
                measures.setdefault(m.proceeding_id, []).append(
                    {"id": m.id, "kind": m.kind, "review_at": m.review_at, "note": m.note,
                     "status": m.status})
        for p in rows:
            proceedings.setdefault(p.case_id, []).append(
                {**p._asdict(), "hearings": hearings.get(p.id, []),
                 "measures": measures.get(p.id, [])})
        for d in read_rows(reads.deadlines, {"ids": ids}):
            deadlines.setdefault(d.case_id, []).append({"kind": d.kind, "due_at": d.due_at})
    record(actor, "legal.view", "user", actor.id, purpose="legal aid",
           details={"cases": len(cases), "page": page})
    return [{"case_id": c.id, "reference": c.reference,
             "no_removal": Case.no_removal.fget(c),  # RP-2, from the columns it reads
             "proceedings": proceedings.get(c.id, []),
             "deadlines": deadlines.get(c.id, []),
             "non_punishment_alerts": non_punishment_alerts(
                 c, [_Proceeding(p) for p in proceedings.get(c.id, [])])}
            for c in cases]


@cache
def _legal_view_reads(dialect: str) -> SimpleNamespace:
    """The legal aid view's statements, built once (per database kind) and run with the
    lawyer, the page and the shown ids as parameters. Only what the view shows, as columns:
    no case, person or proceeding objects to build."""
    from ..reminders.models import Deadline, DeadlineStatus
    from .models import Hearing, ProtectiveMeasure
    has_open = select(Proceeding.id).where(Proceeding.case_id == Case.id,
                                           Proceeding.status.in_(OPEN_STATUSES)).exists()
    return SimpleNamespace(
        cases=(select(Case.id, Case.reference, Case.nrm_state, Case.identification,
                      Case.reflection_ends_at, Case.protection_ends_at, Case.move_on_ends_at)
               .join(LegalAidAssignment, LegalAidAssignment.case_id == Case.id)
               .where(LegalAidAssignment.user_id == bindparam("user_id", type_=Uuid))
               .order_by(has_open.desc(), Case.referred_at.desc(), Case.id)
               .limit(bindparam("limit", type_=Integer))
               .offset(bindparam("offset", type_=Integer))),
        proceedings=select(
            Proceeding.id, Proceeding.case_id, Proceeding.kind, Proceeding.person_role,
            Proceeding.court_or_authority, Proceeding.reference, Proceeding.status,
            Proceeding.outcome, Proceeding.offence_category, Proceeding.non_punishment_outcome,
            Proceeding.opened_at, Proceeding.version)
        .where(among_parameter(Proceeding.case_id, "ids", dialect)),
        hearings=(select(Hearing.proceeding_id, Hearing.id, Hearing.at, Hearing.place,
                         Hearing.person_must)
                  .where(among_parameter(Hearing.proceeding_id, "ids", dialect))
                  .order_by(Hearing.at)),
        measures=select(ProtectiveMeasure.proceeding_id, ProtectiveMeasure.id,
                        ProtectiveMeasure.kind, ProtectiveMeasure.review_at,
                        ProtectiveMeasure.note, ProtectiveMeasure.status)
        .where(among_parameter(ProtectiveMeasure.proceeding_id, "ids", dialect)),
        deadlines=(select(Deadline.case_id, Deadline.kind, Deadline.due_at)
                   .where(among_parameter(Deadline.case_id, "ids", dialect),
                          Deadline.status == DeadlineStatus.pending,
                          Deadline.kind.in_(LEGAL_DEADLINE_KINDS))
                   .order_by(Deadline.due_at)))


class _Proceeding:
    """A proceeding read as columns, for ``non_punishment_alerts`` (attribute access)."""
    __slots__ = ("_row",)

    def __init__(self, row: dict):
        self._row = row

    def __getattr__(self, name):
        return self._row[name]


def assigned_count(actor) -> int:
    """How many cases the lawyer is assigned to (an assignment goes with its case), counted
    from the index of (user, case) alone."""
    from sqlalchemy import func
    return db.session.scalar(select(func.count()).select_from(LegalAidAssignment)
                             .where(LegalAidAssignment.user_id == actor.id))


def upcoming_legal_deadlines(actor, limit=10) -> list[dict]:
    """The next hearings and legal deadlines across every assigned case, in one query."""
    from ..reminders.models import Deadline, DeadlineStatus
    rows = db.session.execute(
        select(Deadline.kind, Deadline.due_at, Case.reference, Case.id)
        .join(Case, Case.id == Deadline.case_id)
        .join(LegalAidAssignment, LegalAidAssignment.case_id == Case.id)
        .where(LegalAidAssignment.user_id == actor.id,
               Deadline.status == DeadlineStatus.pending,
               Deadline.kind.in_(LEGAL_DEADLINE_KINDS))
        .order_by(Deadline.due_at).limit(limit)).all()
    return [{"kind": kind, "due_at": due_at, "reference": reference, "case_id": case_id}
            for kind, due_at, reference, case_id in rows]


@register_facts(tracks=("legal",))
def cooperation_facts(case) -> dict:
    """Cooperation, for the legal track and nothing else."""
    rows = read_rows(_fact_reads().cooperation, {"case_id": case.id}).all()
    latest = {kind: value for kind, value in rows}
    return {"cooperation": bool(rows),
            "willing_to_testify": latest.get("willingness_to_testify") == "willing",
            "statement_given": latest.get("statement") == "given",
            "testimony_given": latest.get("testimony") == "given"}


def asylum_claim_pending(case) -> bool:
    """RR-2: an asylum claim in a status that blocks return (pending: ``applied``)."""
    return read_rows(_fact_reads().asylum_claim, {"case_id": case.id}).scalar() is not None


@cache
def _fact_reads() -> SimpleNamespace:
    """The statements the legal and return tracks' facts run, built once, run with the case."""
    case_id = bindparam("case_id", type_=Uuid)
    return SimpleNamespace(
        cooperation=select(CooperationRecord.kind, CooperationRecord.value).where(
            CooperationRecord.case_id == case_id).order_by(CooperationRecord.at),
        asylum_claim=select(ResidencePermit.id).where(
            ResidencePermit.case_id == case_id, ResidencePermit.kind == "asylum_claim",
            ResidencePermit.status.in_(ASYLUM.blocks_return)).limit(1))


def open_proceedings(case) -> list[Proceeding]:
    return db.session.scalars(select(Proceeding).where(
        Proceeding.case_id == case.id, Proceeding.status.not_in(CLOSED_STATUSES))).all()


def _deadlines_between(actor, start, end) -> list[dict]:
    from ..reminders.models import Deadline, DeadlineStatus
    rows = db.session.execute(
        select(Deadline.kind, Deadline.due_at, Case.reference, Case.id)
        .join(Case, Case.id == Deadline.case_id)
        .join(LegalAidAssignment, LegalAidAssignment.case_id == Case.id)
        .where(LegalAidAssignment.user_id == actor.id,
               Deadline.status == DeadlineStatus.pending,
               Deadline.kind.in_(LEGAL_DEADLINE_KINDS),
               Deadline.due_at >= start, Deadline.due_at < end)
        .order_by(Deadline.due_at)).all()
    now = utcnow()
    return [{"kind": kind, "due_at": due_at, "reference": reference, "case_id": case_id,
             "overdue": _aware(due_at) < now}
            for kind, due_at, reference, case_id in rows]


def _aware(moment):
    from datetime import timezone
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _zone(actor):
    """The time zone the actor reads their week in: theirs, else the service's, else UTC."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from flask import current_app, has_app_context
    name = getattr(actor, "time_zone", "") or \
        (current_app.config.get("DEFAULT_TIME_ZONE") if has_app_context() else "") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _week_start(now, zone=None):
    """Monday 00:00 of the week ``now`` falls in, in ``zone`` (UTC by default), as UTC."""
    from datetime import timezone
    local = _aware(now).astimezone(zone or timezone.utc)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (start - timedelta(days=start.weekday())).astimezone(timezone.utc)


def due_this_week(actor) -> list[dict]:
    """What is due from now to the end of this week (Monday to Sunday, in the actor's time
    zone), and anything overdue still pending: the legal aid home."""
    from datetime import datetime, timezone
    now = utcnow()
    return _deadlines_between(actor, datetime(1900, 1, 1, tzinfo=timezone.utc),
                              _week_start(now, _zone(actor)) + timedelta(days=7))


def deadlines_by_week(actor, weeks=8) -> list[dict]:
    """Hearings and legal deadlines of the assigned cases, grouped by week (from Monday, in
    the actor's time zone), from this week for ``weeks`` weeks; overdue ones open the first
    week."""
    from datetime import datetime, timezone
    start = _week_start(utcnow(), _zone(actor))
    rows = _deadlines_between(actor, datetime(1900, 1, 1, tzinfo=timezone.utc),
                              start + timedelta(days=7 * weeks))
    grouped = [{"start": start + timedelta(days=7 * i), "rows": []} for i in range(weeks)]
    for row in rows:
        index = max(0, (_aware(row["due_at"]) - start).days // 7)
        grouped[index]["rows"].append(row)
    record(actor, "legal.calendar", "user", actor.id, purpose="legal aid",
           details={"deadlines": len(rows)})
    return grouped


def information_given(proceeding_ids) -> dict:
    """LP-1: what each proceeding's person was told, at which stage and in which language,
    oldest first."""
    rows = {}
    if proceeding_ids:
        for row in db.session.scalars(select(InformationGiven).where(
                InformationGiven.proceeding_id.in_(proceeding_ids))
                .order_by(InformationGiven.given_at)):
            rows.setdefault(row.proceeding_id, []).append(row)
    return rows


def cooperation_for(actor, case) -> list[CooperationRecord]:
    """Cooperation records, for the legal track's page only (NC-2: no assistance, shelter,
    return or NRM page or guard reads them). Who may: ``access.get_legal_case_for``."""
    return db.session.scalars(select(CooperationRecord).where(
        CooperationRecord.case_id == case.id).order_by(CooperationRecord.at)).all()


def legal_aid_on(case) -> list[User]:
    """The legal aid staff assigned to a case."""
    return db.session.scalars(select(User).join(
        LegalAidAssignment, LegalAidAssignment.user_id == User.id)
        .where(LegalAidAssignment.case_id == case.id).order_by(User.display_name)).all()


def legal_aid_staff() -> list[User]:
    """Who can be assigned: active accounts with the legal aid role."""
    from ..accounts.models import UserRole
    return db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == Role.legal_aid, User.is_active_account.is_(True))
        .order_by(User.display_name)).all()
