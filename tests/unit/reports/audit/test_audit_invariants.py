"""Each invariant holds on a consistent snapshot and fails, naming ids, when broken."""

from typing import Any

import pytest
from audit_snapshots import NOW, fresh, key, order, payment

from peakdrill.errors import InvalidRun
from reports.audit import check_snapshot
from reports.audit.model import InvariantResult

NAMES = [
    "ledger_matches_orders",
    "paid_has_keys",
    "no_delivery_without_payment",
    "no_double_delivery",
    "stock_conserved",
    "money_conserved",
    "forged_notifications_ignored",
    "orders_settled",
]


def result_of(snap: dict[str, Any], name: str) -> InvariantResult:
    return next(i for i in check_snapshot(snap).invariants if i.name == name)


def failed(snap: dict[str, Any]) -> set[str]:
    return {i.name for i in check_snapshot(snap).invariants if i.valid is False}


def test_consistent_snapshot_passes_all_eight() -> None:
    result = check_snapshot(fresh())
    assert [i.name for i in result.invariants] == NAMES
    assert result.valid, [i.to_json() for i in result.invariants if not i.valid]
    out = result.to_json()
    assert out["valid"] is True and len(out["invariants"]) == 8
    assert all(set(i) >= {"name", "valid", "evidence"} for i in out["invariants"])


def test_paid_but_no_order() -> None:
    snap = fresh()
    snap["gateway"]["payments"].append(
        payment(fresh(), "A") | {"out_trade_no": "GHOST", "trade_no": "TG"}
    )
    r = result_of(snap, "ledger_matches_orders")
    assert (
        r.valid is False
        and r.evidence[0]["order_no"] == "GHOST"
        and r.evidence[0]["trade_no"] == "TG"
    )
    assert "money_conserved" in failed(snap)


def test_capture_amount_differs_from_order() -> None:
    snap = fresh()
    payment(snap, "E")["amount_cents"] = 499
    assert result_of(snap, "ledger_matches_orders").evidence[0]["order_no"] == "E"


def test_paid_but_no_key() -> None:
    snap = fresh()
    payment(snap, "D")["status"] = "TRADE_SUCCESS"  # captured, notification lost, never healed
    r = result_of(snap, "paid_has_keys")
    assert r.valid is False
    assert r.evidence[0]["order_no"] == "D" and r.evidence[0]["trade_no"] == "TD"


def test_refund_pending_forever_is_paid_but_no_key() -> None:
    snap = fresh()
    order(snap, "C")["status"] = "REFUND_PENDING"
    snap["shop"]["refunds"] = []
    payment(snap, "C")["refunded_cents"] = 0
    assert {"paid_has_keys", "orders_settled"} <= failed(snap)


def test_delivery_without_payment() -> None:
    snap = fresh()
    payment(snap, "E")["status"] = "WAIT_BUYER_PAY"
    r = result_of(snap, "no_delivery_without_payment")
    assert r.valid is False and r.evidence[0]["order_no"] == "E" and r.evidence[0]["key_ids"] == [6]


def test_key_delivered_twice_names_key_and_orders() -> None:
    snap = fresh()
    order(snap, "E")["delivered_key_ids"] = [6, 1]
    order(snap, "E")["quantity"] = 2
    r = result_of(snap, "no_double_delivery")
    twice = [e for e in r.evidence if e.get("key_id") == 1 and "order_nos" in e]
    assert r.valid is False and twice and sorted(twice[0]["order_nos"]) == ["A", "E"]


def test_duplicate_notification_double_delivery_shape() -> None:
    snap = fresh()  # the unguarded bug: same key recorded twice for one order
    order(snap, "E")["delivered_key_ids"] = [6, 6]
    r = result_of(snap, "no_double_delivery")
    problems = {e["problem"] for e in r.evidence}
    assert "key delivered 2 times" in problems and "holds 2 keys, bought 1" in problems


