"""Drafts of long forms: what is typed into a new referral is kept as it is typed, sealed,
for its author only, restored after a session ends, and discarded once registered."""
from sqlalchemy import select

from referral.drafts.models import FormDraft
from referral.extensions import db
from tests.factories import create_user
from tests.web.conftest import login

TYPED = {"given_name": "Draftina", "family_name": "Keptova", "referred_by": "Outreach team",
         "narrative": "DRAFT-SENTINEL: she was told the job was in a hotel",
         "exploitation_forms": "forced_labour", "csrf_token": "not-kept"}


def test_a_draft_is_saved_sealed_and_restored_after_the_session_ends(client, caseworker):
    login(client, "caseworker")
    saved = client.post("/drafts/referral:new", data=TYPED)
    assert saved.status_code == 200 and "Draft saved at" in saved.get_data(as_text=True)
    row = db.session.scalar(select(FormDraft))
    assert "DRAFT-SENTINEL" not in row.content_enc and "not-kept" not in row.content

    client.post("/logout")  # or the session times out: the draft stays on the server
    login(client, "caseworker")
    page = client.get("/cases/new").get_data(as_text=True)
    assert "Your draft from" in page
    assert 'value="Draftina"' in page and "DRAFT-SENTINEL" in page
    assert 'checked id="exploitation_forms-1" name="exploitation_forms" type="checkbox" value="forced_labour"' in page


def test_a_draft_belongs_to_its_author_alone(client, caseworker, agency):
    login(client, "caseworker")
    client.post("/drafts/referral:new", data=TYPED)
    client.post("/logout")
    create_user("caseworker", agency=agency, username="other")
    db.session.commit()
    login(client, "other")
    page = client.get("/cases/new").get_data(as_text=True)
    assert "Draftina" not in page and "Your draft from" not in page


def test_registering_the_referral_discards_its_draft(client, caseworker):
    login(client, "caseworker")
    client.post("/drafts/referral:new", data=TYPED)
    response = client.post("/cases/new", data={
        **{k: v for k, v in TYPED.items() if k != "csrf_token"}, "date_of_birth": "1990-01-02",
        "nationality": "RO", "sex": "female", "interpreter_needed": "unknown",
        "jurisdiction": "baseline"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(FormDraft)) is None


def test_only_long_forms_keep_drafts(client, caseworker):
    login(client, "caseworker")
    response = client.post("/drafts/accounts:password", data={"password": "secret"})
    assert response.status_code == 422 and db.session.scalar(select(FormDraft)) is None


def test_drafts_older_than_a_week_are_dropped_by_the_retention_run(app, client, caseworker):
    from datetime import timedelta

    from freezegun import freeze_time

    from referral.database import utcnow
    with freeze_time(utcnow() - timedelta(days=8)):
        login(client, "caseworker")
        saved = client.post("/drafts/referral:new", data=TYPED)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "Dropped 1 draft(s) older than a week." in result.output, result.output
    assert db.session.scalar(select(FormDraft)) is None


def test_a_save_landing_after_the_submit_never_fills_the_next_referral(client, caseworker):
    """The last keystroke's autosave can arrive after the form was submitted: it is dropped,
    so the next person's form never opens with the previous person's name and story."""
    import re
    login(client, "caseworker")
    page = client.get("/cases/new").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    typed = {**TYPED, "nationality": "RO", "interpreter_needed": "no", "sex": "female",
             "jurisdiction": "baseline", "idempotency_key": key}
    assert client.post("/cases/new", data=typed).status_code == 302
    late = client.post("/drafts/referral:new", data=typed)
    assert late.status_code == 200 and "Draft saved" not in late.get_data(as_text=True)
    page = client.get("/cases/new").get_data(as_text=True)
    assert "Draftina" not in page and "DRAFT-SENTINEL" not in page


def test_a_save_after_the_session_ended_says_so_in_place(client, caseworker):
    login(client, "caseworker")
    client.post("/logout")
    response = client.post("/drafts/referral:new", data=TYPED, headers={"HX-Request": "true"})
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert "Your session has ended" in text and "<form" not in text  # no sign-in page inside
