"""`make bench`: every benchmark, on SQLite and PostgreSQL, written to bench/results.json and
bench/results.md (and printed as a table).

Every figure that has a goal is a ratio against a baseline measured in the same run, rounds
interleaved, median reported: the machine is shared and absolute numbers move with the neighbours.

    .venv/bin/python bench/run.py [--duration 3] [--rounds 7] [--only sqlite|postgresql] [--skip-browser] [--sync-only]
        [--against OTHER_CHECKOUT] [--story-only]
    BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test (the default; "off" skips it)
"""

import argparse
import gzip
import json
import os
import platform
import re
import resource
import subprocess
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import requests

from common import (
    ROOT,
    connections_per_worker,
    database_urls,
    gunicorn,
    median,
    process_cpu,
    reset_database,
    scratch_dir,
    seed_couples,
)

BENCH = ROOT / "bench"
RESULTS = BENCH / "results.json"
REPORT = BENCH / "results.md"
# Gunicorn threads per worker, the same for both endpoints of a row. PostgreSQL: deploy/gunicorn.conf.py's
# default (2): a second thread works while the first waits on the database. SQLite: 1, because a
# thread holding the write turn (services/write_turn.py) then never waits for the GIL behind a
# thread of its own process (2 threads: sync_vs_bare 0.22 against 0.39 at 1, same hour).
DEFAULT_THREADS = {"sqlite": 1, "postgresql": 2}
CONNECTIONS = 8  # closed-loop clients: one phone (one wrk thread, one keep-alive connection) each


