"""Container CPU/memory sampled through the Docker API, and container events into the journal."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peakdrill.journal import Journal
from stack.names import LABEL_SERVICE, stack_filter

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container

# docker event actions worth a journal line (exec_* and the like are noise)
EVENT_ACTIONS = frozenset(
    {"create", "start", "restart", "die", "kill", "stop", "pause", "unpause", "oom", "destroy"}
)


def cpu_mem(stats: dict[str, Any]) -> tuple[float, float]:
    """(CPU % of one core, memory MiB without page cache) from one Docker stats sample."""
    cpu, pre = stats.get("cpu_stats") or {}, stats.get("precpu_stats") or {}
    used = (cpu.get("cpu_usage") or {}).get("total_usage", 0) - (pre.get("cpu_usage") or {}).get(
        "total_usage", 0
    )
    system = cpu.get("system_cpu_usage", 0) - pre.get("system_cpu_usage", 0)
    online = cpu.get("online_cpus") or len((cpu.get("cpu_usage") or {}).get("percpu_usage") or [1])
    pct = used / system * online * 100.0 if system > 0 and used >= 0 else 0.0
    mem = stats.get("memory_stats") or {}
    detail = mem.get("stats") or {}
    cache = detail.get("inactive_file", detail.get("total_inactive_file", 0))
    return pct, max(0, mem.get("usage", 0) - cache) / (1024 * 1024)


class ContainerSampler:
    """Every interval_s, one stats sample per container of the stack -> containers.jsonl."""

    def __init__(self, docker: DockerClient, stack: str, path: Path, interval_s: float = 5.0):
        self.docker, self.stack, self.interval_s = docker, stack, interval_s
        self._fh = path.open("a", encoding="utf-8")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="container-sampler", daemon=True)
        self.samples = 0

    def start(self) -> None:
        """Sample in the background until stop()."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling (bounded wait) and close the file."""
        self._stop.set()
        self._thread.join(timeout=15)
        self._fh.close()

    def _loop(self) -> None:
        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="stats") as pool:
            while not self._stop.is_set():
                began = time.monotonic()
                with contextlib.suppress(Exception):  # the engine may be busy; skip a round
                    self._round(pool)
                self._stop.wait(max(0.5, self.interval_s - (time.monotonic() - began)))

    def _round(self, pool: ThreadPoolExecutor) -> None:
        boxes = self.docker.containers.list(filters=stack_filter(self.stack))
        for line in pool.map(_sample, boxes):
            if line is not None and not self._fh.closed:
                self._fh.write(json.dumps(line) + "\n")
                self.samples += 1
        if not self._fh.closed:
            self._fh.flush()


def _sample(box: Container) -> dict[str, Any] | None:
    try:
        stats = box.stats(stream=False)
    except Exception:  # gone between list and stats (a kill fault)
        return None
    pct, mem = cpu_mem(stats)
    service = box.labels.get(LABEL_SERVICE, "")
    return {
        "t": round(time.time(), 3),
        "service": service,
        "container": box.name,
        "cpu_pct": round(pct, 2),
        "mem_mb": round(mem, 1),
    }


class EventWatcher:
    """Journals the stack's container events (start, die, kill, ...) from the Docker API."""

    def __init__(self, docker: DockerClient, stack: str, journal: Journal) -> None:
        self.journal = journal
        filters = {**stack_filter(stack), "type": ["container"]}
        self._stream = docker.events(decode=True, filters=filters, since=int(time.time()))
        self._thread = threading.Thread(target=self._loop, name="docker-events", daemon=True)

    def start(self) -> None:
        """Watch in the background until stop()."""
        self._thread.start()

    def stop(self) -> None:
        """Close the event stream."""
        with contextlib.suppress(Exception):
            self._stream.close()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        with contextlib.suppress(Exception):  # the stream raises when closed
            for ev in self._stream:
                action = str(ev.get("Action") or ev.get("status") or "")
                if action in EVENT_ACTIONS:
                    attrs = (ev.get("Actor") or {}).get("Attributes") or {}
                    with contextlib.suppress(ValueError):  # journal closed at the very end
                        self.journal.event(
                            "container",
                            action=action,
                            service=attrs.get(LABEL_SERVICE, ""),
                            container=attrs.get("name", ""),
                            source="docker",
                        )
