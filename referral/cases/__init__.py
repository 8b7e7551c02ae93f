"""Case files: the person, the referral, the tracks, identification decisions."""
