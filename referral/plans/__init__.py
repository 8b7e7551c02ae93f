"""The individual assistance plan (CNS-12, CNS-13, SVC-02, SVC-03)."""
