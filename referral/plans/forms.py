"""Forms of the assistance plan pages: short, one column, quick to fill in on a phone."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, SelectChoice, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

import workflows.plans as rules

_words = [Optional(), Length(max=5000)]


def choices(table, blank=False):
    """Codes with their names in the reader's language (lazy)."""
    options = [SelectChoice(code, _l(name)) for code, name in table.items()]
    return ([SelectChoice("", "—")] if blank else []) + options


class CheckboxesField(SelectMultipleField):
    """Several choices as check boxes (a tap each on a phone)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NeedsForm(FlaskForm):
    """One priority and the person's words per domain (fields built below)."""
    language = StringField(_l("Language of the conversation"),
                           validators=[DataRequired(), Length(max=40)])
    interpreter_used = BooleanField(_l("An interpreter took part"))

    def domain_fields(self):
        return [(domain, rules.NEED_DOMAINS[domain], self[f"{domain}_priority"],
                 self[f"{domain}_words"], self[f"{domain}_notes"])
                for domain in rules.NEED_DOMAINS]

    def items(self) -> dict:
        return {domain: {"priority": self[f"{domain}_priority"].data,
                         "person_words": self[f"{domain}_words"].data or None,
                         "notes": self[f"{domain}_notes"].data or None}
                for domain in rules.NEED_DOMAINS}


for _domain in rules.NEED_DOMAINS:
    setattr(NeedsForm, f"{_domain}_priority", SelectField(
        _l("Priority for the person"), choices=choices(rules.PRIORITIES),
        default="not_discussed"))
    setattr(NeedsForm, f"{_domain}_words", TextAreaField(_l("In the person's words"),
                                                         validators=_words))
    setattr(NeedsForm, f"{_domain}_notes", TextAreaField(_l("Your notes"),
                                                         validators=_words))


class RiskForm(FlaskForm):
    risk_traffickers = SelectField(_l(rules.RISKS["traffickers"]),
                                   choices=choices(rules.RISK_LEVELS), default="unknown")
    risk_retrafficking = SelectField(_l(rules.RISKS["retrafficking"]),
                                     choices=choices(rules.RISK_LEVELS), default="unknown")
    risk_self_harm = SelectField(_l(rules.RISKS["self_harm"]),
                                 choices=choices(rules.RISK_LEVELS), default="unknown")
    risk_family = SelectField(_l(rules.RISKS["family"]), choices=choices(rules.RISK_LEVELS),
                              default="unknown")
    person_view = TextAreaField(_l("How safe the person feels, in their words"),
                                validators=_words)
    notes = TextAreaField(_l("Your notes"), validators=_words)
    safety_measures = CheckboxesField(_l("Safety measures agreed"),
                                      choices=choices(rules.SAFETY_MEASURES))
    safety_plan = TextAreaField(_l("Safety plan: what is agreed to keep the person safe"),
                                validators=_words)
    safety_review_on = DateField(_l("Review the safety plan on"), validators=[Optional()])
    immediate_danger = BooleanField(_l("The person is in immediate danger now"))
    danger_reason = TextAreaField(_l("What the danger is"), validators=_words)

    def values(self) -> dict:
        return {"risks": {name: self[f"risk_{name}"].data for name in rules.RISKS},
                "person_view": self.person_view.data or None, "notes": self.notes.data or None,
                "immediate_danger": bool(self.immediate_danger.data),
                "danger_reason": self.danger_reason.data or None,
                "safety_measures": self.safety_measures.data or [],
                "safety_plan": self.safety_plan.data or None,
                "safety_review_on": self.safety_review_on.data}


class DangerForm(FlaskForm):
    reason = TextAreaField(_l("What the danger is"),
                           validators=[DataRequired(), Length(max=5000)])


class ClearDangerForm(FlaskForm):
    reason = TextAreaField(_l("Why the danger is over or handled"),
                           validators=[DataRequired(), Length(max=5000)])


