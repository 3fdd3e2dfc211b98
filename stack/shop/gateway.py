"""Server-to-server client for the payment gateway (through the `gateway` proxy)."""

from __future__ import annotations

from typing import Any, Literal

import httpx

from stack.shop.settings import ShopSettings

CloseOutcome = Literal["closed", "paid", "missing"]


class GatewayError(Exception):
    """The gateway failed, timed out or answered something we cannot act on."""

    def __init__(self, message: str, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class GatewayClient:
    """create / query / close / refund, each bounded by SHOP_GATEWAY_TIMEOUT_MS."""

    def __init__(
        self, settings: ShopSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.notify_url = settings.notify_url
        self._http = httpx.AsyncClient(
            base_url=settings.gateway_url,
            timeout=settings.gateway_timeout_ms / 1000,
            headers={
                "X-Merchant-Id": settings.merchant_id,
                "Authorization": f"Bearer {settings.merchant_secret}",
            },
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            transport=transport,
        )

    async def create_payment(
        self, order_no: str, amount_cents: int, subject: str
    ) -> dict[str, Any]:
        """POST /v1/payments (idempotent on out_trade_no at the gateway)."""
        body = {
            "out_trade_no": order_no,
            "amount_cents": amount_cents,
            "subject": subject,
            "notify_url": self.notify_url,
        }
        return await self._request("POST", "/v1/payments", json=body)

    async def query(self, order_no: str) -> dict[str, Any] | None:
        """The gateway's view of a payment, or None when it never existed."""
        try:
            return await self._request("GET", f"/v1/payments/{order_no}")
        except GatewayError as exc:
            if exc.code == "TRADE_NOT_EXIST":
                return None
            raise

    async def close(self, order_no: str) -> CloseOutcome:
        """Close an unpaid trade; "paid" when the buyer won the race (TRADE_HAS_SUCCESS)."""
        try:
            await self._request("POST", f"/v1/payments/{order_no}/close")
        except GatewayError as exc:
            if exc.code == "TRADE_HAS_SUCCESS":
                return "paid"
            if exc.code == "TRADE_NOT_EXIST":
                return "missing"
            raise
        return "closed"

    async def refund(self, order_no: str, out_refund_no: str, amount_cents: int) -> dict[str, Any]:
        """Refund (idempotent on out_refund_no)."""
        body = {"out_refund_no": out_refund_no, "amount_cents": amount_cents}
        return await self._request("POST", f"/v1/payments/{order_no}/refund", json=body)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            resp = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise GatewayError(f"{method} {path}: {type(exc).__name__}") from exc
        data = _json_or_none(resp)
        if resp.status_code >= 300:
            code = str(data.get("code", "")) if isinstance(data, dict) else ""
            raise GatewayError(
                f"{method} {path}: HTTP {resp.status_code} {code}", resp.status_code, code
            )
        if not isinstance(data, dict):
            raise GatewayError(f"{method} {path}: unexpected body", resp.status_code)
        return data


def _json_or_none(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None
