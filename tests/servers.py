"""Real server processes for the crash and deploy tests: start gunicorn (or any command), wait for
/healthz, stop it gently or kill -9 the whole process group. Every process started here is tracked and
killed by `stop_all`, which the tests call from a finalizer."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid):
    """Direct children of `pid` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_healthy(url, timeout=60.0, process=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode} before it was healthy")
        try:
            response = requests.get(url + "/healthz", timeout=2)
            if response.status_code == 200 and response.json() == {"status": "ok"}:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url}/healthz did not answer within {timeout}s")


class Processes:
    """Started processes, each in its own session (process group), so a stop reaches its children."""

    def __init__(self):
        self.started = []

    def start(self, argv, env, log_path, cwd=ROOT):
        log = open(log_path, "ab")
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.started.append(process)
        return process

    def kill9(self, process):
        """kill -9 the master and its workers at the same instant, as a crash or an OOM kill would."""
        pids = [process.pid] + children(process.pid)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=30)
        return pids

    def stop(self, process, timeout=30):
        """SIGTERM (what systemd sends), then SIGKILL to the group when it does not go in time."""
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self._kill_group(process)
        return process.returncode

    def _kill_group(self, process):
        for pid in children(process.pid) if process.poll() is None else []:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the group is this process's own (start_new_session)
        except (ProcessLookupError, PermissionError):
            pass
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)

    def stop_all(self):
        for process in self.started:
            self._kill_group(process)


class LiveProcess:
    """`python -m backend.live` on a free port against `database_url`, as a real subprocess.

    `now`: the instant its clock starts from (the test's, so the sessions the test made are live by it).
    `extra`: more arguments (--ping, --sweep, --tick, --proxy-to)."""

    def __init__(self, processes, database_url, log_path, now=None, extra=()):
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [sys.executable, "-m", "backend.live", "--host", "127.0.0.1", "--port", str(self.port), *extra]
        if now is not None:
            argv += ["--now", now.isoformat()]
        env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
        env.pop("HEARTH_TEST_NOW", None)
        self.log_path = log_path
        self.process = processes.start(argv, env, log_path)
        wait_healthy(self.url, timeout=30, process=self.process)
