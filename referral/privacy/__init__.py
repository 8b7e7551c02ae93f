"""Privacy operations: restricted cases and break-the-glass (DP-7), retention and erasure
under legal hold (DP-5), and the person's own file with who has seen it (DP-6)."""
