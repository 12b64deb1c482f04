"""Multiprocess mode: one announce line for two workers, clean SIGTERM, no orphans after SIGKILL."""
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def children(pid: int) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


class WorkersTest(unittest.TestCase):
    def start(self, workers: int) -> tuple[subprocess.Popen, int]:
        """Launch with N workers; stopped (SIGTERM, then SIGKILL) at cleanup whatever the test does."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("GW_")}
        env.update(GW_LISTEN_PORT="0", GW_WORKERS=str(workers))
        proc = subprocess.Popen([sys.executable, "-m", "gwpy"], cwd=HERE, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        self.addCleanup(self.stop, proc)
        line = proc.stdout.readline().decode()
        self.assertTrue(line.startswith("listening on http://127.0.0.1:"), line)
        return proc, int(line.strip().rsplit(":", 1)[1])

    @staticmethod
    def stop(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.terminate()  # lets the supervisor stop its workers
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stdout.close()

    def test_two_workers_announce_once_and_stop_on_sigterm(self) -> None:
        proc, port = self.start(2)
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
        self.assertEqual(body, b'{"status":"ok"}')
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=15), 0)
        self.assertEqual(proc.stdout.read(), b"")  # nothing printed after the single announce line

    def test_workers_exit_when_the_launcher_is_killed(self) -> None:
        proc, _ = self.start(2)
        kids = children(proc.pid)
        self.assertGreaterEqual(len(kids), 2)
        with open(f"/proc/{min(kids)}/environ", "rb") as f:  # children got it at exec; the launcher set it later
            env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
        self.addCleanup(shutil.rmtree, env[b"GWPY_RUN_DIR"].decode(), True)  # SIGKILL skips the launcher's cleanup
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 10
        while any(alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual([k for k in kids if alive(k)], [])


if __name__ == "__main__":
    unittest.main()
