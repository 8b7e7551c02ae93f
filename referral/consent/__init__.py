"""The consent ledger: informed, specific, revocable consent for every service, share and
referral (CO-1..5)."""
