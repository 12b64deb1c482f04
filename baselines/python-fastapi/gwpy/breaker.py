"""Per-service circuit breaker: closed -> open after N consecutive failures -> one half-open probe."""
from __future__ import annotations

import time
from typing import Callable


class Breaker:
    """Consecutive-failure breaker. Not thread-safe: one instance per event loop (per worker)."""

    __slots__ = ("_threshold", "_cooldown", "_clock", "_failures", "_open_until", "_probing")

    def __init__(self, threshold: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._threshold = threshold
        self._cooldown = cooldown_s
        self._clock = clock
        self._failures = 0
        self._open_until = 0.0  # 0 = closed
        self._probing = False

    def allow(self) -> bool:
        """True when a call may go upstream; in half-open state only one probe at a time passes."""
        if self._open_until == 0.0:
            return True
        if self._probing or self._clock() < self._open_until:
            return False
        self._probing = True
        return True

    def success(self) -> None:
        """Record a success: closes the breaker (also ends a half-open probe)."""
        self._failures = 0
        self._open_until = 0.0
        self._probing = False

    def failure(self) -> None:
        """Record a failure: opens the breaker at the threshold, or re-opens it after a failed probe."""
        self._failures += 1
        if self._probing or self._failures >= self._threshold:
            self._open_until = self._clock() + self._cooldown
            self._probing = False

    def release(self) -> None:
        """A call that let through but ended with neither verdict (e.g. cancelled by the client)."""
        self._probing = False

    @property
    def state(self) -> str:
        """closed, open or half_open (for tests and debugging)."""
        if self._open_until == 0.0:
            return "closed"
        if self._probing or self._clock() >= self._open_until:
            return "half_open"
        return "open"
