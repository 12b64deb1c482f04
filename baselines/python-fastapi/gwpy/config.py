"""Gateway configuration from the contract's environment variables, validated once at the edge."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlsplit

DEFAULTS: dict[str, str] = {
    "GW_LISTEN_HOST": "127.0.0.1",
    "GW_LISTEN_PORT": "8080",
    "GW_WORKERS": "1",
    "GW_UPSTREAM_USER_STATUS": "http://127.0.0.1:19001",
    "GW_UPSTREAM_BARRAGE": "http://127.0.0.1:19002",
    "GW_UPSTREAM_USER": "http://127.0.0.1:19003",
    "GW_UPSTREAM_INTERACT": "http://127.0.0.1:19004*80,http://127.0.0.1:19005*20",
    "GW_JWT_ALG": "HS256",
    "GW_JWT_SECRET": "gw-bench-dev-secret-change-me-0123456789",
    "GW_JWT_PUBLIC_KEY_FILE": "",
    "GW_JWT_ISSUER": "gw-bench",
    "GW_FANOUT_DEADLINE_MS": "150",
    "GW_UPSTREAM_TIMEOUT_MS": "1000",
    "GW_BREAKER_FAILURES": "5",
    "GW_BREAKER_COOLDOWN_MS": "2000",
    "GW_MAX_BODY_BYTES": "1048576",
    "GW_MAX_HEADER_BYTES": "16384",
    "GW_IDLE_TIMEOUT_MS": "120000",
}

# Service name (as used in metrics labels and breaker names) -> environment variable.
SERVICES: dict[str, str] = {
    "user_status": "GW_UPSTREAM_USER_STATUS",
    "barrage": "GW_UPSTREAM_BARRAGE",
    "user": "GW_UPSTREAM_USER",
    "interact": "GW_UPSTREAM_INTERACT",
}


class ConfigError(Exception):
    """Every problem found in the environment, one line each (path = variable name)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid gateway configuration:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Instance:
    """One upstream instance: scheme://host:port origin and its weight."""

    origin: str
    weight: int


@dataclass(frozen=True)
class Config:
    """The validated, frozen contract configuration."""

    host: str
    port: int
    workers: int
    upstreams: dict[str, tuple[Instance, ...]]
    jwt_alg: str
    jwt_key: object
    jwt_issuer: str
    fanout_deadline_s: float
    upstream_timeout_s: float
    breaker_failures: int
    breaker_cooldown_s: float
    max_body_bytes: int
    max_header_bytes: int
    idle_timeout_s: float


def _int(env: Mapping[str, str], name: str, lo: int, hi: int, problems: list[str]) -> int:
    raw = env.get(name, DEFAULTS[name]).strip()
    try:
        value = int(raw, 10)
    except ValueError:
        problems.append(f"{name}={raw!r}: expected an integer in [{lo}, {hi}]")
        return lo
    if not lo <= value <= hi:
        problems.append(f"{name}={raw!r}: expected an integer in [{lo}, {hi}]")
        return lo
    return value


