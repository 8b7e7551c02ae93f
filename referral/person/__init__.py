"""The person panel of a case file: who the person is, as they have told it, and its
rectification (a correction history with reasons, GDPR art. 16)."""
