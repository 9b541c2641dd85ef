"""Partner push latency: from a partner event's sync to its push arriving at a loopback push service.

Real parts: gunicorn serves POST /api/sync, a `flask nudges run` worker (ticking once a minute) wakes
on the sync's NOTIFY (PostgreSQL) or its look every PUSH_POLL seconds (SQLite), waits PUSH_QUIET for
the burst to settle and sends to a push service on 127.0.0.1 that notes when each request arrives.
One couple; `events` appreciations one at a time, each sent once the last one's push arrived. The
clock starts before the sync request is sent (its commit is a little later): the figure errs high.
Also measures the idle worker's CPU over `idle` seconds first (no events): worker_idle_cpu_pct.

    .venv/bin/python bench/partner_push.py [--events 50] [--idle 30]
    BENCH_DATABASE_URL=postgresql+psycopg://... to run against PostgreSQL (its tables are reset);
    default: a scratch SQLite file. Merges partner_push_* into bench/results.json under its database.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, gunicorn, percentile, reset_database, scratch_dir, seed_couples  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"


class PushService:
    """201 for every POST, noting when each arrived (time.monotonic)."""

    def __init__(self):
        self.arrived, self.lock = [], threading.Condition()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                at = time.monotonic()
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with service.lock:
                    service.arrived.append(at)
                    service.lock.notify_all()
                self.send_response_only(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def wait(self, count, timeout):
        """The arrival time of request number `count` (1-based), or None after `timeout` seconds."""
        with self.lock:
            self.lock.wait_for(lambda: len(self.arrived) >= count, timeout)
            return self.arrived[count - 1] if len(self.arrived) >= count else None

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def new_device():
    """A subscriber's public key and auth secret (the bench never decrypts)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from backend.services.push import b64url

    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return b64url(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)), b64url(
        os.urandom(16)
    )


def new_vapid_pem():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    return (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )


def prepare(url, service, events):
    """One couple; the recipient has one device at `service` and room for every event under their ceiling."""
    from sqlalchemy import update

    from backend.extensions import db
    from backend.models import PushSubscription, User

    app = reset_database(url)
    [couple] = seed_couples(app, 1)
    writer, recipient = couple["users"]
    p256dh, auth = new_device()
    with app.app_context():
        db.session.add(
            PushSubscription(user_id=recipient["id"], endpoint=f"{service.origin}/push/1", p256dh=p256dh, auth=auth)
        )
        # Past the settable 0-6 on purpose (the column takes it): every one of the events must be pushed.
        db.session.execute(update(User).values(daily_push_budget=events + 10))
        db.session.commit()
        db.engine.dispose()
    return couple["id"], writer["token"]


def start_worker(url, log_path):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "VAPID_PRIVATE_KEY": new_vapid_pem(),
        "VAPID_SUBJECT": "mailto:bench@hearth.test",
        "SECRET_KEY": "bench",
        "FLASK_DEBUG": "1",  # the loopback push service is allowed in debug only
        "PYTHONUNBUFFERED": "1",
    }
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "flask", "--app", "backend", "nudges", "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while "waiting for push jobs" not in Path(log_path).read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start: see {log_path}")
        time.sleep(0.1)
    return worker


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(url, events=50, idle=30, log=print):
    """Returns {partner_push_p50_ms, partner_push_p95_ms, partner_push_max_ms, worker_idle_cpu_pct}."""
    scratch = Path(os.environ["HEARTH_INSTANCE"])
    service = PushService()
    couple_id, token = prepare(url, service, events)
    latencies = []
    try:
        with gunicorn(url) as base:
            worker = start_worker(url, scratch / f"partner-push-worker-{uuid.uuid4().hex[:8]}.log")
            try:
                before = cpu_seconds(worker.pid)
                time.sleep(idle)
                idle_pct = 100 * (cpu_seconds(worker.pid) - before) / idle if idle else None
                phone = requests.Session()
                phone.cookies.set("hearth_session", token)
                client_id = str(uuid.uuid4())
                for mid in range(1, events + 1):
                    entry = {"id": str(uuid.uuid4()), "kind": "appreciation", "visibility": "shared"}
                    entry["body"] = {"text": f"thanks {mid}"}
                    body = {"client_id": client_id, "cursor": "0", "couple_id": couple_id}
                    body["mutations"] = [{"mid": mid, "op": "put", "entry": entry}]
                    started = time.monotonic()
                    response = phone.post(base + "/api/sync", json=body, timeout=10)
                    assert response.status_code == 200, response.text
                    assert response.json()["results"][0]["status"] == "applied", response.text
                    arrived = service.wait(mid, 10)
                    if arrived is None:
                        raise RuntimeError(f"event {mid}: no push within 10 s")
                    latencies.append(1000 * (arrived - started))
            finally:
                worker.terminate()
                worker.wait(timeout=30)
    finally:
        service.close()
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    database = "postgresql" if url.startswith("postgresql") else "sqlite"
    log(
        f"{database}: {events} partner events, push arrived after p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
        f"max {max(latencies):.0f} ms (goal p95 <= 2000); idle worker {idle_pct:.2f} % CPU over {idle} s"
    )
    return {
        "partner_push_p50_ms": round(p50),
        "partner_push_p95_ms": round(p95),
        "partner_push_max_ms": round(max(latencies)),
        "worker_idle_cpu_pct": None if idle_pct is None else round(idle_pct, 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--idle", type=int, default=30, help="seconds of idle worker CPU measured first")
    args = parser.parse_args()
    scratch = scratch_dir()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.db"
    figures = measure(url, args.events, args.idle)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.setdefault("postgresql" if url.startswith("postgresql") else "sqlite", {}).update(figures)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