class ActionFields:
    """The fields of an action, shared by the goal form and the action form."""
    description = TextAreaField(_l("What will be done"), validators=_words)
    owner_kind = SelectField(_l("Who does it"), choices=choices(rules.OWNER_KINDS),
                             default="caseworker")
    agency_id = SelectField(_l("Organisation"), choices=[], validate_choice=False)
    provider_id = SelectField(_l("Provider"), choices=[], validate_choice=False)
    referral_id = SelectField(_l("Referral"), choices=[], validate_choice=False)
    due_on = DateField(_l("Due on"), validators=[Optional()])
    review_on = DateField(_l("Review on"), validators=[Optional()])

    def set_owner_choices(self, agencies, providers, referrals):
        blank = [SelectChoice("", "—")]
        self.agency_id.choices = blank + [SelectChoice(str(a.id), a.name) for a in agencies]
        self.provider_id.choices = blank + [SelectChoice(str(p.id), p.name) for p in providers]
        self.referral_id.choices = blank + [SelectChoice(str(r.id), label)
                                            for r, label in referrals]

    def action(self) -> dict:
        kind = self.owner_kind.data
        return {"description": self.description.data, "owner_kind": kind,
                "agency_id": self.agency_id.data if kind == "agency" else None,
                "provider_id": self.provider_id.data if kind == "provider" else None,
                "referral_id": self.referral_id.data if kind == "referral" else None,
                "due_on": self.due_on.data, "review_on": self.review_on.data}


class GoalForm(ActionFields, FlaskForm):
    domain = SelectField(_l("The need it answers"), choices=[])
    goal = TextAreaField(_l("The goal, in the person's words"),
                         validators=[DataRequired(), Length(max=5000)])
    horizon = SelectField(_l("When"), choices=choices(rules.GOAL_HORIZONS), default="short")


class ActionForm(ActionFields, FlaskForm):
    pass


class ActionStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=choices(rules.ACTION_STATUSES))
    note = TextAreaField(_l("Note (why, if not done)"), validators=_words)


class GoalStatusForm(FlaskForm):
    status = SelectField(_l("Mark the goal"), choices=[
        SelectChoice(code, _l(rules.GOAL_STATUSES[code])) for code in ("achieved", "dropped")])
    note = TextAreaField(_l("Note (why, if dropped)"), validators=_words)


class AgreementForm(FlaskForm):
    person_present = BooleanField(_l("The person took part"), default=True)
    agreement = SelectField(_l("The person"), choices=choices(rules.AGREEMENT))
    disagreed_goals = CheckboxesField(_l("Goals the person does not agree with"), choices=[])
    person_words = TextAreaField(_l("What the person said about the plan, in their words"),
                                 validators=[DataRequired(), Length(max=5000)])
    language = StringField(_l("Language of the conversation"),
                           validators=[DataRequired(), Length(max=40)])
    interpreter_used = BooleanField(_l("An interpreter took part"))
    next_review_on = DateField(_l("Next review on (at the latest the jurisdiction's interval)"),
                               validators=[Optional()])

    def values(self) -> dict:
        return {"person_present": bool(self.person_present.data),
                "agreement": self.agreement.data, "person_words": self.person_words.data,
                "language": self.language.data,
                "interpreter_used": bool(self.interpreter_used.data),
                "disagreed_goals": self.disagreed_goals.data or [],
                "next_review_on": self.next_review_on.data}


class FeedbackForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(rules.FEEDBACK_KINDS))
    topic = SelectField(_l("About"), choices=choices(rules.FEEDBACK_TOPICS))
    rating = SelectField(_l("The help was"), choices=choices(rules.FEEDBACK_RATINGS),
                         default="not_said")
    moment = SelectField(_l("When"), choices=choices(rules.FEEDBACK_MOMENTS))
    words = TextAreaField(_l("What the person said, in their words"),
                          validators=[DataRequired(), Length(max=5000)])
    language = StringField(_l("Language"), validators=[Optional(), Length(max=40)])

    def values(self) -> dict:
        return {"kind": self.kind.data, "topic": self.topic.data, "rating": self.rating.data,
                "moment": self.moment.data, "words": self.words.data,
                "language": self.language.data or None}


class ResponseForm(FlaskForm):
    response = TextAreaField(_l("Your answer to the person"),
                             validators=[DataRequired(), Length(max=5000)])
