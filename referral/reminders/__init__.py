"""Follow-ups: every deadline is a row; a sweep turns due rows into reminders and escalations."""
