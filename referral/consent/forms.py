from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import DATA_CATEGORIES, PURPOSES


class ConsentForm(FlaskForm):
    purpose = SelectField("Purpose", choices=[SelectChoice(p, p.replace("_", " "))
                                              for p in PURPOSES])
    provider_id = SelectField("Recipient from the directory", choices=[], validate_choice=False)
    recipient_name = StringField("Or another recipient", validators=[Optional(),
                                                                     Length(max=200)])
    data_categories = SelectMultipleField("Data shared", choices=[
        SelectChoice(c, c.replace("_", " ")) for c in DATA_CATEGORIES])
    language = StringField("Language the information was given in",
                           validators=[DataRequired(), Length(min=2, max=40)])
    information_given = TextAreaField("What the person was told",
                                      validators=[DataRequired(), Length(max=5000)])
    given_by = SelectField("Given by", choices=[SelectChoice("person", "The person"),
                                                SelectChoice("guardian", "The guardian")])
    child_views = TextAreaField("The child's views", validators=[Optional(), Length(max=5000)])


class WithdrawForm(FlaskForm):
    pass
