"""`python -m stack.shop.api`: uvicorn with SHOP_WORKERS processes, uvloop and httptools."""

from __future__ import annotations

import os
import sys
import tempfile

import uvicorn

from stack.shop.settings import ConfigError, load_settings


def main() -> int:
    """Validate settings (refuse unsafe ones with one line), then serve on SHOP_PORT."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"shop-api: configuration error: {exc}", file=sys.stderr)
        return 2
    # worker processes write their metrics here; /metrics merges them
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="shop-metrics-"))
    uvicorn.run(
        "stack.shop.api.app:create_app",
        factory=True,
        host="0.0.0.0",
        port=settings.port,
        workers=settings.workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
