"""The load generator as a child process: started in its own session, read line by line.

Gevent (Locust) stays out of the rehearsal process; Ctrl-C reaches the generator only through
`stop()`, so the rehearsal decides the order of shutdown (stop load, heal, settle, audit).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

STOP_WAIT_S = 25.0  # the generator's own final wait is 15 s; then it is killed


class LoadProcess:
    """`python -m scenarios.openmodel run` with its stdout parsed into events."""

    def __init__(self, plan_path: Path, run_dir: Path, workers: int) -> None:
        cmd = [sys.executable, "-m", "scenarios.openmodel", "run", "--plan", str(plan_path)]
        cmd += ["--run-dir", str(run_dir), "--workers", str(workers)]
        self._log = (run_dir / "load.log").open("wb")
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=self._log,
            start_new_session=True,  # a terminal's Ctrl-C goes to the rehearsal only
            cwd=Path(__file__).resolve().parent.parent,
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="load-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            try:
                self.events.put(json.loads(raw))
            except ValueError:
                continue  # not ours (a library printing to stdout)
        self.events.put({"event": "exit"})

    def next_event(self, timeout_s: float) -> dict[str, Any] | None:
        """The next event line, or None after timeout_s."""
        try:
            return self.events.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def stop(self) -> int:
        """Ask the generator to stop (SIGINT), wait, kill its process group if it hangs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            self._kill_group()
            code = self.proc.wait(timeout=10)
        self._close()
        return code

    def wait(self, timeout_s: float) -> int:
        """Wait for a normal exit; stop it when it overruns."""
        try:
            code = self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return self.stop()
        self._close()
        return code

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: itself and its workers

    def _close(self) -> None:
        self._reader.join(timeout=5)
        self._log.close()
