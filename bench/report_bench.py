"""Benchmark: report generation time and peak memory for a synthetic 10-minute run at 500 req/s.

Writes the run folder with reports.synthetic (10 endpoints, two faults), then builds the full
report (summary.json, junit.xml, charts, report.html) and, separately, the gate (summary + junit)
in child processes, printing wall time and the child's peak RSS.

    .venv/bin/python bench/report_bench.py [--duration-s 600] [--rate 500] [--keep DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports.synthetic import DEFAULT_ENDPOINTS, Endpoint, SynthFault, SynthRun, write_run

EXTRA = (
    Endpoint("GET /api/products/{id}", 0.1, 10.0),
    Endpoint("GET /api/orders", 0.05, 20.0),
    Endpoint("POST /api/auth/register", 0.02, 60.0),
    Endpoint("POST /api/reseller/orders", 0.03, 50.0),
    Endpoint("GET /api/reseller/orders/{order_no}", 0.05, 15.0),
)

STEPS = {
    "report": "from reports.build import build_report; import sys; build_report(Path(sys.argv[1]))",
    "gate": (
        "from reports.build import judge_run, write_verdicts; import sys; "
        "write_verdicts(judge_run(Path(sys.argv[1])))"
    ),
}


def child(step: str, run: Path) -> tuple[float, float]:
    """Run one step in a fresh interpreter; returns (seconds, that child's peak RSS in MB)."""
    code = (
        "from pathlib import Path; import resource; "
        + STEPS[step]
        + "; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, str(run)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    took = time.perf_counter() - start
    return took, int(out.stdout.split()[-1]) / 1024.0  # Linux ru_maxrss is in KiB


def main() -> None:
    """Generate, build, print figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration-s", type=int, default=600)
    ap.add_argument("--rate", type=float, default=500.0)
    ap.add_argument("--keep", type=Path, help="write the run here and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="pd-bench-") as tmp:
        run = args.keep or Path(tmp) / "bench-run"
        faults = (
            SynthFault("db-latency", 200, 60),
            SynthFault("gw-reset", 400, 45, target="gateway"),
        )
        spec = SynthRun(duration_s=args.duration_s, rate_per_s=args.rate, faults=faults,
                        endpoints=DEFAULT_ENDPOINTS + EXTRA)  # fmt: skip
        start = time.perf_counter()
        write_run(run, spec)
        gen = time.perf_counter() - start
        lines = sum(1 for _ in (run / "metrics" / "latency.jsonl").open())
        size = (run / "metrics" / "latency.jsonl").stat().st_size / 1e6
        print(f"synthetic run: {args.duration_s} s at {args.rate:.0f} req/s, "
              f"{len(spec.endpoints)} endpoints, {lines} latency lines ({size:.1f} MB), "
              f"generated in {gen:.1f} s")  # fmt: skip
        gate_s, gate_mb = child("gate", run)
        print(f"gate   (summary.json + junit.xml): {gate_s:6.2f} s, peak RSS {gate_mb:6.0f} MB")
        rep_s, rep_mb = child("report", run)
        print(f"report (all files + charts):       {rep_s:6.2f} s, peak RSS {rep_mb:6.0f} MB")


if __name__ == "__main__":
    main()
