"""Return, local integration and resettlement (equal outcomes), and reintegration with
follow-up check-ins that outlast assistance (RR-1..6, CH-5)."""
