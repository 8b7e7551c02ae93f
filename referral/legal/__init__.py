"""The legal track: proceedings, hearings, protective measures, cooperation records,
non-punishment, compensation, residence permits, and privileged legal-aid notes.
Cooperation lives here and only here; this track never gates another (NC-1..4, LP-1..5)."""
