"""Staff accounts, agencies, roles, passwords and API tokens."""
