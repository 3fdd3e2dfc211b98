"""Auto-pay: the gateway plays the customer itself, paying created payments after a delay."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from fakes.payment_gateway.decisions import stream_rng
from fakes.payment_gateway.distributions import sample_ms
from fakes.payment_gateway.settings import AutopayConfig

log = logging.getLogger("peakdrill.gateway.autopay")
MAX_SCHEDULED = 100_000  # bound on payments waiting to be auto-paid at once


class AutoPayer:
    """Schedules a pay for each new payment, decided per trade from the seed."""

    def __init__(self, seed: int, config: AutopayConfig, pay: Callable[[str], object]) -> None:
        self.seed, self.config, self._pay = seed, config, pay
        self._tasks: set[asyncio.Task[None]] = set()
        self.scheduled = 0
        self.skipped = 0

    def decide(self, out_trade_no: str) -> float | None:
        """Delay in ms before this trade is paid, or None when it is left unpaid."""
        if not self.config.enabled:
            return None
        rng = stream_rng(self.seed, "autopay", out_trade_no, 1)
        if rng.random() >= self.config.probability:
            return None
        return sample_ms(self.config, rng)

    def on_created(self, trade_no: str, out_trade_no: str) -> None:
        """Called once per new payment."""
        delay_ms = self.decide(out_trade_no)
        if delay_ms is None or len(self._tasks) >= MAX_SCHEDULED:
            self.skipped += delay_ms is not None
            return
        self.scheduled += 1
        task = asyncio.get_running_loop().create_task(self._later(trade_no, delay_ms))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _later(self, trade_no: str, delay_ms: float) -> None:
        await asyncio.sleep(delay_ms / 1000)
        try:
            self._pay(trade_no)
        except Exception as exc:  # closed meanwhile: a real customer would fail the same way
            log.debug("autopay %s: %s", trade_no, exc)

    def pending(self) -> int:
        """Payments still waiting to be auto-paid."""
        return len(self._tasks)

    async def stop(self) -> None:
        """Cancel everything still scheduled."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
