"""French, Arabic and Spanish everywhere the pages speak: the case file's alerts and the
reasons the system gives on the timeline, and the person's own copy of their file (DP-6),
written in the person's language whoever prints it (else in the language of the pages). The API stays English."""
from html import unescape

from referral.extensions import db
from referral.legal import service as legal
from tests.web.conftest import login


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def suspect_proceeding(caseworker, case):
    legal.open_proceeding(caseworker, case, kind="criminal", person_role="suspect",
                          court_or_authority="Tribunal", offence_category="illegal_work")
    db.session.commit()


def test_LP4_the_alert_and_the_timeline_reason_read_in_the_readers_language(
        client, caseworker, assigned, cw_headers):
    suspect_proceeding(caseworker, assigned)
    caseworker.locale = "fr"
    db.session.commit()
    login(client, "caseworker")
    text = page(client.get(f"/cases/{assigned.id}"))
    assert "LP-4 : procédure contre la personne (pénale ; travail illégal)" in text
    assert "examen de non-sanction : en attente" in text
    assert "procédure pénale ouverte" in text  # the reason legal.service gave the step
    assert "le délai de réflexion commence à l'orientation" in text
    assert "criminal proceedings opened" not in text and "proceedings against" not in text
    spanish = page(client.get(f"/cases/{assigned.id}", headers={"Accept-Language": "es"}))
    assert "procedimiento penal abierto" not in spanish  # the saved French still wins
    caseworker.locale = "es"
    db.session.commit()
    spanish = page(client.get(f"/cases/{assigned.id}"))
    assert "revisión de no punición: pendiente" in spanish
    assert "procedimiento penal abierto" in spanish
    # The API keeps its English words whatever the caller's language.
    body = client.get(f"/api/v1/cases/{assigned.id}/legal", headers={
        **cw_headers, "Accept-Language": "fr"}).get_data(as_text=True)
    assert "LP-4: criminal proceedings against the person (illegal work)" in body


def test_DP6_the_persons_copy_is_in_their_language_not_the_staff_members(
        client, caseworker, assigned):
    suspect_proceeding(caseworker, assigned)
    caseworker.locale = "fr"
    assigned.person.languages = ["tir", "ar"]  # no Tigrinya yet: the next one we write in
    db.session.commit()
    login(client, "caseworker")
    text = page(client.get(f"/privacy/cases/{assigned.id}/subject-access"))
    assert '<article class="card printable" lang="ar" dir="rtl">' in text
    assert "ملفك" in text and "من اطّلع على ملفك أو غيّره" in text
    assert "فترة التعافي والتفكير" in text and "ضحية مفترضة" in text  # stages, named
    assert "العمل القسري" in text and "forced_labour" not in text  # codes, named
    assert "فُتحت إجراءات جنائية" in text  # the system's reason for a step
    assert "[محجوب: طرف ثالث]" in text and "[redacted: third party]" not in text
    assert "مدير الحالة" in text and "تسجيل الإحالة" in text  # who (by role) and why
    assert "remind days" not in text and "last error" not in text  # machinery left off
    assert "Se déconnecter" in text  # the staff member's own pages stay in French


def test_DP6_the_copy_for_a_spanish_speaker_and_in_the_pages_language_otherwise(
        client, caseworker, assigned):
    assigned.person.languages = ["es-419"]
    db.session.commit()
    login(client, "caseworker")
    text = page(client.get(f"/privacy/cases/{assigned.id}/subject-access"))
    assert 'lang="es" dir="ltr"' in text and "Su expediente" in text
    assert "período de restablecimiento y reflexión" in text
    assert "Quién ha visto o modificado su expediente" in text
    assigned.person.languages = ["ti"]
    db.session.commit()
    text = page(client.get(f"/privacy/cases/{assigned.id}/subject-access",
                           headers={"Accept-Language": "fr"}))
    # None of their languages is ours yet: the language of the pages, not English by default.
    assert 'lang="fr" dir="ltr"' in text and "Qui a consulté ou modifié votre dossier" in text