def wrk(base, script, duration, connections=CONNECTIONS, env=None):
    """One wrk run: its WRKJSON summary plus `rps` and `cpu_ms`, the CPU every process in the loop
    spent per request (the gunicorn processes of `base`, wrk itself, and a PostgreSQL on this host).
    Unlike requests/s, CPU per request hardly moves with the neighbours' load.
    `env`: extra environment, or a function giving it (called again for each attempt: a sync run's
    phones must be new ones). A run whose connections all landed on some of the workers is dropped and
    started again (`respread` counts them): see spread_over_workers."""
    port = f"127.0.0.1:{urlsplit(base).port}"

    def server_cpu():
        return process_cpu(lambda c: ("gunicorn" in c and port in c) or _our_postgres(c))

    for attempt in range(SPREAD_ATTEMPTS):
        extra = env() if callable(env) else env
        children, server = resource.getrusage(resource.RUSAGE_CHILDREN), server_cpu()
        run = subprocess.Popen(
            [
                "wrk",
                "-t",
                str(connections),
                "-c",
                str(connections),
                "-d",
                f"{int(duration)}s",
                "--timeout",
                "5s",
                "-s",
                str(BENCH / script),
                base + ("/api/sync" if script == "sync.lua" else "/healthz"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(extra or {})},
        )
        if attempt + 1 < SPREAD_ATTEMPTS and not spread_over_workers(urlsplit(base).port, connections):
            run.kill()
            run.communicate()
            continue
        out, err = run.communicate()
        if run.returncode != 0:
            raise subprocess.CalledProcessError(run.returncode, "wrk", out, err)
        break
    line = next(row for row in out.splitlines() if row.startswith("WRKJSON "))
    figures = json.loads(line[len("WRKJSON ") :])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    figures["cpu_ms"] = (server_cpu() - server + own) * 1000 / max(figures["requests"], 1)
    figures["respread"] = attempt
    return figures


# wrk opens its connections at once and gunicorn's workers race to accept them: sometimes one worker
# takes them all and the other idles for the whole run (measured with 2 workers, SQLite, bare: all 8 on
# one worker 2,522–2,590/s, spread 4,233–4,712/s; seen in 3 of 8 runs). Such a run measures one process,
# not the server, and made every figure of a round a lottery (bare swung 1,401–3,310/s within a run).
SPREAD_ATTEMPTS = 8


def spread_over_workers(port, connections, wait=2.0):
    """True once wrk's `connections` are established and every worker holds at least one of them."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        counts = connections_per_worker(port)
        if sum(counts.values()) >= connections:
            return min(counts.values()) > 0
        time.sleep(0.02)
    return False


PG_DATABASE = {"name": None}  # the benchmark's database, set by server_figures


def _our_postgres(command):
    """A PostgreSQL process whose CPU a request here costs: a backend connected to the benchmark's
    database, or a shared one (WAL writer, checkpointer, …), not the backends of other databases on
    this host (their command line names user, database and client: `postgres: … user db host(port) …`)."""
    if not command.startswith("postgres"):
        return False
    words = command.split()
    backend = any(("(" in word and word.endswith(")")) or word == "[local]" for word in words)
    return not backend or PG_DATABASE["name"] in words


def threads_label(args):
    if args.threads:
        return str(args.threads)
    return " / ".join(f"{threads} ({name})" for name, threads in DEFAULT_THREADS.items())


def phones_file(couples, scratch, partners=False):
    """One line per wrk thread: a session, a new device id, that phone's cursor, the couple's id. Solo:
    the first partner of each couple, the couple's only writer. Partners: both partners of each
    couple, on consecutive threads, so each phone's next sync also pulls what the other just wrote."""
    phones = [(c, user) for c in couples for user in (c["users"] if partners else c["users"][:1])]
    path = Path(scratch) / f"phones-{uuid.uuid4().hex[:8]}.txt"
    path.write_text(
        "".join(f"{user['token']} {uuid.uuid4()} {c['seq']}.{user['own_seq']} {c['id']}\n" for c, user in phones)
    )
    return str(path)


def throughput(servers, couples, scratch, duration, rounds, log):
    """bare / sync (1 mutation, two phones per couple taking turns) / sync solo (1 mutation, one phone
    per couple) / sync (10 mutations, solo), interleaved; each sync run takes fresh couples.
    `servers`: {label: base URL}; with several (--against), each round measures every one of them
    in turn (the order alternating), so code against code is compared in the same minutes.
    Returns {label: figures}.

    `sync` is a real couple's load: both partners write, so most syncs also pull the partner's latest
    change. The solo load (the couple's only writer, nothing new since its cursor but its own writes)
    takes the shortcut that skips the pull: it is reported beside it, not instead of it."""
    batches = iter([couples[i : i + CONNECTIONS] for i in range(0, len(couples), CONNECTIONS)])

    def sync_run(base, per, seconds, partners=False):
        def env():  # new couples for each attempt: the phones of a dropped one have written already
            phones = next(batches)[: CONNECTIONS // 2] if partners else next(batches)
            return {"BENCH_SESSIONS": phones_file(phones, scratch, partners), "BENCH_MUTATIONS": str(per)}

        return wrk(base, "sync.lua", seconds, env=env)

    runs = {}
    for label, base in servers.items():
        wrk(base, "bare.lua", 2)  # warm-up: imports, connection pools, first queries
        sync_run(base, 1, 2, partners=True)
        runs[label] = ([], [], [], [])
    for n in range(rounds):
        order = list(servers.items())
        for label, base in order if n % 2 == 0 else order[::-1]:
            bare, sync1, solo, sync10 = runs[label]
            bare.append(wrk(base, "bare.lua", duration))
            sync1.append(sync_run(base, 1, duration, partners=True))
            solo.append(sync_run(base, 1, duration))
            sync10.append(sync_run(base, 10, duration))
            log(
                f"  round {n + 1}{' ' + label if label else ''}: "
                f"bare {bare[-1]['rps']:7.1f}/s ({bare[-1]['cpu_ms']:.2f} ms CPU)  "
                f"sync {sync1[-1]['rps']:7.1f}/s ({sync1[-1]['cpu_ms']:.2f} ms CPU, "
                f"p50 {sync1[-1]['p50_us'] / 1000:.1f} ms, "
                f"p99 {sync1[-1]['p99_us'] / 1000:.1f} ms, "
                f"{sync1[-1]['pulled'] / max(sync1[-1]['requests'], 1):.0%} "
                f"pulled the partner's)  solo {solo[-1]['rps']:7.1f}/s ({solo[-1]['cpu_ms']:.2f} ms CPU)  "
                f"sync10 {sync10[-1]['rps']:6.1f}/s"
                f"  (runs started again: {sum(r[-1]['respread'] for r in runs[label])})"
            )
    return {label: _throughput_figures(*runs[label]) for label in servers}


def _throughput_figures(bare, sync1, solo, sync10):
    # A sync whose mutation was rejected or conflicted is an error too: it would measure the cheap path.
    errors = sum(r["non2xx"] + r["socket_errors"] + r.get("not_applied", 0) for r in bare + sync1 + solo + sync10)
    return {
        "runs_started_again": sum(r["respread"] for r in bare + sync1 + solo + sync10),
        "bare_rps": round(median([r["rps"] for r in bare]), 1),
        "sync_rps": round(median([r["rps"] for r in sync1]), 1),
        "sync_solo_rps": round(median([r["rps"] for r in solo]), 1),
        "sync10_rps": round(median([r["rps"] for r in sync10]), 1),
        "sync_vs_bare": round(median([s["rps"] / b["rps"] for s, b in zip(sync1, bare)]), 3),
        "sync_solo_vs_bare": round(median([s["rps"] / b["rps"] for s, b in zip(solo, bare)]), 3),
        "sync10_vs_bare": round(median([s["rps"] / b["rps"] for s, b in zip(sync10, bare)]), 3),
        "sync_pulled_share": round(median([r["pulled"] / max(r["requests"], 1) for r in sync1]), 3),
        "sync_cpu_ms": round(median([r["cpu_ms"] for r in sync1]), 2),
        "sync_solo_cpu_ms": round(median([r["cpu_ms"] for r in solo]), 2),
        "bare_cpu_ms": round(median([r["cpu_ms"] for r in bare]), 2),
        "sync_vs_bare_cpu": round(median([b["cpu_ms"] / s["cpu_ms"] for s, b in zip(sync1, bare)]), 3),
        "sync_solo_vs_bare_cpu": round(median([b["cpu_ms"] / s["cpu_ms"] for s, b in zip(solo, bare)]), 3),
        "sync_p50_ms": round(median([r["p50_us"] for r in sync1]) / 1000, 1),
        "sync_p99_ms": round(median([r["p99_us"] for r in sync1]) / 1000, 1),
        "errors": errors,
    }


def pulls(base, small, large, requests_each=60):
    """An incremental sync (cursor one change behind, nothing to push), alternating between a couple
    with a short history and one with a long one, on one keep-alive connection each."""

    def client(couple):
        session = requests.Session()
        # The partner who did not write the last entry: it reaches them by the couple's stream.
        reader = couple["users"][1 - couple["seq"] % 2]
        session.cookies.set("hearth_session", reader["token"])
        body = {"client_id": str(uuid.uuid4()), "cursor": f"{couple['seq'] - 1}.{reader['own_seq']}", "mutations": []}
        return session, body

    clients = [client(small), client(large)]
    times = ([], [])
    for n in range(requests_each + 5):
        for which in (n % 2, 1 - n % 2):  # alternate who goes first
            session, body = clients[which]
            started = time.perf_counter()
            response = session.post(base + "/api/sync", json=body)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200 and len(response.json()["changes"]) == 1, response.text[:300]
            if n >= 5:  # the first few warm up both workers
                times[which].append(elapsed)
    small_ms, large_ms = median(times[0]) * 1000, median(times[1]) * 1000
    return {
        "pull_small_ms": round(small_ms, 2),
        "pull_large_ms": round(large_ms, 2),
        "history_ratio": round(large_ms / small_ms, 3),
    }


def pull_plan(url, couple):
    """EXPLAIN of the pull query for the long-history couple (PostgreSQL): the index it uses."""
    from backend.extensions import db
    from backend.models import User
    from backend.services import sync_sql
    from common import make_app

    app = make_app(url)
    with app.app_context():
        reader = couple["users"][1 - couple["seq"] % 2]
        user = db.session.get(User, reader["id"])
        counters = sync_sql.read_counters(user.id, couple["id"])
        params = sync_sql.pull_params(user.id, counters, (couple["seq"] - 1, reader["own_seq"]), 501)
        query = sync_sql.pull_statement().params(params)
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = [row[0] for row in db.session.execute(db.text(f"EXPLAIN ANALYZE {compiled}"))]
        db.engine.dispose()
    return plan


def database_version(url):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            version = "SQLite " + conn.execute(text("select sqlite_version()")).scalar()
        else:
            version = conn.execute(text("show server_version")).scalar().split()[0]
            version = "PostgreSQL " + version
    engine.dispose()
    return version


def server_figures(name, url, scratch, args, log):
    log(f"== {name}: {url}")
    PG_DATABASE["name"] = urlsplit(url).path.lstrip("/") if name == "postgresql" else None
    app = reset_database(url)
    servers = 2 if args.against else 1
    # Twice the sync runs' couples: a run dropped for landing on one worker (wrk) starts again with new ones.
    couples = seed_couples(app, servers * CONNECTIONS * 2 * (3 * args.rounds + 1), entries=100)
    small = seed_couples(app, 1, entries=100, prefix="small")[0]
    large = None if args.sync_only else seed_couples(app, 1, entries=100_000, prefix="large")[0]
    with app.app_context():
        from backend.extensions import db

        if db.engine.dialect.name == "postgresql":
            # Settle the freshly seeded tables first, as a live database is: otherwise autovacuum
            # (its CPU counts as PostgreSQL's) and the checkpointer work on them during the first rounds.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(db.text("VACUUM ANALYZE"))
                conn.execute(db.text("CHECKPOINT"))
        db.engine.dispose()
    threads = args.threads or DEFAULT_THREADS[name]
    figures = {"db": database_version(url), "gunicorn_threads": threads}
    if args.against:  # the same load on another checkout of the code, same database, same rounds
        with gunicorn(url, threads=threads) as base, gunicorn(url, threads=threads, root=args.against) as other:
            measured = throughput({"": base, "against": other}, couples, scratch, args.duration, args.rounds, log)
        figures.update(measured[""])
        figures["against"] = {"root": str(args.against), **measured["against"]}
        return figures
    with gunicorn(url, threads=threads) as base:
        figures.update(throughput({"": base}, couples, scratch, args.duration, args.rounds, log)[""])
        if args.sync_only:
            return figures
        figures.update(pulls(base, small, large))
    log(f"  pull: {figures['pull_small_ms']} ms (100 entries) vs {figures['pull_large_ms']} ms (100,000)")
    if name == "postgresql":
        try:
            figures["pull_plan"] = pull_plan(url, large)
            log("  " + figures["pull_plan"][0])
        except Exception as err:  # the plan is a diagnostic: never lose the run's figures to it
            figures["pull_plan"] = [f"EXPLAIN failed: {err}"]
    import partner_push
    import push_fanout

    figures.update(
        push_fanout.measure(url, users=args.push_users, rounds=args.push_rounds, log=lambda line: log("  push " + line))
    )
    figures.update(
        partner_push.measure(url, events=args.partner_events, log=lambda line: log("  partner push " + line))
    )
    if not args.skip_browser:
        import live_latency

        # gunicorn and the live service in front of it, on this database; a fresh couple signs up
        figures.update(live_latency.run(url, log=log))
    import live_streams  # resets the database: after everything else that reads it

    figures.update(live_streams.measure(url, log=lambda line: log("  live " + line)))
    return figures


IMPORT = re.compile(r"""^\s*(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']""", re.M)
LINKED = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="/(frontend/[^"]+)"')


