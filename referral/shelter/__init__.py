"""Shelter stays: voluntary; leaving is always allowed; restrictions are exceptions that
expire (SH-1..5)."""
