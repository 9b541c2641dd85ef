"""Where a sync's time goes, stage by stage: the typical sync (one new entry and the partner's latest change)
in-process, two phones taking turns, each stage timed where it is called, and GET /healthz timed the same way
for the bare request. Prints microseconds per request; the stages nest (the service holds the lock, the write,
the pull and the commit), so they do not add up to the whole.

    .venv/bin/python bench/sync_stages.py [--db sqlite|postgresql] [--requests 3000] [--wall]

CPU time of this process by default (on PostgreSQL the backend's share is not in it: bench/profile_sync.py
reads that); --wall for elapsed time. Commit times are also given as percentiles: a slow tail there on SQLite
holds the writers' turn (services/write_turn.py). A stage also carries the garbage collector's pauses that
happen to fall in it (one process, one phone at a time: the same allocations land the pauses in the same places)."""

import argparse
import functools
import time
import uuid
from collections import Counter

from common import database_urls, median, reset_database, scratch_dir, seed_couples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--wall", action="store_true", help="elapsed time instead of this process's CPU")
    args = parser.parse_args()
    clock = time.perf_counter if args.wall else time.process_time
    app = reset_database(database_urls(scratch_dir())[args.db])
    couple = seed_couples(app, 1, entries=100)[0]
    spent, commits = Counter(), []

    def timed(label, function):
        @functools.wraps(function)
        def wrapper(*arguments, **keywords):
            started = clock()
            try:
                return function(*arguments, **keywords)
            finally:
                spent[label] += clock() - started

        return wrapper

    from backend.api import sync as route
    from backend.extensions import db
    from backend.services import entries, sync, sync_sql

    for module, names in ((sync_sql, ("lock_for_push", "write_batch")), (entries, ("parse_put",))):
        for name in names:
            setattr(module, name, timed(name, getattr(module, name)))
    for name in ("push", "pull"):
        setattr(sync, name, timed(name, getattr(sync, name)))
    sync.sync = timed("the service (sync.sync)", sync.sync)
    route.jsonify = timed("jsonify", route.jsonify)
    app.wsgi_app = timed("whole request (WSGI)", app.wsgi_app)
    for hooks, kind in ((app.before_request_funcs, "before"), (app.after_request_funcs, "after")):
        for key, functions in hooks.items():
            hooks[key] = [timed(f"{kind}_request {f.__name__}", f) for f in functions]
    view = app.view_functions["sync.sync"]
    app.view_functions["sync.sync"] = timed("the view (webargs, flask-smorest, the service)", view)

    class Session:  # the service's db.session, its commit timed
        def __getattr__(self, name):
            return getattr(db.session, name)

        def commit(self):
            started = clock()
            try:
                return db.session.commit()
            finally:
                commits.append(clock() - started)
                spent["commit"] += commits[-1]

    sync.db = type("Db", (), {"session": Session()})()

    phones = []
    for user in couple["users"]:
        client = app.test_client()
        client.set_cookie("hearth_session", user["token"])
        phones.append({"client": client, "id": str(uuid.uuid4()), "cursor": f"{couple['seq']}.{user['own_seq']}"})
    mid = 0

    def one():
        nonlocal mid
        mid += 1
        phone = phones[mid % 2]
        kind, body = ("appreciation", {"text": f"thanks {mid}"}) if mid % 2 else ("checkin", {"mood": 3, "us": 4})
        entry = {"id": str(uuid.uuid4()), "kind": kind, "visibility": "shared", "body": body}
        response = phone["client"].post(
            "/api/sync",
            json={
                "client_id": phone["id"],
                "cursor": phone["cursor"],
                "couple_id": couple["id"],
                "mutations": [{"mid": mid, "op": "put", "entry": entry}],
            },
        )
        assert response.status_code == 200, response.json
        phone["cursor"] = response.json["cursor"]

    bare = app.test_client()
    for _ in range(50):  # warm: imports, prepared statements
        one()
        bare.get("/healthz")
    spent.clear()
    commits.clear()
    for _ in range(args.requests):
        one()
    of_sync = dict(spent)
    spent.clear()
    for _ in range(args.requests):
        bare.get("/healthz")
    unit = "elapsed" if args.wall else "CPU"
    print(f"{args.db}, {args.requests} requests each, µs of this process's {unit} per request")
    for label, seconds in sorted(of_sync.items(), key=lambda item: -item[1]):
        print(f"  sync  {label:50s} {seconds / args.requests * 1e6:8.1f}")
    for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  bare  {label:50s} {seconds / args.requests * 1e6:8.1f}")
    commits.sort()
    tail = commits[int(len(commits) * 0.99) :]
    print(
        f"  commit p50 {median(commits) * 1e6:.0f} µs, p99 {tail[0] * 1e6:.0f} µs, max {commits[-1] * 1e6:.0f} µs; "
        f"the slowest 1% hold {sum(tail) / sum(commits):.0%} of all commit time"
    )


if __name__ == "__main__":
    main()
