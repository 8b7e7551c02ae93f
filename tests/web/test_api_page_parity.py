"""Every API write has a page that does the same (issue 14): caseworkers and supervisors are
not API clients.

``PAGE_FOR`` maps each API write operation (endpoint, method) to the page endpoint whose
form does the same through the same service. An operation with no page fails this test
unless it is on ``API_ONLY`` with the reason it has no page.
"""

WRITES = {"POST", "PUT", "PATCH", "DELETE"}

PAGE_FOR = {
    # cases
    ("api-cases.Cases", "POST"): "cases.new_referral",
    ("api-cases.Transitions", "POST"): "cases.apply_step",
    ("api-cases.Guardian", "POST"): "cases.appoint_guardian",
    ("api-cases.ReflectionExtension", "POST"): "cases.extend_reflection",
    ("api-cases.Assign", "POST"): "cases.assign",
    ("api-notifications.AnonymousNotifications", "POST"): "cases.anonymous_notification",
    ("api-person.Person", "PATCH"): "person.correct",
    # consent
    ("api-consent.CaseConsents", "POST"): "consent.case_consents",
    ("api-consent.Withdraw", "POST"): "consent.withdraw",
    ("api-consent.Overrides", "POST"): "consent.request_override",
    ("api-consent.ApproveOverride", "POST"): "consent.approve_override",
    # services
    ("api-services.CaseReferrals", "POST"): "services.case_referrals",
    ("api-services.ReferralStep", "POST"): "services.referral_step",
    ("api-services.Offers", "POST"): "services.make_offer",
    ("api-services.OfferAnswer", "POST"): "services.answer_offer",
    # returns
    ("api-returns.Returns", "POST"): "returns.request_return",
    ("api-returns.Assessments", "POST"): "returns.assess",
    ("api-returns.ReturnStep", "POST"): "returns.return_step",
    ("api-returns.Plan", "POST"): "returns.reintegration_plan",
    ("api-returns.CheckIns", "POST"): "returns.reintegration",
    # shelter
    ("api-shelter.Leave", "POST"): "shelter.leave",
    ("api-shelter.EndStay", "POST"): "shelter.end_stay",
    ("api-shelter.CaseStays", "POST"): "shelter.admit",
    ("api-shelter.EndStay", "POST"): "shelter.end_stay",
    # notes and documents
    ("api-notes.CaseNotes", "POST"): "notes.case_notes",
    ("api-notes.Note", "PATCH"): "notes.edit_note",
    ("api-notes.Corrections", "POST"): "notes.correct_note",
    ("api-documents.CaseDocuments", "POST"): "documents.case_documents",
    ("api-documents.Versions", "POST"): "documents.new_version",
    # plans
    ("api-plans.DangerFlags", "POST"): "plans.raise_danger",
    ("api-plans.ClearDanger", "POST"): "plans.clear_danger",
    ("api-plans.Feedback", "POST"): "plans.feedback",
    ("api-plans.FeedbackResponse", "POST"): "plans.feedback_item",
    ("api-plans.NeedsAssessments", "POST"): "plans.needs",
    ("api-plans.RiskAssessments", "POST"): "plans.risk",
    ("api-plans.Goals", "POST"): "plans.new_goal",
    ("api-plans.Actions", "POST"): "plans.new_action",
    ("api-plans.GoalStatus", "POST"): "plans.goal_status",
    ("api-plans.ActionStatus", "POST"): "plans.action_status",
    ("api-plans.Versions", "POST"): "plans.review",
    # privacy, reminders, accounts
    ("api-privacy.BreakGlass", "POST"): "privacy.break_glass",
    ("api-privacy.BreakGlassReview", "POST"): "privacy.review",
    ("api-privacy.Restriction", "POST"): "privacy.restriction",
    ("api-privacy.Restriction", "PATCH"): "privacy.named_staff",
    ("api-privacy.LiftRestriction", "POST"): "privacy.lift_restriction",
    ("api-privacy.Erasure", "POST"): "privacy.erasure",
    ("api-reminders.RetryParked", "POST"): "reminders.retry_parked",
    ("api-reminders.Met", "POST"): "reminders.mark_met",
    ("api-reminders.Reassign", "POST"): "supervision.reassign_follow_up",
    ("api-reminders.LateReason", "POST"): "supervision.late_reason",
    ("api-accounts.UserSignInLocks", "DELETE"): "accounts.lift_sign_in_locks",
    # the NRM as it runs: the competent authority's decision screen, reconsideration
    ("api-cases.Decisions", "POST"): "cases.decisions_page",
    ("api-cases.DecisionReview", "POST"): "cases.reconsideration",
    ("api-cases.ReviewDecision", "POST"): "cases.decisions_page",
    ("api-missing.CaseMissing", "POST"): "missing.case_missing",
    ("api-missing.Found", "POST"): "missing.found",
    # the provider directory in the administration console
    ("api-services.Providers", "POST"): "services.admin_providers",
    ("api-services.ProviderItem", "PATCH"): "services.admin_provider",
    # legal aid's day
    ("api-legal.Proceedings", "POST"): "legal.open_proceeding",
    ("api-legal.Hearings", "POST"): "legal.add_hearing",
    ("api-legal.Measures", "POST"): "legal.add_measure",
    ("api-legal.NonPunishment", "POST"): "legal.non_punishment",
    ("api-legal.Notes", "POST"): "legal.notes",
    # asylum claims, permits and compensation claims, with their history (RR-2, DP-5)
    ("api-legal.Permits", "POST"): "legal.new_permit",
    ("api-legal.PermitStatus", "POST"): "legal.permit_status",
    ("api-legal.Compensation", "POST"): "legal.new_compensation",
    ("api-legal.CompensationStatus", "POST"): "legal.compensation_status",
    ("api-legal.ProceedingItem", "PATCH"): "legal.edit_proceeding",
    ("api-legal.Information", "POST"): "legal.log_information",
    ("api-legal.OffenderRelease", "POST"): "legal.offender_release",
    ("api-legal.Cooperation", "POST"): "legal.cooperation",
    ("api-legal.AssignLegalAid", "POST"): "legal.assign_legal_aid",
    # a shelter's day
    ("api-shelter.HeldItems", "POST"): "shelter.hold_item",
    ("api-shelter.ReturnItem", "POST"): "shelter.return_item",
    ("api-shelter.Outings", "POST"): "shelter.outing",
    ("api-shelter.Restrictions", "POST"): "shelter.restrict",
    # refused non-cooperation attempts, reviewed by supervisors
    ("api-supervision.RefusedAttemptReviewed", "POST"): "supervision.attempt_reviewed",
    # work across agencies: one page per case with a form per step, and the inboxes
    ("api-agencies.CaseTransfers", "POST"): "agencies.case_agencies",
    ("api-agencies.CaseTeam", "POST"): "agencies.case_agencies",
    ("api-agencies.EndMembership", "POST"): "agencies.case_agencies",
    ("api-agencies.Conferences", "POST"): "agencies.case_agencies",
    ("api-agencies.LinkRequest", "POST"): "agencies.case_agencies",
    ("api-agencies.CaseHandovers", "POST"): "agencies.case_agencies",
    ("api-agencies.TransferDecision", "POST"): "agencies.decide_transfer",
    ("api-agencies.TransferCancel", "POST"): "agencies.cancel_transfer",
    ("api-agencies.LinkDecision", "POST"): "agencies.decide_link",
    ("api-agencies.ConferenceRecord", "POST"): "agencies.conference",
    ("api-agencies.HandoverSteps", "POST"): "agencies.handover",
}

