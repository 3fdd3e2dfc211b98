"""`stack` and `doctor` subcommands (owned by the stack role)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from peakdrill.errors import BadInput
from stack.names import DEFAULT_STACK, check_stack_name


def register(sub: Any) -> None:
    """Add this role's subcommands to the top-level parser."""
    stack = sub.add_parser("stack", help="bring the reference platform up/down, inspect it")
    ssub = stack.add_subparsers(dest="stack_command", metavar="ACTION", required=True)

    up = ssub.add_parser("up", help="build images if needed, start every service, wait healthy")
    up.add_argument("--config", default="baseline", help="config name or YAML path (baseline)")
    _stack_arg(up)
    up.add_argument("--seed", type=int, default=0, help="seed for the fake gateway (0)")
    up.set_defaults(func=cmd_up)

    down = ssub.add_parser("down", help="remove every container/network/volume of the stack")
    _stack_arg(down)
    down.set_defaults(func=cmd_down)

    status = ssub.add_parser("status", help="services, health, replicas, published endpoints")
    _stack_arg(status)
    status.set_defaults(func=cmd_status)

    logs = ssub.add_parser("logs", help="a service's container logs")
    logs.add_argument("service", help="postgres, redis, toxiproxy, gateway, shop-api, ...")
    logs.add_argument("--tail", type=int, default=100, help="lines per container (100)")
    _stack_arg(logs)
    logs.set_defaults(func=cmd_logs)

    doctor = sub.add_parser("doctor", help="check this machine: engine, Go, disk, base image")
    doctor.set_defaults(func=cmd_doctor)


def _stack_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stack", default=DEFAULT_STACK, help=f"stack name ({DEFAULT_STACK})")


def cmd_up(args: argparse.Namespace) -> int:
    """Bring a stack up and print its endpoints."""
    from stack import lifecycle
    from stack.config import load_stack_config, resolve_config_path

    name = check_stack_name(args.stack)
    config = load_stack_config(resolve_config_path(args.config))  # exit 2 before anything starts
    eps = lifecycle.up(config, name, _progress(), seed=args.seed)
    print(f"stack {eps.stack} is up (config {config.name})")
    for field in ("edge_url", "toxiproxy_url", "gateway_control_url", "gateway_cashier_url"):
        print(f"  {field:<20} {getattr(eps, field)}")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    """Remove everything labeled with the stack name."""
    from stack import lifecycle

    started = time.monotonic()
    count = lifecycle.down(check_stack_name(args.stack))
    print(f"stack {args.stack}: removed {count} resources in {time.monotonic() - started:.1f}s")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print one line per container with its health; exit 1 when something is unhealthy."""
    from stack import lifecycle, status

    boxes = lifecycle.service_containers(check_stack_name(args.stack))
    if not boxes:
        print(f"stack {args.stack}: not running")
        return 1
    rows = status.rows(boxes)
    print(f"{'SERVICE':<12} {'CONTAINER':<32} {'STATE':<10} {'HEALTH':<30} PUBLISHED")
    for r in rows:
        print(f"{r.service:<12} {r.container:<32} {r.state:<10} {r.health:<30} {r.published}")
    return 0 if all(r.health == "healthy" for r in rows) else 1


def cmd_logs(args: argparse.Namespace) -> int:
    """Print the logs of every container of one service."""
    from stack import lifecycle

    boxes = lifecycle.service_containers(check_stack_name(args.stack), args.service)
    if not boxes:
        raise BadInput(f"stack {args.stack}: no {args.service!r} containers")
    for box in boxes:
        print(f"==> {box.name} <==")
        sys.stdout.write(box.logs(tail=args.tail).decode("utf-8", "replace"))
    return 0


def cmd_doctor(_args: argparse.Namespace) -> int:
    """Tell the user what is missing and how to fix it; exit 1 if anything is."""
    from stack import doctor

    findings = doctor.run_checks()
    print(doctor.render(findings))
    return 0 if all(f.ok for f in findings) else 1


def _progress() -> Any:
    started = time.monotonic()

    def report(msg: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    return report
