"""Prints `listening on http://HOST:PORT` exactly once, after every worker has finished starting.

The launcher binds and listens on the socket before any worker starts, so connections are
already queued by the kernel; each worker then marks itself ready in a shared run directory
and the last one to do so announces. O_EXCL makes the announcement happen once even if two
workers finish together or a worker is restarted later.
"""
from __future__ import annotations

import os
import sys

RUN_DIR_ENV = "GWPY_RUN_DIR"
WORKERS_ENV = "GWPY_WORKERS"
URL_ENV = "GWPY_PUBLIC_URL"


def mark_ready() -> None:
    """Record this worker as ready; announce if it completes the set."""
    run_dir = os.environ.get(RUN_DIR_ENV)
    if not run_dir:
        return
    with open(os.path.join(run_dir, f"ready.{os.getpid()}"), "w"):
        pass
    ready = sum(1 for name in os.listdir(run_dir) if name.startswith("ready."))
    if ready < int(os.environ.get(WORKERS_ENV, "1")):
        return
    try:
        fd = os.open(os.path.join(run_dir, "announced"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.close(fd)
    sys.stdout.write(f"listening on {os.environ[URL_ENV]}\n")
    sys.stdout.flush()
