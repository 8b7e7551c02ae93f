"""DP-3, DP-6: every read and write audited in the same transaction; a keyed, checkpointed
chain that an insider with the database (but not AUDIT_KEY or the checkpoint store) cannot
rewrite, shorten or empty unseen. Each F4 manipulation of the red-team report is a test."""
import hashlib
import json
import threading

import pytest
from sqlalchemy import select, text

from referral.audit import chain
from referral.audit.models import AuditEntry, AuditLink
from referral.audit.service import record, verify_chain
from referral.boundary import unit_of_work
from referral.extensions import db
from tests.conftest import ON_POSTGRES, TWO_ROLES, owner_engine
from tests.factories import create_case, create_user, token_headers


def run_verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def chained_trail(caseworker, cases=3):
    """A few cases' worth of entries, linked and checkpointed as the worker would."""
    for _ in range(cases):
        create_case(caseworker)
    with unit_of_work():
        chain.write_checkpoint()
    return db.session.scalar(select(AuditLink.seq).order_by(AuditLink.seq.desc()).limit(1))


def tamper(*statements, **params):
    """What an insider with the owner's (or a superuser's) database access does behind the
    application's back: switch the append-only triggers off, change rows, switch them on."""
    db.session.commit()
    with owner_engine().begin() as conn:
        if ON_POSTGRES:
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
            conn.execute(text("ALTER TABLE audit_link DISABLE TRIGGER audit_link_append_only"))
        for statement in statements:
            conn.execute(text(statement), params)
        if ON_POSTGRES:
            conn.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only"))
            conn.execute(text("ALTER TABLE audit_link ENABLE TRIGGER audit_link_append_only"))
    db.session.expire_all()


def test_DP3_reads_and_writes_of_a_case_are_audited(client, caseworker, a_case, cw_headers):
    client.get(f"/api/v1/cases/{a_case.id}", headers=cw_headers)
    actions = set(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.case_id == a_case.id)))
    assert {"case.create", "case.transition", "case.read"} <= actions


def test_DP3_the_intact_chain_verifies_and_every_entry_is_linked(app, caseworker, a_case):
    result = run_verify(app)
    assert result.exit_code == 0 and "intact" in result.output
    db.session.expire_all()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert entries and all(entry.seq is not None for entry in entries)
    assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))


@pytest.mark.parametrize("attack", ["edit", "delete", "reorder"])
def test_DP3_verify_detects_edited_deleted_and_reordered_entries(app, caseworker, attack):
    chained_trail(caseworker, cases=2)
    third = db.session.scalar(select(AuditLink.entry_id).where(AuditLink.seq == 3))
    if attack == "edit":
        tamper("UPDATE audit_entry SET purpose = 'nothing to see' WHERE id = :id", id=third)
    elif attack == "delete":
        tamper("DELETE FROM audit_link WHERE seq = 3", "DELETE FROM audit_entry WHERE id = :id",
               id=third)
    else:
        tamper("UPDATE audit_link SET seq = -3 WHERE seq = 3",
               "UPDATE audit_link SET seq = 3 WHERE seq = 4",
               "UPDATE audit_link SET seq = 4 WHERE seq = -3")
    assert verify_chain()
    result = run_verify(app)
    assert result.exit_code == 1 and "NOT intact" in result.output


def test_F4_truncating_the_trail_is_detected(app, caseworker):
    chained_trail(caseworker)
    tamper("DELETE FROM audit_link", "DELETE FROM audit_entry") if not ON_POSTGRES else \
        tamper("TRUNCATE audit_link, audit_entry")
    create_case(caseworker)  # the trail grows again from nothing
    result = run_verify(app)
    assert result.exit_code == 1
    assert "entries were removed" in result.output


