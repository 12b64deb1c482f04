"""Breaker state machine against a fake clock."""
import unittest

from gwpy.breaker import Breaker


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


if __name__ == "__main__":
    unittest.main()
