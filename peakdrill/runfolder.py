"""Names of the files in a run folder (runs/<run_id>/); see docs/CONTRACTS.md for formats."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUNS_DIR = Path("runs")


@dataclass(frozen=True)
class RunFolder:
    """Paths inside one run folder. Everything a report needs is in here."""

    root: Path

    @property
    def scenario(self) -> Path:
        return self.root / "scenario.yaml"

    @property
    def stack_config(self) -> Path:
        return self.root / "stack_config.yaml"

    @property
    def meta(self) -> Path:
        return self.root / "meta.json"

    @property
    def journal(self) -> Path:
        return self.root / "journal.jsonl"

    @property
    def latency(self) -> Path:
        return self.root / "metrics" / "latency.jsonl"

    @property
    def arrivals(self) -> Path:
        return self.root / "metrics" / "arrivals.jsonl"

    @property
    def generator(self) -> Path:
        return self.root / "metrics" / "generator.jsonl"

    @property
    def containers(self) -> Path:
        return self.root / "metrics" / "containers.jsonl"

    @property
    def audit(self) -> Path:
        return self.root / "audit.json"

    @property
    def audit_snapshot(self) -> Path:
        return self.root / "audit_snapshot.json"

    @property
    def report_html(self) -> Path:
        return self.root / "report.html"

    @property
    def summary(self) -> Path:
        return self.root / "summary.json"

    @property
    def junit(self) -> Path:
        return self.root / "junit.xml"

    @property
    def charts(self) -> Path:
        return self.root / "charts"

    def create(self) -> RunFolder:
        """Make the folder and its metrics/ subfolder."""
        (self.root / "metrics").mkdir(parents=True, exist_ok=True)
        return self

    def read_meta(self) -> dict[str, Any]:
        """meta.json as a dict ({} when absent)."""
        if not self.meta.is_file():
            return {}
        return dict(json.loads(self.meta.read_text(encoding="utf-8")))

    def write_meta(self, meta: dict[str, Any]) -> None:
        """Replace meta.json."""
        self.meta.write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")

    def update_meta(self, **fields: Any) -> None:
        """Merge fields into meta.json."""
        meta = self.read_meta()
        meta.update(fields)
        self.write_meta(meta)
