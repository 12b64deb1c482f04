"""Per-worker upstream client state: one aiohttp session, and per service a balancer and a breaker."""
from __future__ import annotations

import aiohttp

from . import metrics
from .balancer import WeightedRoundRobin
from .breaker import Breaker, SharedMemory
from .config import Config

# Pool sizing per worker. limit_per_host bounds connections to one instance; limit bounds the
# worker's total (5 instances). Both are far above the in-flight count a 2-core box sustains,
# so requests do not queue for a connection, while a stalled upstream cannot eat the fd budget.
POOL_LIMIT = 2048
POOL_LIMIT_PER_HOST = 512
# Idle pooled upstream connections are closed after this. Same as the reference gateway's undici
# pool (4 s), far below the mock upstreams' 120 s (the gateway always closes first, so it never
# reuses a connection the upstream is closing). Under load a pooled connection never idles this
# long, so reuse is unaffected; connections left over from a burst are shed after 4 s.
KEEPALIVE_TIMEOUT_S = 4.0

HOP_BY_HOP = frozenset(
    [
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    ]
)
# Replaced by the gateway (x-*), not forwarded (authorization), set by aiohttp from the URL
# (host), or handled by the gateway itself with the client (expect: 100-continue).
_REPLACED = frozenset([b"authorization", b"host", b"x-request-id", b"x-forwarded-for", b"x-user-id", b"expect"])
_SKIP_REQUEST = HOP_BY_HOP | _REPLACED
_SKIP_REQUEST_NO_BODY = _SKIP_REQUEST | {b"content-length", b"content-type"}
# uvicorn adds its own date header to every response, and RequestContext the x-request-id.
_SKIP_RESPONSE = HOP_BY_HOP | {b"date", b"x-request-id"}


def _connection_tokens(value: bytes) -> set[bytes]:
    return {t.strip().lower() for t in value.split(b",") if t.strip()}


def request_headers(scope, with_body: bool) -> list[tuple[str, str]]:
    """Headers to send upstream: client's minus hop-by-hop (and those named in Connection) plus x-* ones."""
    raw = scope["headers"]
    skip = _SKIP_REQUEST if with_body else _SKIP_REQUEST_NO_BODY
    named: set[bytes] = set()
    xff = None
    for name, value in raw:
        if name == b"connection":
            named |= _connection_tokens(value)
        elif name == b"x-forwarded-for":
            xff = value if xff is None else xff + b", " + value
    out = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, value in raw
        if name not in skip and name not in named
    ]
    client = scope["client"][0] if scope.get("client") else "unknown"
    out.append(("x-request-id", scope["gw.rid"].decode("latin-1")))
    out.append(("x-forwarded-for", f"{xff.decode('latin-1')}, {client}" if xff else client))
    out.append(("x-user-id", scope["gw.sub"]))
    return out


def response_headers(raw_headers) -> list[tuple[bytes, bytes]]:
    """Upstream response headers minus hop-by-hop ones (and those named in its Connection header)."""
    named: set[bytes] = set()
    for name, value in raw_headers:
        if name.lower() == b"connection":
            named |= _connection_tokens(value)
    out = []
    for name, value in raw_headers:
        lname = name.lower()
        if lname not in _SKIP_RESPONSE and lname not in named:
            out.append((lname, value))
    return out


class Service:
    """One upstream service: weighted instances, its breaker and its metric children."""

    __slots__ = ("name", "balancer", "breaker", "rq", "trace_ctx")

    def __init__(self, name: str, config: Config, breakers: SharedMemory, slot: int) -> None:
        self.name = name
        self.balancer = WeightedRoundRobin(config.upstreams[name])
        # A probe claimed by a worker that then died is re-claimed after the upstream timeout + 1 s.
        self.breaker = Breaker(config.breaker_failures, config.breaker_cooldown_s, memory=breakers, slot=slot,
                               probe_timeout_s=config.upstream_timeout_s + 1.0)
        self.rq = metrics.UPSTREAM_RQ.labels(upstream=name)
        self.trace_ctx = {"service": name}


async def _on_connection_created(session, ctx, params) -> None:
    metrics.UPSTREAM_CX.labels(upstream=ctx.trace_request_ctx["service"]).inc()


def create_session() -> aiohttp.ClientSession:
    """The worker's single upstream session (must be created inside the running event loop)."""
    trace = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(_on_connection_created)
    connector = aiohttp.TCPConnector(
        limit=POOL_LIMIT,
        limit_per_host=POOL_LIMIT_PER_HOST,
        keepalive_timeout=KEEPALIVE_TIMEOUT_S,
        ttl_dns_cache=None,  # loopback literals; never re-resolve
    )
    session = aiohttp.ClientSession(
        connector=connector,
        # Deadlines are enforced by the gateway (asyncio.timeout around headers received).
        timeout=aiohttp.ClientTimeout(total=None),
        auto_decompress=False,  # pass bodies through byte for byte
        cookie_jar=aiohttp.DummyCookieJar(),  # a proxy must not keep upstream cookies
        skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        trace_configs=[trace],
    )
    # aiohttp silently re-sends an idempotent request once when a pooled connection is closed
    # before the response. The contract wants that reset reported (502), and a re-send could hit
    # the upstream twice, so turn it off. There is no public option; this is the session's flag.
    # Pooled connections go idle-closed by us (KEEPALIVE_TIMEOUT_S) before the upstream's 120 s,
    # so the stale-connection race the retry exists for does not arise.
    session._retry_connection = False
    return session


class Upstreams:
    """Everything a worker needs to reach its upstreams."""

    def __init__(self, config: Config) -> None:
        self.config = config
        # Breaker slots in the workers' shared memory: the same order in every worker.
        breakers = SharedMemory.from_environment()
        self.services = {name: Service(name, config, breakers, slot) for slot, name in enumerate(sorted(config.upstreams))}
        self.session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Create the session inside the worker's event loop."""
        self.session = create_session()

    async def close(self) -> None:
        """Close pooled upstream connections."""
        if self.session is not None:
            await self.session.close()
