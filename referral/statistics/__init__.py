"""Aggregate statistics without re-identification (DP-4)."""
