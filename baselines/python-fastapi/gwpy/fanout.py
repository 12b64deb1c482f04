"""GET /api/feed: user-status and barrage concurrently within the fan-out deadline."""
from __future__ import annotations

import asyncio
from urllib.parse import quote

import aiohttp
import orjson
from yarl import URL

from .upstream import Service, Upstreams, request_headers

_FAILED = object()  # transport error, non-2xx, bad JSON, or breaker open
_TIMED_OUT = object()  # not complete by the deadline


async def _part(upstreams: Upstreams, service: Service, path: str, headers) -> object:
    """The part's parsed JSON, or _FAILED. Records the breaker verdict (a deadline miss counts as failure)."""
    breaker = service.breaker
    if not breaker.allow():
        return _FAILED
    url = URL(service.balancer.pick() + path, encoded=True)
    service.rq.inc()
    try:
        async with upstreams.session.get(
            url, headers=headers, allow_redirects=False, trace_request_ctx=service.trace_ctx
        ) as resp:
            status = resp.status
            data = await resp.read()
    except asyncio.CancelledError:
        breaker.failure()  # only the deadline cancels a part
        raise
    except (aiohttp.ClientError, OSError):
        breaker.failure()
        return _FAILED
    if status >= 500:
        breaker.failure()
        return _FAILED
    breaker.success()
    if not 200 <= status < 300:
        return _FAILED
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return _FAILED


async def feed(scope, upstreams: Upstreams, uid: str, room_id: str) -> tuple[int, bytes]:
    """(status, JSON body) of the fan-out per the contract."""
    services = upstreams.services
    headers = request_headers(scope, with_body=False)
    status_task = asyncio.create_task(
        _part(upstreams, services["user_status"], "/status/" + quote(uid, safe=""), headers)
    )
    barrage_task = asyncio.create_task(
        _part(upstreams, services["barrage"], "/barrage/" + quote(room_id, safe=""), headers)
    )
    config = upstreams.config
    # Each part is also an upstream call, so it never gets longer than GW_UPSTREAM_TIMEOUT_MS
    # either (the reference gateway applies the same minimum).
    deadline = min(config.fanout_deadline_s, config.upstream_timeout_s)
    _, pending = await asyncio.wait((status_task, barrage_task), timeout=deadline)
    for task in pending:
        task.cancel()  # abandoned, never waited for
    user_status = _TIMED_OUT if status_task in pending else status_task.result()
    barrage = _TIMED_OUT if barrage_task in pending else barrage_task.result()
    degraded = []
    if user_status is _FAILED or user_status is _TIMED_OUT:
        degraded.append("user_status")
    if barrage is _FAILED or barrage is _TIMED_OUT:
        degraded.append("barrage")
    if len(degraded) == 2:
        if user_status is _TIMED_OUT and barrage is _TIMED_OUT:
            return 504, b'{"error":"upstream_timeout","message":"no fan-out part completed before the deadline"}'
        return 502, b'{"error":"bad_gateway","message":"every fan-out part failed"}'
    body = {
        "uid": uid,
        "room_id": room_id,
        "user_status": None if "user_status" in degraded else user_status,
        "barrage": None if "barrage" in degraded else barrage,
        "degraded": degraded,
    }
    return 200, orjson.dumps(body)
