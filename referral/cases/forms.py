from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectChoice,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from workflows import jurisdictions

from ..labels import code_choices
from .taxonomies import EXPLOITATION_FORMS, INDICATORS, SECTORS, SEX_VALUES


class ReferralForm(FlaskForm):
    given_name = StringField(_l("Given name"), validators=[Optional(), Length(max=400)])
    family_name = StringField(_l("Family name"), validators=[Optional(), Length(max=400)])
    known_as = StringField(_l("Known as"), validators=[Optional(), Length(max=400)])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    age_estimate = IntegerField(_l("Age estimate (if no date of birth)"),
                                validators=[Optional(), NumberRange(min=0, max=120)])
    is_child = BooleanField(_l("This person may be a child"))
    sex = SelectField(_l("Sex, as the person states it"), choices=code_choices(SEX_VALUES),
                      default="unknown")
    gender = StringField(_l("Gender, in the person's words"),
                         validators=[Optional(), Length(max=100)])
    nationality = StringField(_l("Nationality (code or 'unknown')"), default="unknown",
                              validators=[DataRequired(), Length(min=2, max=40)])
    languages = StringField(_l("Languages (comma-separated codes)"),
                            validators=[Optional(), Length(max=200)])
    interpreter_needed = SelectField(_l("Interpreter needed"), choices=code_choices(
        ("unknown", "yes", "no")))
    referred_by = StringField(_l("Referred by"), validators=[DataRequired(), Length(max=200)])
    indicators = SelectMultipleField(_l("Indicators observed"), choices=code_choices(INDICATORS))
    exploitation_forms = SelectMultipleField(_l("Forms of exploitation"),
                                             choices=code_choices(EXPLOITATION_FORMS))
    sectors = SelectMultipleField(_l("Sectors"), choices=code_choices(SECTORS))
    jurisdiction = SelectField(_l("Jurisdiction"), choices=[
        SelectChoice(j.code, _l(j.name)) for j in jurisdictions.REGISTRY.values()])
    narrative = TextAreaField(_l("What happened (in the person's words)"),
                              validators=[Optional(), Length(max=20000)])

    def person(self) -> dict:
        languages = [x.strip() for x in (self.languages.data or "").split(",") if x.strip()]
        return {"given_name": self.given_name.data or None,
                "family_name": self.family_name.data or None,
                "known_as": self.known_as.data or None,
                "date_of_birth": self.date_of_birth.data,
                "age_estimate": self.age_estimate.data,
                "sex": self.sex.data, "gender": self.gender.data or None,
                "nationality": self.nationality.data.strip(), "languages": languages,
                "interpreter_needed": self.interpreter_needed.data}

    def shared_errors(self) -> dict:
        """Validate through the API's schema (one validation for web and API): dates in
        range, birth date and age estimate consistent, codes from their lists. Returns
        {field name on this form: [messages]}."""
        from .schemas import CaseCreateSchema
        person = dict(self.person())
        if person["date_of_birth"] is not None:
            person["date_of_birth"] = person["date_of_birth"].isoformat()
        referral = {k: v for k, v in self.referral().items() if v is not None}
        errors = CaseCreateSchema().validate({"person": person, **referral})
        flat = {}
        for key, messages in errors.items():
            if key == "person" and isinstance(messages, dict):
                for name, inner in messages.items():
                    flat.setdefault(name, []).extend(_messages(inner))
            else:
                flat.setdefault(key, []).extend(_messages(messages))
        return flat

    def referral(self) -> dict:
        return {"referred_by": self.referred_by.data.strip(),
                "indicators": self.indicators.data, "narrative": self.narrative.data or None,
                "exploitation_forms": self.exploitation_forms.data,
                "sectors": self.sectors.data, "jurisdiction": self.jurisdiction.data,
                "is_child": True if self.is_child.data else None}


class TransitionForm(FlaskForm):
    track = HiddenField(validators=[DataRequired()])
    event = HiddenField(validators=[DataRequired()])
    version = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)])
    person_view = TextAreaField(_l("The person's view"),
                                validators=[Optional(), Length(max=5000)])
    reason_code = StringField(validators=[Optional(), Length(max=40)])
    person_view_declined = BooleanField(_l("The person declined to give a view"))
    person_request = TextAreaField(_l("The person's request, in their words"),
                                   validators=[Optional(), Length(max=5000)])
    confirm = BooleanField(_l("I confirm this step"))

    def facts(self) -> dict:
        """The request facts, typed as the API types them (RP-1, ID-6)."""
        facts = {}
        for name in ("reason_code", "person_view", "person_request"):
            value = (getattr(self, name).data or "").strip()
            if value:
                facts[name] = value
        if self.person_view_declined.data:
            facts["person_view_declined"] = True
        return facts


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [m for inner in value.values() for m in _messages(inner)]
    if isinstance(value, list):
        return [m for inner in value for m in _messages(inner)]
    return [str(value)]
