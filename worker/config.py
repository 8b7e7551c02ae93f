"""Celery settings. Tasks are idempotent sweeps, so late acknowledgement is safe."""

CELERY_DEFAULTS = {
    "task_serializer": "json",
    "result_serializer": "json",
    "accept_content": ["json"],
    "task_ignore_result": True,
    "task_acks_late": True,
    "task_reject_on_worker_lost": True,
    "worker_prefetch_multiplier": 1,
    "broker_connection_retry_on_startup": True,
    # Ride out a broker outage of any length: retry for ever, at most 5 s apart
    # (worker/consumer.py; BROKER_RECONNECT_MAX_SECONDS).
    "broker_connection_max_retries": None,
    "worker_consumer": "worker.consumer:Consumer",
    "referral_reconnect_max_seconds": 5,
    "broker_transport_options": {"visibility_timeout": 3600},
    "timezone": "UTC",
    "enable_utc": True,
    "beat_max_loop_interval": 30,
    "redbeat_lock_timeout": 150,
}
