"""`run.py audit` against real stacks: every invariant holds with the guards on; with
integrity_guards false, concurrent duplicate notifications double-deliver and the audit names
the order and the keys."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import running_stack
from shop_helpers import Buyer, gateway_fault, notification, seed, shop_env

from peakdrill.runfolder import RunFolder
from reports.audit import check_snapshot, run_audit
from stack.config import load_stack_config, resolve_config_path
from stack.endpoints import StackEndpoints

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
ROOT = Path(__file__).resolve().parents[2]
DELIVERY_S = 30
# the worker resyncs stock counters every reconcile_interval_s (5 s in both configs)
SETTLE_S = 8


def audit_cli(stack: str) -> tuple[int, dict[str, Any]]:
    """`python run.py audit --stack NAME --json` as a user runs it."""
    proc = subprocess.run(
        [sys.executable, "run.py", "audit", "--stack", stack, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.stdout.strip(), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def duplicate_burst(
    ep: StackEndpoints, buyer: Buyer, order: dict[str, Any], copies: int = 20
) -> None:
    """Pay while the gateway's own notification is dropped, then send `copies` at once."""
    body, headers = notification(order, shop_env(ep, "SHOP_MERCHANT_SECRET"))
    with gateway_fault(ep, "notify_drop"):
        buyer.pay(order)
        with ThreadPoolExecutor(copies) as pool:
            list(
                pool.map(
                    lambda _: httpx.post(
                        f"{ep.edge_url}/api/pay/notify", content=body, headers=headers, timeout=30
                    ),
                    range(copies),
                )
            )
        buyer.wait_status(order["order_no"], "DELIVERED", DELIVERY_S)


def test_guarded_stack_passes_every_invariant(
    baseline_stack: StackEndpoints, tmp_path: Path
) -> None:
    ep = baseline_stack
    product = seed(ep, products=1, keys_per_product=20, hot_stock=0, users=6, resellers=0, seed=21)[
        "products"
    ][0]
    buyers = [Buyer(ep, i) for i in range(6)]
    paid = [b.order(product["id"], 2).json() for b in buyers[:3]]
    for b, o in zip(buyers, paid, strict=False):
        b.pay(o)
    burst = buyers[3].order(product["id"], 1).json()
    duplicate_burst(ep, buyers[3], burst)
    unpaid = buyers[4].order(product["id"], 1).json()  # open, well within its TTL
    forged = notification(unpaid, "forged-secret-0123456789")
    assert (
        httpx.post(
            f"{ep.edge_url}/api/pay/notify", content=forged[0], headers=forged[1]
        ).status_code
        == 400
    )
    for b, o in zip(buyers, paid, strict=False):
        b.wait_status(o["order_no"], "DELIVERED", DELIVERY_S)
    time.sleep(SETTLE_S)
    code, verdicts = audit_cli(ep.stack)
    failing = [i for i in verdicts["invariants"] if i["valid"] is not True]
    assert (code, verdicts["valid"], failing) == (0, True, [])
    assert len(verdicts["invariants"]) == 8
    # the Python API the rehearsal uses writes both files, and the report can rebuild from them
    folder = RunFolder(tmp_path / "run").create()
    result = run_audit(ep.stack, folder)
    assert result.valid
    assert check_snapshot(json.loads(folder.audit_snapshot.read_text())).to_json() == json.loads(
        folder.audit.read_text()
    )


@pytest.fixture(scope="module")
def unguarded() -> Iterator[StackEndpoints]:
    """Own stack from stack/configs/unguarded.yaml (always downed)."""
    with running_stack(load_stack_config(resolve_config_path("unguarded")), "audit") as ep:
        seed(ep, products=1, keys_per_product=30, hot_stock=0, users=2, resellers=0, seed=5)
        yield ep


def test_unguarded_double_delivery_is_caught_with_ids(unguarded: StackEndpoints) -> None:
    ep = unguarded
    product_id = httpx.get(f"{ep.edge_url}/api/products", timeout=30).json()[0]["id"]
    buyer = Buyer(ep, 0)
    order = buyer.order(product_id, 1).json()
    duplicate_burst(ep, buyer, order)
    time.sleep(SETTLE_S)
    code, verdicts = audit_cli(ep.stack)
    assert code == 1 and verdicts["valid"] is False
    double = next(i for i in verdicts["invariants"] if i["name"] == "no_double_delivery")
    assert double["valid"] is False
    named = [
        e
        for e in double["evidence"]
        if e.get("order_no") == order["order_no"] or order["order_no"] in e.get("order_nos", [])
    ]
    assert named, double["evidence"]
    delivered = buyer.get(order["order_no"]).json()["keys"]
    assert len(delivered) > 1  # the buyer really got more than bought
    key_ids = {k["id"] for k in delivered}
    assert any(e.get("key_id") in key_ids or set(e.get("key_ids", [])) & key_ids for e in named)
    text = subprocess.run(
        [sys.executable, "run.py", "audit", "--stack", ep.stack],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert text.returncode == 1 and order["order_no"] in text.stdout and "FAIL" in text.stdout
