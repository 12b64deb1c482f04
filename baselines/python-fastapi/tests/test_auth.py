"""Token verification rules and the two caches."""
import contextlib
import datetime
import time
import unittest
from unittest import mock

import jwt

from gwpy.auth import TokenVerifier, needs_auth

SECRET = b"test-secret-test-secret-test-secret!!"


def token(**claims) -> str:
    base = {"sub": "u1", "iss": "gw-bench", "exp": int(time.time()) + 60}
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, SECRET, algorithm="HS256")


@contextlib.contextmanager
def clock_shifted(seconds: float):
    """Move both clocks the verifier reads (its cache's and PyJWT's) forward."""
    real_now = datetime.datetime.now

    class ShiftedDatetime(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_now(tz) + datetime.timedelta(seconds=seconds)

    with mock.patch("gwpy.auth.time.time", return_value=time.time() + seconds), \
         mock.patch("jwt.api_jwt.datetime", ShiftedDatetime):
        yield


class VerifierTest(unittest.TestCase):
    def setUp(self) -> None:
        self.v = TokenVerifier("HS256", SECRET, "gw-bench")

    def test_valid_and_invalid(self) -> None:
        self.assertEqual(self.v.subject(token()), "u1")
        for bad in (token(iss="x"), token(iss=None), token(exp=None), token(sub=""), token(sub=None),
                    token(exp=int(time.time()) - 5), token(nbf=int(time.time()) + 30), "a.b", token() + "x"):
            self.assertIsNone(self.v.subject(bad), bad)

    def test_positive_cache_skips_verification_until_exp(self) -> None:
        t = token(exp=int(time.time()) + 2)
        self.assertEqual(self.v.subject(t), "u1")
        with mock.patch("gwpy.auth.jwt.decode", side_effect=AssertionError("not cached")):
            self.assertEqual(self.v.subject(t), "u1")
        with clock_shifted(3):
            self.assertIsNone(self.v.subject(t))

    def test_negative_cache_skips_verification(self) -> None:
        t = token(iss="other")
        self.assertIsNone(self.v.subject(t))
        with mock.patch("gwpy.auth.jwt.decode", side_effect=AssertionError("not cached")):
            self.assertIsNone(self.v.subject(t))

    def test_not_yet_valid_is_not_negatively_cached(self) -> None:
        t = token(nbf=int(time.time()) + 30)
        self.assertIsNone(self.v.subject(t))
        with clock_shifted(31):
            self.assertEqual(self.v.subject(t), "u1")

    def test_needs_auth_only_on_contract_routes(self) -> None:
        self.assertTrue(needs_auth("GET", "/api/feed"))
        self.assertTrue(needs_auth("GET", "/api/user/42"))
        self.assertTrue(needs_auth("POST", "/api/interact"))
        for method, path in (("GET", "/api/unknown/1"), ("POST", "/api/feed"), ("GET", "/api/user/"),
                             ("GET", "/api/user/1/x"), ("GET", "/api/interact"), ("GET", "/healthz")):
            self.assertFalse(needs_auth(method, path), (method, path))


if __name__ == "__main__":
    unittest.main()
