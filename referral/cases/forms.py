from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectChoice,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget
from markupsafe import Markup

from workflows import jurisdictions

from ..labels import code_choices
from .taxonomies import EXPLOITATION_FORMS, INDICATORS, SECTORS, SEX_VALUES

class CheckboxGroupField(SelectMultipleField):
    """A group of checkboxes (no Ctrl-click list box): rendered as a fieldset by
    ``macros/forms.html``; the posted values are the codes, as before."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CountryField(SelectField):
    """Nationality picked by name, in the reader's language; the ISO code is stored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validate_choice=False, **kwargs)
        from ..webforms import country_choices
        self.choices = [SelectChoice(code, name) for code, name in country_choices()]

    def pre_validate(self, form):
        codes = {choice.value for choice in self.choices}
        if self.data not in codes and self.data != self.object_data:
            raise ValidationError(_l("Pick the country from the list."))


class LanguagesField(StringField):
    """Up to three languages, each picked by name in the reader's language, in the
    person's order of preference. The value stays "ro, en" (codes, as stored), so drafts,
    corrections and the API read it as before."""
    SLOTS = 3

    def process_formdata(self, valuelist):
        values = [v.strip() for v in valuelist if v and v.strip()]
        self.data = ", ".join(values)

    def codes(self):
        return [x.strip() for x in (self.data or "").split(",") if x.strip()]

    def pre_validate(self, form):
        from ..webforms import language_choices
        known = {code for code, _name in language_choices()}
        unknown = [c for c in self.codes() if c not in known]
        if unknown:
            raise ValidationError(_l("Pick the languages from the list."))

    def __call__(self, **kwargs):
        """Three selects named like the field; every value is escaped by ``Markup.format``."""
        from flask_babel import gettext
        from ..webforms import language_choices
        chosen = self.codes() + [""] * self.SLOTS
        names = language_choices()
        none = gettext("(none)")
        described = kwargs.get("aria_describedby") or kwargs.get("aria-describedby") or ""
        parts = []
        for slot in range(self.SLOTS):
            options = [Markup('<option value="">{}</option>').format(none)]
            for code, name in names:
                if chosen[slot] == code:
                    options.append(Markup('<option value="{}" selected>{}</option>').format(
                        code, name))
                else:
                    options.append(Markup('<option value="{}">{}</option>').format(code, name))
            label = gettext("First language") if slot == 0 else \
                gettext("Other language %(number)d", number=slot + 1)
            field_id = self.id if slot == 0 else f"{self.id}-{slot + 1}"
            parts.append(Markup('<span class="language-slot"><label for="{}" '
                                'class="visually-hidden">{}</label><select id="{}" name="{}"'
                                '{}>{}</select></span>').format(
                field_id, label, field_id, self.name,
                Markup(' aria-describedby="{}"').format(described) if described else "",
                Markup("").join(options)))
        return Markup("").join(parts)




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
    nationality = CountryField(_l("Nationality"), default="unknown",
                               validators=[DataRequired(), Length(min=2, max=40)])
    languages = LanguagesField(_l("Languages the person speaks"),
                               validators=[Optional(), Length(max=200)])
    interpreter_needed = SelectField(_l("Interpreter needed"), choices=code_choices(
        ("unknown", "yes", "no")))
    referred_by = StringField(_l("Referred by"), validators=[DataRequired(), Length(max=200)])
    indicators = CheckboxGroupField(_l("Indicators observed"), choices=code_choices(INDICATORS))
    exploitation_forms = CheckboxGroupField(_l("Forms of exploitation"),
                                            choices=code_choices(EXPLOITATION_FORMS))
    sectors = CheckboxGroupField(_l("Sectors"), choices=code_choices(SECTORS))
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


# -- The NRM as it runs (issue 16): decisions, reconsideration, refer-on ---------------------

def _lines(text) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class DecisionForm(FlaskForm):
    """NRM-6: the competent authority's decision screen (and a decision received on paper)."""
    kind = SelectField(_l("Decision"), choices=[])
    outcome = SelectField(_l("Outcome"), choices=[])
    decision_maker = StringField(_l("Decided by"), validators=[DataRequired(),
                                                               Length(max=200)])
    reasons = TextAreaField(_l("Reasons"), validators=[DataRequired(), Length(max=20000)])
    reason_codes = SelectMultipleField(_l("Coded reasons (for a negative decision)"),
                                       choices=[])
    language_explained_in = StringField(_l("Language it was explained in (code)"),
                                        validators=[Optional(), Length(max=40)])
    evidence = TextAreaField(_l("Evidence considered (one per line)"),
                             validators=[Optional(), Length(max=20000)])
    child_views = TextAreaField(_l("The child's views"), validators=[Optional(),
                                                                     Length(max=20000)])
    best_interests = TextAreaField(_l("Best interests assessment"),
                                   validators=[Optional(), Length(max=20000)])
    # ID-6: a negative decision records the person's view, or that they declined to give one.
    person_view = TextAreaField(_l("The person's view"), validators=[Optional(),
                                                                     Length(max=5000)])
    person_view_declined = BooleanField(_l("The person declined to give a view"))

    def set_choices(self, kinds, outcomes, reason_codes, label):
        self.kind.choices = [SelectChoice(k, label(k)) for k in kinds]
        self.outcome.choices = [SelectChoice(o, label(o)) for o in outcomes]
        self.reason_codes.choices = [SelectChoice(c, c.replace("_", " "))
                                     for c in reason_codes]

    def decision(self) -> dict:
        return {"kind": self.kind.data, "outcome": self.outcome.data,
                "decision_maker": self.decision_maker.data, "reasons": self.reasons.data,
                "reason_codes": self.reason_codes.data or [],
                "language_explained_in": self.language_explained_in.data or None,
                "evidence": _lines(self.evidence.data),
                "child_views": self.child_views.data or None,
                "best_interests": self.best_interests.data or None,
                "person_view": (self.person_view.data or "").strip() or None,
                "person_view_declined": bool(self.person_view_declined.data)}


class ReconsiderationForm(FlaskForm):
    """NRM-2: ask the competent authority to reconsider a negative decision."""
    reason = TextAreaField(_l("Why reconsideration is asked"),
                           validators=[DataRequired(), Length(max=5000)])
    grounds = SelectField(_l("Grounds"), choices=[])
    evidence = TextAreaField(_l("Evidence sent with the request (one per line)"),
                             validators=[Optional(), Length(max=20000)])

    def request_fields(self) -> dict:
        return {"reason": self.reason.data, "grounds": self.grounds.data or None,
                "evidence": _lines(self.evidence.data)}


class ReferOnForm(FlaskForm):
    """NRM-5: after a final negative decision, refer an adult on to another remedy."""
    remedy = SelectField(_l("Remedy the person is referred on to"), choices=[])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
    person_view = TextAreaField(_l("The person's view"), validators=[Optional(),
                                                                     Length(max=5000)])
    version = HiddenField()
