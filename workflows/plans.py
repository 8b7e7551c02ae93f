"""The individual assistance plan as data: the needs it assesses, the risks, the safety
measures, who may carry out an action, and what the person may say about the help they get.

Codes are stored and served by the API; the labels are English (``N_``) and the web pages
show them translated. Nothing here imports Flask or SQLAlchemy.

Sources: the UNODC toolkit on human rights and gender in responses to trafficking in persons
and smuggling of migrants (Part 1, tool 1.4): assistance "depends on individual needs and
circumstances" (SVC-02); victims "must be removed from situations where their lives or safety
are in danger" (SVC-03); "unless they are actively engaged in developing assistance plans,
the assistance they receive may be unwanted and ineffective" (CNS-12); victims should "be
given an opportunity to provide feedback" on the services (CNS-13).
"""


def N_(message: str) -> str:
    return message


# SVC-02: the domains of a needs assessment, as the sources name them. Each is assessed with
# the person's own words and the priority the person gives it.
NEED_DOMAINS = {
    "safety": N_("Safety"),
    "health": N_("Physical and mental health"),
    "accommodation": N_("Accommodation"),
    "legal": N_("Legal status and legal help"),
    "income_debts": N_("Income and debts"),
    "documents": N_("Documents"),
    "family_children": N_("Family and children"),
    "education_work": N_("Education and work"),
    "language": N_("Language and interpretation"),
}

# The priority the person gives a need. "Not discussed" and "no need" are different answers
# (as "unknown" and "no" are, DP-2): a domain nobody asked about is not a domain without need.
PRIORITIES = {
    "urgent": N_("urgent"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "no_need": N_("no need"),
    "not_discussed": N_("not discussed"),
}
# A goal can only answer a need the person has (not "no need", not "not discussed").
PRIORITIES_WITH_NEED = ("urgent", "high", "medium", "low")

# The risks a risk assessment rates, and the levels.
RISKS = {
    "traffickers": N_("Risk from the traffickers"),
    "retrafficking": N_("Risk of being trafficked again"),
    "self_harm": N_("Risk of self-harm"),
    "family": N_("Risks to the family"),
}
RISK_LEVELS = {
    "none": N_("none seen"),
    "low": N_("low"),
    "medium": N_("medium"),
    "high": N_("high"),
    "unknown": N_("not known"),
}

# Safety measures a safety plan may hold (ILO booklet 6: secure or secret housing, 24-hour
# access to police, escorts and panic alarms worked best).
SAFETY_MEASURES = {
    "secret_address": N_("Address kept secret"),
    "police_contact": N_("24-hour contact with the police"),
    "escort": N_("Escort to appointments"),
    "panic_alarm": N_("Panic alarm"),
    "safe_phone": N_("Safe phone"),
    "relocation": N_("Move to a safer place"),
    "code_word": N_("Agreed code word"),
    "other": N_("Other measure"),
}

# Who carries out an action. An agency, a provider from the directory, or a referral already
# made; the caseworker's own agency; or the person themselves.
OWNER_KINDS = {
    "caseworker": N_("Our agency (the caseworker)"),
    "agency": N_("Another organisation"),
    "provider": N_("A provider from the directory"),
    "referral": N_("A referral already made"),
    "person": N_("The person"),
}
# Owner kinds that name another organisation, whose staff then see the action (and only it).
SHARED_OWNER_KINDS = ("agency", "provider", "referral")

GOAL_HORIZONS = {"short": N_("short term"), "medium": N_("medium term"),
                 "long": N_("long term")}
GOAL_STATUSES = {"open": N_("open"), "achieved": N_("achieved"), "dropped": N_("dropped")}
OPEN_GOAL = "open"

ACTION_STATUSES = {
    "planned": N_("planned"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "not_done": N_("could not be done"),
    "cancelled": N_("cancelled"),
}
OPEN_ACTION_STATUSES = ("planned", "in_progress")
# Closing an action as "not done" or "cancelled" says why.
ACTION_STATUSES_NEEDING_A_NOTE = ("not_done", "cancelled")

PLAN_STATUSES = {"draft": N_("draft, not yet agreed"), "active": N_("agreed and in force"),
                 "closed": N_("closed")}

# CNS-12: how the person took part in making or reviewing the plan.
AGREEMENT = {
    "agreed": N_("agrees with the plan"),
    "agreed_in_part": N_("agrees with part of the plan"),
    "disagreed": N_("does not agree with the plan"),
}
# Why a version of the plan was recorded.
VERSION_REASONS = {
    "agreed": N_("first agreed with the person"),
    "review": N_("reviewed with the person"),
}
# Why a review of the plan is due.
REVIEW_REASONS = {
    "interval": N_("the regular review"),
    "stage_change": N_("the stage of the case changed"),
}

# CNS-13: what the person says about the help they get.
FEEDBACK_KINDS = {"feedback": N_("Feedback"), "complaint": N_("Complaint")}
FEEDBACK_MOMENTS = {"during": N_("during assistance"), "closure": N_("at closure")}
FEEDBACK_TOPICS = {
    "assistance": N_("the assistance as a whole"),
    "caseworker": N_("the caseworker"),
    "accommodation": N_("accommodation"),
    "health_care": N_("health care"),
    "legal_help": N_("legal help"),
    "interpretation": N_("interpretation"),
    "information": N_("information given"),
    "other": N_("something else"),
}
FEEDBACK_RATINGS = {
    "helpful": N_("helpful"),
    "partly_helpful": N_("partly helpful"),
    "not_helpful": N_("not helpful"),
    "not_said": N_("did not say"),
}
# A supervisor answers a complaint within these days, feedback is read within these: the
# follow-up is assigned to a supervisor, never to the caseworker it may be about.
FEEDBACK_RESPONSE_DAYS = {"complaint": 7, "feedback": 14}

# Follow-up kinds this area plans (referral.reminders): (kind, English label).
FOLLOW_UPS = {
    "immediate_danger": N_("URGENT: immediate danger flag"),
    "plan_review": N_("assistance plan review"),
    "plan_action_due": N_("assistance plan action due"),
    "plan_action_review": N_("assistance plan action review"),
    "safety_plan_review": N_("safety plan review"),
    "feedback_response": N_("the person's feedback or complaint to answer"),
}
# SVC-03: an immediate danger is a safety task (risk 3): it escalates to a supervisor at
# once, with no grace period and no reminder beforehand.
DANGER_RISK = 3
