"""Background worker: reconciliation, expiry, refunds and stock-counter resync."""
