from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from ..database import utcnow
from . import access, service
from .models import Notification
from .schemas import (FollowUpSchema, LateReasonSchema, NotificationSchema,
                      ParkedFollowUpSchema, ReassignSchema, RemindersArgsSchema,
                      RemindersSchema)

blp = Blueprint("api-reminders", __name__, url_prefix="/api/v1",
                description="Follow-ups and notifications")


def _view(row):
    return service.follow_up_view(row, row.case.reference, utcnow())


@blp.route("/reminders")
class Reminders(MethodView):
    @blp.arguments(RemindersArgsSchema, location="query")
    @blp.response(200, RemindersSchema)
    def get(self, args):
        """My due and overdue follow-ups, and my notifications."""
        actor = api_actor()
        # Returned as a finished response in RemindersSchema's form (same names, ISO times),
        # built from rows of the shown columns: no object nor schema dump per row.
        notes = service.notifications_for(actor, columns=_NOTIFICATION_COLUMNS)
        return jsonify({"follow_ups": [_follow_up_json(item)
                                       for item in service.my_follow_ups(actor)],
                        "notifications": [_notification_json(note) for note in notes]})


def _iso(moment):
    return moment.isoformat() if moment is not None else None


def _follow_up_json(item: dict) -> dict:
    """A ``follow_up_view`` as FollowUpSchema dumps it."""
    return {**item, "id": str(item["id"]), "case_id": _str(item["case_id"]),
            "due_at": _iso(item["due_at"])}


def _str(value):
    return str(value) if value is not None else None


_NOTIFICATION_COLUMNS = (Notification.id, Notification.kind, Notification.case_reference,
                         Notification.message, Notification.created_at, Notification.read_at)


def _notification_json(note) -> dict:
    """A notification as NotificationSchema dumps it."""
    return {"id": str(note.id), "kind": note.kind, "case_reference": note.case_reference,
            "message": note.message, "created_at": _iso(note.created_at),
            "read_at": _iso(note.read_at)}


@blp.route("/reminders/parked")
class Parked(MethodView):
    @blp.response(200, ParkedFollowUpSchema(many=True))
    def get(self):
        """Follow-ups the sweep could not process and parked (administrators)."""
        return service.parked_follow_ups(api_actor())


@blp.route("/reminders/parked/<deadline_id>/retry")
class RetryParked(MethodView):
    @blp.response(200, ParkedFollowUpSchema)
    def post(self, deadline_id):
        """Send a parked follow-up back to the sweep (administrators)."""
        row = service.retry_parked(api_actor(), deadline_id)
        return row


@blp.route("/reminders/<deadline_id>/reassign")
class Reassign(MethodView):
    @blp.arguments(ReassignSchema)
    @blp.response(200, FollowUpSchema)
    def post(self, body, deadline_id):
        """A supervisor hands a follow-up to another caseworker."""
        actor = api_actor()
        row = access.get_deadline_for(actor, deadline_id, access.SUPERVISE)
        service.reassign(actor, row, body["caseworker_id"])
        return _view(row)


@blp.route("/reminders/<deadline_id>/late-reason")
class LateReason(MethodView):
    @blp.arguments(LateReasonSchema)
    @blp.response(200, FollowUpSchema)
    def post(self, body, deadline_id):
        """Record why a follow-up is late."""
        actor = api_actor()
        row = access.get_deadline_for(actor, deadline_id)
        service.record_late_reason(actor, row, body["reason"])
        return _view(row)


@blp.route("/reminders/<deadline_id>/met")
class Met(MethodView):
    @blp.response(200, FollowUpSchema)
    def post(self, deadline_id):
        """Mark a follow-up done."""
        actor = api_actor()
        row = access.get_deadline_for(actor, deadline_id)
        service.mark_met(actor, row)
        return _view(row)


@blp.route("/notifications/<notification_id>/read")
class ReadNotification(MethodView):
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        note = access.get_notification_for(api_actor(), notification_id)
        note.read_at = note.read_at or utcnow()
        return note
