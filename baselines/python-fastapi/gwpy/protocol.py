"""uvicorn's httptools protocol plus the contract's header-size limit (431) and JSON 400s.

Stock uvicorn with httptools has no header-size limit at all: llhttp does not impose one and
uvicorn never counts (`--h11-max-incomplete-event-size` applies to the h11 protocol only, and
there an oversize header section becomes a plain-text 400, not 431). This subclass counts the
request line and every header as the parser delivers them and answers 431 once the section is
larger than GW_MAX_HEADER_BYTES; malformed requests get the contract's JSON 400 instead of
uvicorn's text one. Both close the connection, as uvicorn does for its 400.
It also counts accepted client connections for `gateway_downstream_cx_total`, because uvicorn
has no connection hook an ASGI app could use.
"""
from __future__ import annotations

import os

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from . import metrics
from .errors import error_body

# Same value the app validated (launcher validated the whole config before any worker started).
MAX_HEADER_BYTES = int(os.environ.get("GW_MAX_HEADER_BYTES", "16384"))
# httptools buffers one header's value until its CRLF arrives, so a client trickling a giant
# header never reaches the per-header check; this raw-bytes cap bounds that buffering.
RAW_HEADER_CAP = MAX_HEADER_BYTES + 65536
# "GET " + " HTTP/1.1\r\n": the request line around the URL, counted like Node's parser does.
REQUEST_LINE_OVERHEAD = 16


class HeaderTooLarge(Exception):
    """Raised inside a parser callback; httptools re-raises it as HttpParserCallbackError."""


def _response(status_line: bytes, kind: str) -> bytes:
    body = error_body(kind)
    return b"".join(
        [
            status_line,
            b"content-type: application/json\r\n",
            b"content-length: ",
            str(len(body)).encode(),
            b"\r\nconnection: close\r\n\r\n",
            body,
        ]
    )


RESPONSE_400 = _response(b"HTTP/1.1 400 Bad Request\r\n", "bad_request")
RESPONSE_431 = _response(b"HTTP/1.1 431 Request Header Fields Too Large\r\n", "header_too_large")


class GatewayHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol with a header-section limit (431) and JSON 400 responses."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._header_bytes = 0
        self._raw_in_headers = 0
        self._in_headers = True
        self._too_large = False

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        metrics.DOWNSTREAM_CX.inc()

    def data_received(self, data: bytes) -> None:
        if self._in_headers:
            self._raw_in_headers += len(data)
        super().data_received(data)
        if self._in_headers and self._raw_in_headers > RAW_HEADER_CAP and not self.transport.is_closing():
            self._too_large = True
            self.send_400_response("")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = REQUEST_LINE_OVERHEAD

    def on_url(self, url: bytes) -> None:
        self._header_bytes += len(url)
        if self._header_bytes > MAX_HEADER_BYTES:
            self._too_large = True
            raise HeaderTooLarge()
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4  # ": " and CRLF
        if self._header_bytes > MAX_HEADER_BYTES:
            self._too_large = True
            raise HeaderTooLarge()
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_headers = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_headers = True
        self._raw_in_headers = 0

    def send_400_response(self, msg: str) -> None:
        """Called by uvicorn for every parser error; ours distinguishes the oversize header case."""
        self.transport.write(RESPONSE_431 if self._too_large else RESPONSE_400)
        self.transport.close()
