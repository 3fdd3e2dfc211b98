"""Payment prechecks, seed helpers, schema list, and the API's route table."""

import random
import re

from stack.shop.api.app import create_app
from stack.shop.fulfil import Payment, _precheck
from stack.shop.schema import MIGRATIONS
from stack.shop.seed import key_code, parse_args


def _order(
    status: str = "AWAITING_PAYMENT", trade_no: str | None = "T1", amount: int = 500
) -> dict:
    return {"status": status, "trade_no": trade_no, "amount_cents": amount}


def _pay(trade_no: str = "T1", amount: int = 500) -> Payment:
    return Payment("PD1", trade_no, amount, "notify")


def test_precheck_applies_payable_orders() -> None:
    for status in ("CREATED", "AWAITING_PAYMENT", "CLOSED"):
        assert _precheck(_order(status), _pay()) is None  # type: ignore[arg-type]
    assert _precheck(_order(trade_no=None), _pay()) is None  # type: ignore[arg-type]


def test_precheck_rejects_unknown_wrong_amount_and_trade() -> None:
    assert _precheck(None, _pay()).reason == "unknown_trade"  # type: ignore[union-attr]
    wrong_amount = _precheck(_order(), _pay(amount=1))  # type: ignore[arg-type]
    assert wrong_amount is not None and (wrong_amount.outcome, wrong_amount.reason) == (
        "rejected",
        "amount_mismatch",
    )
    other_trade = _precheck(_order(), _pay(trade_no="T2"))  # type: ignore[arg-type]
    assert other_trade is not None and other_trade.reason == "trade_mismatch"
    assert other_trade.before == other_trade.after == "AWAITING_PAYMENT"


def test_precheck_duplicates_for_settled_orders() -> None:
    for status in ("DELIVERED", "PAID", "REFUND_PENDING", "REFUNDED"):
        out = _precheck(_order(status), _pay())  # type: ignore[arg-type]
        assert out is not None and out.outcome == "duplicate"


def test_key_codes_are_deterministic_and_shaped() -> None:
    a = [key_code(random.Random(3)) for _ in range(3)]
    assert a == [key_code(random.Random(3)) for _ in range(3)]
    assert all(re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", c) for c in a)


def test_seed_args_match_the_contract() -> None:
    args = parse_args(
        [
            "--products",
            "3",
            "--keys-per-product",
            "10",
            "--hot-stock",
            "2",
            "--users",
            "5",
            "--resellers",
            "1",
            "--seed",
            "9",
        ]
    )
    assert (
        args.products,
        args.keys_per_product,
        args.hot_stock,
        args.users,
        args.resellers,
        args.seed,
    ) == (3, 10, 2, 5, 1, 9)


def test_migrations_are_ordered_and_unique() -> None:
    versions = [v for v, _ in MIGRATIONS]
    assert versions == sorted(set(versions))


def test_routes_match_the_contract() -> None:
    app = create_app()
    paths = app.openapi()["paths"]
    routes = {(m.upper(), path) for path, ops in paths.items() for m in ops}
    expected = {
        ("POST", "/api/auth/register"),
        ("POST", "/api/auth/login"),
        ("GET", "/api/products"),
        ("GET", "/api/products/{product_id}"),
        ("POST", "/api/orders"),
        ("GET", "/api/orders/{order_no}"),
        ("GET", "/api/orders"),
        ("POST", "/api/reseller/orders"),
        ("GET", "/api/reseller/orders/{order_no}"),
        ("POST", "/api/pay/notify"),
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/metrics"),
    }
    assert expected <= routes
