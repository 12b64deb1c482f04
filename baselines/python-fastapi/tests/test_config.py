"""Environment validation: defaults, weights, and every problem reported at once."""
import unittest

from gwpy.config import ConfigError, Instance, load_config


class ConfigTest(unittest.TestCase):
    def test_defaults(self) -> None:
        c = load_config({})
        self.assertEqual((c.host, c.port, c.workers), ("127.0.0.1", 8080, 1))
        self.assertEqual(
            c.upstreams["interact"], (Instance("http://127.0.0.1:19004", 80), Instance("http://127.0.0.1:19005", 20))
        )
        self.assertEqual(c.jwt_key, b"gw-bench-dev-secret-change-me-0123456789")
        self.assertEqual((c.fanout_deadline_s, c.upstream_timeout_s, c.idle_timeout_s), (0.15, 1.0, 120.0))
        self.assertEqual((c.max_body_bytes, c.max_header_bytes), (1048576, 16384))

    def test_auto_workers_is_at_least_one(self) -> None:
        self.assertGreaterEqual(load_config({"GW_WORKERS": "auto"}).workers, 1)

    def test_every_problem_is_named(self) -> None:
        with self.assertRaises(ConfigError) as cm:
            load_config(
                {
                    "GW_LISTEN_PORT": "70000",
                    "GW_WORKERS": "zero",
                    "GW_UPSTREAM_USER": "http://127.0.0.1:1*0",
                    "GW_UPSTREAM_BARRAGE": "ftp://x",
                    "GW_JWT_ALG": "ES256",
                    "GW_FANOUT_DEADLINE_MS": "-1",
                }
            )
        problems = cm.exception.problems
        self.assertEqual(len(problems), 6, problems)
        for needle in ("GW_LISTEN_PORT='70000'", "GW_WORKERS='zero'", "GW_UPSTREAM_USER", "GW_UPSTREAM_BARRAGE",
                       "GW_JWT_ALG='ES256'", "GW_FANOUT_DEADLINE_MS='-1'"):
            self.assertTrue(any(needle in p for p in problems), (needle, problems))

    def test_rs256_needs_a_readable_key(self) -> None:
        with self.assertRaises(ConfigError) as cm:
            load_config({"GW_JWT_ALG": "RS256", "GW_JWT_PUBLIC_KEY_FILE": "/nonexistent/key.pem"})
        self.assertIn("GW_JWT_PUBLIC_KEY_FILE='/nonexistent/key.pem'", cm.exception.problems[0])


if __name__ == "__main__":
    unittest.main()
