"""The service catalogue, the provider directory, referrals to providers and service offers."""
