"""Encryption at rest: AES-256-GCM bound to table, column and row; rotation; blind index."""
import base64
import os

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import text

from referral.cases.models import Person
from referral.crypto import Keyring, rotate
from referral.extensions import db
from tests.factories import create_case

SENTINEL = "SENTINEL-GIVEN-4242"


def raw_person(person_id):
    return db.session.execute(text("SELECT * FROM person WHERE id = :id"),
                              {"id": person_id.hex if db.engine.dialect.name == "sqlite"
                               else person_id}).mappings().one()


def test_identity_fields_are_sealed_in_the_database(caseworker):
    case = create_case(caseworker, person={"given_name": SENTINEL,
                                           "safe_contact": "SENTINEL-PHONE-1"},
                       narrative="SENTINEL-NARRATIVE-1")
    row = raw_person(case.person.id)
    blob = " ".join(str(v) for v in row.values())
    assert SENTINEL not in blob and "SENTINEL-PHONE-1" not in blob and "1990-05-17" not in blob
    assert row["given_name_enc"].startswith("v1:k1:") or row["given_name_enc"].startswith("v1:")
    narrative = db.session.execute(text("SELECT narrative_enc FROM case_file")).scalar()
    assert "SENTINEL-NARRATIVE-1" not in narrative
    db.session.expire_all()
    assert case.person.given_name == SENTINEL and case.narrative == "SENTINEL-NARRATIVE-1"


def test_two_seals_of_the_same_value_differ(caseworker):
    a = create_case(caseworker, person={"given_name": "Ana"})
    b = create_case(caseworker, person={"given_name": "Ana"})
    assert a.person.given_name_enc != b.person.given_name_enc  # random nonces


def test_a_value_moved_to_another_row_or_column_does_not_open(caseworker):
    a = create_case(caseworker, person={"given_name": "Ana"})
    b = create_case(caseworker, person={"given_name": "Ion"})
    b.person.given_name_enc = a.person.given_name_enc
    with pytest.raises(InvalidTag):
        b.person.given_name
    a.person.family_name_enc = a.person.given_name_enc
    with pytest.raises(InvalidTag):
        a.person.family_name


def test_a_tampered_value_does_not_open(caseworker):
    case = create_case(caseworker)
    token = case.person.given_name_enc
    prefix, kid, body = token.split(":", 2)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    case.person.given_name_enc = f"{prefix}:{kid}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(InvalidTag):
        case.person.given_name


def test_rotation_reseals_under_the_new_key_and_old_values_still_open(app, caseworker):
    case = create_case(caseworker, person={"given_name": "Mihai"})
    old = app.config["ENCRYPTION_KEYS"]
    new_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    app.config["ENCRYPTION_KEYS"] = f"k2:{new_key},{old}"
    try:
        assert case.person.given_name == "Mihai"  # opened with the old key
        assert sum(rotate(db.session, [Person]).values()) >= 2
        db.session.commit()
        assert case.person.given_name_enc.startswith("v1:k2:")
        app.config["ENCRYPTION_KEYS"] = f"k2:{new_key}"
        db.session.expire_all()
        assert case.person.given_name == "Mihai"
    finally:
        app.config["ENCRYPTION_KEYS"] = old


def test_keys_must_be_256_bit():
    with pytest.raises(ValueError, match="32 bytes"):
        Keyring("k1:" + base64.urlsafe_b64encode(b"short").decode())


def test_blind_index_finds_a_person_by_exact_name_or_birth_date(client, caseworker,
                                                               cw_headers):
    case = create_case(caseworker, person={"given_name": "Olena", "family_name": "Kovalenko"})
    create_case(caseworker, person={"given_name": "Other", "family_name": "Person"})
    for q in ("olena  KOVALENKO", "1990-05-17"):
        body = client.get(f"/api/v1/cases?q={q}", headers=cw_headers).json
        references = [c["reference"] for c in body["items"]]
        assert case.reference in references
    body = client.get("/api/v1/cases?q=Olena K", headers=cw_headers).json
    assert body["items"] == [] and body["next_cursor"] is None


def test_privileged_notes_childrens_views_and_held_documents_are_sealed(caseworker, admitted):
    """Free text that is most dangerous in the wrong hands is sealed like identity: a raw
    read of every table finds none of it."""
    from referral.shelter.models import HeldItem
    from tests.factories import write_privileged_note
    note = write_privileged_note(caseworker, admitted.case,
                                 "SEALED-SENTINEL advice on the trafficker's threats")
    item = HeldItem(stay_id=admitted.id, kind="document",
                    description="SEALED-SENTINEL passport no. X1234567")
    db.session.add(item)
    db.session.commit()
    dump = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            dump += [str(row) for row in conn.execute(text(f'SELECT * FROM "{table.name}"'))]
    assert not [row for row in dump if "SEALED-SENTINEL" in row]
    db.session.expire_all()
    assert db.session.get(type(note), note.id).body.startswith("SEALED-SENTINEL")
    assert "X1234567" in db.session.get(HeldItem, item.id).description


