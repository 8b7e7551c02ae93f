"""Two database roles: the migration owner does the DDL, the application only uses data.

The application's role (``DATABASE_URL``) owns nothing. It reads and writes the domain
tables, but on the audit trail (``audit_entry``, ``audit_link``) it may only INSERT and
SELECT: no UPDATE, DELETE or TRUNCATE, and, not being the owner, no ALTER TABLE (so it
cannot disable the append-only triggers). The owner runs the migrations and then
``flask --app referral db-roles grant <app role>``; the grant is idempotent, and new tables
the owner creates later are granted by default privileges (the audit tables excepted, which
this command narrows again).
"""
from sqlalchemy import text

APPEND_ONLY_TABLES = ("audit_entry", "audit_link")
READ_ONLY_TABLES = ("alembic_version",)


def _ident(connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def grant_app_role(connection, role: str):
    """Grant ``role`` what the application needs and nothing more. Run as the owner."""
    current = connection.execute(text("SELECT current_user")).scalar()
    if role == current:
        raise ValueError("the application's role must not be the role that owns the tables")
    superuser = connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"),
                                   {"r": role}).scalar()
    if superuser is None:
        raise ValueError(f"no database role {role!r}")
    if superuser:
        raise ValueError(f"{role!r} is a superuser: grants cannot limit it")
    r = _ident(connection, role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
    existing = set(connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    for table in APPEND_ONLY_TABLES:
        if table in existing:
            statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER "
                              f"ON {table} FROM {r}")
            statements.append(f"GRANT SELECT, INSERT ON {table} TO {r}")
    for table in READ_ONLY_TABLES:
        if table in existing:
            statements.append(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {r}")
    for statement in statements:
        connection.execute(text(statement))


def role_problems(connection) -> list[str]:
    """What the connected role may do to the audit trail that it should not."""
    problems = []
    if connection.dialect.name != "postgresql":
        return problems
    role = connection.execute(text("SELECT current_user")).scalar()
    if connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                          ).scalar():
        problems.append(f"{role} is a superuser")
    for table in APPEND_ONLY_TABLES:
        owner = connection.execute(text("SELECT tableowner FROM pg_tables WHERE "
                                        "schemaname = 'public' AND tablename = :t"),
                                   {"t": table}).scalar()
        if owner is None:
            continue
        if owner == role:
            problems.append(f"{role} owns {table} (it could disable its triggers)")
        for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
            if connection.execute(text("SELECT has_table_privilege(current_user, :t, :p)"),
                                  {"t": table, "p": privilege}).scalar():
                problems.append(f"{role} has {privilege} on {table}")
    return problems
