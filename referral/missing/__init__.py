"""Missing episodes (MI-1, MI-2): a person who goes missing stays a case, with protection."""
