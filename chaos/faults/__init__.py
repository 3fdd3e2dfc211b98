"""One module per fault kind; importing this package registers all of them."""

from chaos.faults import (
    bandwidth,
    cpu_squeeze,
    down,
    gateway,
    kill,
    latency,
    limit_data,
    pause,
    reset_peer,
    restart,
    slicer,
    slow_close,
    timeout,
)

__all__ = [
    "bandwidth",
    "cpu_squeeze",
    "down",
    "gateway",
    "kill",
    "latency",
    "limit_data",
    "pause",
    "reset_peer",
    "restart",
    "slicer",
    "slow_close",
    "timeout",
]
