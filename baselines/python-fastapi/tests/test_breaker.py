"""Breaker state machine against a fake clock, in private and in shared memory."""
import multiprocessing
import os
import tempfile
import unittest

from gwpy.breaker import Breaker, SharedMemory, create_shared_file


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class BreakerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.clock = Clock()
        self.b = Breaker(3, 2.0, self.clock)

    def fail(self, n: int) -> None:
        for _ in range(n):
            self.assertTrue(self.b.allow())
            self.b.failure()

    def test_opens_after_threshold_consecutive_failures(self) -> None:
        self.fail(2)
        self.assertEqual(self.b.state, "closed")
        self.fail(1)
        self.assertEqual(self.b.state, "open")
        self.assertFalse(self.b.allow())

    def test_success_resets_the_count(self) -> None:
        self.fail(2)
        self.b.success()
        self.fail(2)
        self.assertEqual(self.b.state, "closed")

    def test_one_probe_after_cooldown_then_close_on_success(self) -> None:
        self.fail(3)
        self.clock.t += 1.999
        self.assertFalse(self.b.allow())
        self.clock.t += 0.002
        self.assertTrue(self.b.allow())  # the probe
        self.assertFalse(self.b.allow())  # only one at a time
        self.b.success()
        self.assertEqual(self.b.state, "closed")
        self.assertTrue(self.b.allow())

    def test_failed_probe_reopens_for_another_cooldown(self) -> None:
        self.fail(3)
        self.clock.t += 2.0
        self.assertTrue(self.b.allow())
        self.b.failure()
        self.assertEqual(self.b.state, "open")
        self.clock.t += 1.0
        self.assertFalse(self.b.allow())
        self.clock.t += 1.0
        self.assertTrue(self.b.allow())

    def test_released_probe_lets_the_next_call_probe(self) -> None:
        self.fail(3)
        self.clock.t += 2.0
        self.assertTrue(self.b.allow())
        self.b.release()
        self.assertTrue(self.b.allow())


def _fail_once(path: str, slot: int) -> None:
    b = Breaker(3, 2.0, memory=SharedMemory(path), slot=slot)
    assert b.allow()
    b.failure()


class SharedBreakerTest(unittest.TestCase):
    """Breakers of several workers on one shared file are one breaker (contract: one per service)."""

    def setUp(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="gwpy-breakers-")
        os.close(fd)
        self.addCleanup(os.unlink, self.path)
        create_shared_file(self.path)
        self.clock = Clock()

    def breaker(self, slot: int = 1) -> Breaker:
        return Breaker(3, 2.0, self.clock, memory=SharedMemory(self.path), slot=slot)

    def test_failures_in_other_processes_open_this_breaker(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # what uvicorn's supervisor uses
        for _ in range(3):
            p = ctx.Process(target=_fail_once, args=(self.path, 1))
            p.start()
            p.join(30)
            self.assertEqual(p.exitcode, 0)
        here = Breaker(3, 2.0, memory=SharedMemory(self.path), slot=1)
        self.assertEqual(here.state, "open")
        self.assertFalse(here.allow())
        self.assertEqual(Breaker(3, 2.0, memory=SharedMemory(self.path), slot=2).state, "closed")

    def test_one_probe_across_holders_and_its_success_closes_for_all(self) -> None:
        a, b = self.breaker(), self.breaker()
        for holder in (a, b, a):
            self.assertTrue(holder.allow())
            holder.failure()
        self.assertFalse(b.allow())
        self.clock.t += 2.0
        self.assertTrue(b.allow())  # b holds the probe
        self.assertFalse(a.allow())  # a sees the claim
        a.success()  # a late success elsewhere does not close b's probe
        self.assertEqual(a.state, "half_open")
        b.success()
        self.assertEqual(a.state, "closed")
        self.assertTrue(a.allow())


if __name__ == "__main__":
    unittest.main()
