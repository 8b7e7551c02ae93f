"""Starting code lists (RULES.md, Taxonomies). "unknown" and "declined" are values (DP-2)."""

EXPLOITATION_FORMS = (
    "sexual_exploitation", "forced_labour", "domestic_servitude", "slavery",
    "servitude", "forced_criminality", "forced_begging", "forced_marriage",
    "organ_removal", "child_soldiering", "other",
)
SECTORS = (
    "domestic_work", "care_and_nursing", "construction", "agriculture", "fishing", "mining",
    "manufacturing", "hospitality", "entertainment", "sex_industry", "begging",
    "criminal_activity", "other",
)
RECRUITMENT = ("direct", "agency", "intermediary", "family_or_acquaintance", "online")
VULNERABILITY_FACTORS = (
    "poverty", "debt", "discrimination", "gender_based_violence", "disability",
    "irregular_status", "no_documents", "language", "isolation", "family_violence",
    "crisis_or_conflict", "substance_use", "prior_trafficking",
)
SEX_VALUES = ("female", "male", "intersex", "other", "unknown", "declined")
NATIONALITY_UNKNOWN = "unknown"
# Screening indicators (ID-5: they prompt a judgement, never decide).
INDICATORS = ("documents_withheld", "debt_bondage", "restricted_movement", "threats",
              "excessive_hours", "no_pay", "isolation", "deceptive_recruitment", "violence")
# Who referred the person, coded for statistics (the free-text ``referred_by`` stays).
REFERRAL_SOURCES = ("police", "border_force", "labour_inspectorate", "health", "local_authority",
                    "ngo", "helpline", "self_referral", "embassy", "trade_union", "school",
                    "other_government", "other", "unknown")
