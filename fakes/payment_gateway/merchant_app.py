"""Merchant API (create, query, close, refund) and cashier (pay) on port 8080."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field

from fakes.payment_gateway.ledger import Payment
from fakes.payment_gateway.metrics import CONTENT_TYPE
from fakes.payment_gateway.middleware import EndpointFaults
from fakes.payment_gateway.rsa_signing import public_pem
from fakes.payment_gateway.service import CreateRequest, Gateway, GatewayError
from peakdrill.yamlconfig import StrictModel

TradeNo = Field(min_length=1, max_length=64)


class CreateBody(StrictModel):
    """`POST /v1/payments` body."""

    out_trade_no: str = TradeNo
    amount_cents: int = Field(gt=0, le=100_000_000_00)
    subject: str = Field(max_length=256)
    notify_url: str = Field(min_length=8, max_length=2048, pattern=r"^https?://")


class RefundBody(StrictModel):
    """`POST /v1/payments/{out_trade_no}/refund` body."""

    out_refund_no: str = TradeNo
    amount_cents: int = Field(gt=0)


def payment_view(p: Payment) -> dict[str, Any]:
    """What query answers about a payment."""
    return {
        "trade_no": p.trade_no,
        "out_trade_no": p.out_trade_no,
        "status": p.status,
        "amount_cents": p.amount_cents,
        "paid_at": p.paid_at,
        "refunded_cents": p.refunded_cents,
    }


async def merchant(
    request: Request,
    x_merchant_id: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> str:
    """The authenticated merchant id (401 INVALID_MERCHANT otherwise)."""
    gateway: Gateway = request.app.state.gateway
    return gateway.authenticate(x_merchant_id, authorization)


Merchant = Annotated[str, Depends(merchant)]


def build_merchant_app(gateway: Gateway) -> FastAPI:
    """The merchant+cashier ASGI app, wrapped in the endpoint-fault middleware."""
    app = FastAPI(title="peakdrill fake payment gateway", docs_url=None, redoc_url=None)
    app.state.gateway = gateway

    @app.exception_handler(GatewayError)
    async def _business_error(_: Request, exc: GatewayError) -> JSONResponse:
        return JSONResponse({"code": exc.code}, status_code=exc.status)

    @app.post("/v1/payments")
    async def create(body: CreateBody, merchant_id: Merchant) -> dict[str, Any]:
        p = gateway.create(merchant_id, CreateRequest(**body.model_dump()))
        view = payment_view(p)
        return {k: view[k] for k in ("trade_no", "out_trade_no", "status", "amount_cents")} | {
            "cashier_path": f"/cashier/{p.trade_no}/pay"
        }

    @app.get("/v1/payments/{out_trade_no}")
    async def query(out_trade_no: str, merchant_id: Merchant) -> dict[str, Any]:
        return payment_view(gateway.query(merchant_id, out_trade_no))

    @app.post("/v1/payments/{out_trade_no}/close")
    async def close(out_trade_no: str, merchant_id: Merchant) -> dict[str, Any]:
        return {"status": gateway.close(merchant_id, out_trade_no).status}

    @app.post("/v1/payments/{out_trade_no}/refund")
    async def refund(out_trade_no: str, body: RefundBody, merchant_id: Merchant) -> dict[str, Any]:
        p = gateway.refund(merchant_id, out_trade_no, body.out_refund_no, body.amount_cents)
        return {"refunded_cents": p.refunded_cents}

    @app.post("/cashier/{trade_no}/pay")
    async def pay(trade_no: str) -> dict[str, Any]:
        return {"status": gateway.pay(trade_no).status}

    @app.get("/v1/public-key")
    async def public_key() -> Response:
        if gateway.rsa_key is None:
            raise GatewayError(404, "RSA_SIGNING_OFF")
        return Response(public_pem(gateway.rsa_key), media_type="application/x-pem-file")

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok"}

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(gateway.metrics.render(), media_type=CONTENT_TYPE)

    app.add_middleware(EndpointFaults, gateway=gateway)
    return app
