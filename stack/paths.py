"""Repository paths the stack role uses (build inputs and the host-side cache)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMAGES_DIR = REPO / "stack" / "images"
# PEAKDRILL_CACHE moves the cache (wheels, toxiproxy binary) e.g. onto a CI cache volume.
CACHE_DIR = Path(os.environ.get("PEAKDRILL_CACHE", REPO / ".cache"))
