"""Per-service circuit breaker: closed -> open after N consecutive failures -> one half-open probe.

The state lives in memory shared by every worker process (a file in the launcher's run
directory, mapped by each worker), so with GW_WORKERS > 1 there is one breaker per service,
as the contract says, not one per worker: SO_REUSEPORT spreads the consecutive failures of
one client over the workers. Updates take a POSIX record lock on the service's 64-byte slot
(fcntl.lockf: CPython has no compare-and-swap on shared memory); the hot path (closed breaker,
no failures pending) reads two words and takes no lock.

Slot words (native int64): failures (consecutive, while closed) and state:
  state == 0  closed
  state  > 0  open until `state` (time.monotonic_ns: CLOCK_MONOTONIC, one clock for every process)
  state  < 0  half-open: one probe in flight, claimed until -state; a probe whose worker died is
              re-claimed after that deadline
"""
from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import struct
import time
from typing import Callable, Iterator

SLOT_BYTES = 64
MAX_SLOTS = 16
SHARED_BYTES = SLOT_BYTES * MAX_SLOTS
SHARED_FILE_ENV = "GWPY_BREAKERS_FILE"
_WORD = struct.Struct("=q")


def create_shared_file(path: str) -> None:
    """The launcher's zero-filled breaker file (every breaker closed), before any worker starts."""
    with open(path, "wb") as f:
        f.truncate(SHARED_BYTES)


class SharedMemory:
    """The breaker slots: a mapped file shared with the other workers, or private memory."""

    __slots__ = ("_mm", "_fd")

    def __init__(self, path: str | None = None) -> None:
        if path:
            self._fd: int | None = os.open(path, os.O_RDWR)
            self._mm = mmap.mmap(self._fd, SHARED_BYTES)
        else:
            self._fd = None
            self._mm = mmap.mmap(-1, SHARED_BYTES)

    @classmethod
    def from_environment(cls) -> "SharedMemory":
        return cls(os.environ.get(SHARED_FILE_ENV) or None)

    def get(self, offset: int) -> int:
        return _WORD.unpack_from(self._mm, offset)[0]

    def set(self, offset: int, value: int) -> None:
        _WORD.pack_into(self._mm, offset, value)

    @contextlib.contextmanager
    def locked(self, offset: int) -> Iterator[None]:
        """Exclusive against the other processes for one slot (nothing to lock in private memory)."""
        if self._fd is None:
            yield
            return
        fcntl.lockf(self._fd, fcntl.LOCK_EX, SLOT_BYTES, offset)
        try:
            yield
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, SLOT_BYTES, offset)


class Breaker:
    """Consecutive-failure breaker in a SharedMemory slot. One instance per service per worker
    (asyncio: one thread); instances in several workers on the same slot are one breaker."""

    __slots__ = ("_threshold", "_cooldown", "_probe_timeout", "_clock", "_mem", "_failures", "_state", "_probe")

    def __init__(self, threshold: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic,
                 memory: SharedMemory | None = None, slot: int = 0, probe_timeout_s: float = 5.0) -> None:
        if not 0 <= slot < MAX_SLOTS:
            raise ValueError(f"breaker slot {slot} outside [0, {MAX_SLOTS})")
        self._threshold = threshold
        self._cooldown = int(cooldown_s * 1e9)
        self._probe_timeout = int(probe_timeout_s * 1e9)
        self._clock = clock
        self._mem = memory if memory is not None else SharedMemory()
        self._failures = slot * SLOT_BYTES
        self._state = self._failures + 8
        self._probe = 0  # this worker's probe token while it holds the half-open probe

    def _now(self) -> int:
        return int(self._clock() * 1e9)

    def allow(self) -> bool:
        """True when a call may go upstream; in half-open state only one probe at a time passes."""
        mem = self._mem
        if mem.get(self._state) == 0:
            return True
        now = self._now()
        with mem.locked(self._failures):
            st = mem.get(self._state)
            if st == 0:
                return True
            if (st > 0 and now < st) or (st < 0 and now < -st):
                return False  # open, or another call is the probe
            self._probe = -(now + self._probe_timeout)
            mem.set(self._state, self._probe)
            return True

    def success(self) -> None:
        """Record a success: resets the failure count; a successful probe closes the breaker."""
        mem = self._mem
        if not self._probe:
            if mem.get(self._failures) != 0:  # no shared write per request when nothing failed
                with mem.locked(self._failures):
                    if mem.get(self._state) == 0:
                        mem.set(self._failures, 0)
            return
        with mem.locked(self._failures):
            if mem.get(self._state) == self._probe:
                mem.set(self._state, 0)
                mem.set(self._failures, 0)
        self._probe = 0

    def failure(self) -> None:
        """Record a failure: opens the breaker at the threshold, or re-opens it after a failed probe."""
        mem = self._mem
        with mem.locked(self._failures):
            st = mem.get(self._state)
            if st == 0:
                failures = mem.get(self._failures) + 1
                if failures >= self._threshold:
                    mem.set(self._state, self._now() + self._cooldown)
                    failures = 0
                mem.set(self._failures, failures)
            elif self._probe and st == self._probe:
                mem.set(self._state, self._now() + self._cooldown)
            # else: already open, or another worker's probe: a late outcome says nothing new
        self._probe = 0

    def release(self) -> None:
        """A call let through that ended with neither verdict (e.g. cancelled by the client)."""
        if not self._probe:
            return
        mem = self._mem
        with mem.locked(self._failures):
            if mem.get(self._state) == self._probe:
                mem.set(self._state, self._now())  # re-open with the cool-down over: the next call probes
        self._probe = 0

    @property
    def state(self) -> str:
        """closed, open or half_open (for tests and debugging)."""
        st = self._mem.get(self._state)
        if st == 0:
            return "closed"
        if st < 0 or self._now() >= st:
            return "half_open"
        return "open"
