"""The rules the service enforces, in plain words, as data: one row per rule id.

Drawn from the project's rule book (the domain rules: identification, children, consent,
non-conditional assistance, reflection, shelter, legal, return, privacy) and the rules of
the national referral mechanism as it runs (NRM, MI, CH-6) and of the workflows themselves
(WF). The help page ``/help/rules`` shows them with an anchor per id, and every refusal a
page shows links its rule id there. Texts are English and marked for the web catalogs.
"""
from . import N_

# (family, heading) in the order the help page shows them.
FAMILIES = (
    ("ID", N_("Identification and presumption")),
    ("CH", N_("Children")),
    ("CO", N_("Consent and voluntariness")),
    ("NC", N_("Assistance never depends on cooperation")),
    ("RP", N_("Reflection and recovery period")),
    ("SH", N_("Shelter and freedom of movement")),
    ("LP", N_("Legal proceedings")),
    ("RR", N_("Return and reintegration")),
    ("DP", N_("Privacy and data")),
    ("NRM", N_("Decisions of the referral mechanism")),
    ("MI", N_("A person who goes missing")),
    ("WF", N_("How steps follow each other")),
)

# rule id -> (title, plain text)
RULES: dict[str, tuple[str, str]] = {
    "ID-1": (N_("Presumed victim at once"),
             N_("A person referred with indicators is a presumed victim straight away, with "
                "help and protection, until a decision with reasons says otherwise.")),
    "ID-2": (N_("Identification needs nothing from the person"),
             N_("Identification never depends on documents, wanting to go home, the police, "
                "calling oneself a victim or cooperating.")),
    "ID-3": (N_("Consent to exploitation does not count"),
             N_("A negative decision whose only reason is that the person agreed to the "
                "exploitation is refused.")),
    "ID-4": (N_("No prohibited grounds"),
             N_("Sex, nationality and other prohibited grounds never decide who is helped.")),
    "ID-5": (N_("People decide, not indicators"),
             N_("Indicators prompt a professional judgement. Every decision records who "
                "decided, why, on what evidence and in which language it was explained.")),
    "ID-6": (N_("Adverse steps give reasons and the person's view"),
             N_("Ending a service or a stay, refusing a referral or a negative decision needs "
                "a reason from the list and the person's view (or that they declined to "
                "give one), and it can be reviewed.")),
    "ID-7": (N_("Trafficking within the country counts"),
             N_("No step needs a border crossing or confinement.")),
    "ID-8": (N_("No one is pushed into identification"),
             N_("An adult who does not want to be identified can be recorded anonymously, "
                "for statistics only.")),
    "CH-1": (N_("Treated as a child until assessed"),
             N_("A person who may be a child is treated as a child until an age assessment "
                "decides otherwise.")),
    "CH-2": (N_("Best interests first"),
             N_("Every decision about a child records the child's views and a best "
                "interests assessment.")),
    "CH-3": (N_("A child needs a guardian"),
             N_("A child's case needs an appointed guardian. The guardian gives consent, "
                "and the child's views are heard.")),
    "CH-4": (N_("Children are never detained"),
             N_("A child's movement is never restricted on migration grounds, and a negative "
                "decision hands the case to child protection instead of closing it.")),
    "CH-5": (N_("A child's return is checked first"),
             N_("A child returns only after a best interests determination and family "
                "tracing that checks whether the family was involved.")),
    "CH-6": (N_("Moving to adult support at 18"),
             N_("A child moves to adult support only once the recorded date of birth says 18; "
                "a disputed age waits for an age assessment.")),
    "CO-1": (N_("Consent for each purpose and recipient"),
             N_("Every service, referral, data share or transfer needs the person's consent "
                "for that purpose and that recipient, recorded with who, when and in which "
                "language.")),
    "CO-2": (N_("Consent can be withdrawn at once"),
             N_("Withdrawing consent is as easy as giving it and takes effect straight away: "
                "open referrals and shares to that recipient stop.")),
    "CO-3": (N_("No service is compulsory"),
             N_("Declining one service changes nothing about the others. There is no "
                "mandatory testing.")),
    "CO-4": (N_("Overriding missing consent is exceptional"),
             N_("Acting without consent (danger to life, a child with no guardian yet) needs "
                "a written reason and another supervisor's approval.")),
    "CO-5": (N_("Consent to services is not consent to exploitation"),
             N_("Apparent consent to exploitation is never recorded as a field.")),
    "NC-1": (N_("Help is never conditional on cooperation"),
             N_("Assistance never depends on helping the police or prosecution, or on "
                "charges being brought.")),
    "NC-2": (N_("Cooperation is kept apart"),
             N_("No rule about assistance, shelter, return or identification reads whether "
                "the person cooperates.")),
    "NC-3": (N_("No ending help for not cooperating"),
             N_("Ending or cutting assistance or a stay because the person did not cooperate, "
                "testify or see charges brought is refused, and the attempt is shown to "
                "supervisors.")),
    "NC-4": (N_("Permits tied to cooperation stay on the legal side"),
             N_("Their conditions never change the person's assistance.")),
    "RP-1": (N_("The reflection period has a minimum"),
             N_("It lasts at least the legal minimum. It can be extended with reasons, never "
                "shortened.")),
    "RP-2": (N_("No removal during the period"),
             N_("No removal may be enforced while the reflection period runs.")),
    "RP-3": (N_("The end of the period is followed up"),
             N_("Reminders come before the end, and a supervisor is told if no next step is "
                "planned.")),
    "SH-1": (N_("Shelter stays are voluntary"),
             N_("Admission records consent, and the person may leave at any time.")),
    "SH-2": (N_("Restricting movement is exceptional"),
             N_("A restriction records its legal basis, who decided, the safety reason, a "
                "fixed expiry and a review date. It never renews by itself.")),
    "SH-3": (N_("Shelter staff see what runs the stay"),
             N_("Not the case story, identity documents, legal matters or health data.")),
    "SH-4": (N_("Belongings are returned on request"),
             N_("Documents, phones and keys held by a shelter are logged and given back "
                "whenever the person asks.")),
    "SH-5": (N_("Court, lawyer and doctor are always allowed"),
             N_("Going out to attend court, a lawyer or a doctor is allowed even under a "
                "restriction.")),
    "LP-1": (N_("The person is kept informed"),
             N_("The person is told at each stage of proceedings; a hearing has reminders; an "
                "offender's release creates an urgent safety task.")),
    "LP-2": (N_("Protective measures are recorded"),
             N_("Screens, video links and anonymity are recorded and reviewed.")),
    "LP-3": (N_("Compensation can always be claimed"),
             N_("Whatever the person's residence status, each claim with its time limit.")),
    "LP-4": (N_("No punishment for what trafficking forced"),
             N_("Proceedings against the person for offences forced by the trafficking are "
                "recorded with a non-punishment review.")),
    "LP-5": (N_("Legal advice is privileged"),
             N_("Legal-aid notes are not readable by caseworkers, supervisors or "
                "administrators, and are left out of exports.")),
    "RR-1": (N_("Return is individual and safe"),
             N_("Return is the person's own, safe and preferably voluntary; never in bulk.")),
    "RR-2": (N_("Checks before a return"),
             N_("A risk assessment, a non-refoulement check, information on asylum and a "
                "check of open proceedings come first; a pending asylum claim or "
                "identification blocks return.")),
    "RR-3": (N_("Staying is as good an outcome as returning"),
             N_("Local integration and resettlement are outcomes equal to return.")),
    "RR-4": (N_("Reintegration has a plan and check-ins"),
             N_("A plan in the person's own words, with check-ins that continue after "
                "assistance closes.")),
    "RR-5": (N_("Re-trafficking is counted"),
             N_("A new referral of a known person is linked to the earlier case.")),
    "RR-6": (N_("Closing needs a risk review"),
             N_("A case closes only with a current re-trafficking risk review and a follow-up "
                "schedule.")),
    "DP-1": (N_("Identities are never made public"),
             N_("No data goes out without the person's permission, and never to the media.")),
    "DP-2": (N_("Only what is needed"),
             N_("Personal details are optional and come from the person.")),
    "DP-3": (N_("Every read and write is recorded"),
             N_("Who, when, what and why, in an audit trail that cannot be changed unseen.")),
    "DP-4": (N_("Statistics never show a person"),
             N_("Only totals are published, and small numbers are hidden.")),
    "DP-5": (N_("Erasure, and the legal hold"),
             N_("Files are erased on a schedule or at the person's request, but not while "
                "proceedings or appeals are open; the hold is shown.")),
    "DP-6": (N_("The person can have their own file"),
             N_("With a list of who has seen it.")),
    "DP-7": (N_("Restricted cases"),
             N_("When officials may be involved, only named staff open the case. Anyone else "
                "breaks the glass with a reason, for a limited time, and a supervisor "
                "reviews it.")),
    "DP-8": (N_("Messages go to staff only"),
             N_("No reminder or message goes to a contact not marked safe.")),
    "NRM-1": (N_("First decision before the final one"),
              N_("A final decision needs a positive first decision before it.")),
    "NRM-2": (N_("A negative decision can be reconsidered"),
              N_("If asked within the window, on the grounds the jurisdiction allows; the "
                 "person's letter says how and until when.")),
    "NRM-3": (N_("Protection from removal lasts"),
              N_("It ends only after a final negative decision and its reconsideration "
                 "window, or at the end of the move-on period.")),
    "NRM-4": (N_("Moving on after a positive decision"),
              N_("A positive final decision starts a move-on period with a needs assessment "
                 "and a transition plan.")),
    "NRM-5": (N_("Referred on after a negative decision"),
              N_("An adult not identified is referred on to another remedy, named in the "
                 "reason.")),
    "NRM-6": (N_("The competent authority decides"),
              N_("Its decision-makers record first and final decisions; others record a "
                 "decision received on paper only where the jurisdiction allows.")),
    "MI-1": (N_("A missing person's case stays open"),
             N_("Record when and where the person was last seen and who was told; the case "
                "and its protection hold until they are found.")),
    "MI-2": (N_("A missing child's guardian is told at once"),
             N_("And the caseworker and supervisor are alerted straight away.")),
    "WF-STATE": (N_("A step must fit where the case is"),
                 N_("Each step is allowed only from certain states: use one of the steps the "
                    "page offers.")),
    "WF-OWNER": (N_("Some steps are taken on their own page"),
                 N_("A stay, a return or a referral changes on its own page, which keeps its "
                    "own records.")),
}


def family_of(rule_id: str) -> str:
    return rule_id.rsplit("-", 1)[0]


def rules_by_family():
    """[(family, heading, [(id, title, text), ...]), ...] in the help page's order."""
    return [(family, heading, [(rule_id, title, text) for rule_id, (title, text)
                               in RULES.items() if family_of(rule_id) == family])
            for family, heading in FAMILIES]
