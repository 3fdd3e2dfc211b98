"""Control API on port 8081: faults, auto-pay, ledger, request log, counters, health, metrics."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from fakes.payment_gateway.faults import FAULT_KINDS, Fault, FaultList
from fakes.payment_gateway.metrics import CONTENT_TYPE
from fakes.payment_gateway.service import Gateway
from fakes.payment_gateway.settings import AutopayConfig
from peakdrill.yamlconfig import format_loc


def _is_tag(part: int | str) -> bool:
    # pydantic puts the union member (a fault kind or a validator name) into error locations
    return isinstance(part, str) and (part in FAULT_KINDS or part.startswith("function-"))


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    """422 with the field path of every error, e.g. `faults[0].params.delay_ms: ...`."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"][1:] if not _is_tag(p))
        errors.append(f"{format_loc(loc)}: {err['msg']}")
    return JSONResponse({"code": "INVALID", "errors": errors}, status_code=422)


def build_control_app(gateway: Gateway) -> FastAPI:
    """The control ASGI app (never subject to endpoint faults)."""
    app = FastAPI(title="peakdrill gateway control", docs_url=None, redoc_url=None)
    app.add_exception_handler(RequestValidationError, _validation_error)
    engine = gateway.engine

    def faults_doc() -> dict[str, Any]:
        return {"faults": [f.model_dump(mode="json") for f in engine.faults]}

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "notifier": gateway.notifier.stats()["queue_depth"]}

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(gateway.metrics.render(), media_type=CONTENT_TYPE)

    @app.get("/control/faults")
    async def get_faults() -> dict[str, Any]:
        return faults_doc()

    @app.put("/control/faults")
    async def put_faults(body: FaultList) -> dict[str, Any]:
        engine.replace(list(body.faults))
        return faults_doc()

    @app.post("/control/faults", status_code=201)
    async def post_fault(fault: Fault) -> Any:
        if not engine.add(fault):
            return JSONResponse({"code": "FAULT_EXISTS", "id": fault.id}, status_code=409)
        return fault.model_dump(mode="json")

    @app.delete("/control/faults/{fault_id}", status_code=204)
    async def delete_fault(fault_id: str) -> Response:
        if not engine.remove(fault_id):
            return JSONResponse({"code": "FAULT_NOT_FOUND", "id": fault_id}, status_code=404)
        return Response(status_code=204)

    @app.post("/control/faults/reset")
    async def reset_faults() -> dict[str, Any]:
        engine.reset()
        return faults_doc()

    @app.get("/control/autopay")
    async def get_autopay() -> dict[str, Any]:
        return gateway.autopay.config.model_dump(mode="json")

    @app.post("/control/autopay")
    async def set_autopay(body: AutopayConfig) -> dict[str, Any]:
        gateway.set_autopay(body)
        return body.model_dump(mode="json")

    @app.get("/control/ledger")
    async def ledger() -> dict[str, Any]:
        return gateway.ledger.export()

    @app.get("/control/requests")
    async def requests(limit: int = Query(1000, ge=0, le=10_000)) -> dict[str, Any]:
        return {"total": gateway.requests.total, "requests": gateway.requests.recent(limit)}

    @app.get("/control/counters")
    async def counters() -> dict[str, Any]:
        out: dict[str, Any] = {k: vars(c) for k, c in engine.counters.items()}
        stats = gateway.notifier.stats()
        out["notifications"] = {
            k: stats[k] for k in ("sent", "acked", "failed_attempts", "exhausted")
        }
        return out

    @app.get("/control/notifier")
    async def notifier() -> dict[str, Any]:
        return gateway.notifier.stats() | {"autopay_pending": gateway.autopay.pending()}

    return app
