"""What beat ticks. Deadlines are never ETA tasks: beat only ticks the sweep."""

BEAT_SCHEDULE = {
    "sweep-due-follow-ups": {"task": "worker.tasks.sweep_due_follow_ups", "schedule": 60.0},
    "publish-statistics": {"task": "worker.tasks.publish_statistics", "schedule": 300.0},
    # DP-3: the single chainer links new audit entries; the checkpoint of the chain head
    # goes to the store outside the database. Intervals from AUDIT_CHAIN_SECONDS and
    # AUDIT_CHECKPOINT_SECONDS (worker/app.py).
    "chain-audit-entries": {"task": "worker.tasks.chain_audit_entries", "schedule": 15.0},
    "checkpoint-audit-chain": {"task": "worker.tasks.checkpoint_audit_chain",
                               "schedule": 60.0},
}
