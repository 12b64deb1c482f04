"""Outermost pure ASGI middleware: request counting, x-request-id, and the body limit by content-length."""
from __future__ import annotations

import itertools
import os

from . import metrics
from .errors import send_error

# Unique across workers and restarts: random per-process prefix + counter (cheaper than uuid4).
_PREFIX = os.urandom(6).hex() + "-"
_counter = itertools.count(1)


def new_request_id() -> str:
    """A new unique request id."""
    return _PREFIX + str(next(_counter))


class RequestContext:
    """Echoes (or assigns) x-request-id on every response and rejects declared oversize bodies with 413."""

    def __init__(self, app, max_body_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        metrics.DOWNSTREAM_RQ.inc()
        rid = None
        too_large = False
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                rid = value
            elif name == b"content-length":
                try:
                    too_large = int(value) > self.max_body
                except ValueError:
                    pass  # httptools already rejects malformed content-length
        if rid is None:
            rid = new_request_id().encode()
        scope["gw.rid"] = rid
        rid_header = (b"x-request-id", rid)

        async def send_with_rid(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), rid_header]
            await send(message)

        if too_large:
            await send_error(send_with_rid, 413, "payload_too_large")
            return
        await self.app(scope, receive, send_with_rid)
