"""The user's own page (F18: password change, sign out everywhere, language and time zone)
and the administration console (issue 18: users, roles, deactivation, sessions and tokens,
MFA reset with a second administrator's approval, agencies, the directory)."""
import io
import json

import pyotp
from sqlalchemy import select

from referral.accounts import service as accounts
from referral.accounts.models import AgencyKind, ApiToken, User, WebSession
from referral.audit.models import AuditEntry
from referral.extensions import db
from tests.factories import PASSWORD, create_agency, create_user, token_headers
from tests.web.conftest import login

NEW_PASSWORD = "a brand new long passphrase"


def audited(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def user_id_of(username):
    return db.session.scalar(select(User.id).where(User.username == username))


def test_F18_changing_the_password_needs_the_current_one_and_ends_the_other_sessions(app, agency):
    create_user("caseworker", agency=agency, username="ana")
    db.session.commit()
    here, elsewhere = login(app.test_client(), "ana"), login(app.test_client(), "ana")
    headers = token_headers(db.session.scalar(select(User).where(User.username == "ana")))
    wrong = here.post("/account/password", data={"current_password": "not it at all",
                                                 "new_password": NEW_PASSWORD,
                                                 "confirm": NEW_PASSWORD})
    assert wrong.status_code == 400 and "the current password is wrong" in wrong.get_data(
        as_text=True)
    assert elsewhere.get("/account").status_code == 200
    done = here.post("/account/password", data={"current_password": PASSWORD,
                                                "new_password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert here.get("/account").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/account").status_code == 302  # the other one is out
    assert app.test_client().get("/api/v1/auth/me", headers=headers).status_code == 401
    assert app.test_client().post("/login", data={"username": "ana", "password": PASSWORD}
                                  ).status_code == 400
    login(app.test_client(), "ana", NEW_PASSWORD)
    assert len(audited("account.password_change")) == 1


def test_F18_the_password_policy_is_enforced_on_the_page(client, agency):
    create_user("caseworker", agency=agency, username="ana")
    db.session.commit()
    login(client, "ana")
    for new, confirm, message in [
            ("short", "short", "use at least 12 characters"),
            ("ana-is-my-password", "ana-is-my-password", "do not put your username"),
            (NEW_PASSWORD, NEW_PASSWORD + "x", "the two new passwords differ"),
            (PASSWORD, PASSWORD, "choose a password you have not used here")]:
        page = client.post("/account/password", data={"current_password": PASSWORD,
                                                       "new_password": new, "confirm": confirm})
        assert page.status_code == 400
        assert message.lower() in page.get_data(as_text=True).lower()
    assert not audited("account.password_change")


def test_F18_sign_out_everywhere_ends_other_browsers_and_tokens_but_not_this_one(app, agency):
    user = create_user("caseworker", agency=agency, username="ana")
    db.session.commit()
    here, elsewhere = login(app.test_client(), "ana"), login(app.test_client(), "ana")
    headers = token_headers(user)
    page = here.get("/account").get_data(as_text=True)
    assert "This browser" in page and "End this session" in page
    assert here.post("/account/sign-out-everywhere").status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    assert app.test_client().get("/api/v1/auth/me", headers=headers).status_code == 401
    assert audited("account.sign_out_everywhere")


def test_F18_a_user_ends_one_of_their_sessions_by_its_row_but_not_someone_elses(app, agency):
    create_user("caseworker", agency=agency, username="ana")
    create_user("caseworker", agency=agency, username="ben")
    db.session.commit()
    here, elsewhere = login(app.test_client(), "ana"), login(app.test_client(), "ana")
    ben = login(app.test_client(), "ben")
    rows = db.session.scalars(select(WebSession).where(
        WebSession.user_id == user_id_of("ana"))).all()
    bens = db.session.scalar(select(WebSession).where(WebSession.user_id == user_id_of("ben")))
    assert here.post(f"/account/sessions/{bens.id}/end").status_code == 404
    assert ben.get("/account").status_code == 200
    for row in rows:  # end the other one (ending this one would sign this browser out)
        if here.get("/account").status_code == 200:
            here.post(f"/account/sessions/{row.id}/end")
    assert [c.get("/account").status_code for c in (here, elsewhere)].count(302) == 1


def test_a_user_sets_language_and_time_zone(client, agency):
    create_user("caseworker", agency=agency, username="ana")
    db.session.commit()
    login(client, "ana")
    bad = client.post("/account/preferences", data={"locale": "fr", "time_zone": "Mars/Olympus"})
    assert bad.status_code == 400
    ok = client.post("/account/preferences", data={"locale": "fr", "time_zone": "Europe/Paris"})
    assert ok.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "ana"))
    db.session.refresh(user)
    assert (user.locale, user.time_zone) == ("fr", "Europe/Paris")
    assert "Mon compte" in client.get("/account").get_data(as_text=True)