def test_F4_deleting_the_tail_is_detected(app, caseworker):
    last = chained_trail(caseworker)
    tail = list(db.session.scalars(select(AuditLink.entry_id).where(AuditLink.seq > last - 5)))
    tamper("DELETE FROM audit_link WHERE seq > :cut",
           f"DELETE FROM audit_entry WHERE id IN ({', '.join(map(str, tail))})", cut=last - 5)
    problems = verify_chain()
    assert any("checkpoint" in p and f"recorded seq {last}" in p for p in problems)


def test_F4_editing_the_note_is_detected(app, caseworker):
    chained_trail(caseworker)
    third = db.session.scalar(select(AuditLink.entry_id).where(AuditLink.seq == 3))
    tamper("UPDATE audit_entry SET note = 'forged note' WHERE id = :id", id=third)
    assert "entry seq 3: content does not match its hash (edited or re-chained)" in \
        verify_chain()


def _unkeyed_digest(row, seq, prev):
    """forge.py of the report: the digest anyone can compute without a key."""
    payload = {name: (str(value) if value is not None and not isinstance(value, (str, int, dict))
                      else value) for name, value in row.items()}
    blob = json.dumps({"entry": payload, "seq": seq, "prev": prev}, sort_keys=True,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _rechain(from_seq, digest):
    """Re-attribute the entry at ``from_seq`` to someone else and recompute every later link
    with ``digest`` (the report's forge.py, against the link table)."""
    auditor = create_user("auditor")
    db.session.commit()
    entries, links = AuditEntry.__table__, AuditLink.__table__
    rows = db.session.execute(select(*links.c, *entries.c).select_from(
        links.join(entries, entries.c.id == links.c.entry_id)).order_by(links.c.seq)
    ).mappings().all()
    statements, prev = [], None
    for row in rows:
        row = dict(row)
        if row["seq"] == from_seq:
            row["actor_id"], row["action"] = auditor.id, "case.read"
            statements.append(f"UPDATE audit_entry SET actor_id = '{auditor.id if ON_POSTGRES else auditor.id.hex}', "
                              f"action = 'case.read' WHERE id = {row['id']}")
        if row["seq"] >= from_seq:
            entry = {name: row[name] for name in chain.ENTRY_COLUMNS}
            new = digest(entry, row["seq"], prev)
            statements.append(f"UPDATE audit_link SET prev_hash = {repr(prev) if prev else 'NULL'}, "
                              f"entry_hash = '{new}' WHERE seq = {row['seq']}")
            prev = new
        else:
            prev = row["entry_hash"]
    tamper(*statements)


def test_F4_rechaining_without_the_key_is_detected(app, caseworker):
    chained_trail(caseworker)
    _rechain(4, _unkeyed_digest)
    problems = verify_chain()
    assert "entry seq 4: content does not match its hash (edited or re-chained)" in problems


def test_F4_rechaining_with_the_key_is_caught_by_the_checkpoint(app, caseworker):
    """An insider who also stole AUDIT_KEY recomputes valid links; the checkpoint written
    outside the database still holds the old head."""
    last = chained_trail(caseworker)
    key = chain.audit_keys().link_key(chain.audit_keys().current)
    _rechain(2, lambda entry, seq, prev: chain.link_digest(key, entry, seq, prev))
    problems = verify_chain()
    assert not any("does not match its hash" in p for p in problems)  # the links are valid
    assert any(p.startswith(f"entry seq {last}: differs from checkpoint") for p in problems)


def test_DP3_a_forged_checkpoint_is_reported(app, caseworker, audit_checkpoints):
    chained_trail(caseworker)
    forged = {"seq": 1, "hash": "0" * 64, "at": "2026-01-01T00:00:00+00:00", "key_id": "k1",
              "signature": "f" * 64}
    (audit_checkpoints / "checkpoint-000000000001-forged.json").write_text(json.dumps(forged))
    assert any("signature does not match" in p for p in verify_chain())


def test_DP3_checkpoints_are_files_never_rewritten_and_only_when_the_head_moves(
        app, caseworker, audit_checkpoints):
    from worker.tasks import checkpoint_audit_chain
    create_case(caseworker)
    assert checkpoint_audit_chain() is True
    assert checkpoint_audit_chain() is False  # nothing new: no new file
    create_case(caseworker)
    assert checkpoint_audit_chain() is True
    files = sorted(audit_checkpoints.glob("checkpoint-*.json"))
    assert len(files) == 2
    first = json.loads(files[0].read_text())
    assert chain.checkpoint_signature_ok(first) and first["seq"] > 0
    assert oct(files[0].stat().st_mode & 0o777) == "0o440"
    # Shipped copies (a file of JSON lines) verify the same way.
    shipped = audit_checkpoints.parent / "shipped.jsonl"
    shipped.write_text("".join(f.read_text() for f in files))
    assert run_verify(app, "--checkpoints", str(shipped)).exit_code == 0


def test_DP3_the_command_store_ships_each_checkpoint_to_a_program(app, caseworker, tmp_path):
    import sys
    out = tmp_path / "shipped.jsonl"
    store = chain.checkpoint_store(
        f"command:{sys.executable} -c \"import sys; open({str(out)!r}, 'a').write(sys.stdin.read())\"")
    create_case(caseworker)
    with unit_of_work():
        written = chain.write_checkpoint(store=store)
    assert json.loads(out.read_text()) == written
    assert verify_chain(checkpoints=chain.read_checkpoints(out)) == []


def test_DP3_the_chain_is_keyed_by_AUDIT_KEY(app, caseworker):
    chained_trail(caseworker, cases=1)
    saved = app.config["AUDIT_KEY"]
    app.config["AUDIT_KEY"] = "k2:" + "another key not the one that linked" * 2
    try:
        problems = verify_chain()
    finally:
        app.config["AUDIT_KEY"] = saved
    assert any("which AUDIT_KEY does not hold" in p for p in problems)
    # With both keys listed, old links verify and new ones are linked under the first.
    app.config["AUDIT_KEY"] = "k2:" + "x" * 40 + "," + (saved if ":" in saved else "k1:" + saved)
    try:
        create_case(caseworker)
        assert verify_chain() == []
        assert db.session.scalar(select(AuditLink.key_id).order_by(AuditLink.seq.desc())
                                 .limit(1)) == "k2"
    finally:
        app.config["AUDIT_KEY"] = saved


@pytest.mark.postgres
def test_DP3_entries_committed_out_of_order_are_chained_in_commit_order(app, caseworker):
    """Two requests: the first to write its entry commits last. The chainer links what is
    committed, so the late one joins the chain after, and the chain verifies."""
    record(None, "test.early", "test", purpose="test")
    db.session.flush()  # this transaction holds the lower id, not yet committed
    early = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "test.early"))
    with app.app_context():
        record(None, "test.late", "test", purpose="test")
        db.session.commit()
        with unit_of_work():
            chain.chain_pending()
    db.session.commit()  # the first request commits now
    with unit_of_work():
        chain.chain_pending()
    links = dict(db.session.execute(select(AuditLink.entry_id, AuditLink.seq)).all())
    late = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "test.late"))
    assert late > early and links[early] > links[late]
    assert verify_chain() == []


