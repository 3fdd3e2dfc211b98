"""Where a running stack can be reached from the host (published 127.0.0.1 ports)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StackEndpoints:
    """Published endpoints of one stack; every URL is http://127.0.0.1:PORT."""

    stack: str  # stack name
    edge_url: str  # Locust target: Toxiproxy `edge` proxy in front of HAProxy
    toxiproxy_url: str  # Toxiproxy API
    gateway_control_url: str  # fake gateway control API (faults, ledger, counters)
    gateway_cashier_url: str  # fake gateway cashier (the buyer's pay page)
