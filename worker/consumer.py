"""The worker's broker consumer, reconnecting at a bounded pace.

Celery retries a lost broker connection with kombu's defaults: 2 s, then 4 s, 6 s … up to
30 s between attempts, so after a minute-long Redis outage a worker could sit idle for up
to 30 s after Redis is back. Here the attempts are 1 s apart at first and never more than
``referral_reconnect_max_seconds`` (default 5), and they never give up
(``broker_connection_max_retries`` None): a worker outlives any outage.
"""
from celery.worker.consumer import Consumer as CeleryConsumer


class Consumer(CeleryConsumer):
    def ensure_connected(self, conn):
        ensure = conn.ensure_connection
        ceiling = float(self.app.conf.get("referral_reconnect_max_seconds") or 5)

        def bounded(*args, **kwargs):
            kwargs.setdefault("interval_start", 1)
            kwargs.setdefault("interval_step", 1)
            kwargs.setdefault("interval_max", ceiling)
            return ensure(*args, **kwargs)

        conn.ensure_connection = bounded
        return super().ensure_connected(conn)
