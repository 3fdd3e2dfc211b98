"""The real gateway on 127.0.0.1: ledger and pending notifications survive a crash; real
transport faults (reset, empty response, hang) on its sockets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fakes.payment_gateway.harness import REPO, Delivery, GatewayProcess, Receiver, gateway_env

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]
MERCHANT, SECRET = "peakdrill-shop", "itest-secret"
AUTH = {"X-Merchant-Id": MERCHANT, "Authorization": f"Bearer {SECRET}"}


def create(gw: GatewayProcess, out_trade_no: str, url: str, amount: int = 500) -> dict[str, str]:
    body = {
        "out_trade_no": out_trade_no,
        "amount_cents": amount,
        "subject": "key",
        "notify_url": url,
    }
    r = httpx.post(gw.merchant_url + "/v1/payments", json=body, headers=AUTH, timeout=10)
    assert r.status_code == 200, r.text
    return dict(r.json())


def wait_for(check: object, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_ledger_and_pending_notifications_survive_a_kill(tmp_path: Path) -> None:
    shop_up = False

    def reply(_: Delivery, __: int) -> tuple[int, bytes]:
        return (200, b"success") if shop_up else (503, b"down")

    env = gateway_env(MERCHANT, SECRET, seed=5, retry_schedule_s=",".join(["1"] * 10))
    with Receiver(reply) as rx:
        gw = GatewayProcess(tmp_path, env).start()
        try:
            for i in range(20):
                p = create(gw, f"K-{i}", rx.url)
                if i < 15:
                    assert httpx.post(gw.merchant_url + p["cashier_path"]).status_code == 200
            for i in (15, 16):
                httpx.post(f"{gw.merchant_url}/v1/payments/K-{i}/close", headers=AUTH)
            refund = {"out_refund_no": "RF-1", "amount_cents": 200}
            httpx.post(f"{gw.merchant_url}/v1/payments/K-0/refund", json=refund, headers=AUTH)
            wait_for(lambda: rx.count() >= 15)  # first sends happened and failed
            before = gw.control("GET", "/control/ledger")
        finally:
            assert gw.kill() == -9  # a crash: no shutdown, no checkpoint
        shop_up = True
        with GatewayProcess(tmp_path, env) as gw2:
            after = gw2.control("GET", "/control/ledger")
            assert after["payments"] == before["payments"]
            assert after["events"][: len(before["events"])] == before["events"]
            wait_for(lambda: gw2.control("GET", "/control/notifier")["queue_depth"] == 0)
            assert gw2.control("GET", "/control/counters")["notifications"]["acked"] == 15
            status = httpx.get(f"{gw2.merchant_url}/v1/payments/K-0", headers=AUTH).json()
            assert (status["status"], status["refunded_cents"]) == ("TRADE_SUCCESS", 200)
    acked = {d.json()["out_trade_no"] for d in rx.deliveries[-15:]}
    assert acked == {f"K-{i}" for i in range(15)}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayProcess]:
    env = gateway_env(MERCHANT, SECRET, seed=1)
    with GatewayProcess(tmp_path_factory.mktemp("gw"), env) as gw:
        yield gw


def set_fault(gw: GatewayProcess, kind: str, **params: object) -> None:
    fault = {"id": kind, "kind": kind, "endpoint": "/v1/payments", "params": params}
    gw.control("PUT", "/control/faults", json={"faults": [fault]})


def query(gw: GatewayProcess, timeout_s: float = 5) -> httpx.Response:
    return httpx.get(gw.merchant_url + "/v1/payments/none", headers=AUTH, timeout=timeout_s)


def test_reset_sends_a_tcp_rst(gateway: GatewayProcess) -> None:
    set_fault(gateway, "endpoint_reset")
    with pytest.raises(httpx.ReadError, match="reset by peer"):
        query(gateway)


def test_empty_response_closes_without_a_byte(gateway: GatewayProcess) -> None:
    set_fault(gateway, "endpoint_empty")
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        query(gateway)


def test_hang_never_answers_and_is_bounded(gateway: GatewayProcess) -> None:
    set_fault(gateway, "endpoint_hang", hang_ms=600)
    with pytest.raises(httpx.ReadTimeout):
        query(gateway, timeout_s=0.2)
    start = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError):
        query(gateway, timeout_s=5)
    assert 0.6 <= time.monotonic() - start < 3


def test_errors_and_latency_on_the_wire(gateway: GatewayProcess) -> None:
    set_fault(gateway, "endpoint_error", status=502)
    r = query(gateway)
    assert (r.status_code, r.json()["code"]) == (502, "FAULT_INJECTED")
    set_fault(gateway, "endpoint_latency", distribution="fixed", delay_ms=250)
    start = time.monotonic()
    assert query(gateway).status_code == 404  # served, late
    assert time.monotonic() - start >= 0.25


def test_gateway_stays_healthy_and_logs_every_fault(gateway: GatewayProcess) -> None:
    gateway.control("POST", "/control/faults/reset")
    assert httpx.get(gateway.control_url + "/healthz").json()["status"] == "ok"
    assert query(gateway).status_code == 404
    log = gateway.control("GET", "/control/requests?limit=100")["requests"]
    outcomes = [e.get("outcome") or e["status"] for e in log if e["fault"]]
    assert {"reset", "empty", "hang", 502} <= set(outcomes)
    counters = gateway.control("GET", "/control/counters")
    assert counters["endpoint_hang"] == {"seen": 2, "fired": 2}


def test_sigterm_stops_cleanly_and_bad_config_exits_2(tmp_path: Path) -> None:
    gw = GatewayProcess(tmp_path / "ok", gateway_env(MERCHANT, SECRET)).start()
    assert httpx.get(gw.merchant_url + "/healthz").status_code == 200
    assert gw.stop() == 0
    bad = {**gateway_env(MERCHANT, SECRET), "GATEWAY_FAULTS_JSON": '{"faults": [{"id": "x"}]}'}
    env = {**os.environ, "PYTHONPATH": str(REPO), **bad}
    proc = subprocess.run(
        [sys.executable, "-m", "fakes.payment_gateway"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "gateway: error: GATEWAY_FAULTS_JSON: faults.faults[0]: Unable to extract tag using "
        "discriminator 'kind'"
    ]
