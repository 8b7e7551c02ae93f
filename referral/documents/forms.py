from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from .models import CATEGORIES

CATEGORY_LABELS = {
    "identity_papers": _l("Identity papers"),
    "decision_letter": _l("Decision letters"),
    "medical": _l("Medical"),
    "evidence": _l("Evidence"),
    "consent_form": _l("Consent forms"),
    "correspondence": _l("Correspondence"),
}
assert set(CATEGORY_LABELS) == set(CATEGORIES)
ACCEPT = "application/pdf,image/jpeg,image/png"  # phones offer the camera and the files


def category_choices(codes):
    return [(code, CATEGORY_LABELS[code]) for code in codes]


class UploadForm(FlaskForm):
    category = SelectField(_l("Category"), choices=[], validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    file = FileField(_l("File (PDF, JPEG or PNG)"), render_kw={"accept": ACCEPT})


class VersionForm(FlaskForm):
    file = FileField(_l("New version (PDF, JPEG or PNG)"), render_kw={"accept": ACCEPT})
