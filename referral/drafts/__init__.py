"""Drafts of long forms (intake, referral), saved as the user types, so that nothing typed
is lost when a session times out or a connection drops. Sealed at rest like the case file."""
