"""Who may call what: one row per endpoint and method, the whole access policy in one file.

The request boundary (``referral.boundary``) reads this table before any handler runs: an
anonymous caller gets 401 (pages: the sign-in page), a role not listed gets 403. An endpoint
without a row stops the app from starting, so a new route cannot be forgotten.

This is the *role* layer. Which records a user reaches (their agency's cases, the stays at
their shelter, the cases they are assigned to, restricted cases only for named staff) is the
*record* layer, decided by each area's ``access.py`` loaders; and what may happen to a record
in its state is the *rule* layer, in ``workflows/`` and the services.
``tests/security/test_access_policy.py`` walks every route for every role, for a user of
another agency and for an anonymous caller, and checks the answer against this table.
"""
from flask import request
from flask_login import current_user

from .errors import Forbidden, Unauthorized
from .labels import N_

CASEWORKER, SUPERVISOR = "caseworker", "supervisor"
SHELTER, LEGAL, ADMIN, AUDITOR = "shelter_staff", "legal_aid", "admin", "auditor"
DPO = "dpo"  # the data protection officer
DECISION_MAKER = "decision_maker"  # NRM-6: a competent authority's decision-maker
DECIDERS = (CASEWORKER, SUPERVISOR, DECISION_MAKER)  # NRM-6: who records decisions

STAFF = (CASEWORKER, SUPERVISOR)  # the agency that holds the case file
EVERYONE = (CASEWORKER, SUPERVISOR, SHELTER, LEGAL, ADMIN, AUDITOR, DPO, DECISION_MAKER)
PUBLIC = "public"  # no sign-in: the sign-in page itself, static files, health, API doc

