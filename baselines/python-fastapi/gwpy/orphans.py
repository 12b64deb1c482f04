"""Workers die with their supervisor: no orphaned uvicorn workers if the launcher is SIGKILLed."""
from __future__ import annotations

import ctypes
import os
import signal

LAUNCHER_PID_ENV = "GWPY_LAUNCHER_PID"
_PR_SET_PDEATHSIG = 1


def die_with_launcher() -> None:
    """In a worker process of the multiprocess supervisor, ask the kernel for SIGTERM when it dies."""
    launcher = os.environ.get(LAUNCHER_PID_ENV)
    if not launcher or int(launcher) == os.getpid():
        return  # single-process mode: this process is the launcher itself
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != int(launcher):  # the supervisor died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)
