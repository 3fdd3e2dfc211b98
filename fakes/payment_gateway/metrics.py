"""Prometheus metrics of one gateway instance (its own registry, so tests can run several)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _Live(Collector):
    """Gauges read at scrape time from the notifier and fault counters."""

    def __init__(self, stats: Callable[[], dict[str, Any]], faults: Callable[[], dict[str, Any]]):
        self._stats, self._faults = stats, faults

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        s = self._stats()
        for name, key, doc in (
            ("gateway_notifier_queue_depth", "queue_depth", "notifications not yet acked"),
            ("gateway_notifier_inflight", "inflight", "notifications being sent"),
            ("gateway_notifier_oldest_pending_age_seconds", "oldest_pending_age_s", "age"),
        ):
            yield GaugeMetricFamily(name, doc, value=s[key])
        sends = CounterMetricFamily(
            "gateway_notifications", "notification totals", labels=["result"]
        )
        for result in ("sent", "acked", "failed_attempts", "exhausted"):
            sends.add_metric([result], s[result])
        yield sends
        fired = CounterMetricFamily("gateway_fault_fired", "faults fired", labels=["fault_id"])
        seen = CounterMetricFamily("gateway_fault_seen", "faults evaluated", labels=["fault_id"])
        for fault_id, counter in self._faults().items():
            fired.add_metric([fault_id], counter.fired)
            seen.add_metric([fault_id], counter.seen)
        yield fired
        yield seen


class GatewayMetrics:
    """Request and payment metrics plus live notifier gauges."""

    def __init__(
        self, stats: Callable[[], dict[str, Any]], faults: Callable[[], dict[str, Any]]
    ) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "gateway_requests",
            "merchant/cashier requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "gateway_request_seconds", "request latency", ["route"], registry=self.registry
        )
        self.payments = Counter(
            "gateway_payment_events", "payment state changes", ["event"], registry=self.registry
        )
        self.registry.register(_Live(stats, faults))

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)
