"""The launcher and protocol over real loopback sockets: announce line, 431/400, pipelining, SIGTERM."""
import os
import signal
import socket
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_HEADER = 1024


def read_response(sock: socket.socket) -> bytes:
    """Everything until the peer closes or 2 s of silence."""
    sock.settimeout(2)
    out = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    return out


class ProtocolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GW_")}
        env.update(GW_LISTEN_PORT="0", GW_MAX_HEADER_BYTES=str(MAX_HEADER))
        cls.proc = subprocess.Popen(
            [sys.executable, "-m", "gwpy"], cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        line = cls.proc.stdout.readline().decode()
        if not line.startswith("listening on http://127.0.0.1:"):
            cls.tearDownClass()  # not called by unittest when setUpClass fails
            raise AssertionError(f"no announce line: {line!r}")
        cls.port = int(line.strip().rsplit(":", 1)[1])

    @classmethod
    def tearDownClass(cls) -> None:
        if cls.proc.poll() is None:
            cls.proc.kill()
            cls.proc.wait()
        cls.proc.stdout.close()

    def exchange(self, *chunks: bytes, pause: float = 0.0) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            for c in chunks:
                s.sendall(c)
                if pause:
                    time.sleep(pause)
            return read_response(s)

    def test_header_section_over_limit_is_431(self) -> None:
        out = self.exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * MAX_HEADER + b"\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 431 "), out[:80])
        self.assertIn(b'{"error":"header_too_large"', out)
        self.assertIn(b"connection: close", out)

    def test_many_small_headers_add_up_to_431(self) -> None:
        headers = b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 40) for i in range(30))  # ~1.4 KB in total
        out = self.exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 431 "), out[:80])

    def test_half_the_limit_is_accepted(self) -> None:
        out = self.exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Half: " + b"a" * (MAX_HEADER // 2) + b"\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 200 "), out[:80])

    def test_trickled_unterminated_header_is_cut_off(self) -> None:
        # httptools buffers a header value until its CRLF: the raw-bytes cap must stop this.
        chunks = [b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "] + [b"a" * 16384] * 6
        out = self.exchange(*chunks, pause=0.01)
        self.assertTrue(out.startswith(b"HTTP/1.1 431 "), out[:80])

    def test_malformed_request_is_json_400(self) -> None:
        out = self.exchange(b"GARBAGE\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 400 "), out[:80])
        self.assertIn(b'{"error":"bad_request"', out)

    def test_pipelined_requests_both_answered(self) -> None:
        req = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: r%d\r\n\r\n"
        out = self.exchange(req % 1 + req % 2)
        self.assertEqual(out.count(b"HTTP/1.1 200 "), 2, out)
        self.assertLess(out.index(b"x-request-id: r1"), out.index(b"x-request-id: r2"))

    def test_zz_sigterm_exits_zero(self) -> None:  # zz: runs last, it stops the server
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=10), 0)


if __name__ == "__main__":
    unittest.main()
