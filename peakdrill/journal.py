"""The run journal: one JSON line per event (phase, request window, fault, container event)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class Journal:
    """Append-only, thread-safe JSONL event log with wall-clock timestamps (`t`, seconds)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("a", encoding="utf-8")

    def event(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Record an event now; returns it. Kinds: see docs/CONTRACTS.md."""
        with self._lock:  # stamp under the lock so the file is in time order
            record = {"t": round(time.time(), 6), "kind": kind, **fields}
            self._fh.write(json.dumps(record, default=str) + "\n")
            self._fh.flush()
        return record

    def close(self) -> None:
        """Flush and close the file."""
        with self._lock:
            if not self._fh.closed:
                self._fh.close()


def read_journal(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the events of a journal file in order."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
