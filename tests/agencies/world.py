"""The records of work across agencies for the access-policy walk (tests/security): a
transfer waiting at a third agency, a case team with the world's shelter and legal aid
(conferences in scope), a conference, a possible earlier referral held by a third agency,
and a handover to a partner abroad."""
from datetime import datetime, timedelta, timezone

from referral.accounts.models import AgencyKind
from referral.agencies import service
from referral.agencies.models import CaseLink
from referral.extensions import db
from tests.factories import create_agency, create_case, create_user, give_consent


def agencies_world(caseworker, case, shelter_user, legal_user) -> dict:
    soon = datetime.now(timezone.utc) + timedelta(days=5)
    receiving = create_agency("Receiving agency")
    partner = create_agency("Partner abroad", AgencyKind.partner_abroad)
    third = create_user("caseworker", agency=create_agency("Third agency"))
    db.session.commit()

    def consent_for(agency, purpose="data_share", **extra):
        extra.setdefault("recipient_category", "ngo")  # typed, as every recipient is (DP-1)
        return give_consent(caseworker, case, purpose, recipient_name=agency.name, **extra)

    transfer = service.request_transfer(caseworker, case, to_agency_id=receiving.id,
                                        consent_id=consent_for(receiving).id, reason="moved")
    service.add_member(caseworker, case, user_id=shelter_user.id, team_role="key worker",
                       scope=["shelter", "conferences"],
                       consent_id=consent_for(shelter_user.agency).id)
    member = service.add_member(caseworker, case, user_id=legal_user.id, team_role="lawyer",
                                scope=["legal", "conferences"],
                                consent_id=consent_for(legal_user.agency).id)
    conference = service.schedule_conference(caseworker, case, scheduled_for=soon,
                                             purpose="planning",
                                             attendee_ids=[shelter_user.id])
    earlier = create_case(third)
    link = CaseLink(case_id=case.id, earlier_case_id=earlier.id, score=0.9, status="found")
    db.session.add(link)
    consent = consent_for(partner, "cross_border_transfer", data_categories=["identity"])
    handover = service.send_handover(caseworker, case, partner_agency_id=partner.id,
                                     country="RO", legal_basis="consent",
                                     categories=["identity"], response_due_at=soon,
                                     consent_id=consent.id)
    db.session.commit()
    return {"transfer_id": transfer.id, "member_id": member.id,
            "conference_id": conference.id, "link_id": link.id, "handover_id": handover.id}
