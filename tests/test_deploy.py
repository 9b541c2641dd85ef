"""deploy/: the systemd units and the Procfile, tried by running their exact command lines (systemd cannot
run here) with their Environment/EnvironmentFile settings pointed at the test database and Redis; and the
PROXY_FIX_* settings that make the app see the browser's scheme, host and address behind a TLS proxy."""

import os
import re
import shlex
import socket
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from push_service import new_vapid_pem
from servers import ROOT, Processes, free_port, wait_healthy

DEPLOY = ROOT / "deploy"
INSTALL_DIR = "/opt/hearth"  # where the units expect the code; the tests substitute this checkout
ENV_FILE = "/etc/hearth/hearth.env"


def redis_url():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return None
    return "redis://127.0.0.1:6379/11"


def parse_unit(path, instance="1"):
    """The [Service] settings of a unit file: {key: [values]}, continuation lines joined, %i filled in."""
    settings, section, pending = {}, None, ""
    for raw in path.read_text().splitlines():
        line = pending + raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        if section == "Service":
            settings.setdefault(key.strip(), []).append(value.strip().replace("%i", instance))
    return settings


def environment_file(path):
    env = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip().strip('"')
    return env


def command(line):
    """An Exec line as argv, pointed at this checkout. systemd's `-`/`@` prefixes are not used here."""
    return [arg.replace(INSTALL_DIR, str(ROOT)) for arg in shlex.split(line)]


@pytest.fixture
def processes():
    started = Processes()
    yield started
    started.stop_all()


@pytest.fixture
def settings(database_url, tmp_path, app):
    """/etc/hearth/hearth.env as the example has it, with test values for the database, Redis, the port."""
    values = environment_file(DEPLOY / "hearth.env.example")
    values.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "deploy-test-secret",
            "HEARTH_INSTANCE": str(tmp_path / "instance"),
            "HEARTH_BIND": f"127.0.0.1:{free_port()}",
            "WEB_CONCURRENCY": "2",
            "VAPID_PRIVATE_KEY": new_vapid_pem().replace("\n", "\\n"),
            "VAPID_SUBJECT": "mailto:ops@hearth.test",
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute",
        }
    )
    # Two workers need a shared rate-limit store (with memory:// they refuse to start: test_deploy_limits).
    values["RATELIMIT_STORAGE_URI"] = redis_url() or "memory://"
    if not redis_url():
        values["WEB_CONCURRENCY"] = "1"
    path = tmp_path / "hearth.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


