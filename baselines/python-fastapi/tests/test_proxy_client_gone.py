"""A client that abandons its upload must not count as an upstream failure (breaker stays closed)."""
import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.request

import jwt

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "gw-bench-dev-secret-change-me-0123456789"

# A stand-in interact upstream: reads the whole body, answers 200 JSON. Prints its port.
UPSTREAM = """
import asyncio, sys
from aiohttp import web
async def handle(req):
    await req.read()
    return web.json_response({"ok": True})
async def main():
    app = web.Application(); app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None); await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0); await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""


class ClientGoneTest(unittest.TestCase):
    def setUp(self) -> None:
        # stderr muted: aiohttp logs a traceback for each upload the gateway aborts, which is the point.
        self.upstream = subprocess.Popen([sys.executable, "-c", UPSTREAM], stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
        self.addCleanup(self.stop, self.upstream)
        up_port = int(self.upstream.stdout.readline())
        env = {k: v for k, v in os.environ.items() if not k.startswith("GW_")}
        env.update(GW_LISTEN_PORT="0", GW_BREAKER_FAILURES="3", GW_UPSTREAM_INTERACT=f"http://127.0.0.1:{up_port}")
        self.gateway = subprocess.Popen([sys.executable, "-m", "gwpy"], cwd=HERE, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.addCleanup(self.stop, self.gateway)
        self.port = int(self.gateway.stdout.readline().decode().strip().rsplit(":", 1)[1])
        self.token = jwt.encode({"sub": "u1", "iss": "gw-bench", "exp": int(time.time()) + 60}, SECRET, "HS256")

    @staticmethod
    def stop(proc: subprocess.Popen) -> None:
        proc.terminate()  # SIGTERM: the gateway removes its temp dirs on the way out
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()

    def test_abandoned_uploads_leave_the_breaker_closed(self) -> None:
        head = (b"POST /api/interact HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + self.token.encode()
                + b"\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(4):  # more than GW_BREAKER_FAILURES
            with socket.create_connection(("127.0.0.1", self.port)) as s:
                s.sendall(head + b"a" * 70000)
                time.sleep(0.2)  # the gateway is now streaming this body upstream
            time.sleep(0.1)
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/interact", data=b"x",
                                     headers={"authorization": "Bearer " + self.token})
        with urllib.request.urlopen(req, timeout=5) as res:
            self.assertEqual(res.status, 200)


if __name__ == "__main__":
    unittest.main()
