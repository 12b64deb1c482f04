"""Streaming reverse proxy for /api/user/:uid and POST /api/interact."""
from __future__ import annotations

import asyncio

import aiohttp
from starlette.responses import Response
from yarl import URL

from .errors import send_error
from .upstream import Service, Upstreams, request_headers, response_headers


class BodyTooLarge(Exception):
    """The client streamed more than GW_MAX_BODY_BYTES."""


class _BodyStream:
    """Client body as an async iterator for aiohttp, enforcing the size limit while streaming."""

    def __init__(self, receive, first: bytes, limit: int) -> None:
        self.receive = receive
        self.first = first
        self.limit = limit
        self.total = len(first)
        self.too_large = False
        self.client_gone = False

    async def __aiter__(self):
        if self.first:
            yield self.first
        while True:
            message = await self.receive()
            if message["type"] != "http.request":
                self.client_gone = True
                raise ConnectionResetError("client disconnected while sending the body")
            chunk = message.get("body", b"")
            self.total += len(chunk)
            if self.total > self.limit:
                self.too_large = True
                raise BodyTooLarge()
            if chunk:
                yield chunk
            if not message.get("more_body", False):
                return


class _ErrorResponse(Response):
    def __init__(self, status: int, kind: str) -> None:
        self.status_code = status
        self.kind = kind
        self.background = None

    async def __call__(self, scope, receive, send) -> None:
        await send_error(send, self.status_code, self.kind)


class _StreamedUpstream(Response):
    """Writes an aiohttp response to the client as it arrives; returns its connection to the pool."""

    def __init__(self, resp: aiohttp.ClientResponse) -> None:
        self.resp = resp
        self.status_code = resp.status
        self.background = None

    async def __call__(self, scope, receive, send) -> None:
        resp = self.resp
        try:
            await send(
                {"type": "http.response.start", "status": resp.status, "headers": response_headers(resp.raw_headers)}
            )
            remaining = resp.content_length
            async for chunk in resp.content.iter_any():
                if remaining is not None:
                    remaining -= len(chunk)
                    if remaining <= 0:  # last piece: finish in the same message
                        await send({"type": "http.response.body", "body": chunk})
                        return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            resp.release()


async def proxy(scope, receive, upstreams: Upstreams, service: Service) -> Response:
    """Forward the request to one instance of `service`; map failures to 502/503/504/413."""
    breaker = service.breaker
    if not breaker.allow():
        return _ErrorResponse(503, "circuit_open")
    config = upstreams.config
    method = scope["method"]
    body = None
    stream = None
    if method not in ("GET", "HEAD"):
        first = await receive()
        chunk = first.get("body", b"")
        if len(chunk) > config.max_body_bytes:
            breaker.release()
            return _ErrorResponse(413, "payload_too_large")
        if first.get("more_body", False):
            body = stream = _BodyStream(receive, chunk, config.max_body_bytes)
        else:
            body = chunk  # the whole body already arrived in one piece
    path = scope["raw_path"]
    if scope["query_string"]:
        path = path + b"?" + scope["query_string"]
    url = URL(service.balancer.pick() + path.decode("latin-1"), encoded=True)
    service.rq.inc()
    try:
        async with asyncio.timeout(config.upstream_timeout_s):
            resp = await upstreams.session.request(
                method,
                url,
                headers=request_headers(scope, body is not None),
                data=body,
                allow_redirects=False,
                trace_request_ctx=service.trace_ctx,
            )
    except TimeoutError:
        breaker.failure()
        return _ErrorResponse(504, "upstream_timeout")
    except (aiohttp.ClientError, OSError, BodyTooLarge):
        if stream is not None and stream.too_large:
            breaker.release()
            return _ErrorResponse(413, "payload_too_large")
        if stream is not None and stream.client_gone:
            breaker.release()  # says nothing about the upstream; nobody reads this answer
            return _ErrorResponse(400, "bad_request")
        breaker.failure()
        return _ErrorResponse(502, "bad_gateway")
    except BaseException:
        breaker.release()
        raise
    if resp.status >= 500:
        breaker.failure()
    else:
        breaker.success()
    return _StreamedUpstream(resp)
