from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..labels import code_choices
from .models import DATA_CATEGORIES, PURPOSES, RECIPIENT_CATEGORIES


class ConsentForm(FlaskForm):
    purpose = SelectField(_l("Purpose"), choices=code_choices(PURPOSES))
    provider_id = SelectField(_l("Recipient from the directory"), choices=[],
                              validate_choice=False)
    recipient_name = StringField(_l("Or another recipient"), validators=[Optional(),
                                                                         Length(max=200)])
    recipient_category = SelectField(_l("Kind of recipient (for another recipient)"),
                                     choices=[SelectChoice("", "—")] + code_choices(
                                         RECIPIENT_CATEGORIES), validate_choice=False)
    data_categories = SelectMultipleField(_l("Data shared"), choices=code_choices(DATA_CATEGORIES))
    language = StringField(_l("Language the information was given in"),
                           validators=[DataRequired(), Length(min=2, max=40)])
    information_given = TextAreaField(_l("What the person was told"),
                                      validators=[DataRequired(), Length(max=5000)])
    given_by = SelectField(_l("Given by"), choices=[SelectChoice("person", _l("The person")),
                                                    SelectChoice("guardian", _l("The guardian"))])
    child_views = TextAreaField(_l("The child's views"),
                                validators=[Optional(), Length(max=5000)])


class WithdrawForm(FlaskForm):
    pass
