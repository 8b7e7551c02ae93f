"""Worker settings that make the sweep safe to redeliver."""
from worker.app import make_celery
from worker.schedule import BEAT_SCHEDULE


def test_tasks_are_acked_late_rejected_on_worker_loss_and_json_only(app):
    conf = make_celery(app).conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]


def test_beat_ticks_the_sweep_every_minute_and_schedules_no_deadline_of_its_own():
    # Deadlines live in the database and the sweep finds them; beat never holds one.
    assert BEAT_SCHEDULE == {
        "sweep-due-follow-ups": {"task": "worker.tasks.sweep_due_follow_ups",
                                 "schedule": 60.0},
        "publish-statistics": {"task": "worker.tasks.publish_statistics", "schedule": 300.0},
        "chain-audit-entries": {"task": "worker.tasks.chain_audit_entries", "schedule": 15.0},
        "checkpoint-audit-chain": {"task": "worker.tasks.checkpoint_audit_chain",
                                   "schedule": 60.0},
    }


def test_DP3_beat_chains_and_checkpoints_the_audit_trail_at_the_configured_interval(app):
    saved = {key: app.config[key] for key in ("AUDIT_CHAIN_SECONDS",
                                              "AUDIT_CHECKPOINT_SECONDS")}
    app.config.update(AUDIT_CHAIN_SECONDS=5, AUDIT_CHECKPOINT_SECONDS=30)
    try:
        schedule = make_celery(app).conf.beat_schedule
        assert schedule["chain-audit-entries"]["schedule"] == 5.0
        assert schedule["checkpoint-audit-chain"]["schedule"] == 30.0
    finally:
        app.config.update(saved)
        make_celery(app)


def test_production_uses_redbeat_so_only_one_beat_schedules(app):
    saved = {key: app.config[key] for key in ("REFERRAL_ENV", "REDIS_URL")}
    app.config.update(REFERRAL_ENV="production", REDIS_URL="redis://127.0.0.1:6379/9")
    try:
        assert make_celery(app).conf.beat_scheduler == "worker.beat:ResilientRedBeatScheduler"
    finally:
        app.config.update(saved)
        make_celery(app)  # leave the default app as the suite had it