def test_F18_an_administrator_deactivates_an_account_and_its_sessions_and_tokens_end_at_once(
        app, agency):
    create_user("admin", agency=agency, username="the-admin")
    leaver = create_user("caseworker", agency=agency, username="leaver",
                         display_name="Lee Leaver")
    db.session.commit()
    admin = login(app.test_client(), "the-admin")
    theirs = login(app.test_client(), "leaver")
    headers = token_headers(leaver)
    users = admin.get("/admin/users").get_data(as_text=True)
    assert "Lee Leaver" in users
    assert admin.post(f"/admin/users/{leaver.id}/active", data={"active": "no"}).status_code \
        == 302
    assert theirs.get("/").status_code == 302
    assert app.test_client().get("/api/v1/auth/me", headers=headers).status_code == 401
    assert app.test_client().post("/login", data={"username": "leaver", "password": PASSWORD}
                                  ).status_code == 400
    assert "deactivated" in admin.get(f"/admin/users/{leaver.id}").get_data(as_text=True)
    admin.post(f"/admin/users/{leaver.id}/active", data={"active": "yes"})
    login(app.test_client(), "leaver")
    assert audited("account.deactivate") and audited("account.reactivate")


def test_an_administrator_cannot_deactivate_themselves_nor_reach_another_agencys_user(
        client, agency):
    me = create_user("admin", agency=agency, username="the-admin")
    stranger = create_user("caseworker", agency=create_agency(), username="stranger")
    db.session.commit()
    login(client, "the-admin")
    client.post(f"/admin/users/{me.id}/active", data={"active": "no"})
    db.session.refresh(me)
    assert me.is_active_account
    assert client.get(f"/admin/users/{stranger.id}").status_code == 404
    assert client.post(f"/admin/users/{stranger.id}/active",
                       data={"active": "no"}).status_code == 404
    assert client.get("/admin/users/not-an-id").status_code == 404


def test_an_administrator_creates_an_account_and_changes_its_roles(app, agency):
    create_user("admin", agency=agency, username="the-admin")
    db.session.commit()
    admin = login(app.test_client(), "the-admin")
    refused = admin.post("/admin/users", data={"username": "newbie", "display_name": "New Bie",
                                               "password": "short", "roles": ["caseworker"]})
    assert refused.status_code == 400 and "at least 12 characters" in refused.get_data(
        as_text=True)
    made = admin.post("/admin/users", data={"username": "newbie", "display_name": "New Bie",
                                            "password": PASSWORD,
                                            "roles": ["caseworker", "supervisor"]})
    assert made.status_code == 302
    newbie = db.session.scalar(select(User).where(User.username == "newbie"))
    assert newbie.agency_id == agency.id
    theirs = login(app.test_client(), "newbie")
    assert theirs.get("/supervision/").status_code in (200, 308)
    admin.post(f"/admin/users/{newbie.id}/roles", data={"roles": ["caseworker"]})
    db.session.refresh(newbie)
    assert {r.value for r in newbie.roles} == {"caseworker"}
    assert theirs.get("/").status_code == 302  # a role taken away ends the sessions
    assert audited("account.create") and audited("account.roles_change")
    own = admin.post(f"/admin/users/{user_id_of('the-admin')}/roles",
                     data={"roles": ["caseworker"]})
    assert own.status_code == 400 and "your own administrator role" in own.get_data(
        as_text=True)


