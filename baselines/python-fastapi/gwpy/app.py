"""The FastAPI application, wrapped in the pure ASGI request-context and auth middlewares.

`app` (the import target for uvicorn) = RequestContext(AuthMiddleware(FastAPI routes)).
"""
from __future__ import annotations

import sys
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import metrics
from .auth import AuthMiddleware, TokenVerifier
from .config import ConfigError, load_config
from .context import RequestContext
from .errors import JSON, error_body
from .fanout import feed as fan_out
from .orphans import die_with_launcher
from .proxy import proxy
from .ready import mark_ready
from .upstream import Upstreams

try:
    CONFIG = load_config()
except ConfigError as exc:  # the launcher validated already; this guards direct `uvicorn gwpy.app:app`
    sys.stderr.write(f"{exc}\n")
    raise SystemExit(2) from None

UPSTREAMS = Upstreams(CONFIG)
HEALTH = b'{"status":"ok"}'
MEDIA_JSON = JSON.decode()


@asynccontextmanager
async def lifespan(_app: FastAPI):
    die_with_launcher()
    await UPSTREAMS.start()
    mark_ready()
    yield
    await UPSTREAMS.close()


# No OpenAPI/docs routes (they would answer where the contract says 404) and no slash redirects
# (/api/user/1/ is "anything else", not a 307 to /api/user/1).
api = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None, redirect_slashes=False)


@api.exception_handler(StarletteHTTPException)
async def not_found(_request: Request, _exc: StarletteHTTPException) -> Response:
    # Unknown paths (404) and known paths with another method (405) are both "anything else".
    return Response(error_body("not_found"), status_code=404, media_type=MEDIA_JSON)


@api.get("/healthz")
async def healthz() -> Response:
    return Response(HEALTH, media_type=MEDIA_JSON)


@api.get("/metrics")
async def prometheus_metrics() -> Response:
    return Response(metrics.render(), media_type=metrics.CONTENT_TYPE)


@api.get("/api/feed")
async def feed(request: Request) -> Response:
    params = request.query_params
    uid = params.get("uid")
    room_id = params.get("room_id")
    if not uid or not room_id:
        return Response(error_body("bad_request"), status_code=400, media_type=MEDIA_JSON)
    status, body = await fan_out(request.scope, UPSTREAMS, uid, room_id)
    return Response(body, status_code=status, media_type=MEDIA_JSON)


@api.get("/api/user/{uid}")
async def user(request: Request) -> Response:
    return await proxy(request.scope, request.receive, UPSTREAMS, UPSTREAMS.services["user"])


@api.post("/api/interact")
async def interact(request: Request) -> Response:
    return await proxy(request.scope, request.receive, UPSTREAMS, UPSTREAMS.services["interact"])


app = RequestContext(
    AuthMiddleware(api, TokenVerifier(CONFIG.jwt_alg, CONFIG.jwt_key, CONFIG.jwt_issuer)),
    CONFIG.max_body_bytes,
)
