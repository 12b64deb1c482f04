"""Smooth weighted round-robin split and interleaving."""
import unittest
from collections import Counter

from gwpy.balancer import WeightedRoundRobin
from gwpy.config import Instance


class BalancerTest(unittest.TestCase):
    def test_80_20_is_exact_over_1000(self) -> None:
        b = WeightedRoundRobin([Instance("http://a", 80), Instance("http://b", 20)])
        self.assertEqual(Counter(b.pick() for _ in range(1000)), {"http://a": 800, "http://b": 200})

    def test_interleaves_instead_of_bursting(self) -> None:
        b = WeightedRoundRobin([Instance("http://a", 2), Instance("http://b", 1)])
        self.assertEqual([b.pick() for _ in range(6)], ["http://a", "http://b", "http://a"] * 2)

    def test_single_instance(self) -> None:
        b = WeightedRoundRobin([Instance("http://only", 5)])
        self.assertEqual({b.pick() for _ in range(10)}, {"http://only"})


if __name__ == "__main__":
    unittest.main()
