"""Smooth weighted round-robin over a service's instances (the nginx algorithm)."""
from __future__ import annotations

from typing import Sequence

from .config import Instance


class WeightedRoundRobin:
    """Deterministic, evenly interleaved weighted choice: 80/20 gives exactly 800/200 per 1000."""

    __slots__ = ("_origins", "_weights", "_current", "_total", "_single")

    def __init__(self, instances: Sequence[Instance]) -> None:
        self._origins = [i.origin for i in instances]
        self._weights = [i.weight for i in instances]
        self._current = [0] * len(instances)
        self._total = sum(self._weights)
        self._single = self._origins[0] if len(instances) == 1 else None

    def pick(self) -> str:
        """The origin of the next instance."""
        if self._single is not None:
            return self._single
        current = self._current
        best = 0
        for i, w in enumerate(self._weights):
            current[i] += w
            if current[i] > current[best]:
                best = i
        current[best] -= self._total
        return self._origins[best]
