import copy

from celery import Celery, Task

from .config import CELERY_DEFAULTS
from .schedule import BEAT_SCHEDULE


def make_celery(flask_app) -> Celery:
    """A Celery app whose tasks run inside ``flask_app``'s app context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(flask_app.name, task_cls=FlaskTask)
    settings = dict(CELERY_DEFAULTS)
    settings["broker_url"] = flask_app.config["CELERY_BROKER_URL"]
    transport = dict(settings["broker_transport_options"])
    transport.update(flask_app.config.get("CELERY_BROKER_TRANSPORT_OPTIONS") or {})
    settings["broker_transport_options"] = transport
    schedule = copy.deepcopy(BEAT_SCHEDULE)
    interval = float(flask_app.config.get("SWEEP_INTERVAL_SECONDS") or 60)
    schedule["sweep-due-follow-ups"]["schedule"] = interval
    schedule["chain-audit-entries"]["schedule"] = float(flask_app.config["AUDIT_CHAIN_SECONDS"])
    schedule["checkpoint-audit-chain"]["schedule"] = float(
        flask_app.config["AUDIT_CHECKPOINT_SECONDS"])
    settings["beat_schedule"] = schedule
    # Beat wakes at least this often (and refreshes its lock); the lock outlives 5 wakes.
    settings["beat_max_loop_interval"] = min(settings["beat_max_loop_interval"], interval)
    settings["redbeat_lock_timeout"] = int(5 * settings["beat_max_loop_interval"])
    settings["referral_reconnect_max_seconds"] = float(
        flask_app.config.get("BROKER_RECONNECT_MAX_SECONDS") or 5)
    if flask_app.config.get("REDIS_URL"):
        settings["redbeat_redis_url"] = flask_app.config["REDIS_URL"]
        if flask_app.config["REFERRAL_ENV"] == "production":
            # One beat schedules, whatever the number of beat processes (RedBeat's lock),
            # and it waits out a Redis outage instead of exiting (worker/beat.py).
            settings["beat_scheduler"] = "worker.beat:ResilientRedBeatScheduler"
    settings.update(flask_app.config.get("CELERY", {}))
    celery_app.config_from_object(settings)
    celery_app.set_default()
    flask_app.extensions["celery"] = celery_app
    celery_app.autodiscover_tasks(["worker"], related_name="tasks", force=True)
    return celery_app
