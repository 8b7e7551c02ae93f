"""Pages for the security controls people use: an administrator lifts a sign-in lock, the
data protection officer reads break-the-glass alerts (F2, F12)."""
from datetime import timedelta

from referral.database import utcnow
from referral.extensions import db
from referral.privacy.models import BreakGlassAccess
from referral.reminders.models import Notification
from tests.factories import create_user
from tests.web.conftest import login


def test_F12_an_administrator_sees_and_lifts_a_sign_in_lock_on_the_page(client, agency):
    create_user("admin", agency=agency, username="the-admin")
    create_user("caseworker", agency=agency, username="forgetful", display_name="Ana Forgetful")
    db.session.commit()
    for _ in range(6):
        client.post("/login", data={"username": "forgetful", "password": "not my password"})
    login(client, "the-admin")
    page = client.get("/account/sign-in-locks").get_data(as_text=True)
    assert "Ana Forgetful" in page and "/lift" in page
    home = client.get("/").get_data(as_text=True)
    assert "/account/sign-in-locks" in home  # in the navigation
    user_id = page.split("/account/sign-in-locks/")[1].split("/lift")[0]
    lifted = client.post(f"/account/sign-in-locks/{user_id}/lift")
    assert lifted.status_code == 302
    after = client.get("/account/sign-in-locks").get_data(as_text=True)
    assert "/lift" not in after and "No pause in force." in after
    client.post("/logout")
    login(client, "forgetful")


def test_F2_the_data_protection_officer_reads_the_alerts_on_the_page(client, agency,
                                                                      caseworker, a_case):
    dpo = create_user("dpo", agency=agency, username="the-dpo")
    opener = create_user("caseworker", agency=agency, username="opener", display_name="Opener")
    db.session.commit()
    now = utcnow()
    db.session.add(BreakGlassAccess(case_id=a_case.id, user_id=opener.id,
                                    reason="need to check urgent safety issue now",
                                    opened_at=now - timedelta(hours=1), expires_at=now,
                                    reviewed_at=now, review_outcome="not_justified",
                                    review_note="no operational need for this at all",
                                    reverted={"named_access_removed": 1,
                                              "restriction_restored": False,
                                              "other_changes": 0}))
    db.session.add(Notification(recipient_id=dpo.id, case_id=a_case.id,
                                case_reference=a_case.reference, kind="dpo_alert",
                                message=f"{a_case.reference}: judged not justified"))
    db.session.commit()
    login(client, "the-dpo")
    home = client.get("/").get_data(as_text=True)
    assert "1 new alert" in home and "/privacy/alerts" in home
    page = client.get("/privacy/alerts").get_data(as_text=True)
    assert a_case.reference in page and "Opener" in page
    assert "Named access removed: 1" in page
    assert client.get("/audit/").status_code == 200  # the DPO reads the audit trail
    assert client.get("/privacy/break-glass").status_code == 403  # reviews are supervisors'
