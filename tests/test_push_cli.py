"""`flask push init` makes the keys once; the worker refuses to start without keys and stops on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from push_service import new_vapid_pem

ROOT = Path(__file__).resolve().parent.parent


def test_init_writes_a_private_key_file_once(make_app, tmp_path):
    key_file = tmp_path / "keys" / "vapid.pem"
    runner = make_app(VAPID_PRIVATE_KEY=None, VAPID_KEY_FILE=str(key_file)).test_cli_runner()
    result = runner.invoke(args=["push", "init"])
    assert result.exit_code == 0, result.output
    assert key_file.stat().st_mode & 0o777 == 0o600
    first = key_file.read_bytes()
    public_key = runner.invoke(args=["push", "key"]).output.strip()
    assert public_key in result.output and len(public_key) == 87

    again = runner.invoke(args=["push", "init"])
    assert again.exit_code != 0
    assert "--force" in again.output
    assert key_file.read_bytes() == first  # never replaced silently

    forced = runner.invoke(args=["push", "init", "--force"])
    assert forced.exit_code == 0
    assert key_file.read_bytes() != first


def test_init_with_a_key_from_the_environment_writes_nothing(make_app, tmp_path):
    key_file = tmp_path / "vapid.pem"
    runner = make_app(VAPID_PRIVATE_KEY=new_vapid_pem(), VAPID_KEY_FILE=str(key_file)).test_cli_runner()
    result = runner.invoke(args=["push", "init"])
    assert result.exit_code == 0 and "VAPID_PRIVATE_KEY" in result.output
    assert not key_file.exists()


def test_worker_will_not_start_without_keys(make_app, tmp_path):
    runner = make_app(VAPID_PRIVATE_KEY=None, VAPID_KEY_FILE=str(tmp_path / "none.pem")).test_cli_runner()
    for args in (["nudges", "tick"], ["push", "key"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1
        assert "flask push init" in result.output
    assert not (tmp_path / "none.pem").exists()


def test_worker_stops_cleanly_on_sigterm(database_url, tmp_path):
    env = {
        **os.environ,
        "FLASK_APP": "backend",
        "DATABASE_URL": database_url,
        "HEARTH_INSTANCE": str(tmp_path),
        "VAPID_PRIVATE_KEY": new_vapid_pem(),
        "PYTHONUNBUFFERED": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "nudges", "run", "--interval", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.time() + 20
        seen = ""
        while "worker started" not in seen and time.time() < deadline:
            seen += worker.stdout.readline()
        time.sleep(1.5)  # at least one tick
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, seen + output
    assert "worker stopped" in output
    assert "tick failed" not in seen + output
