from datetime import timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..labels import code_choices
from .models import TOLD


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MissingForm(FlaskForm):
    missing_since = DateTimeLocalField(_l("Missing since (UTC)"), format="%Y-%m-%dT%H:%M",
                                       validators=[DataRequired()])
    last_seen_where = StringField(_l("Where last seen"), validators=[Optional(),
                                                                    Length(max=2000)])
    circumstances = TextAreaField(_l("Circumstances"), validators=[Optional(),
                                                                  Length(max=20000)])
    told = CheckboxesField(_l("Who was told"), choices=code_choices(TOLD))

    def episode(self) -> dict:
        return {"missing_since": self.missing_since.data.replace(tzinfo=timezone.utc),
                "last_seen_where": self.last_seen_where.data,
                "circumstances": self.circumstances.data, "told": self.told.data or []}


class FoundForm(FlaskForm):
    found_at = DateTimeLocalField(_l("Found on (UTC)"), format="%Y-%m-%dT%H:%M",
                                  validators=[DataRequired()])
    found_where = StringField(_l("Where found"), validators=[Optional(), Length(max=2000)])
    told = CheckboxesField(_l("Who was told"), choices=code_choices(TOLD))

    def found(self) -> dict:
        return {"found_at": self.found_at.data.replace(tzinfo=timezone.utc),
                "found_where": self.found_where.data, "told": self.told.data or []}
