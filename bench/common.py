"""Shared by bench/run.py and bench/load.py: a scratch database, seeded rows, a gunicorn server.

Rows are inserted directly (bulk inserts): signing up thousands of people through argon2 would
measure the password hasher, not the sync. Each seeded user gets a real session row, so requests
carry a real `hearth_session` cookie and go through the app's own login check.
"""

import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime.now(UTC).replace(microsecond=0)
KINDS = ("appreciation", "checkin", "bid", "disclosure")


def database_urls(scratch):
    """{name: url} for the databases to run on: a scratch SQLite file, and PostgreSQL (BENCH_PG_URL)."""
    urls = {"sqlite": f"sqlite:///{scratch}/bench.db"}
    pg = os.environ.get("BENCH_PG_URL", PG_URL)
    if pg and pg != "off":
        urls["postgresql"] = pg
    return urls


def scratch_dir():
    path = tempfile.mkdtemp(prefix="hearth-bench-")
    os.environ.setdefault("HEARTH_INSTANCE", path)
    os.environ.setdefault("SECRET_KEY", "bench")
    return path


def make_app(url):
    from backend import create_app
    from backend.config import Config

    config = type(
        "BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    )
    return create_app(config)


def reset_database(url):
    """An empty database built by the migrations (PostgreSQL: the public schema is dropped first)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from backend.extensions import db

    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///") :] + suffix).unlink(missing_ok=True)
    app = make_app(url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return app


def _insert(model, rows, chunk=2000):
    from sqlalchemy import insert

    from backend.extensions import db

    for start in range(0, len(rows), chunk):
        db.session.execute(insert(model), rows[start : start + chunk])


def entry_row(couple_id, author_id, seq, kind=None, visibility="shared", when=NOW, own_seq=None):
    kind = kind or KINDS[seq % len(KINDS)]
    return {
        "id": str(uuid.uuid4()),
        "couple_id": couple_id,
        "author_id": author_id,
        "kind": kind,
        "visibility": visibility,
        "shared_once": visibility == "shared",
        "ref_id": None,
        "question_id": None,
        "body": body_for(kind, seq),
        "rev": 1,
        "seq": seq,
        "own_seq": own_seq,
        "created_at": when,
        "updated_at": when,
        "deleted": False,
    }


def body_for(kind, n):
    if kind == "appreciation":
        return {"text": f"Thank you for the tea, number {n}"}
    if kind == "checkin":
        return {"mood": 1 + n % 5, "us": 1 + (n // 5) % 5, "feelings": [], "note": ""}
    if kind == "bid":
        return {"type": "joke", "bidder": "me", "note": f"pun {n}"}
    return {
        "text": f"A small worry, number {n}",
        "category": "worry",
        "feelings": [],
        "local_date": NOW.date().isoformat(),
    }


def seed_couples(app, count, entries=0, prefix="c"):
    """`count` couples of two users, each user with a live session; each couple with `entries` shared
    entries (half by each partner). Returns [{"id", "seq", "users": [{"id", "token", "own_seq"}, ...]}]."""
    from backend.extensions import db
    from backend.models import AuthSession, Couple, Entry, User

    couples, users, sessions, rows, out = [], [], [], [], []
    expires = NOW + timedelta(days=60)
    for n in range(count):
        couple_id = str(uuid.uuid4())
        couples.append({"id": couple_id, "seq": entries, "horizon_seq": 0, "created_at": NOW, "paired_at": NOW})
        members = []
        for side in "ab":
            user_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
            users.append(
                {
                    "id": user_id,
                    "email": f"{prefix}{n}{side}-{couple_id[:8]}@bench.test",
                    "password_hash": "-",
                    "display_name": f"{side.upper()}{n}",
                    "timezone": "Europe/Berlin",
                    "nudge_time": "20:00",
                    "show_previews": False,
                    "daily_push_budget": 6,
                    "couple_id": couple_id,
                    "created_at": NOW,
                    "own_seq": (entries + (side == "b")) // 2,
                }
            )
            sessions.append(
                {
                    "id": hashlib.sha256(token.encode()).hexdigest(),
                    "user_id": user_id,
                    "created_at": NOW,
                    "last_seen_at": NOW,
                    "expires_at": expires,
                }
            )
            members.append({"id": user_id, "token": token})
        for seq in range(1, entries + 1):  # the partners' own streams: a takes the even seqs, b the odd
            rows.append(entry_row(couple_id, members[seq % 2]["id"], seq, own_seq=(seq + 1) // 2))
        for member, side in zip(members, "ab"):
            member["own_seq"] = (entries + (side == "b")) // 2
        out.append({"id": couple_id, "seq": entries, "users": members})
    with app.app_context():
        _insert(Couple, couples)
        _insert(User, users)
        _insert(AuthSession, sessions)
        _insert(Entry, rows, chunk=5000)
        db.session.commit()
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(url, workers=2, threads=4, root=ROOT):
    """The app under gunicorn (`workers` processes, gthread so keep-alive works) on a free port, from
    the checkout `root` (another one to compare code against code: bench/run.py --against)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SESSION_COOKIE_SECURE": "0",
        "RATELIMIT_ENABLED": "0",
        "SECRET_KEY": "bench",
    }
    log = open(Path(os.environ["HEARTH_INSTANCE"]) / f"gunicorn-{port}.log", "w")
    proc = subprocess.Popen(
        [
            str(Path(root) / ".venv" / "bin" / "gunicorn"),
            "-w",
            str(workers),
            "-k",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "-b",
            f"127.0.0.1:{port}",
            "backend:create_app()",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a busy shared host starts slowly
        while True:
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: see {log.name}")
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(test):
    """CPU seconds (user + system) used so far by the processes whose command line passes `test`
    (read from /proc: Linux only)."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
            if not test(command):
                continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:  # the process ended meanwhile
            continue
    return total / _TICKS


def connections_per_worker(port):
    """{worker pid: established connections it holds} for the gunicorn serving on `port` (Linux /proc).
    The workers share the master's listening socket and race to accept: each connection stays with the
    worker that accepted it, for as long as the client keeps it alive."""
    mark = f"127.0.0.1:{port}"
    processes = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
            if "gunicorn" in command and mark in command:
                with open(f"/proc/{pid}/stat") as f:
                    processes[pid] = f.read().rsplit(")", 1)[1].split()[1]  # the parent's pid
        except OSError:
            continue
    workers = [pid for pid, parent in processes.items() if parent in processes]  # not the master
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == int(port) and fields[3] == "01":  # ESTABLISHED
                established.add(fields[9])
    counts = {}
    for pid in workers:
        held = 0
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if target.startswith("socket:[") and target[8:-1] in established:
                    held += 1
        except OSError:
            continue
        counts[pid] = held
    return counts


def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def median(values):
    return percentile(values, 50)
