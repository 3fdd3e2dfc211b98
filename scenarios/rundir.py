"""Run ids, stack names and the files a rehearsal writes before anything starts."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from peakdrill.runfolder import RUNS_DIR, RunFolder
from peakdrill.yamlconfig import dump_model
from scenarios.loader import LoadedScenario


def run_id(scenario: str, config: str, now: datetime | None = None) -> str:
    """`<UTC timestamp>-<scenario>-<config>`, e.g. 20260101T120000Z-flash_sale-baseline."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{scenario}-{config}"


def stack_name_for(rid: str) -> str:
    """`pd-<8 hex of the run id>`: short, DNS-safe, unique per run."""
    return "pd-" + hashlib.sha1(rid.encode()).hexdigest()[:8]


def folder_for(rid: str, out: Path | None) -> RunFolder:
    """runs/<run_id>/ unless --out names the folder."""
    return RunFolder(out if out is not None else RUNS_DIR / rid).create()


def write_inputs(folder: RunFolder, loaded: LoadedScenario) -> None:
    """The resolved scenario (its stack_config pointing at the config used) and stack config."""
    resolved = loaded.scenario.model_copy(update={"stack_config": str(loaded.config_path)})
    dump_model(resolved, folder.scenario)
    dump_model(loaded.config, folder.stack_config)
