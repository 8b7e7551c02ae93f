"""Tasks take ids only and call service functions; no personal data in messages."""
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="worker.tasks.sweep_due_follow_ups")
def sweep_due_follow_ups() -> int:
    """Send every due follow-up once, then the emails it queued. Idempotent: safe to run
    twice, on two workers at once, or again after a crash."""
    from referral.boundary import unit_of_work
    from referral.missing.service import escalate_open_episodes
    from referral.reminders.service import deliver_outbox, sweep_due
    try:
        with unit_of_work():  # MI-2: a missing child's episode escalates until found
            escalate_open_episodes()
    except Exception:  # never let it stop the sweep itself
        logger.exception("escalating missing episodes failed; will retry on the next sweep")
    processed = sweep_due()
    try:
        deliver_outbox()
    except OSError:  # the mail server is down: the outbox keeps them for the next tick
        logger.warning("outbox delivery failed; will retry on the next sweep")
    return processed


@shared_task(name="worker.tasks.publish_statistics")
def publish_statistics() -> int:
    """Count and publish every statistics table (suppressed, DP-4), so reads are instant;
    then each series for every closed period not yet published (frozen once published)."""
    from referral.statistics.publication import publish_periods
    from referral.statistics.service import publish_all
    return publish_all() + publish_periods()


@shared_task(name="worker.tasks.chain_audit_entries")
def chain_audit_entries() -> int:
    """Link the audit entries committed since the last run into the keyed chain (DP-3).
    One chainer at a time (a lock only chainers take); requests never wait for it."""
    from referral.audit.chain import chain_pending
    from referral.boundary import unit_of_work
    with unit_of_work():
        return chain_pending()


@shared_task(name="worker.tasks.checkpoint_audit_chain")
def checkpoint_audit_chain() -> bool:
    """Write the signed chain head (seq and hash) to the store outside the database, so
    truncation, tail deletion and re-chaining show in ``flask audit verify`` (DP-3)."""
    from referral.audit.chain import write_checkpoint
    from referral.boundary import unit_of_work
    with unit_of_work():
        return write_checkpoint() is not None
