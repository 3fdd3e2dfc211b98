"""Generator process entry: `run` (local or master with workers) and `worker`.

python -m scenarios.openmodel run --plan PLAN.json --run-dir DIR [--workers N]
python -m scenarios.openmodel worker --master-host HOST --master-port PORT
"""

from gevent import monkey

monkey.patch_all()  # before anything opens sockets or threads (Locust would do it on import)

import argparse  # noqa: E402
import logging  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from scenarios.openmodel.plan import LoadPlan  # noqa: E402


def _free_port(bind: str) -> int:
    with socket.socket() as s:
        s.bind((bind, 0))
        return int(s.getsockname()[1])


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scenarios.openmodel")
    sub = p.add_subparsers(dest="mode", required=True)
    run = sub.add_parser("run", help="generate load from a plan (locally or as master)")
    run.add_argument("--plan", type=Path, required=True)
    run.add_argument("--run-dir", type=Path, required=True)
    run.add_argument("--workers", type=int, default=0, help="local worker processes (0: none)")
    run.add_argument("--remote-workers", type=int, default=0, help="workers from other machines")
    run.add_argument("--bind", default="127.0.0.1", help="master address for workers")
    run.add_argument("--port", type=int, default=0, help="master port (0: a free one)")
    work = sub.add_parser("worker", help="join a master")
    work.add_argument("--master-host", default="127.0.0.1")
    work.add_argument("--master-port", type=int, required=True)
    return p


def main() -> int:
    """Dispatch to the chosen mode."""
    args = _parser().parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s: %(message)s")
    if args.mode == "worker":
        from scenarios.openmodel.worker import run_worker

        return run_worker(args.master_host, args.master_port)
    plan = LoadPlan.read(args.plan)
    if args.workers + args.remote_workers == 0:
        from scenarios.openmodel.local import run_local

        return run_local(plan, args.run_dir)
    from scenarios.openmodel.master import run_master

    port = args.port or _free_port(args.bind)
    return run_master(plan, args.run_dir, args.workers, args.remote_workers, args.bind, port)


if __name__ == "__main__":
    sys.exit(main())
