"""Case notes and the contact log.

- A note records a contact (or a plain note): when, which kind, whether the person was
  there, who else took part, whether an interpreter was used and in which language, and the
  note itself. The note and the participants are sealed at rest.
- Its author may edit it for ``NOTE_EDIT_MINUTES`` after writing it; after that the note is
  append-only: a correction (with a reason) is added and the original stays.
- Every read and write is audited (DP-3).
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from ..audit.service import record
from ..privacy.service import register_export_section
from ..database import utcnow
from ..errors import Forbidden, Invalid, Refused
from ..extensions import db
from ..labels import N_
from . import access
from .models import CONTACT_KINDS, CaseNote, NoteCorrection

PURPOSE = "case notes and contacts"
MAX_BODY = 20000
MIN_REASON = 10


def _text(value, field, *, required=False, maximum=MAX_BODY):
    value = (value or "").strip()
    if required and not value:
        raise Invalid(field, N_("is required"))
    if len(value) > maximum:
        raise Invalid(field, N_("at most %(count)s characters"), {"count": maximum})
    return value or None


def _follow_up(case, follow_up_id):
    if follow_up_id in (None, ""):
        return None
    from ..database import parse_id
    from ..reminders.models import Deadline
    try:
        row = db.session.get(Deadline, parse_id(follow_up_id, "follow_up_id"))
    except Exception:
        row = None
    if row is None or row.case_id != case.id:
        raise Invalid("follow_up_id", N_("a follow-up of this case"))
    return row.id


def _contact_fields(actor, case, *, kind, occurred_at, body, participants=None,
                    person_present=True, duration_minutes=None, interpreter_used=False,
                    interpreter_language=None, follow_up_id=None, shared_with_shelter=None,
                    shared_with_legal_aid=None) -> dict:
    if kind not in CONTACT_KINDS:
        raise Invalid("kind", N_("one of %(choices)s"), {"choices": ", ".join(CONTACT_KINDS)})
    if occurred_at is None:
        raise Invalid("occurred_at", N_("is required"))
    if occurred_at.tzinfo is None:
        raise Invalid("occurred_at", N_("give a time zone"))
    if occurred_at > utcnow() + timedelta(minutes=5):
        raise Invalid("occurred_at", N_("a contact is recorded after it happened"))
    if duration_minutes is not None and not 0 < duration_minutes <= 24 * 60:
        raise Invalid("duration_minutes", N_("between 1 and 1440 minutes"))
    language = (interpreter_language or "").strip() or None
    if language and not interpreter_used:
        raise Invalid("interpreter_language", N_("only when an interpreter was used"))
    if language and not 2 <= len(language) <= 20:
        raise Invalid("interpreter_language", N_("a language code"))
    fields = {"kind": kind, "occurred_at": occurred_at, "duration_minutes": duration_minutes,
              "person_present": bool(person_present),
              "participants": _text(participants, "participants", maximum=2000),
              "interpreter_used": bool(interpreter_used), "interpreter_language": language,
              "body": _text(body, "body", required=True)}
    sharing = {"shared_with_shelter": shared_with_shelter,
               "shared_with_legal_aid": shared_with_legal_aid}
    if any(sharing.values()) and not access.may_share(actor, case):
        raise Invalid("shared_with", N_("only the case's own agency shares its notes"))
    fields.update({k: bool(v) for k, v in sharing.items() if v is not None})
    if follow_up_id not in (None, ""):
        if not access.may_link_follow_ups(actor, case):
            raise Invalid("follow_up_id", N_("only the case's own agency links follow-ups"))
        fields["follow_up_id"] = _follow_up(case, follow_up_id)
    return fields


def record_contact(actor, case, **given) -> CaseNote:
    """Record a contact or a note on the case."""
    if not actor.has_role(*access.WRITERS):
        raise Forbidden("role", N_("your role does not keep notes on this case"))
    note = CaseNote(case_id=case.id, author_id=actor.id, author_agency_id=actor.agency_id,
                    **_contact_fields(actor, case, **given))
    db.session.add(note)
    db.session.flush()
    record(actor, "note.create", "case_note", note.id, case_id=case.id, purpose=PURPOSE,
           details={"kind": note.kind})
    return note


def edit_window() -> timedelta:
    return timedelta(minutes=int(current_app.config["NOTE_EDIT_MINUTES"]))


def editable_until(note: CaseNote):
    return note.created_at + edit_window()


def may_edit(actor, note: CaseNote, now=None) -> bool:
    return note.author_id == actor.id and not note.corrections and \
        (now or utcnow()) < editable_until(note)


def edit_note(actor, case, note: CaseNote, **given) -> CaseNote:
    """Its author changes a note within the editing window; afterwards only corrections."""
    if note.author_id != actor.id:
        raise Refused("append_only", N_("only its author edits a note; add a correction"))
    if not may_edit(actor, note):
        raise Refused("append_only", N_("the editing window has passed (%(minutes)s "
                                        "minutes); add a correction instead"),
                      {"minutes": int(current_app.config["NOTE_EDIT_MINUTES"])})
    for key, value in _contact_fields(actor, case, **given).items():
        setattr(note, key, value)
    note.edited_at = utcnow()
    db.session.flush()
    record(actor, "note.edit", "case_note", note.id, case_id=case.id, purpose=PURPOSE)
    return note


def correct_note(actor, case, note: CaseNote, *, body, reason) -> NoteCorrection:
    """Append a correction: the note stays as written, the correction follows it."""
    if not access.may_correct(actor, case, note):
        raise Refused("append_only", N_("the note's author or the case's agency corrects "
                                        "a note"))
    reason = _text(reason, "reason", required=True, maximum=2000)
    if len(reason) < MIN_REASON:
        raise Invalid("reason", N_("give a reason of at least %(count)s characters"),
                      {"count": MIN_REASON})
    correction = NoteCorrection(note_id=note.id, author_id=actor.id, reason=reason,
                                body=_text(body, "body", required=True))
    db.session.add(correction)
    db.session.flush()
    db.session.expire(note, ["corrections"])
    record(actor, "note.correct", "case_note", note.id, case_id=case.id, purpose=PURPOSE)
    return correction


def notes_for(actor, case, *, page=1, per_page=50, kind=None):
    """The notes of the case this actor may read, newest contact first, one page; the
    count of all of them; audited as one read."""
    condition = [CaseNote.case_id == case.id, access.visible_to(actor, case)]
    if kind:
        condition.append(CaseNote.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(CaseNote).where(*condition))
    rows = db.session.scalars(
        select(CaseNote).where(*condition)
        .options(selectinload(CaseNote.author), selectinload(CaseNote.corrections)
                 .selectinload(NoteCorrection.author))
        .order_by(CaseNote.occurred_at.desc(), CaseNote.created_at.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    record(actor, "note.list", "case", case.id, case_id=case.id, purpose=PURPOSE,
           details={"count": len(rows)})
    return rows, total


def read_note(actor, case, note: CaseNote) -> CaseNote:
    record(actor, "note.read", "case_note", note.id, case_id=case.id, purpose=PURPOSE)
    return note


def pending_follow_ups(actor, case):
    """Follow-ups a contact may answer (the case's own agency only)."""
    if not access.may_link_follow_ups(actor, case):
        return []
    from ..reminders.models import Deadline, DeadlineStatus
    return db.session.scalars(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.status == DeadlineStatus.pending)
        .order_by(Deadline.due_at)).all()


