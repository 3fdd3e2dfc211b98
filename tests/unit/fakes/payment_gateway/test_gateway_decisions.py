"""Fault decisions: seeded, independent of order, at the configured rate, counted."""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from fakes.payment_gateway.decisions import FaultEngine
from fakes.payment_gateway.faults import Fault

FAULT: TypeAdapter[Fault] = TypeAdapter(Fault)
REPO = Path(__file__).resolve().parents[4]


def fault(kind: str, probability: float, fid: str = "f1", **extra: object) -> Fault:
    return FAULT.validate_python({"id": fid, "kind": kind, "probability": probability, **extra})


def fired(engine: FaultEngine, f: Fault, keys: list[str], attempt: int = 1) -> set[str]:
    return {k for k in keys if engine.decide(f, k, attempt) is not None}


KEYS = [f"ORDER-{i}" for i in range(2000)]


def test_same_seed_same_decisions_in_any_order() -> None:
    f = fault("notify_drop", 0.3)
    first = fired(FaultEngine(7, [f]), f, KEYS)
    shuffled = KEYS[:]
    random.Random(1).shuffle(shuffled)
    assert fired(FaultEngine(7, [f]), f, shuffled) == first


def test_other_seed_other_decisions() -> None:
    f = fault("notify_drop", 0.3)
    assert fired(FaultEngine(7, [f]), f, KEYS) != fired(FaultEngine(8, [f]), f, KEYS)


def test_attempts_and_fault_ids_are_separate_streams() -> None:
    a, b = fault("notify_drop", 0.5, "a"), fault("notify_drop", 0.5, "b")
    engine = FaultEngine(7, [a, b])
    assert fired(engine, a, KEYS, 1) != fired(engine, a, KEYS, 2)
    assert fired(engine, a, KEYS, 1) != fired(engine, b, KEYS, 1)


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.9])
def test_rate_within_four_sigma(p: float) -> None:
    f = fault("notify_duplicate", p)
    n = len(KEYS)
    count = len(fired(FaultEngine(123, [f]), f, KEYS))
    assert abs(count - n * p) <= 4 * math.sqrt(n * p * (1 - p))


def test_probability_zero_and_one() -> None:
    never, always = fault("notify_drop", 0.0, "n"), fault("notify_drop", 1.0, "y")
    engine = FaultEngine(1, [never, always])
    assert fired(engine, never, KEYS[:300]) == set()
    assert fired(engine, always, KEYS[:300]) == set(KEYS[:300])


def test_counters_count_seen_and_fired() -> None:
    f = fault("notify_drop", 0.5)
    engine = FaultEngine(3, [f])
    n_fired = len(fired(engine, f, KEYS[:500]))
    assert (engine.counters["f1"].seen, engine.counters["f1"].fired) == (500, n_fired)
    engine.reset()
    assert engine.faults == [] and engine.counters["f1"].seen == 500  # evidence kept


def test_decisions_do_not_depend_on_hash_randomisation(tmp_path: Path) -> None:
    script = (
        "from fakes.payment_gateway.decisions import FaultEngine\n"
        "from test_gateway_decisions import fault, fired, KEYS\n"
        "f = fault('notify_drop', 0.3)\n"
        "print(sorted(fired(FaultEngine(7, [f]), f, KEYS[:300])))\n"
    )
    outs = []
    for hashseed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(Path(__file__).parent)])
        proc = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(proc.stdout)
    assert outs[0] == outs[1]
    f = fault("notify_drop", 0.3)
    assert json.loads(outs[0].replace("'", '"')) == sorted(
        fired(FaultEngine(7, [f]), f, KEYS[:300])
    )


def test_endpoint_faults_match_path_prefix() -> None:
    scoped = fault("endpoint_error", 1, "scoped", endpoint="/cashier")
    everywhere = fault("endpoint_latency", 1, "all", params={"delay_ms": 5})
    notify = fault("notify_drop", 1, "n")
    engine = FaultEngine(1, [scoped, everywhere, notify])
    assert [f.id for f in engine.endpoint_faults("/cashier/PD1/pay")] == ["scoped", "all"]
    assert [f.id for f in engine.endpoint_faults("/v1/payments")] == ["all"]
    assert [f.id for f in engine.notify_faults()] == ["n"]


def test_request_attempts_count_per_key() -> None:
    engine = FaultEngine(1)
    assert [engine.next_request_attempt("GET /a") for _ in range(3)] == [1, 2, 3]
    assert engine.next_request_attempt("GET /b") == 1


def test_add_remove_replace() -> None:
    engine = FaultEngine(1)
    f = fault("notify_drop", 1)
    assert engine.add(f) and not engine.add(f)
    assert engine.remove("f1") and not engine.remove("f1")
    engine.replace([f, fault("notify_replay", 1, "r")])
    assert [x.id for x in engine.faults] == ["f1", "r"]
