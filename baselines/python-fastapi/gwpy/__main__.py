"""Launcher: validate the contract env, bind the port, run uvicorn with N workers.

`python -m gwpy` is what run.sh execs, so SIGTERM reaches uvicorn's own handler (graceful
shutdown: stop accepting, finish in-flight requests, close). It binds the port itself so that
it knows the real port (GW_LISTEN_PORT=0 works) and sets the backlog. One worker: it serves
that socket itself. N workers: uvicorn's multiprocess supervisor spawns them, each listening on
its own SO_REUSEPORT socket on the port (reuseport.py), and they share the breakers through a
file in the run directory (breaker.py).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile

from .breaker import SHARED_FILE_ENV, create_shared_file
from .config import ConfigError, load_config
from .orphans import LAUNCHER_PID_ENV
from .ready import RUN_DIR_ENV, URL_ENV, WORKERS_ENV
from .reuseport import PerWorkerSocket, bind as bind_socket

# Accept queue per listening socket; the kernel clamps it to net.core.somaxconn. Connection
# storms of the 100k-connection stages overflow uvicorn's default of 2048.
BACKLOG = 65535
# A SIGTERM waits this long for in-flight requests before closing what is left.
GRACEFUL_SHUTDOWN_S = 10
WORKER_HEALTHCHECK_S = 60


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (IPv4 or IPv6 literal or name)."""
    return bind_socket(host, port, BACKLOG, reuse_port=False)


def uvicorn_options(config) -> dict:
    """Every uvicorn knob set for the benchmark (documented in README.md)."""
    return {
        "app": "gwpy.app:app",
        "http": "gwpy.protocol:GatewayHttpToolsProtocol",  # httptools + 431 limit
        "loop": "uvloop",
        "ws": "none",
        "lifespan": "on",
        "workers": config.workers,
        "access_log": False,
        "server_header": False,
        "date_header": True,
        "proxy_headers": False,  # x-forwarded-for is appended to, never trusted as the client address
        "timeout_keep_alive": config.idle_timeout_s,
        "backlog": BACKLOG,
        "limit_concurrency": None,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_S,
        # The supervisor kills a worker that misses a 5 s ping by default; on a CPU-starved
        # 2-core box in a connection storm that would drop a healthy worker's connections.
        "timeout_worker_healthcheck": WORKER_HEALTHCHECK_S,
        "log_level": "warning",
    }


def _exit_cleanly(signum, _frame) -> None:
    # uvicorn's single-process server shuts down gracefully on SIGTERM and then re-raises the
    # signal with the handler that was installed before it started: this one, so the process
    # leaves through `finally` (temp dirs removed) with status 0 instead of dying by the signal.
    raise SystemExit(0)


def main() -> int:
    try:
        config = load_config()
    except ConfigError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    run_dir = tempfile.mkdtemp(prefix="gwpy-run-")
    metrics_dir = os.path.join(run_dir, "prometheus")
    os.mkdir(metrics_dir)
    try:
        try:
            # N workers: only reserve the port here; each worker listens on its own socket.
            sock = bind(config.host, config.port) if config.workers == 1 else \
                bind_socket(config.host, config.port, None, reuse_port=True)
        except OSError as exc:
            sys.stderr.write(f"cannot listen on {config.host}:{config.port}: {exc.strerror}\n")
            return 4
        port = sock.getsockname()[1]
        shown_host = f"[{config.host}]" if ":" in config.host else config.host
        # Inherited by the workers (spawned after this point); read before prometheus_client loads.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        os.environ[RUN_DIR_ENV] = run_dir
        os.environ[LAUNCHER_PID_ENV] = str(os.getpid())
        os.environ[WORKERS_ENV] = str(config.workers)
        os.environ[URL_ENV] = f"http://{shown_host}:{port}"
        os.environ["GW_LISTEN_PORT"] = str(port)
        breakers_file = os.path.join(run_dir, "breakers")
        create_shared_file(breakers_file)
        os.environ[SHARED_FILE_ENV] = breakers_file

        import uvicorn
        from uvicorn.supervisors import Multiprocess

        uv_config = uvicorn.Config(**uvicorn_options(config))
        if config.workers > 1:
            Multiprocess(uv_config, sockets=[PerWorkerSocket(config.host, port, BACKLOG)]).run()
        else:
            signal.signal(signal.SIGTERM, _exit_cleanly)
            uv_config.load()
            server = uvicorn.Server(uv_config)
            server.run(sockets=[sock])
            if not server.started:
                return 4
        return 0
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