@pytest.mark.postgres
def test_DP3_a_request_writing_audit_entries_waits_for_no_other_request(app, caseworker):
    """Issue 24: no chain-wide lock in the request. One request holds its transaction open
    after writing its entry; a second one writes and commits without waiting."""
    record(caseworker, "test.first", "test", purpose="test")
    db.session.flush()
    errors = []

    def second():
        with app.app_context():
            try:
                db.session.execute(text("SET LOCAL lock_timeout = '2s'"))
                record(caseworker, "test.second", "test", purpose="test")
                db.session.commit()
            except Exception as exc:  # the old chain lock: lock_timeout expires
                errors.append(exc)
                db.session.rollback()
    thread = threading.Thread(target=second)
    thread.start()
    thread.join(10)
    db.session.commit()
    assert errors == []
    held = db.session.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                   )).scalar()
    assert held == 0


@pytest.mark.postgres
def test_F4_the_application_role_may_only_insert_into_and_read_the_audit_trail(app,
                                                                              caseworker):
    """The app's role owns nothing, cannot empty, edit or delete the trail, nor switch its
    triggers off. Without a second role configured, a throwaway one is granted here."""
    from sqlalchemy.exc import DBAPIError, ProgrammingError
    from referral.dbroles import grant_app_role, role_problems
    chained_trail(caseworker, cases=1)
    attacks = ["TRUNCATE audit_entry CASCADE", "DELETE FROM audit_link",
               "UPDATE audit_entry SET note = 'x'",
               "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only",
               "ALTER TABLE audit_link DISABLE TRIGGER audit_link_append_only"]
    if TWO_ROLES:
        connect = db.engine.connect
        role = db.engine.url.username
    else:
        role = f"referral_test_app_{db.engine.url.database}"[:60]
        with db.engine.begin() as conn:
            conn.execute(text(f"DO $$ BEGIN CREATE ROLE {role}; EXCEPTION WHEN duplicate_object "
                              "THEN NULL; END $$"))
            grant_app_role(conn, role)
        connect = db.engine.connect
    for attack in attacks:
        with connect() as conn:
            if not TWO_ROLES:
                conn.execute(text(f"SET ROLE {role}"))
            with pytest.raises((ProgrammingError, DBAPIError), match="permission denied|must "
                               "be owner"):
                conn.execute(text(attack))
            conn.rollback()
    try:
        with connect() as conn:
            if not TWO_ROLES:
                conn.execute(text(f"SET ROLE {role}"))
            assert role_problems(conn) == []
            conn.execute(text("INSERT INTO audit_entry (at, action, object_type, purpose) "
                              "VALUES (now(), 'test.insert', 'test', 'test')"))
            assert conn.execute(text("SELECT count(*) FROM audit_entry")).scalar() > 0
            conn.rollback()
    finally:
        if not TWO_ROLES:
            with db.engine.begin() as conn:
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))