def available_cpus() -> int:
    """CPUs this process may run on (affinity mask, so taskset placement is honoured)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def _workers(env: Mapping[str, str], problems: list[str]) -> int:
    raw = env.get("GW_WORKERS", DEFAULTS["GW_WORKERS"]).strip()
    if raw == "auto":
        return available_cpus()
    return _int({"GW_WORKERS": raw}, "GW_WORKERS", 1, 256, problems)


def parse_instances(name: str, raw: str, problems: list[str]) -> tuple[Instance, ...]:
    """Parse `URL[*WEIGHT],...` into instances; records a problem per bad entry."""
    out: list[Instance] = []
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            problems.append(f"{name}={raw!r}: empty instance in the list")
            continue
        url, star, weight_raw = entry.partition("*")
        weight = 1
        if star:
            try:
                weight = int(weight_raw, 10)
            except ValueError:
                weight = 0
            if weight < 1:
                problems.append(f"{name}: instance {entry!r}: weight must be an integer >= 1")
                continue
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            problems.append(f"{name}: instance {entry!r}: expected http://HOST:PORT")
            continue
        if parts.path not in ("", "/") or parts.query:
            problems.append(f"{name}: instance {entry!r}: expected an origin without path or query")
            continue
        try:
            parts.port
        except ValueError:
            problems.append(f"{name}: instance {entry!r}: invalid port")
            continue
        out.append(Instance(origin=f"http://{parts.netloc}", weight=weight))
    return tuple(out)


def _jwt_key(env: Mapping[str, str], alg: str, problems: list[str]) -> object:
    if alg == "HS256":
        secret = env.get("GW_JWT_SECRET", DEFAULTS["GW_JWT_SECRET"])
        if not secret:
            problems.append("GW_JWT_SECRET='': expected a non-empty secret for HS256")
        return secret.encode("utf-8")
    path = env.get("GW_JWT_PUBLIC_KEY_FILE", "")
    if not path:
        problems.append("GW_JWT_PUBLIC_KEY_FILE is unset: RS256 needs the path of a PEM (SPKI) public key")
        return None
    try:
        with open(path, "rb") as f:
            pem = f.read()
    except OSError as exc:
        problems.append(f"GW_JWT_PUBLIC_KEY_FILE={path!r}: cannot read: {exc.strerror}")
        return None
    # Parse the key once here: handing PyJWT a PEM would re-parse it on every verification.
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(pem)
    except ValueError as exc:
        problems.append(f"GW_JWT_PUBLIC_KEY_FILE={path!r}: not a PEM public key ({exc})")
        return None
    if not isinstance(key, RSAPublicKey):
        problems.append(f"GW_JWT_PUBLIC_KEY_FILE={path!r}: expected an RSA public key")
        return None
    return key


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read and validate every contract variable; raise ConfigError naming all problems."""
    env = os.environ if env is None else env
    problems: list[str] = []
    host = env.get("GW_LISTEN_HOST", DEFAULTS["GW_LISTEN_HOST"]).strip()
    if not host:
        problems.append("GW_LISTEN_HOST='': expected an address")
    port = _int(env, "GW_LISTEN_PORT", 0, 65535, problems)
    workers = _workers(env, problems)
    upstreams = {
        svc: parse_instances(var, env.get(var, DEFAULTS[var]), problems) for svc, var in SERVICES.items()
    }
    alg = env.get("GW_JWT_ALG", DEFAULTS["GW_JWT_ALG"]).strip()
    key: object = None
    if alg not in ("HS256", "RS256"):
        problems.append(f"GW_JWT_ALG={alg!r}: expected HS256 or RS256")
    else:
        key = _jwt_key(env, alg, problems)
    issuer = env.get("GW_JWT_ISSUER", DEFAULTS["GW_JWT_ISSUER"])
    fanout = _int(env, "GW_FANOUT_DEADLINE_MS", 1, 600_000, problems)
    up_timeout = _int(env, "GW_UPSTREAM_TIMEOUT_MS", 1, 600_000, problems)
    failures = _int(env, "GW_BREAKER_FAILURES", 1, 1_000_000, problems)
    cooldown = _int(env, "GW_BREAKER_COOLDOWN_MS", 1, 3_600_000, problems)
    max_body = _int(env, "GW_MAX_BODY_BYTES", 0, 2**40, problems)
    max_header = _int(env, "GW_MAX_HEADER_BYTES", 256, 2**24, problems)
    idle = _int(env, "GW_IDLE_TIMEOUT_MS", 1, 86_400_000, problems)
    if problems:
        raise ConfigError(problems)
    return Config(
        host=host,
        port=port,
        workers=workers,
        upstreams=upstreams,
        jwt_alg=alg,
        jwt_key=key,
        jwt_issuer=issuer,
        fanout_deadline_s=fanout / 1000,
        upstream_timeout_s=up_timeout / 1000,
        breaker_failures=failures,
        breaker_cooldown_s=cooldown / 1000,
        max_body_bytes=max_body,
        max_header_bytes=max_header,
        idle_timeout_s=idle / 1000,
    )