def _gz_kb(blobs):
    return round(sum(len(gzip.compress(data, 6)) for data in blobs) / 1024, 1)


def shell_kb_gz():
    """The shell the first screen needs, as tests/e2e/test_web.py counts it: index.html, what it links
    (CSS, icons, main.js), main.js's static import graph and one language (the larger catalogue), each
    gzipped on its own (gzip -6, as a server would), summed. Screens that load on first use
    (router.js ROUTES, import()) are precached for offline but not part of it: `precache_kb_gz` is
    everything the service worker keeps."""
    front = ROOT / "frontend"
    html = (front / "index.html").read_text()
    seen, stack = set(), [ROOT / path for path in LINKED.findall(html)]
    while stack:
        path = stack.pop().resolve()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        if path.suffix == ".js":
            for match in IMPORT.finditer(path.read_text()):
                stack.append(path.parent / (match.group(1) or match.group(2)))
    catalogues = [p.read_bytes() for p in sorted((front / "locales").glob("*.json"))]
    largest = max(catalogues, key=lambda data: len(gzip.compress(data, 6)))
    return _gz_kb([html.encode(), largest] + [p.read_bytes() for p in sorted(seen)]), len(seen) + 2


def precache_kb_gz():
    """Everything the service worker precaches (the shell files, manifest.json, the worker itself) and
    one language, the larger catalogue (the worker keeps only the person's own), gzipped as above."""
    from backend.web import render_worker, shell_files

    catalogues = [p.read_bytes() for p in sorted((ROOT / "frontend" / "locales").glob("*.json"))]
    files = [p.read_bytes() for p in shell_files(ROOT)] + [
        (ROOT / "manifest.json").read_bytes(),
        render_worker(ROOT).encode(),
        max(catalogues, key=lambda data: len(gzip.compress(data, 6))),
    ]
    return _gz_kb(files), len(files)


