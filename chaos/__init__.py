"""Faults: one module per fault kind, registered by name, and the timeline that runs them."""
