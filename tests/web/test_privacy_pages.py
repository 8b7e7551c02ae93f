"""Pages for DP-5, DP-6 and DP-7: the restricted case points to break-the-glass, the
supervisor reviews openings, the person's copy reads as a document, a legal hold shows."""
import pyotp

from referral.accounts import service as accounts
from referral.extensions import db
from referral.legal import service as legal
from referral.privacy import service as privacy
from tests.factories import create_user, write_privileged_note
from tests.web.conftest import login

REASON = "suspected involvement of a border official in the transport"


def test_DP7_a_colleague_is_pointed_to_break_the_glass_and_opens_the_case(client, agency,
                                                                          supervisor, a_case):
    privacy.restrict_case(supervisor, a_case.id, reason=REASON)
    colleague = create_user("caseworker", agency=agency, username="colleague")
    db.session.commit()
    login(client, "colleague")
    totp = pyotp.TOTP(accounts.enrol_mfa(colleague))
    db.session.commit()

    page = client.get(f"/cases/{a_case.id}")
    assert page.status_code == 403
    assert f"/privacy/cases/{a_case.id}/break-glass" in page.get_data(as_text=True)
    assert "Sentinelpd" not in page.get_data(as_text=True)

    short = client.post(f"/privacy/cases/{a_case.id}/break-glass",
                        data={"reason": "urgent", "otp": totp.now()})
    assert short.status_code == 400 and "at least 20" in short.get_data(as_text=True)
    opened = client.post(f"/privacy/cases/{a_case.id}/break-glass",
                         data={"reason": REASON, "otp": totp.now()})
    assert opened.status_code == 302
    assert client.get(f"/cases/{a_case.id}").status_code == 200


def test_DP7_the_supervisor_sees_and_reviews_openings(client, agency, supervisor, a_case):
    privacy.restrict_case(supervisor, a_case.id, reason=REASON)
    colleague = create_user("caseworker", agency=agency, display_name="Colleague Okafor")
    totp = pyotp.TOTP(accounts.enrol_mfa(colleague))
    opening = privacy.break_the_glass(colleague, a_case.id, reason=REASON, otp=totp.now())
    db.session.commit()
    login(client, "supervisor")
    home = client.get("/").get_data(as_text=True)
    assert "Break-the-glass to review" in home and "Colleague Okafor" in home
    page = client.get("/privacy/break-glass").get_data(as_text=True)
    assert REASON in page
    done = client.post(f"/privacy/break-glass/{opening.id}/review",
                       data={"outcome": "justified"})
    assert done.status_code == 302
    assert "Nothing to review" in client.get("/privacy/break-glass").get_data(as_text=True)


def test_DP6_the_persons_copy_is_a_readable_page_without_privileged_notes(client, caseworker,
                                                                          a_case):
    write_privileged_note(caseworker, a_case, "PRIVILEGED-NOTE-SENTINEL")
    login(client, "caseworker")
    page = client.get(f"/privacy/cases/{a_case.id}/subject-access")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sentinelpd-Family" in text and a_case.reference in text
    assert "Who has seen or changed your file" in text
    assert "PRIVILEGED-NOTE-SENTINEL" not in text


def test_DP5_a_legal_hold_shows_on_the_case_file(client, caseworker, a_case):
    legal.open_proceeding(caseworker, a_case, kind="civil", person_role="party",
                          court_or_authority="County Court")
    db.session.commit()
    login(client, "caseworker")
    text = client.get(f"/cases/{a_case.id}").get_data(as_text=True)
    assert "Legal hold (DP-5)" in text and "civil proceeding open" in text


def test_DP6_the_persons_copy_reads_in_french_for_a_french_reader(client, caseworker, a_case):
    caseworker.locale = "fr"
    db.session.commit()
    login(client, "caseworker")
    text = client.get(f"/privacy/cases/{a_case.id}/subject-access").get_data(as_text=True)
    assert "Étapes de votre dossier" in text and "Nom de famille" in text
    assert "family_name" not in text and "case transition" not in text.lower()