def offline_start(scratch, runs=10, log=print):
    from offline_start import measure

    url = f"sqlite:///{scratch}/browser.db"
    reset_database(url)
    with gunicorn(url) as base:
        return measure(base, runs, log)


def story_first_screen(scratch, runs=10, log=print):
    import story_first_screen as story

    return story.run(scratch, runs, log=log)


def e2e_first_sync(scratch, runs=5, log=print):
    """A new phone pulling and opening a couple's 10,000 sealed entries (bench/e2e_first_sync.py)."""
    import e2e_first_sync as first_sync

    return first_sync.run(scratch, runs, log=log)


def today_lighthouse(scratch, runs=3, log=print):
    """Lighthouse 12 mobile on a signed-in Today, median of `runs` (bench/today_lighthouse.py)."""
    from today_lighthouse import run

    return run(scratch, runs, log)


TABLE = [
    (
        "sync_rps",
        "req/s, POST /api/sync, 1 new entry + pull, 8 closed-loop phones: 4 couples, both partners writing in turn",
        None,
    ),
    ("bare_rps", "req/s, GET /healthz (one SELECT 1), same server and load", None),
    ("sync_vs_bare", "median of per-round ratios", ">= 0.40"),
    ("sync_pulled_share", "share of those syncs whose pull brought the partner's changes", "report"),
    ("sync_cpu_ms", "CPU per sync: gunicorn + wrk + local PostgreSQL processes", None),
    ("bare_cpu_ms", "CPU per bare request, the same processes", None),
    ("sync_vs_bare_cpu", "bare / sync CPU, median of per-round ratios (hardly moved by the load)", "report"),
    ("sync_solo_rps", "req/s, the same sync with one phone per couple (its only writer: no pull to do)", None),
    ("sync_solo_vs_bare", "median of per-round ratios", "report"),
    ("sync_solo_cpu_ms", "CPU per solo sync", None),
    ("sync_solo_vs_bare_cpu", "bare / solo sync CPU, median of per-round ratios", "report"),
    ("sync10_rps", "req/s, POST /api/sync with 10 new entries", None),
    ("sync10_vs_bare", "median of per-round ratios", "report"),
    ("sync_p50_ms", "latency of the 1-entry sync under that load", "report"),
    ("sync_p99_ms", "", "report"),
    ("pull_small_ms", "incremental pull (cursor one behind), couple with 100 entries", None),
    ("pull_large_ms", "the same, couple with 100,000 entries", None),
    ("history_ratio", "large / small", "<= 1.5"),
    ("push_per_s", "nudge worker tick, pushes/s to a loopback push service", None),
    ("raw_push_per_s", "raw pywebpush encrypt + POST, same threads, no DB", None),
    ("push_ratio", "worker / raw, median round", ">= 0.8"),
    (
        "partner_push_p50_ms",
        "partner event: sync sent to its push at a loopback push service, worker woken between ticks, 50 events",
        "report",
    ),
    ("partner_push_p95_ms", "the same, p95 (includes the 1 s wait for a burst to settle, PUSH_QUIET)", "<= 2000"),
    (
        "worker_idle_cpu_pct",
        "the worker's CPU while idle, 30 s (LISTEN on PostgreSQL, a look every 0.5 s on SQLite)",
        "report",
    ),
    (
        "live_latency_p50_ms",
        "tap on one phone to the entry on the partner's open Today (headless Chromium, app + live service), 50 taps",
        "report",
    ),
    ("live_latency_p95_ms", "the same, p95", "<= 1000"),
    ("live_streams", "idle /api/live streams one live process held at once (bench/live_streams.py)", ">= 10000"),
    ("live_rss_kb_per_stream", "the live process's RSS growth per idle stream, KB", "<= 20"),
    ("live_fanout_p99_ms", "a change in each of 1,000 couples at once -> each of their 2,000 streams, p99", "<= 500"),
    ("live_fanout_missed", "of those streams, events missing, plus events on streams of other couples", "0"),
    ("errors", "non-2xx, socket errors or mutations not applied during the runs", "0"),
    ("runs_started_again", "wrk runs dropped because a worker got none of their connections", "report"),
    ("gunicorn_threads", "gunicorn threads per worker (2 workers), both endpoints", None),
    ("db", "database", None),
]