# endpoint -> {method: roles or PUBLIC}
POLICY = {
    # -- shell, accounts, help -----------------------------------------------------------
    "static": {"GET": PUBLIC},
    "healthz": {"GET": PUBLIC},
    "index": {"GET": EVERYONE},
    "home": {"GET": EVERYONE},
    "accounts.login": {"GET": PUBLIC, "POST": PUBLIC},
    "accounts.logout": {"POST": EVERYONE},
    "accounts.mfa": {"GET": EVERYONE, "POST": EVERYONE},
    "accounts.language": {"GET": EVERYONE, "POST": EVERYONE},
    "help.workflow_diagrams": {"GET": EVERYONE},
    "help.rules": {"GET": EVERYONE},
    "drafts.save": {"POST": EVERYONE},
    "drafts.discard": {"POST": EVERYONE},
    "api-docs.openapi_json": {"GET": PUBLIC},
    "api-auth.Tokens": {"POST": PUBLIC},
    "api-auth.CurrentToken": {"DELETE": EVERYONE},
    "api-auth.Me": {"GET": EVERYONE},

    # -- cases: the case file belongs to the agency's caseworkers and supervisors ---------
    "cases.case_list": {"GET": STAFF, "POST": STAFF},
    "cases.new_referral": {"GET": STAFF, "POST": STAFF},
    "cases.case_file": {"GET": STAFF},
    "cases.apply_step": {"POST": STAFF},
    "cases.case_actions": {"GET": STAFF},
    "cases.appoint_guardian": {"POST": STAFF},
    "cases.extend_reflection": {"POST": STAFF},
    "cases.assign": {"POST": STAFF},
    "cases.anonymous_notification": {"GET": STAFF, "POST": STAFF},
    "cases.decisions_page": {"GET": DECIDERS, "POST": DECIDERS},  # NRM-6
    "cases.reconsideration": {"POST": STAFF},  # NRM-2
    "cases.decision_letter": {"GET": DECIDERS},
    "cases.refer_on": {"GET": STAFF, "POST": STAFF},  # NRM-5
    "api-cases.Cases": {"GET": STAFF, "POST": STAFF},
    "api-cases.CaseFile": {"GET": STAFF},
    "api-cases.Transitions": {"GET": STAFF, "POST": STAFF},
    "api-cases.History": {"GET": STAFF},
    "api-cases.Decisions": {"GET": DECIDERS, "POST": DECIDERS},
    "api-cases.DecisionReview": {"POST": STAFF},
    "api-cases.ReviewDecision": {"POST": DECIDERS},
    "api-cases.DecisionLetter": {"GET": DECIDERS},
    "api-cases.Guardian": {"POST": STAFF},
    "api-cases.ReflectionExtension": {"POST": STAFF},
    "api-cases.Assign": {"POST": STAFF},
    "api-notifications.AnonymousNotifications": {"POST": STAFF},

    # -- missing episodes (MI-1, MI-2): the case's staff and the person's shelter ---------
    "missing.case_missing": {"GET": STAFF + (SHELTER,), "POST": STAFF + (SHELTER,)},
    "missing.found": {"POST": STAFF + (SHELTER,)},
    "api-missing.CaseMissing": {"GET": STAFF + (SHELTER,), "POST": STAFF + (SHELTER,)},
    "api-missing.Found": {"POST": STAFF + (SHELTER,)},

    # -- consent ---------------------------------------------------------------------------
    "consent.case_consents": {"GET": STAFF, "POST": STAFF},
    "consent.withdraw": {"POST": STAFF},
    "consent.request_override": {"POST": STAFF},
    "consent.approve_override": {"POST": (SUPERVISOR,)},
    "api-consent.CaseConsents": {"GET": STAFF, "POST": STAFF},
    "api-consent.Withdraw": {"POST": STAFF},
    "api-consent.Overrides": {"POST": STAFF},
    "api-consent.ApproveOverride": {"POST": (SUPERVISOR,)},

    # -- services, referrals and the directory ---------------------------------------------
    "services.case_referrals": {"GET": STAFF, "POST": STAFF},
    "services.referral_step": {"POST": (CASEWORKER, SUPERVISOR, SHELTER, LEGAL)},
    "services.received": {"GET": (SHELTER, LEGAL, CASEWORKER, SUPERVISOR)},
    "services.make_offer": {"POST": STAFF},
    "services.answer_offer": {"POST": STAFF},
    "api-services.CaseReferrals": {"GET": STAFF, "POST": STAFF},
    "api-services.ReferralStep": {"POST": (CASEWORKER, SUPERVISOR, SHELTER, LEGAL)},
    "api-services.ReceivedReferrals": {"GET": (SHELTER, LEGAL, CASEWORKER, SUPERVISOR)},
    "api-services.Offers": {"POST": STAFF},
    "api-services.OfferAnswer": {"POST": STAFF},
    "api-services.Providers": {"GET": EVERYONE, "POST": (SUPERVISOR, ADMIN)},
    "api-services.ProvidersHSDS": {"GET": EVERYONE},
    "api-services.Services": {"GET": EVERYONE},

    # -- shelter stays (SH-1..SH-5) ----------------------------------------------------------
    "shelter.residents": {"GET": (SHELTER,)},
    "shelter.leave": {"POST": (SHELTER,)},
    "shelter.admit": {"POST": (SHELTER,)},
    "shelter.stay": {"GET": (SHELTER,)},
    "shelter.restrict": {"POST": (SHELTER,)},
    "shelter.end_stay": {"POST": (SHELTER,)},
    "shelter.lift": {"POST": (SHELTER,)},
    "shelter.outing": {"POST": (SHELTER,)},
    "shelter.hold_item": {"POST": (SHELTER,)},
    "shelter.return_item": {"POST": (SHELTER,)},
    "api-shelter.Stays": {"GET": (SHELTER,)},
    "api-shelter.CaseStays": {"POST": STAFF},
    "api-shelter.Leave": {"POST": (CASEWORKER, SUPERVISOR, SHELTER)},
    "api-shelter.EndStay": {"POST": (CASEWORKER, SUPERVISOR, SHELTER)},
    "api-shelter.Restrictions": {"POST": (SHELTER, SUPERVISOR)},
    "api-shelter.Outings": {"POST": (SHELTER,)},
    "api-shelter.HeldItems": {"POST": (SHELTER,)},
    "api-shelter.ReturnItem": {"POST": (SHELTER,)},

    # -- legal track (LP-1..LP-5): legal aid assigned to the case, and the case's agency ----
    "legal.legal_aid_view": {"GET": (LEGAL,)},
    "legal.case_legal": {"GET": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.open_proceeding": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.add_hearing": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.add_measure": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.non_punishment": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.letter": {"GET": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.notes": {"GET": (LEGAL,), "POST": (LEGAL,)},
    "legal.calendar": {"GET": (LEGAL,)},
    "legal.claims": {"GET": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.new_permit": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.permit_status": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.new_compensation": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.compensation_status": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.edit_proceeding": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.log_information": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.offender_release": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.cooperation": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "legal.assign_legal_aid": {"POST": STAFF},
    "api-legal.LegalAidView": {"GET": (LEGAL,)},
    "api-legal.LegalSummary": {"GET": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.AssignLegalAid": {"POST": STAFF},
    "api-legal.Notes": {"GET": (LEGAL,), "POST": (LEGAL,)},
    "api-legal.Proceedings": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.ProceedingItem": {"PATCH": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.Hearings": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.Information": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.Measures": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.NonPunishment": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.NonPunishmentLetter": {"GET": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.OffenderRelease": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.Compensation": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.Permits": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.PermitStatus": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.CompensationStatus": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},
    "api-legal.Cooperation": {"POST": (CASEWORKER, SUPERVISOR, LEGAL)},

    # -- return and reintegration ------------------------------------------------------------
    "returns.reintegration": {"GET": STAFF, "POST": STAFF},
    "returns.request_return": {"POST": STAFF},
    "returns.assess": {"POST": STAFF},
    "returns.return_step": {"POST": STAFF},
    "returns.reintegration_plan": {"POST": STAFF},
    "api-returns.Returns": {"POST": STAFF},
    "api-returns.ReturnStep": {"POST": STAFF},
    "api-returns.Assessments": {"POST": STAFF},
    "api-returns.Plan": {"POST": STAFF},
    "api-returns.CheckIns": {"POST": STAFF},

    # -- follow-ups, supervision -------------------------------------------------------------
    "reminders.my_follow_ups": {"GET": STAFF},
    "reminders.mark_met": {"POST": STAFF},
    "supervision.reassign_follow_up": {"POST": (SUPERVISOR,)},
    "supervision.late_reason": {"POST": (SUPERVISOR,)},
    "supervision.escalate_follow_up": {"POST": (SUPERVISOR,)},
    "reminders.parked": {"GET": (ADMIN,)},
    "reminders.retry_parked": {"POST": (ADMIN,)},
    "api-reminders.Reminders": {"GET": EVERYONE},
    "api-reminders.Reassign": {"POST": (SUPERVISOR,)},
    "api-reminders.LateReason": {"POST": STAFF},
    "api-reminders.Met": {"POST": STAFF},
    "api-reminders.Parked": {"GET": (ADMIN,)},
    "api-reminders.RetryParked": {"POST": (ADMIN,)},
    "api-reminders.ReadNotification": {"POST": EVERYONE},
    "supervision.dashboard": {"GET": (SUPERVISOR,)},
    "supervision.attempts": {"GET": (SUPERVISOR,)},
    "supervision.attempt_reviewed": {"POST": (SUPERVISOR,)},
    "api-supervision.RefusedAttempts": {"GET": (SUPERVISOR,)},
    "api-supervision.RefusedAttemptReviewed": {"POST": (SUPERVISOR,)},
    "api-supervision.Overdue": {"GET": (SUPERVISOR,)},
    "api-statistics.Statistics": {"GET": (SUPERVISOR, ADMIN, AUDITOR)},
    "api-statistics.HtcdsExport": {"GET": (SUPERVISOR,)},
    "statistics.overview": {"GET": (SUPERVISOR, ADMIN, AUDITOR)},
    "statistics.release": {"GET": (SUPERVISOR, ADMIN, AUDITOR)},
    "statistics.bulletin": {"GET": (SUPERVISOR, ADMIN, AUDITOR)},
    "statistics.export": {"GET": (SUPERVISOR, ADMIN, AUDITOR)},

    # -- privacy (DP-5, DP-6, DP-7) and audit --------------------------------------------------
    "privacy.break_glass": {"GET": STAFF, "POST": STAFF},
    "privacy.reviews": {"GET": (SUPERVISOR,)},
    "privacy.review": {"POST": (SUPERVISOR,)},
    "privacy.subject_access": {"GET": STAFF},
    "privacy.restriction": {"GET": (SUPERVISOR,), "POST": (SUPERVISOR,)},  # DP-7
    "privacy.named_staff": {"POST": (SUPERVISOR,)},
    "privacy.lift_restriction": {"POST": (SUPERVISOR,)},
    "privacy.erasure": {"GET": (SUPERVISOR,), "POST": (SUPERVISOR,)},  # DP-5
    "api-privacy.BreakGlass": {"POST": STAFF},
    "api-privacy.BreakGlassReviews": {"GET": (SUPERVISOR,)},
    "api-privacy.BreakGlassReview": {"POST": (SUPERVISOR,)},
    "api-privacy.Restriction": {"GET": STAFF, "POST": (SUPERVISOR,), "PATCH": (SUPERVISOR,)},
    "api-privacy.LiftRestriction": {"POST": (SUPERVISOR,)},
    "api-privacy.Retention": {"GET": STAFF},
    "api-privacy.Erasure": {"POST": (SUPERVISOR,)},
    "api-privacy.SubjectAccess": {"GET": STAFF},
    "audit.search": {"GET": (AUDITOR, DPO)},
    "api-audit.Audit": {"GET": (AUDITOR, DPO, SUPERVISOR)},  # supervisors: one case of theirs
    "api-audit.AccessLog": {"GET": STAFF},

    # -- notes and the contact log: the case's agency, the person's shelter (their own notes
    #    and what is shared with them), legal aid (what is shared with them; their privileged
    #    notes stay in legal) ----------------------------------------------------------------
    "notes.case_notes": {"GET": STAFF + (SHELTER, LEGAL), "POST": STAFF + (SHELTER,)},
    "notes.edit_note": {"GET": STAFF + (SHELTER,), "POST": STAFF + (SHELTER,)},
    "notes.correct_note": {"POST": STAFF + (SHELTER,)},
    "api-notes.CaseNotes": {"GET": STAFF + (SHELTER, LEGAL), "POST": STAFF + (SHELTER,)},
    "api-notes.Note": {"GET": STAFF + (SHELTER, LEGAL), "PATCH": STAFF + (SHELTER,)},
    "api-notes.Corrections": {"POST": STAFF + (SHELTER,)},

    # -- documents: who sees which category is decided per document (documents.models) -----
    "documents.case_documents": {"GET": STAFF + (SHELTER, LEGAL),
                                 "POST": STAFF + (SHELTER, LEGAL)},
    "documents.document": {"GET": STAFF + (SHELTER, LEGAL)},
    "documents.new_version": {"POST": STAFF + (SHELTER, LEGAL)},
    "documents.download": {"GET": STAFF + (SHELTER, LEGAL)},
    "api-documents.CaseDocuments": {"GET": STAFF + (SHELTER, LEGAL),
                                    "POST": STAFF + (SHELTER, LEGAL)},
    "api-documents.Document": {"GET": STAFF + (SHELTER, LEGAL)},
    "api-documents.Versions": {"POST": STAFF + (SHELTER, LEGAL)},
    "api-documents.Content": {"GET": STAFF + (SHELTER, LEGAL)},

    # -- the person panel and its corrections: identity, for the case's agency only ---------
    "person.correct": {"GET": STAFF, "POST": STAFF},
    "api-person.Person": {"GET": STAFF, "PATCH": STAFF},
    "api-person.Corrections": {"GET": STAFF},

    # -- the individual assistance plan (CNS-12, CNS-13, SVC-02, SVC-03): the case's staff;
    #    an organisation given an action reaches that action only; supervisors answer the
    #    person's feedback --------------------------------------------------------------------
    "plans.plan": {"GET": STAFF},
    "plans.raise_danger": {"POST": STAFF},
    "plans.clear_danger": {"POST": STAFF},
    "plans.needs": {"GET": STAFF, "POST": STAFF},
    "plans.needs_history": {"GET": STAFF},
    "plans.risk": {"GET": STAFF, "POST": STAFF},
    "plans.risk_history": {"GET": STAFF},
    "plans.new_goal": {"GET": STAFF, "POST": STAFF},
    "plans.new_action": {"GET": STAFF, "POST": STAFF},
    "plans.goal_status": {"POST": STAFF},
    "plans.action_status": {"POST": (CASEWORKER, SUPERVISOR, SHELTER, LEGAL)},
    "plans.review": {"GET": STAFF, "POST": STAFF},
    "plans.versions": {"GET": STAFF},
    "plans.version": {"GET": STAFF},
    "plans.feedback": {"GET": STAFF, "POST": STAFF},
    "plans.feedback_item": {"GET": STAFF, "POST": (SUPERVISOR,)},
    "plans.my_actions": {"GET": (CASEWORKER, SUPERVISOR, SHELTER, LEGAL)},
    "plans.supervision": {"GET": (SUPERVISOR,)},
    "api-plans.Plan": {"GET": STAFF},
    "api-plans.NeedsAssessments": {"GET": STAFF, "POST": STAFF},
    "api-plans.RiskAssessments": {"GET": STAFF, "POST": STAFF},
    "api-plans.DangerFlags": {"POST": STAFF},
    "api-plans.ClearDanger": {"POST": STAFF},
    "api-plans.Goals": {"POST": STAFF},
    "api-plans.Actions": {"POST": STAFF},
    "api-plans.GoalStatus": {"POST": STAFF},
    "api-plans.OwnedActions": {"GET": (CASEWORKER, SUPERVISOR, SHELTER, LEGAL)},
    "api-plans.ActionStatus": {"POST": (CASEWORKER, SUPERVISOR, SHELTER, LEGAL)},
    "api-plans.Versions": {"GET": STAFF, "POST": STAFF},
    "api-plans.Version": {"GET": STAFF},
    "api-plans.Feedback": {"GET": STAFF, "POST": STAFF},
    "api-plans.FeedbackResponse": {"POST": (SUPERVISOR,)},
    "api-plans.Supervision": {"GET": (SUPERVISOR,)},

    # -- security (issue 19): sign-in locks lifted by an administrator of the agency -------
    "accounts.sign_in_locks": {"GET": (ADMIN,)},
    "accounts.lift_sign_in_locks": {"POST": (ADMIN,)},
    "api-accounts.SignInLocks": {"GET": (ADMIN,)},
    "api-accounts.UserSignInLocks": {"DELETE": (ADMIN,)},
    # the user's own page (F18) and the administration console (issue 18)
    "accounts.account": {"GET": EVERYONE},
    "accounts.change_password": {"POST": EVERYONE},
    "accounts.preferences": {"POST": EVERYONE},
    "accounts.end_own_session": {"POST": EVERYONE},
    "accounts.sign_out_everywhere": {"POST": EVERYONE},
    "accounts.revoke_own_token": {"POST": EVERYONE},
    "accounts.admin_users": {"GET": (ADMIN,), "POST": (ADMIN,)},
    "accounts.admin_user": {"GET": (ADMIN,)},
    "accounts.admin_user_roles": {"POST": (ADMIN,)},
    "accounts.admin_user_active": {"POST": (ADMIN,)},
    "accounts.admin_end_session": {"POST": (ADMIN,)},
    "accounts.admin_revoke_token": {"POST": (ADMIN,)},
    "accounts.admin_mfa_reset": {"POST": (ADMIN,)},
    "accounts.admin_mfa_reset_decide": {"POST": (ADMIN,)},
    "accounts.admin_agencies": {"GET": (ADMIN,), "POST": (ADMIN,)},
    "services.admin_providers": {"GET": (ADMIN, SUPERVISOR), "POST": (ADMIN, SUPERVISOR)},
    "services.admin_providers_import": {"POST": (ADMIN, SUPERVISOR)},
    "services.admin_providers_export": {"GET": (ADMIN, SUPERVISOR)},
    # the data protection officer is alerted to break-the-glass openings judged not justified
    "privacy.alerts": {"GET": (DPO,)},
    "api-privacy.BreakGlassAlerts": {"GET": (DPO,)},
}


# -- work across agencies (issue 21): transfers, case teams, conferences, earlier referrals
#    and cross-border handovers. The case's agency does each; the receiving agency decides a
#    transfer, the agency holding an earlier case decides a link; team members reach the team
#    view and the conferences in their scope; a partner abroad (``partner``) reaches only the
#    handovers sent to it and records their steps. ----------------------------------------------
PARTNER = "partner"
CASE_TEAM = (CASEWORKER, SUPERVISOR, SHELTER, LEGAL)
POLICY.update({
    "agencies.case_agencies": {"GET": STAFF, "POST": STAFF},
    "agencies.inbox": {"GET": STAFF},
    "agencies.decide_transfer": {"POST": STAFF},
    "agencies.cancel_transfer": {"POST": STAFF},
    "agencies.decide_link": {"POST": STAFF},
    "agencies.team_case": {"GET": CASE_TEAM},
    "agencies.conference": {"GET": CASE_TEAM, "POST": STAFF},
    "agencies.partner_handovers": {"GET": (PARTNER,)},
    "agencies.handover": {"GET": STAFF + (PARTNER,), "POST": (PARTNER,)},
    "api-agencies.CaseTransfers": {"GET": STAFF, "POST": STAFF},
    "api-agencies.Transfers": {"GET": STAFF},
    "api-agencies.TransferDecision": {"POST": STAFF},
    "api-agencies.TransferCancel": {"POST": STAFF},
    "api-agencies.CaseTeam": {"GET": STAFF, "POST": STAFF},
    "api-agencies.EndMembership": {"POST": STAFF},
    "api-agencies.TeamView": {"GET": CASE_TEAM},
    "api-agencies.Conferences": {"GET": STAFF, "POST": STAFF},
    "api-agencies.ConferenceItem": {"GET": CASE_TEAM},
    "api-agencies.ConferenceRecord": {"POST": STAFF},
    "api-agencies.EarlierReferrals": {"GET": STAFF},
    "api-agencies.LinkRequests": {"GET": STAFF},
    "api-agencies.LinkRequest": {"POST": STAFF},
    "api-agencies.LinkDecision": {"POST": STAFF},
    "api-agencies.ReReferrals": {"GET": (SUPERVISOR, ADMIN, AUDITOR)},
    "api-agencies.CaseHandovers": {"GET": STAFF, "POST": STAFF},
    "api-agencies.PartnerHandovers": {"GET": (PARTNER,)},
    "api-agencies.HandoverItem": {"GET": STAFF + (PARTNER,)},
    "api-agencies.HandoverSteps": {"POST": (PARTNER,)},
})
# A partner signs in, reaches its home page and signs out like everyone else; nothing more.
for _endpoint in ("index", "home", "accounts.logout", "accounts.mfa", "accounts.language",
                  "api-auth.CurrentToken", "api-auth.Me"):
    POLICY[_endpoint] = {method: roles + (PARTNER,) if isinstance(roles, tuple) else roles
                         for method, roles in POLICY[_endpoint].items()}


def rule_for(endpoint: str | None, method: str):
    methods = POLICY.get(endpoint or "")
    if methods is None:
        return None
    if method in ("HEAD", "OPTIONS"):
        method = "GET" if "GET" in methods else next(iter(methods))
    return methods.get(method)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _actor():
    if _is_api():
        from .auth import api_actor
        return api_actor()  # 401 without a live bearer token
    if not current_user.is_authenticated:
        return None
    return current_user


def check(endpoint: str | None, method: str):
    """Before the handler: 401 for anonymous callers, 403 for a role the row does not list."""
    if endpoint is None:
        return  # no route matched: the 404/405 handlers answer
    roles = rule_for(endpoint, method)
    if roles == PUBLIC:
        return
    if roles is None:  # a method the route does not serve (Flask answers 405 first)
        raise Forbidden("permission", N_("you may not do this"))
    actor = _actor()
    if actor is None:
        from .extensions import login_manager
        raise _SignIn(login_manager)
    if not actor.has_role(*roles):
        raise Forbidden("role", N_("your role may not do this") if _is_api()
                        else N_("your role may not open this page"))


class _SignIn(Unauthorized):
    """A page asked for without signing in: the sign-in page, then back here."""

    def __init__(self, login_manager):
        super().__init__()
        self.login_manager = login_manager


def validate(app):
    """Every endpoint of the app has a row for each method it serves."""
    missing = []
    for rule in app.url_map.iter_rules():
        methods = POLICY.get(rule.endpoint)
        served = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        if methods is None or served - set(methods):
            missing.append(f"{rule.endpoint} {sorted(served - set(methods or {}))}")
    if missing:
        raise RuntimeError("endpoints without an access policy row (referral/policy.py): "
                           + "; ".join(missing))
