"""Configuration: defaults in code, overrides from the environment, required keys fail fast.

Every setting can be given as an environment variable of the same name. Development runs
need nothing set: the database is a SQLite file and the broker a folder under ``instance/``,
and a secret key is generated there on first run. ``REFERRAL_ENV=production`` turns the
defaults off: the settings in ``REQUIRED_IN_PRODUCTION`` must then be given or the app refuses
to start.
"""
import os
import secrets
from pathlib import Path

DEFAULTS = {
    # The largest request body the app reads (413 beyond it); the proxy in front enforces
    # the same (docs/deployment.md). Upload endpoints set their own, larger, limit.
    "MAX_BODY_BYTES": 1024 * 1024,
    "REFERRAL_ENV": "development",
    "DATABASE_URL": None,  # default: sqlite file under instance/
    # Connections each web or worker process keeps open to PostgreSQL, and how many more it
    # may open at a peak (docs/deployment.md sizes them against max_connections).
    "DATABASE_POOL_SIZE": 5,
    "DATABASE_MAX_OVERFLOW": 10,
    # No ping before each checkout (a round trip on every request): connections older than
    # this are replaced, and a dropped connection invalidates the pool, so one request per
    # process meets it (a GET is retried once, others answer 503 with Retry-After).
    "DATABASE_POOL_RECYCLE_SECONDS": 1800,
    # Behind PgBouncer in transaction mode: no server-side prepared statements (psycopg's
    # prepare_threshold off), since consecutive transactions may reach different servers.
    "DATABASE_PGBOUNCER": False,
    # A read replica for heavy reads where staleness is harmless (statistics, exports); the
    # primary when unset.
    "DATABASE_REPLICA_URL": None,
    "REDIS_URL": None,  # default: an embedded filesystem broker under instance/
    "SECRET_KEY": None,  # default: generated into instance/secret_key
    "ENCRYPTION_KEYS": None,  # "kid:base64key,kid2:base64key"; the first one encrypts
    "BLIND_INDEX_KEY": None,
    # At start-up the keys must open their sentinels in the database, or the app refuses to
    # start naming the key (referral/keys). Never switch it off in production.
    "KEY_CHECK": True,
    # DP-3: the key of the audit chain's HMAC links and checkpoint signatures; the database
    # never holds it. "kid:secret,kid2:secret" (the first links) or one secret.
    "AUDIT_KEY": None,
    # Where the worker writes signed checkpoints of the chain head: file:<directory> (an
    # append-only directory; default instance/audit-checkpoints) or command:<program>.
    "AUDIT_CHECKPOINT_STORE": None,
    "AUDIT_CHAIN_SECONDS": 15,  # how often the worker links new audit entries
    "AUDIT_CHECKPOINT_SECONDS": 60,  # how often it writes a checkpoint (when the head moved)
    "DEFAULT_JURISDICTION": "baseline",
    "API_TOKEN_TTL_HOURS": 12,
    "API_TOKEN_IDLE_MINUTES": 30,  # a token unused this long stops working
    # Strict-Transport-Security max-age; by default a year in production, none otherwise.
    "HSTS_SECONDS": None,
    "SESSION_IDLE_MINUTES": 15,
    "SESSION_ABSOLUTE_HOURS": 12,
    "MFA_REQUIRED_ROLES": "supervisor,admin,auditor,dpo",
    "STATISTICS_MIN_CELL": 11,
    # A table the worker published less than this many seconds ago is served as it is.
    "STATISTICS_PUBLISHED_MAX_AGE": 900,
    # A statistics table is recounted at most this often per process (0: every request).
    "STATISTICS_CACHE_SECONDS": 300,
    "ESCALATION_GRACE_DAYS": 2,
    # How often beat ticks the reminder sweep: a follow-up is sent at most this late.
    "SWEEP_INTERVAL_SECONDS": 60,
    # A worker that lost Redis tries again at most this many seconds apart, for ever.
    "BROKER_RECONNECT_MAX_SECONDS": 5,
    "SMTP_HOST": None,
    "SMTP_PORT": 25,
    "SMTP_FROM": "referral@localhost",
    "RATELIMIT_ENABLED": True,
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host; 0 when
    # the app is reached directly. Behind a proxy, without it every client has the proxy's
    # address and the sign-in rate limit is one limit for everyone.
    "TRUSTED_PROXIES": 0,
    "PAGE_SIZE": 25,
    # Under gunicorn, a request body must arrive within this many seconds or the client
    # gets 408 and the worker thread is free again (referral/serving.py).
    "BODY_READ_TIMEOUT_SECONDS": 10,
    "BREAK_GLASS_HOURS": 3,  # DP-7: how long a break-the-glass opening lasts
    "RETENTION_YEARS_AFTER_CLOSURE": 6,  # DP-5: a closed case is erased after this
    "NOTE_EDIT_MINUTES": 30,  # a note's author may edit it this long; then corrections only
    "DOCUMENT_MAX_BYTES": 20 * 1024 * 1024,  # the largest document accepted (413 above)
}

REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ENCRYPTION_KEYS",
                          "BLIND_INDEX_KEY", "AUDIT_KEY", "AUDIT_CHECKPOINT_STORE")


class ConfigurationError(RuntimeError):
    """A required setting is missing or malformed; the app must not start."""


