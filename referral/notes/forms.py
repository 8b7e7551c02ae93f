from datetime import timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..labels import code_choices
from .models import CONTACT_KINDS


class NoteForm(FlaskForm):
    kind = SelectField(_l("Kind of contact"), choices=code_choices(CONTACT_KINDS),
                       default="visit")
    occurred_at = DateTimeLocalField(_l("Date and time (UTC)"), format="%Y-%m-%dT%H:%M",
                                     validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration in minutes"),
                                    validators=[Optional(), NumberRange(min=1, max=1440)])
    person_present = BooleanField(_l("The person took part"), default=True)
    participants = StringField(_l("Who else took part"), validators=[Optional(),
                                                                     Length(max=2000)])
    interpreter_used = BooleanField(_l("An interpreter was used"))
    interpreter_language = StringField(_l("Interpreter's language (code)"),
                                       validators=[Optional(), Length(min=2, max=20)])
    body = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=20000)])
    follow_up_id = SelectField(_l("Answers a follow-up"), choices=[], validate_choice=True)
    shared_with_shelter = BooleanField(_l("Share with the shelter where the person stays"))
    shared_with_legal_aid = BooleanField(_l("Share with the person's legal aid"))

    def set_follow_ups(self, rows, label):
        self.follow_up_id.choices = [("", _l("None"))] + [
            (str(row.id), label(row)) for row in rows]

    def contact(self, *, may_share: bool, may_link: bool) -> dict:
        data = {"kind": self.kind.data,
                "occurred_at": self.occurred_at.data.replace(tzinfo=timezone.utc)
                if self.occurred_at.data else None,
                "duration_minutes": self.duration_minutes.data,
                "person_present": bool(self.person_present.data),
                "participants": self.participants.data or None,
                "interpreter_used": bool(self.interpreter_used.data),
                "interpreter_language": self.interpreter_language.data or None,
                "body": self.body.data}
        if may_share:
            data.update(shared_with_shelter=bool(self.shared_with_shelter.data),
                        shared_with_legal_aid=bool(self.shared_with_legal_aid.data))
        if may_link:
            data["follow_up_id"] = self.follow_up_id.data or None
        return data


class CorrectionForm(FlaskForm):
    body = TextAreaField(_l("Correction"), validators=[DataRequired(), Length(max=20000)])
    reason = StringField(_l("Why the note is corrected"),
                         validators=[DataRequired(), Length(min=10, max=2000)])
