"""`python -m fakes.payment_gateway`: serve the fake gateway configured from GATEWAY_* vars."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from fakes.payment_gateway.server import serve
from fakes.payment_gateway.settings import from_env
from peakdrill.errors import PeakdrillError


def main() -> int:
    """Validate the environment, then serve until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per notification is noise
    try:
        settings = from_env(os.environ)
    except PeakdrillError as exc:
        print(f"gateway: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    try:
        import uvloop

        uvloop.run(serve(settings))
    except ImportError:
        asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
