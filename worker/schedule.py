"""What beat ticks. Deadlines are never ETA tasks: beat only ticks the sweep."""

BEAT_SCHEDULE = {
    "sweep-due-follow-ups": {"task": "worker.tasks.sweep_due_follow_ups", "schedule": 60.0},
    "publish-statistics": {"task": "worker.tasks.publish_statistics", "schedule": 300.0},
}