# --- the case timeline and the person's copy of their file ------------------------------

def timeline_rows():
    """The notes' part of a case's history statement (``cases.service.history``)."""
    from ..accounts.models import User
    from ..cases.service import timeline_columns
    return (select(*timeline_columns(at=CaseNote.occurred_at, ref=CaseNote.id,
                                     text1=CaseNote.kind, text2=User.display_name,
                                     flag=CaseNote.interpreter_used))
            .select_from(CaseNote).join(User, User.id == CaseNote.author_id)
            .where(CaseNote.case_id == bindparam("case_id", type_=CaseNote.case_id.type)))


def timeline_items(rows) -> list[dict]:
    """One line per note for the case file's timeline (the case's own staff read it):
    kind, time and author; the note itself opens on the notes page."""
    return [{"type": "note", "at": r.at, "kind": r.text1, "note_id": str(r.ref),
             "interpreter_used": r.flag, "actor": r.text2} for r in rows]


@register_export_section("case_note_correction")
def _corrections_in_their_note(case):
    return None  # each note carries its corrections


@register_export_section("case_note")
def subject_access_records(case) -> list[dict]:
    """The notes as the person receives them (DP-6): the note and its corrections; who else
    took part is left out (third parties), staff shown by organisation, not by name."""
    from ..accounts.models import Agency
    agencies = dict(db.session.execute(select(Agency.id, Agency.name)).all())
    notes = db.session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)
                               .options(selectinload(CaseNote.corrections))
                               .order_by(CaseNote.occurred_at)).all()
    return [{"kind": n.kind, "occurred_at": n.occurred_at.isoformat(),
             "person_present": n.person_present, "interpreter_used": n.interpreter_used,
             "interpreter_language": n.interpreter_language,
             "organisation": agencies.get(n.author_agency_id), "note": n.body,
             "corrections": [{"at": c.created_at.isoformat(), "note": c.body,
                              "reason": c.reason} for c in n.corrections]}
            for n in notes]