def test_MFA_reset_takes_effect_only_with_a_second_administrators_approval(app, agency):
    create_user("admin", agency=agency, username="first-admin")
    create_user("admin", agency=agency, username="second-admin")
    lost = create_user("caseworker", agency=agency, username="lost-phone")
    lost.mfa_secret = pyotp.random_base32()
    db.session.commit()
    first, second = login(app.test_client(), "first-admin"), login(app.test_client(),
                                                                    "second-admin")
    first.post(f"/admin/users/{lost.id}/mfa-reset")
    reset = accounts.pending_mfa_reset(lost)
    assert reset is not None
    first.post(f"/admin/mfa-resets/{reset.id}", data={"decision": "approve"})
    db.session.refresh(lost)
    assert lost.mfa_secret is not None  # the one who asked cannot approve
    assert "waiting for approval" in second.get("/admin/users").get_data(as_text=True)
    second.post(f"/admin/mfa-resets/{reset.id}", data={"decision": "approve"})
    db.session.refresh(lost)
    assert lost.mfa_secret is None
    assert [e.details["requested_by"] for e in audited("account.mfa_reset")] == [
        str(user_id_of("first-admin"))]
    login(app.test_client(), "lost-phone")  # signs in, then sets a new key up


def test_an_administrator_lists_and_ends_a_users_sessions_and_tokens(app, agency):
    create_user("admin", agency=agency, username="the-admin")
    user = create_user("caseworker", agency=agency, username="ana")
    db.session.commit()
    admin, theirs = login(app.test_client(), "the-admin"), login(app.test_client(), "ana")
    headers = token_headers(user)
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "API token" in page and "/sessions/" in page and "/tokens/" in page
    session_row = db.session.scalar(select(WebSession).where(WebSession.user_id == user.id))
    token_row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    admin.post(f"/admin/users/{user.id}/sessions/{session_row.id}/end")
    admin.post(f"/admin/users/{user.id}/tokens/{token_row.id}/revoke")
    assert theirs.get("/").status_code == 302
    assert app.test_client().get("/api/v1/auth/me", headers=headers).status_code == 401
    assert audited("account.session_end") and audited("account.token_revoke")


def test_agencies_are_listed_with_their_kind_and_id_and_added_from_the_page(client, agency):
    create_user("admin", agency=agency, username="the-admin")
    db.session.commit()
    login(client, "the-admin")
    page = client.get("/admin/agencies").get_data(as_text=True)
    assert str(agency.id) in page
    for kind in AgencyKind:  # every kind the model defines is offered
        assert f'value="{kind.value}"' in page
    assert client.post("/admin/agencies", data={"name": "Harbour House",
                                                "kind": "shelter"}).status_code == 302
    assert "Harbour House" in client.get("/admin/agencies").get_data(as_text=True)
    assert client.post("/admin/agencies", data={"name": "Harbour House",
                                                "kind": "shelter"}).status_code == 400
    assert audited("agency.create")


def test_the_directory_is_kept_imported_and_exported_from_the_page(client, agency):
    create_user("admin", agency=agency, username="the-admin")
    db.session.commit()
    login(client, "the-admin")
    added = client.post("/admin/providers", data={"name": "Clinic One",
                                                  "services": ["medical"],
                                                  "languages": "en, fr",
                                                  "agency_id": str(agency.id)})
    assert added.status_code == 302
    exported = client.get("/admin/providers/hsds.json")
    assert "attachment" in exported.headers["Content-Disposition"]
    document = json.loads(exported.data)
    assert [o["name"] for o in document["organizations"]] == ["Clinic One"]
    document["organizations"][0]["name"] = "Clinic Two"
    document["organizations"][0]["id"] = "other"
    imported = client.post("/admin/providers/import", data={
        "document": (io.BytesIO(json.dumps(document).encode()), "d.json")},
        content_type="multipart/form-data")
    assert imported.status_code == 302
    page = client.get("/admin/providers").get_data(as_text=True)
    assert "Clinic One" in page and "Clinic Two" in page
    broken = client.post("/admin/providers/import", data={
        "document": (io.BytesIO(b"{not json"), "d.json")}, content_type="multipart/form-data")
    assert broken.status_code == 400
    assert audited("provider.save") and audited("provider.export")
