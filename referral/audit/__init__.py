"""The audit trail: who read or wrote what, when and why; append-only and hash-chained."""
