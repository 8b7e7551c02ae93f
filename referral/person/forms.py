"""The correction form: the intake form's own fields (``ReferralForm``), the contact
details intake does not ask for, and a reason."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..cases.forms import ReferralForm


class PersonForm(FlaskForm):
    given_name = ReferralForm.given_name
    family_name = ReferralForm.family_name
    known_as = ReferralForm.known_as
    aliases = TextAreaField(_l("Other names used (one per line)"),
                            validators=[Optional(), Length(max=4000)])
    date_of_birth = ReferralForm.date_of_birth
    age_estimate = ReferralForm.age_estimate
    is_child = ReferralForm.is_child
    sex = ReferralForm.sex
    gender = ReferralForm.gender
    nationality = ReferralForm.nationality
    languages = ReferralForm.languages
    interpreter_needed = ReferralForm.interpreter_needed
    contact = TextAreaField(_l("Contact details (phone, e-mail, address)"),
                            validators=[Optional(), Length(max=1000)])
    safe_contact = TextAreaField(_l("Safe way to reach the person"),
                                 validators=[Optional(), Length(max=1000)])
    contact_is_safe = BooleanField(_l("These contact details are safe to use"))
    indicators = ReferralForm.indicators
    exploitation_forms = ReferralForm.exploitation_forms
    sectors = ReferralForm.sectors
    narrative = ReferralForm.narrative
    reason = StringField(_l("Why these details are corrected"),
                         validators=[DataRequired(), Length(min=10, max=2000)])

    def person(self) -> dict:
        data = ReferralForm.person(self)  # the same reading of the same fields as intake
        data.update(aliases=[line.strip() for line in (self.aliases.data or "").splitlines()
                             if line.strip()],
                    contact=self.contact.data or None,
                    safe_contact=self.safe_contact.data or None,
                    contact_is_safe=bool(self.contact_is_safe.data))
        return data

    def referral(self) -> dict:
        return {"indicators": self.indicators.data,
                "exploitation_forms": self.exploitation_forms.data,
                "sectors": self.sectors.data, "narrative": self.narrative.data or None,
                "is_child": True if self.is_child.data else None}

    @classmethod
    def from_panel(cls, panel: dict):
        data = dict(panel)
        data["aliases"] = "\n".join(panel.get("aliases") or [])
        data["languages"] = ", ".join(panel.get("languages") or [])
        data["is_child"] = panel.get("age_status") == "possible_child"
        return cls(data=data)