def markdown(results):
    dbs = [k for k in ("sqlite", "postgresql") if k in results]
    lines = [
        f"# Benchmark results ({results['date']})",
        "",
        f"Machine: {results['machine']}. Shared with other jobs while it ran: ratios measured side by side "
        "(rounds interleaved, median) are the figures to read; absolute numbers move with the load.",
        "",
        "| key | what | goal | " + " | ".join(dbs) + " |",
        "| --- | --- | --- | " + " | ".join("---" for _ in dbs) + " |",
    ]
    for key, what, goal in TABLE:
        cells = [str(results[d].get(key, "")) for d in dbs]
        lines.append(f"| {key} | {what} | {goal or ''} | " + " | ".join(cells) + " |")
    for key, what, goal in (
        ("shell_kb_gz", f"first screen's shell, gzipped, {results.get('shell_files')} files", "< 150 KB"),
        ("precache_kb_gz", f"all the worker precaches, gzipped, {results.get('precache_files')} files", "report"),
        ("offline_start_ms", "offline reload to Today drawn from IndexedDB, median of 10", "report"),
        (
            "story_first_screen_ms",
            "tap on Our story to its first screen drawn, 10,000 entries on the phone, offline, median of 10",
            "<= 100",
        ),
        ("story_cold_ms", "offline reload onto /story to the same screen (the app's start reads all 10,000)", "report"),
        (
            "e2e_first_sync_ms",
            "a new phone given the keys: its first sync pulls and opens a couple's 10,000 sealed entries, to Today "
            "drawn, median of 5",
            "report",
        ),
        (
            "today_lighthouse_perf",
            "Lighthouse 12 mobile performance on a signed-in Today after a day, median of 3",
            ">= 95",
        ),
        ("today_cls", "the same runs' cumulative layout shift (first sync included), median of 3", "<= 0.02"),
        (
            "today_lighthouse_host_index",
            "Lighthouse's benchmarkIndex of this host in those runs, median (higher is faster: the score's "
            "simulated timings grow on a slower host)",
            "report",
        ),
    ):
        value = results.get(key, "")
        lines.append(f"| {key} | {what} | {goal} | " + " | ".join(str(value) for _ in dbs) + " |")
    if "load" in results:
        load = results["load"]
        lines += [
            "",
            "## Load (bench/load.py)",
            "",
            "| phones | couples | seconds | requests | errors | p50 ms | p99 ms | goal |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            f"| {load['phones']} | {load['couples']} | {load['seconds']} | {load['requests']} | "
            f"{load['errors']} | {load['p50_ms']} | {load['p99_ms']} | 0 errors, p99 < 250 ms |",
        ]
    if results.get("postgresql", {}).get("pull_plan"):
        lines += [
            "",
            "Pull query plan on PostgreSQL (100,000-entry couple):",
            "",
            "```",
            *results["postgresql"]["pull_plan"],
            "```",
        ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    # Short runs, many rounds: neighbours on this shared host come and go within seconds, and a
    # median of 7 per-round ratios shrugs off the rounds they spoil (3 x 5 s did not).
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved bare/sync/solo/sync10 rounds")
    parser.add_argument("--push-users", type=int, default=3000)
    parser.add_argument("--push-rounds", type=int, default=5)
    parser.add_argument("--partner-events", type=int, default=50)
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="gunicorn threads per worker (2 workers), for both endpoints; default: 1 on SQLite, "
        "2 on PostgreSQL (see DEFAULT_THREADS)",
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument(
        "--story-only",
        action="store_true",
        help="only Our story's first screen, 10,000 entries (bench/story_first_screen.py); prints, writes no results",
    )
    parser.add_argument(
        "--sync-only",
        action="store_true",
        help="only sync vs bare (no pulls, push, shell, browser); prints, writes no results",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout of the code (e.g. `git worktree add /tmp/before HEAD~1`, with its .venv "
        "linked): its own gunicorn, on the same database, measured in the same rounds, in turns; implies --sync-only",
    )
    args = parser.parse_args()
    args.sync_only = args.sync_only or bool(args.against)

    scratch = scratch_dir()
    if args.story_only:
        print(story_first_screen(scratch))
        return
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results = {
        "date": date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start, "
        f"{platform.python_implementation()} {platform.python_version()}, gunicorn 2 workers "
        f"x {threads_label(args)} threads (gthread), wrk {CONNECTIONS} connections",
    }
    if "load" in previous:
        results["load"] = previous["load"]
    started = time.monotonic()
    for name, url in database_urls(scratch).items():
        if args.only and name != args.only:
            continue
        results[name] = server_figures(name, url, scratch, args, print)
    if args.sync_only:
        for name in ("sqlite", "postgresql"):
            if name in results:
                print(
                    name,
                    {
                        k: results[name].get(k)
                        for k in (
                            "bare_rps",
                            "sync_rps",
                            "sync_vs_bare",
                            "sync_pulled_share",
                            "sync_cpu_ms",
                            "bare_cpu_ms",
                            "sync_vs_bare_cpu",
                            "sync_solo_rps",
                            "sync_solo_vs_bare",
                            "sync_solo_cpu_ms",
                            "sync_solo_vs_bare_cpu",
                            "sync10_rps",
                            "sync10_vs_bare",
                            "sync_p50_ms",
                            "sync_p99_ms",
                            "errors",
                            "runs_started_again",
                        )
                    },
                )
                if "against" in results[name]:
                    print(name, "against", results[name]["against"])
        return
    results["shell_kb_gz"], results["shell_files"] = shell_kb_gz()
    results["precache_kb_gz"], results["precache_files"] = precache_kb_gz()
    if not args.skip_browser:
        results["offline_start_ms"] = offline_start(scratch)
        results.update(story_first_screen(scratch))
        results.update(e2e_first_sync(scratch))
        results.update(today_lighthouse(scratch))
    results["seconds"] = round(time.monotonic() - started)

    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    REPORT.write_text(markdown(results))
    print()
    print(REPORT.read_text())


if __name__ == "__main__":
    main()