def sqlalchemy_url(url: str) -> str:
    """Use psycopg 3 for every PostgreSQL URL, whatever spelling the environment uses."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def server_engine_options(values, url: str) -> dict:
    """Pool settings for a database server's engine (the primary, the replica); for
    PostgreSQL, psycopg's connection settings too."""
    options = {"pool_pre_ping": False, "pool_size": values["DATABASE_POOL_SIZE"],
               "max_overflow": values["DATABASE_MAX_OVERFLOW"],
               "pool_recycle": values["DATABASE_POOL_RECYCLE_SECONDS"]}
    if url.startswith("postgresql+psycopg"):
        from .database import on_demand_description_cursor
        options["connect_args"] = {"cursor_factory": on_demand_description_cursor()}
        if values["DATABASE_PGBOUNCER"]:
            options["connect_args"]["prepare_threshold"] = None
    return options


def _env_value(key, default):
    raw = os.environ.get(key)
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigurationError(f"{key} must be a whole number, got {raw!r}") from exc
    return raw


def _instance_secret(instance: Path, name: str, nbytes: int = 32) -> str:
    """Read a generated secret from instance/, creating it (mode 0600) on first use."""
    path = instance / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


def _instance_encryption_key(instance: Path) -> str:
    import base64
    path = instance / "encryption_keys"
    if not path.exists():
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        path.write_text(f"k1:{key}")
        path.chmod(0o600)
    return path.read_text().strip()


def load(app, test_config=None):
    """Fill ``app.config`` from DEFAULTS, the environment and ``test_config``, in that order."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    values = {key: _env_value(key, default) for key, default in DEFAULTS.items()}
    if test_config:
        values.update(test_config)
    production = values["REFERRAL_ENV"] == "production"
    if values.get("PASSWORD_HASH_FOR_TESTS") and not values.get("TESTING"):
        raise ConfigurationError("PASSWORD_HASH_FOR_TESTS weakens password hashing and is "
                                 "accepted only with TESTING")

    if production:
        missing = [key for key in REQUIRED_IN_PRODUCTION if not values.get(key)]
        if missing:
            raise ConfigurationError(
                "REFERRAL_ENV=production needs these settings in the environment: "
                + ", ".join(missing))
    values["SECRET_KEY"] = values["SECRET_KEY"] or _instance_secret(instance, "secret_key")
    values["ENCRYPTION_KEYS"] = values["ENCRYPTION_KEYS"] or _instance_encryption_key(instance)
    values["BLIND_INDEX_KEY"] = (values["BLIND_INDEX_KEY"]
                                 or _instance_secret(instance, "blind_index_key"))
    values["AUDIT_KEY"] = values["AUDIT_KEY"] or _instance_secret(instance, "audit_key")
    values["AUDIT_CHECKPOINT_STORE"] = (values["AUDIT_CHECKPOINT_STORE"]
                                        or f"file:{instance / 'audit-checkpoints'}")
    database_url = values["DATABASE_URL"] or f"sqlite:///{instance / 'referral.sqlite'}"
    values["SQLALCHEMY_DATABASE_URI"] = sqlalchemy_url(database_url)
    engine_options = {}
    if not database_url.startswith("sqlite"):
        engine_options = server_engine_options(values, values["SQLALCHEMY_DATABASE_URI"])
    values.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options)
    if values["DATABASE_REPLICA_URL"]:
        replica_url = sqlalchemy_url(values["DATABASE_REPLICA_URL"])
        values.setdefault("SQLALCHEMY_BINDS", {"replica": {
            "url": replica_url, **server_engine_options(values, replica_url)}})
    if values["REDIS_URL"]:
        values["CELERY_BROKER_URL"] = values["REDIS_URL"]
    else:
        broker = instance / "broker"
        for sub in ("in", "processed", "control"):
            (broker / sub).mkdir(parents=True, exist_ok=True)
        values["CELERY_BROKER_URL"] = "filesystem://"
        values["CELERY_BROKER_TRANSPORT_OPTIONS"] = {
            "data_folder_in": str(broker / "in"),
            "data_folder_out": str(broker / "in"),
            "processed_folder": str(broker / "processed"),
            "control_folder": str(broker / "control"),
            "store_processed": False,
        }
    values["RATELIMIT_STORAGE_URI"] = values.get("RATELIMIT_STORAGE_URI") or (
        values["REDIS_URL"] or "memory://")
    # Sign-in must work while Redis is down, and never without a limit: the counters then
    # move to this process's memory (each process limits on its own, so the limit is at
    # most the number of processes times looser) and the log says so; back in Redis once it
    # answers again. A Redis that does not answer is given up on within a second.
    values.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    values.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1,
                                                    "socket_timeout": 1})
    values["SESSION_COOKIE_HTTPONLY"] = True
    values["SESSION_COOKIE_SAMESITE"] = "Lax"
    values["SESSION_COOKIE_SECURE"] = production
    if production:
        # __Host-: sent only over HTTPS, only to this host, for the whole site; no
        # subdomain can set or read it.
        values["SESSION_COOKIE_NAME"] = "__Host-session"
        values["SESSION_COOKIE_PATH"] = "/"
    if values["HSTS_SECONDS"] is None:
        values["HSTS_SECONDS"] = 31_536_000 if production else 0
    values["WTF_CSRF_TIME_LIMIT"] = None
    app.config.from_mapping(values)
    return app.config