# No page, on purpose: the reason is the test's failure message if a page appears later.
API_ONLY = {
    ("api-auth.Tokens", "POST"): "an API client's sign-in; the web signs in at /login",
    ("api-auth.CurrentToken", "DELETE"): "an API client's sign-out; the web signs out at "
                                         "/logout",
    ("api-reminders.ReadNotification", "POST"): "marks an in-app notification read for API "
                                                "clients; pages show them without a state",
}

def _api_writes(app):
    ops = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in (rule.methods or set()) & WRITES:
                ops.add((rule.endpoint, method))
    return ops


def _page_posts(app):
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if not rule.rule.startswith("/api/") and "POST" in (rule.methods or ())}


def test_every_api_write_has_a_page_or_a_stated_reason(app):
    missing = sorted(op for op in _api_writes(app)
                     if op not in PAGE_FOR and op not in API_ONLY)
    assert not missing, ("API write operations with no page form (add one and map it in "
                         f"PAGE_FOR, or say why in API_ONLY): {missing}")


def test_each_mapped_page_exists_and_takes_a_form(app):
    posts = _page_posts(app)
    wrong = {op: page for op, page in PAGE_FOR.items() if page not in posts}
    assert not wrong, f"mapped pages that do not accept a form post: {wrong}"


def test_the_table_names_only_operations_that_exist(app):
    writes = _api_writes(app)
    stale = [op for op in {**PAGE_FOR, **API_ONLY} if op not in writes]
    assert not stale, f"rows for API operations that no longer exist: {stale}"


def test_no_operation_is_both_mapped_and_api_only():
    both = set(PAGE_FOR) & set(API_ONLY)
    assert not both, f"operations both given a page and said to have none: {sorted(both)}"
