"""Integrity audit: invariants over the shop database snapshot and the gateway ledger."""
