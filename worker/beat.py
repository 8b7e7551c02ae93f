"""RedBeat that rides out a Redis outage instead of exiting.

RedBeat keeps the schedule and its lock in Redis. As shipped, a ConnectionError while it
extends the lock ends the beat process a few seconds into an outage, and a beat started
while Redis is down exits at once: nothing is swept until someone restarts it. This
scheduler instead:

- starts while Redis is down (the schedule is installed once Redis answers);
- on a connection error in a tick, logs it and tries again every ``RETRY_SECONDS``;
- when Redis answers again, takes the lock again if it was lost (a Redis restarted without
  persistence loses the lock and the schedule), installs the schedule again, and sends each
  periodic task once at once: the ticks missed during the outage are made up on return, not
  one interval later. Sweeps are idempotent, so a tick made up twice sends nothing twice;
- if another beat took the lock meanwhile, stands by until it is free again.
"""
import logging

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redbeat.schedulers import LUA_EXTEND_TO_SCRIPT, RedBeatScheduler, get_redis

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 1.0


class ResilientRedBeatScheduler(RedBeatScheduler):
    _needs_setup = False
    _outage_logged = False

    def setup_schedule(self):
        try:
            super().setup_schedule()
            self._needs_setup = False
        except UNREACHABLE as exc:
            logger.warning("beat: Redis unreachable at start (%s); waiting for it",
                           type(exc).__name__)
            self._needs_setup = True

    def tick(self, *args, **kwargs):
        try:
            if self.lock_key and self.lock is None and not self._take_lock():
                return self.max_interval  # another beat schedules; stand by
            if self._needs_setup:
                self._recover()
            interval = super().tick(*args, **kwargs)
        except UNREACHABLE as exc:
            self._unreachable(exc)
            return RETRY_SECONDS
        except LockError:
            # The lock expired or vanished (Redis restarted empty): take it again before
            # scheduling anything, and reinstall the schedule that went with it.
            logger.warning("beat: lost the RedBeat lock; taking it again")
            self.lock = None
            self._needs_setup = True
            return RETRY_SECONDS
        if self._outage_logged:
            logger.warning("beat: Redis answers again; scheduling")
            self._outage_logged = False
        return interval

    def _unreachable(self, exc):
        self._needs_setup = True
        if not self._outage_logged:
            logger.error("beat: Redis unreachable (%s); retrying every %.0f s",
                         type(exc).__name__, RETRY_SECONDS)
            self._outage_logged = True

    def _take_lock(self) -> bool:
        client = get_redis(self.app)
        lock = client.lock(self.lock_key, timeout=self.lock_timeout, sleep=self.max_interval)
        lock.lua_extend = client.register_script(LUA_EXTEND_TO_SCRIPT)
        if not lock.acquire(blocking=False):
            return False
        logger.info("beat: Acquired lock")
        self.lock = lock
        self._needs_setup = True
        return True

    def _recover(self):
        """Install the schedule again and make up each periodic task once, at once."""
        super().setup_schedule()
        self._needs_setup = False
        for name in self.app.redbeat_conf.schedule:
            try:
                entry = self.Entry.from_key(self.Entry.generate_key(self.app, name),
                                            app=self.app)
            except KeyError:
                continue
            logger.info("beat: making up %s after Redis was unreachable", name)
            self.apply_async(entry, **self._maybe_due_kwargs)

    def close(self):
        try:
            super().close()
        except UNREACHABLE:
            self.lock = None  # Redis is gone: the lock expires by itself
