"""Several gunicorn workers with a per-process rate-limit store would multiply every limit (each worker
counts alone): such a server refuses to start, with a message that says what to set. One process may
keep `memory://` (`make run`); several workers with Redis start and share one count."""

import sys
import uuid
from pathlib import Path

import pytest
import requests
from test_deploy import DEPLOY, ENV_FILE, processes, redis_url, settings, unit_env  # noqa: F401 (fixtures)

from servers import free_port, wait_healthy

GUNICORN = str(Path(sys.executable).parent / "gunicorn")  # the running interpreter's virtualenv
APP = "backend:create_app()"
MESSAGE = "Refusing to start: 2 worker processes with the per-process rate-limit store 'memory://'"


def server_env(settings, **overrides):
    env = unit_env({"EnvironmentFile": [ENV_FILE]}, settings)
    env.update(HEARTH_BIND=f"127.0.0.1:{free_port()}", **overrides)
    return env


@pytest.mark.parametrize(
    "argv, workers",
    [
        ([GUNICORN, "--config", str(DEPLOY / "gunicorn.conf.py"), APP], {"WEB_CONCURRENCY": "2"}),
        ([GUNICORN, "--config", str(DEPLOY / "gunicorn.conf.py"), "--workers", "2", APP], {"WEB_CONCURRENCY": "1"}),
        ([GUNICORN, "--config", str(DEPLOY / "gunicorn.conf.py"), APP], {"GUNICORN_CMD_ARGS": "--workers 2"}),
        ([GUNICORN, "--workers", "2", "--bind", "127.0.0.1:{port}", APP], {}),  # without the config file
    ],
    ids=["WEB_CONCURRENCY", "--workers", "GUNICORN_CMD_ARGS", "bare-gunicorn"],
)
def test_several_workers_with_the_memory_store_refuse_to_start(settings, processes, tmp_path, argv, workers):
    env = server_env(settings, RATELIMIT_STORAGE_URI="memory://", **workers)
    argv = [arg.replace("{port}", env["HEARTH_BIND"].rsplit(":", 1)[1]) for arg in argv]
    log = tmp_path / "web.log"
    web = processes.start(argv, env, log)
    assert web.wait(timeout=90) != 0
    assert MESSAGE in log.read_text()
    assert "RATELIMIT_STORAGE_URI" in log.read_text()


def test_one_worker_with_the_memory_store_serves(settings, processes, tmp_path):
    env = server_env(settings, RATELIMIT_STORAGE_URI="memory://", WEB_CONCURRENCY="1")
    web = processes.start([GUNICORN, "--config", str(DEPLOY / "gunicorn.conf.py"), APP], env, tmp_path / "web.log")
    wait_healthy(f"http://{env['HEARTH_BIND']}", process=web)
    assert processes.stop(web) == 0


def test_several_workers_without_rate_limits_start(settings, processes, tmp_path):
    """RATELIMIT_ENABLED=0 (benchmarks, the crash test) has no limit to weaken."""
    env = server_env(settings, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED="0", WEB_CONCURRENCY="2")
    web = processes.start([GUNICORN, "--config", str(DEPLOY / "gunicorn.conf.py"), APP], env, tmp_path / "web.log")
    wait_healthy(f"http://{env['HEARTH_BIND']}", process=web)
    assert processes.stop(web) == 0


@pytest.mark.skipif(redis_url() is None, reason="needs Redis on 127.0.0.1:6379")
def test_several_workers_with_redis_start_and_count_together(settings, processes, tmp_path):
    prefix = f"hearth-deploy-test-{uuid.uuid4()}"
    env = server_env(
        settings,
        RATELIMIT_STORAGE_URI=redis_url(),
        RATELIMIT_KEY_PREFIX=prefix,
        WEB_CONCURRENCY="2",
        LOGIN_LIMIT_PER_ACCOUNT="3 per minute",
    )
    web = processes.start([GUNICORN, "--config", str(DEPLOY / "gunicorn.conf.py"), APP], env, tmp_path / "web.log")
    url = f"http://{env['HEARTH_BIND']}"
    wait_healthy(url, process=web)
    sessions = [requests.Session() for _ in range(6)]  # new connections: both workers answer
    codes = [
        s.post(
            f"{url}/api/auth/login", json={"email": "x@example.com", "password": "wrong password!"}, timeout=10
        ).status_code
        for s in sessions
    ]
    assert codes == [401, 401, 401, 429, 429, 429]
    assert processes.stop(web) == 0
    import redis

    server = redis.Redis.from_url(redis_url())
    keys = list(server.scan_iter(f"*{prefix}*"))
    assert keys
    server.delete(*keys)