@pytest.mark.postgres
def test_DP3_the_table_is_append_only_on_postgresql(caseworker, a_case):
    from sqlalchemy.exc import DBAPIError
    with owner_engine().connect() as conn:  # even the owner is refused, row by row
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("UPDATE audit_entry SET purpose = 'x'"))
        conn.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("DELETE FROM audit_entry"))
        conn.rollback()


def test_DP3_audit_fails_closed_a_change_without_its_entry_does_not_happen(caseworker, a_case):
    from referral.cases import service
    before = a_case.assistance_state
    original = service.record

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    service.record = broken
    try:
        with pytest.raises(RuntimeError):
            service.apply_transition(caseworker, a_case, "assistance", "offer")
        db.session.rollback()
    finally:
        service.record = original
    db.session.refresh(a_case)
    assert a_case.assistance_state == before


def test_DP3_auditors_read_the_trail_caseworkers_do_not(client, caseworker, a_case):
    auditor = create_user("auditor")
    db.session.commit()
    response = client.get(f"/api/v1/audit?case={a_case.id}", headers=token_headers(auditor))
    assert response.status_code == 200 and response.json[0]["action"] == "case.create"
    assert client.get(f"/api/v1/audit?case={a_case.id}",
                      headers=token_headers(caseworker)).status_code == 403


def test_DP6_who_has_seen_this_file(client, caseworker, supervisor, a_case):
    client.get(f"/api/v1/cases/{a_case.id}", headers=token_headers(supervisor))
    log = client.get(f"/api/v1/cases/{a_case.id}/access-log",
                     headers=token_headers(caseworker)).json
    who = {(entry["who"], entry["action"]) for entry in log}
    assert ("caseworker", "case.create") in who and ("supervisor", "case.read") in who