def unit_env(unit, env_file):
    """What systemd hands the service: its Environment= lines and its EnvironmentFile, nothing inherited
    but PATH (systemd's own default PATH has no virtualenv in it either)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    for line in unit.get("Environment", []):
        for pair in shlex.split(line):
            key, _, value = pair.partition("=")
            env[key] = value
    for name in unit.get("EnvironmentFile", []):
        assert name.lstrip("-") == ENV_FILE
        loaded = environment_file(env_file)
        if "VAPID_PRIVATE_KEY" in loaded:  # one line in the file, a PEM again for the app
            loaded["VAPID_PRIVATE_KEY"] = loaded["VAPID_PRIVATE_KEY"].replace("\\n", "\n")
        env.update(loaded)
    return env


def wait_for_line(log, text, process, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in log.read_text():
            return
        assert process.poll() is None, log.read_text()[-3000:]
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in the log after {timeout}s:\n{log.read_text()[-3000:]}")


def test_web_unit_migrates_serves_behind_the_proxy_and_stops_on_sigterm(settings, processes, tmp_path):
    unit = parse_unit(DEPLOY / "hearth-web.service")
    env = unit_env(unit, settings)
    assert unit["WorkingDirectory"] == [INSTALL_DIR]
    for pre in unit.get("ExecStartPre", []):
        pre_process = processes.start(command(pre), env, tmp_path / "pre.log")
        assert pre_process.wait(timeout=120) == 0, (tmp_path / "pre.log").read_text()
    log = tmp_path / "web.log"
    web = processes.start(command(unit["ExecStart"][0]), env, log)
    url = f"http://{env['HEARTH_BIND']}"
    wait_healthy(url, process=web)

    # As the TLS proxy forwards a browser's request: the app sees https and the public host.
    proxied = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "hearth.example.org",
        "X-Forwarded-For": "203.0.113.9",
        "Origin": "https://hearth.example.org",
    }
    response = requests.get(f"{url}/healthz", headers=proxied, timeout=10)
    assert "max-age" in response.headers.get("Strict-Transport-Security", "")
    email = f"deploy-{uuid.uuid4().hex[:8]}@example.com"
    codes = [
        requests.post(
            f"{url}/api/auth/login", headers=proxied, timeout=10, json={"email": email, "password": "wrong password!"}
        ).status_code
        for _ in range(4)
    ]
    assert codes[:3] == [401, 401, 401]  # the Origin check passed: the proxy's host is the app's host
    if env["RATELIMIT_STORAGE_URI"].startswith("redis"):
        assert codes[3] == 429  # counted in Redis, shared by both workers
    assert "203.0.113.9" in log.read_text()  # the access log, on stdout, names the browser's address

    assert processes.stop(web, timeout=float(unit["TimeoutStopSec"][0])) == 0
    assert "Shutting down" in log.read_text()


def test_worker_unit_starts_and_stops_on_sigterm(settings, processes, tmp_path):
    unit = parse_unit(DEPLOY / "hearth-worker@.service", instance="2")
    assert any(
        "%i" in line
        for line in (DEPLOY / "hearth-worker@.service").read_text().splitlines()
        if line.startswith("Description")
    )
    env = unit_env(unit, settings)
    log = tmp_path / "worker.log"
    worker = processes.start(command(unit["ExecStart"][0]), env, log)
    wait_for_line(log, "worker started", worker)
    assert processes.stop(worker, timeout=float(unit["TimeoutStopSec"][0])) == 0
    assert "worker stopped" in log.read_text()
    assert "Traceback" not in log.read_text()


def test_live_unit_serves_the_stream_and_stops_on_sigterm(app, settings, processes, tmp_path, signup):
    unit = parse_unit(DEPLOY / "hearth-live.service")
    env = unit_env(unit, settings)
    assert unit["WorkingDirectory"] == [INSTALL_DIR]
    assert int(unit["LimitNOFILE"][0]) >= 20_000  # one descriptor per stream
    port = str(free_port())
    argv = [port if arg == "8001" else arg for arg in command(unit["ExecStart"][0])]
    assert port in argv
    log = tmp_path / "live.log"
    live = processes.start(argv, env, log)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process=live)
    alice = signup("Alice")
    # The unit runs on the real clock, the test at its fixed instant: the session lasts past both.
    from backend.extensions import db
    from backend.models import AuthSession

    with app.app_context():
        db.session.execute(db.update(AuthSession).values(expires_at=datetime(2100, 1, 1, tzinfo=UTC)))
        db.session.commit()
    with requests.get(
        f"{url}/api/live", cookies={"hearth_session": alice.client.get_cookie("hearth_session").value}, stream=True
    ) as stream:
        assert stream.status_code == 200
        assert stream.headers["Content-Type"] == "text/event-stream; charset=utf-8"
        stopped_at = time.monotonic()
        assert processes.stop(live, timeout=float(unit["TimeoutStopSec"][0])) == 0  # even with a stream open
        assert time.monotonic() - stopped_at < float(unit["TimeoutStopSec"][0])
    assert "Traceback" not in log.read_text()


def procfile():
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_procfile_release_web_and_worker_run(settings, processes, tmp_path):
    """As a Procfile platform (honcho, Heroku-like) runs them: each line through a shell, from the
    checkout's root, with PORT set and the settings in the environment."""
    kinds = procfile()
    assert set(kinds) == {"release", "web", "worker", "live"}
    env = unit_env({"EnvironmentFile": [ENV_FILE]}, settings)
    env.pop("HEARTH_BIND")
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}:{env['PATH']}"  # the platform's interpreter is the app's
    env["PORT"] = str(free_port())

    release = processes.start(["/bin/sh", "-c", kinds["release"].strip()], env, tmp_path / "release.log")
    assert release.wait(timeout=120) == 0, (tmp_path / "release.log").read_text()

    web = processes.start(["/bin/sh", "-c", "exec " + kinds["web"].strip()], env, tmp_path / "web.log")
    worker = processes.start(["/bin/sh", "-c", "exec " + kinds["worker"].strip()], env, tmp_path / "worker.log")
    env["LIVE_PORT"] = str(free_port())
    live = processes.start(["/bin/sh", "-c", "exec " + kinds["live"].strip()], env, tmp_path / "live.log")
    wait_healthy(f"http://127.0.0.1:{env['PORT']}", process=web)
    wait_for_line(tmp_path / "worker.log", "worker started", worker)
    wait_healthy(f"http://127.0.0.1:{env['LIVE_PORT']}", process=live)
    assert processes.stop(web) == 0
    assert processes.stop(worker) == 0
    assert processes.stop(live) == 0


@pytest.mark.parametrize(
    "hops, status, hsts",
    [
        ({}, 403, False),  # no proxy trusted: the Origin is https://public, the request says http://localhost
        ({"PROXY_FIX_X_PROTO": 1, "PROXY_FIX_X_HOST": 1, "PROXY_FIX_X_FOR": 1}, 401, True),
    ],
)
def test_proxy_fix_makes_the_browser_host_and_scheme_the_apps(make_app, hops, status, hsts):
    app = make_app(**hops)
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "hearth.example.org",
        "X-Forwarded-For": "203.0.113.9",
        "Origin": "https://hearth.example.org",
    }
    response = app.test_client().post(
        "/api/auth/login", headers=headers, json={"email": "nobody@example.com", "password": "wrong password!"}
    )
    assert response.status_code == status
    assert ("Strict-Transport-Security" in response.headers) is hsts


def test_proxy_fix_is_off_by_default(make_app):
    app = make_app()
    seen = {}

    @app.get("/_probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr, scheme=request.scheme, host=request.host)
        return "ok"

    app.test_client().get(
        "/_probe",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"},
    )
    assert seen == {"addr": "127.0.0.1", "scheme": "http", "host": "localhost"}


def test_units_and_procfile_agree_on_the_commands():
    web = parse_unit(DEPLOY / "hearth-web.service")
    worker = parse_unit(DEPLOY / "hearth-worker@.service")
    live = parse_unit(DEPLOY / "hearth-live.service")
    kinds = procfile()
    assert re.sub(r"\S*/", "", live["ExecStart"][0]) == kinds["live"].strip().replace("${LIVE_PORT:-8001}", "8001")
    assert re.sub(r"\S*/", "", web["ExecStart"][0]) == re.sub(r"\S*/", "", kinds["web"].strip())
    assert worker["ExecStart"][0].endswith(kinds["worker"].strip().split(" ", 1)[1])
    assert web["ExecStartPre"][0].endswith(kinds["release"].strip().split(" ", 1)[1])