F16_SENTINELS = {"recruitment": "F16-RECRUITER", "gender": "F16-GENDER",
                 "reasons": "F16-REASONS", "non_punishment_review": "F16-NP-REVIEW",
                 "summary": "F16-SUMMARY", "cooperation": "F16-COOP",
                 "information_given": "F16-INFO", "referral_note": "F16-REF-NOTE",
                 "referral_reason": "F16-REF-REASON", "restriction": "F16-RESTRICTION",
                 "plan": "F16-PLAN"}


def _plant_f16(caseworker):
    """The report's F16 sentinels, written as the services write them."""
    from datetime import datetime, timezone
    from referral.cases.models import Decision
    from referral.consent.models import Consent
    from referral.legal.models import CooperationRecord, InformationGiven, Proceeding
    from referral.privacy.models import CaseRestriction
    from referral.returns.models import ReintegrationPlan
    from referral.services.models import Referral
    from tests.factories import create_provider
    s = F16_SENTINELS
    case = create_case(caseworker, person={"gender": s["gender"]},
                       recruitment={"method": "job_offer", "recruiter": s["recruitment"]})
    proceeding = Proceeding(case_id=case.id, kind="criminal", person_role="suspect",
                            court_or_authority="court",
                            non_punishment_review=s["non_punishment_review"])
    db.session.add(proceeding)
    db.session.flush()
    db.session.add_all([
        Decision(case_id=case.id, kind="identification", outcome="positive",
                 decision_maker="official", rule_version="v1", reasons=s["reasons"]),
        InformationGiven(proceeding_id=proceeding.id, stage="trial", language="en",
                         summary=s["summary"]),
        CooperationRecord(case_id=case.id, kind="statement", value="given",
                          note=s["cooperation"]),
        Consent(case_id=case.id, purpose="service", recipient_name="Our agency",
                given_by="person", language="en", given_at=datetime.now(timezone.utc),
                information_given=s["information_given"]),
        Referral(case_id=case.id, provider_id=create_provider().id, service="medical",
                 note=s["referral_note"], reason=s["referral_reason"]),
        CaseRestriction(case_id=case.id, restricted_by_id=caseworker.id,
                        reason=s["restriction"]),
        ReintegrationPlan(case_id=case.id, outcome="return", wellbeing="w",
                          economic=s["plan"], social=s["plan"], cultural=s["plan"],
                          political=s["plan"]),
    ])
    db.session.commit()
    return case


def _dump() -> str:
    rows = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows += [str(row) for row in conn.execute(text(f'SELECT * FROM "{table.name}"'))]
    return "\n".join(rows)


def test_F16_decision_reasons_review_recruiter_and_plans_are_sealed_in_the_database(
        caseworker):
    """The report's dump of every table found these in clear; now none is."""
    case = _plant_f16(caseworker)
    dump = _dump()
    assert [name for name, sentinel in F16_SENTINELS.items() if sentinel in dump] == []
    db.session.expire_all()
    assert case.recruitment["recruiter"] == "F16-RECRUITER"
    assert case.person.gender == "F16-GENDER"


def test_crypto_rotate_reseals_every_sealed_field_in_batches_and_checks(app, caseworker):
    """``flask crypto rotate`` re-seals everything (the fields sealed for F16 included) under
    a new key, a batch per transaction; ``--check`` says whether an old key is still used."""
    case = _plant_f16(caseworker)
    runner = app.test_cli_runner()
    old = app.config["ENCRYPTION_KEYS"]
    new_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    app.config["ENCRYPTION_KEYS"] = f"k9:{new_key},{old}"
    try:
        check = runner.invoke(args=["crypto", "rotate", "--check"])
        assert check.exit_code == 1 and "decision.reasons: 1" in check.output
        result = runner.invoke(args=["crypto", "rotate", "--batch", "1"])
        assert result.exit_code == 0, result.output
        assert "case_file.recruitment: 1" in result.output
        assert "reintegration_plan.political: 1" in result.output
        assert runner.invoke(args=["crypto", "rotate", "--check"]).exit_code == 0
        app.config["ENCRYPTION_KEYS"] = f"k9:{new_key}"  # the old key is gone
        db.session.expire_all()
        assert case.person.given_name == "Test" and case.recruitment["method"] == "job_offer"
        assert case.narrative.startswith("SENTINEL-PD-NARRATIVE")
        assert "F16-PLAN" not in _dump()
        assert db.session.execute(text("SELECT reasons_enc FROM decision")).scalar() \
            .startswith("v1:k9:")
    finally:
        app.config["ENCRYPTION_KEYS"] = old
