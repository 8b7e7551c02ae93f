"""Two simultaneous transitions on one case: exactly one wins (row lock + version)."""
import threading

import pytest

from referral.cases import service
from referral.errors import DomainError
from referral.extensions import db


@pytest.mark.postgres
def test_two_simultaneous_transitions_on_one_case_exactly_one_wins(app, caseworker, a_case):
    case_id, version, actor_id = a_case.id, a_case.version, caseworker.id
    db.session.commit()
    barrier = threading.Barrier(2)
    results = []

    def attempt(event):
        with app.app_context():  # its own session, its own connection
            from referral.accounts.models import User
            actor = db.session.get(User, actor_id)
            barrier.wait()
            try:
                service.apply_transition(actor, case_id, "assistance", event, version=version)
                db.session.commit()
                results.append(("ok", event))
            except DomainError as exc:
                db.session.rollback()
                results.append((exc.key, event))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=("offer",)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["ok", "version"], results
    db.session.expire_all()
    assert db.session.get(type(a_case), case_id).version == version + 1


def test_a_stale_version_is_refused_without_any_change(caseworker, a_case):
    from referral.errors import StaleVersion
    before = a_case.assistance_state
    with pytest.raises(StaleVersion):
        service.apply_transition(caseworker, a_case, "assistance", "offer",
                                 version=a_case.version + 5)
    db.session.rollback()
    assert a_case.assistance_state == before
