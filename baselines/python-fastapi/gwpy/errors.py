"""The contract's JSON error responses as ready-made (status, headers, body) triples."""
from __future__ import annotations

import orjson

JSON = b"application/json"

_MESSAGES = {
    "bad_request": "missing or empty uid or room_id",
    "unauthorized": "missing or invalid bearer token",
    "not_found": "no such route",
    "payload_too_large": "request body larger than the limit",
    "header_too_large": "request header section larger than the limit",
    "bad_gateway": "upstream unreachable or failed",
    "upstream_timeout": "upstream did not answer in time",
    "circuit_open": "upstream circuit breaker is open",
}


def error_body(kind: str, message: str | None = None) -> bytes:
    """`{"error": kind, "message": ...}` as bytes."""
    return orjson.dumps({"error": kind, "message": message or _MESSAGES.get(kind, kind)})


async def send_error(send, status: int, kind: str, extra_headers: list | None = None) -> None:
    """Send a complete JSON error response on a raw ASGI `send`."""
    body = error_body(kind)
    headers = [(b"content-type", JSON), (b"content-length", str(len(body)).encode())]
    if extra_headers:
        headers.extend(extra_headers)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