def test_same_secret_under_two_ids() -> None:
    snap = fresh()
    key(snap, 6)["secret_sha256"] = "h1"
    r = result_of(snap, "no_double_delivery")
    assert r.valid is False and sorted(r.evidence[0]["key_ids"]) == [1, 6]


def test_stock_leak_and_stale_reservation_and_cache_drift() -> None:
    snap = fresh()
    snap["shop"]["imported"]["1"] = 6
    assert result_of(snap, "stock_conserved").evidence[0]["product_id"] == 1
    snap = fresh()
    order(snap, "D")["status"] = "CLOSED"
    r = result_of(snap, "stock_conserved")
    assert r.valid is False and r.evidence[0]["key_id"] == 3 and r.evidence[0]["order_no"] == "D"
    snap = fresh()
    snap["shop"]["cached_stock"]["2"] = 5
    assert result_of(snap, "stock_conserved").evidence[0]["cached_stock"] == 5


def test_unreadable_cache_is_unknown_not_valid() -> None:
    snap = fresh()
    snap["shop"]["cached_stock"] = None
    snap["shop"]["cache_error"] = "redis unreachable: refused"
    assert result_of(snap, "stock_conserved").valid is None
    assert check_snapshot(snap).valid is False
    snap["shop"]["cache_error"] = "cache disabled"
    snap["shop"]["settings"]["cache_enabled"] = False
    assert result_of(snap, "stock_conserved").valid is True


def test_money_paid_amount_differs() -> None:
    snap = fresh()
    order(snap, "A")["paid_cents"] = 900
    r = result_of(snap, "money_conserved")
    assert r.valid is False and any(e.get("order_no") == "A" for e in r.evidence)


def test_gateway_refund_missing() -> None:
    snap = fresh()
    payment(snap, "C")["refunded_cents"] = 0
    assert {"money_conserved", "paid_has_keys"} <= failed(snap)


def test_accepted_notification_not_backed_by_capture() -> None:
    snap = fresh()
    snap["shop"]["notifications"].append(
        {
            "event_id": "forged",
            "trade_no": "TD",
            "out_trade_no": "D",
            "amount_cents": 500,
            "outcome": "accepted",
            "before": "AWAITING_PAYMENT",
            "after": "DELIVERED",
        }
    )
    r = result_of(snap, "forged_notifications_ignored")
    assert (
        r.valid is False
        and r.evidence[0]["event_id"] == "forged"
        and r.evidence[0]["order_no"] == "D"
    )


def test_rejected_notification_that_changed_state() -> None:
    snap = fresh()
    snap["shop"]["notifications"][2].update(before="AWAITING_PAYMENT", after="DELIVERED")
    assert result_of(snap, "forged_notifications_ignored").valid is False


def test_open_order_past_deadline_is_stuck() -> None:
    snap = fresh()
    order(snap, "D")["created_at"] = NOW - 1000
    r = result_of(snap, "orders_settled")
    assert (
        r.valid is False
        and r.evidence[0]["order_no"] == "D"
        and r.evidence[0]["status"] == "AWAITING_PAYMENT"
    )


def test_young_open_order_is_fine() -> None:
    snap = fresh()
    order(snap, "D")["created_at"] = NOW - 100  # within ttl 120 + 2*5 + grace
    assert result_of(snap, "orders_settled").valid is True


def test_other_merchants_payments_are_ignored() -> None:
    snap = fresh()
    snap["gateway"]["payments"].append(
        payment(fresh(), "A") | {"out_trade_no": "Z", "merchant_id": "someone-else"}
    )
    assert check_snapshot(snap).valid


def test_malformed_snapshot_is_an_invalid_run() -> None:
    with pytest.raises(InvalidRun, match="shop"):
        check_snapshot({"gateway": {"payments": []}})
    with pytest.raises(InvalidRun, match="payments"):
        check_snapshot({"shop": fresh()["shop"], "gateway": {}})


def test_check_that_cannot_read_data_is_unknown() -> None:
    snap = fresh()
    del order(snap, "D")["created_at"]
    r = result_of(snap, "orders_settled")
    assert r.valid is None and "could not read" in r.summary
