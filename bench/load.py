"""`make load`: 200 phones (100 couples) syncing for 60 s against gunicorn (2 workers) + PostgreSQL.

Each phone is a client id with an outbox and a cursor, as in the PWA: every 2-5 s (random, so the
phones drift apart) it queues 1-3 new entries, then POSTs /api/sync with its outbox and cursor,
drops what the answer's last_mid covers, keeps the new cursor, and calls again at once while
`more` is true. Partners of a couple sync against each other's writes (the couple's row lock is
contended for real). Phones run as threads in 4 client processes. Prints p50/p99 and the errors
(any non-200 answer, a rejected mutation or a socket error), and writes "load" into bench/results.json.

    .venv/bin/python bench/load.py [--phones 200] [--seconds 60] [--database-url URL]
"""

import argparse
import json
import multiprocessing
import os
import random
import threading
import time
import uuid

import requests

from common import PG_URL, body_for, gunicorn, percentile, reset_database, scratch_dir, seed_couples

KINDS = ("appreciation", "checkin", "bid", "disclosure")


def phone(base, token, stop_at, seed, out):
    rng = random.Random(seed)
    session = requests.Session()
    session.cookies.set("hearth_session", token)
    client_id, cursor, mid, outbox = str(uuid.uuid4()), 0, 0, []
    couple_id = session.get(base + "/api/me", timeout=10).json()["couple"]["id"]  # as the app keeps it
    latencies, errors, changes, kinds = [], 0, 0, {}
    time.sleep(rng.uniform(0, 3))
    while time.monotonic() < stop_at:
        for _ in range(rng.randint(1, 3)):
            mid += 1
            kind = rng.choice(KINDS)
            outbox.append(
                {
                    "mid": mid,
                    "op": "put",
                    "entry": {
                        "id": str(uuid.uuid4()),
                        "kind": kind,
                        "visibility": "shared",
                        "body": body_for(kind, mid),
                    },
                }
            )
        more = True
        while more and time.monotonic() < stop_at + 10:
            body = {"client_id": client_id, "cursor": cursor, "couple_id": couple_id, "mutations": outbox[:100]}
            started = time.perf_counter()
            try:
                response = session.post(base + "/api/sync", json=body, timeout=10)
            except requests.RequestException as err:
                errors += 1
                kinds[type(err).__name__] = kinds.get(type(err).__name__, 0) + 1
                break
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors += 1
                kinds[str(response.status_code)] = kinds.get(str(response.status_code), 0) + 1
                break
            answer = response.json()
            for result in answer["results"]:
                if result["status"] != "applied":
                    errors += 1
                    kinds[result["status"]] = kinds.get(result["status"], 0) + 1
            outbox = [m for m in outbox if m["mid"] > answer["last_mid"]]
            cursor, more = answer["cursor"], answer["more"]
            changes += len(answer["changes"])
        time.sleep(rng.uniform(2, 5))
    out.append((latencies, errors, changes, len(outbox), kinds))


def client_process(base, tokens, stop_at, seed, queue):
    out, threads = [], []
    for n, token in enumerate(tokens):
        t = threading.Thread(target=phone, args=(base, token, stop_at, seed * 1000 + n, out), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    queue.put(out)


def run(base, tokens, seconds, processes=4):
    stop_at = time.monotonic() + seconds
    queue = multiprocessing.Queue()
    chunks = [tokens[i::processes] for i in range(processes)]
    procs = [
        multiprocessing.Process(target=client_process, args=(base, chunk, stop_at, i, queue))
        for i, chunk in enumerate(chunks)
    ]
    for p in procs:
        p.start()
    phones = [result for _ in procs for result in queue.get(timeout=seconds + 120)]
    for p in procs:
        p.join()
    latencies = [lat for result in phones for lat in result[0]]
    return {
        "phones": len(tokens),
        "seconds": seconds,
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "errors": sum(result[1] for result in phones),
        "error_kinds": {k: sum(r[4].get(k, 0) for r in phones) for k in {k for r in phones for k in r[4]}},
        "unsent_at_end": sum(result[3] for result in phones),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--history", type=int, default=200, help="entries each couple already has")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_PG_URL", PG_URL))
    args = parser.parse_args()
    scratch_dir()
    app = reset_database(args.database_url)
    couples = seed_couples(app, args.phones // 2, entries=args.history)
    tokens = [user["token"] for couple in couples for user in couple["users"]]
    with gunicorn(args.database_url) as base:
        figures = run(base, tokens, args.seconds)
    figures["couples"] = len(couples)
    figures["db"] = "postgresql" if args.database_url.startswith("postgresql") else "sqlite"
    figures["load_average"] = round(os.getloadavg()[0], 1)
    print(json.dumps(figures, indent=2))
    print(
        f"{figures['phones']} phones, {figures['seconds']} s: {figures['requests']} syncs, "
        f"{figures['errors']} errors, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms "
        f"(goal: 0 errors, p99 < 250 ms)"
    )

    from run import REPORT, RESULTS, markdown

    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["load"] = figures
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    if "date" in results:
        REPORT.write_text(markdown(results))


if __name__ == "__main__":
    main()
