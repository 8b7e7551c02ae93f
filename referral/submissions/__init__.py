"""A submission is acted on once: the idempotency key of a form or an API POST."""
