"""Profile the typical sync (one new entry + pull) in-process with pyinstrument, and count its queries.
The two partners' phones take turns, so each sync also pulls the other's latest change (as
bench/run.py's `sync` load); --solo profiles one phone alone (its pull has nothing to bring).

    .venv/bin/python bench/profile_sync.py [--db sqlite|postgresql] [--requests 300] [--mutations 1]
        [--solo] [--html out.html] [--cprofile [N]]
pyinstrument by default (pip install pyinstrument first; it is a tool, not a dependency); --cprofile uses
the standard library's cProfile instead and prints the top N functions by cumulative time.
"""

import argparse
import time
import uuid
from pathlib import Path

from common import database_urls, median, process_cpu, reset_database, scratch_dir, seed_couples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--mutations", type=int, default=1)
    parser.add_argument("--html")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--cprofile", type=int, nargs="?", const=25, help="cProfile, top N by cumulative time")
    parser.add_argument("--solo", action="store_true", help="one phone per couple: nothing to pull")
    args = parser.parse_args()
    url = database_urls(scratch_dir())[args.db]
    app = reset_database(url)
    couples = seed_couples(app, 1, entries=100)
    couple = couples[0]
    phones = []
    for user in couple["users"][:1] if args.solo else couple["users"]:
        client = app.test_client()
        client.set_cookie("hearth_session", user["token"])
        phones.append(
            {"client": client, "client_id": str(uuid.uuid4()), "cursor": f"{couple['seq']}.{user['own_seq']}", "mid": 0}
        )
    turn = 0

    from sqlalchemy import event

    from backend.extensions import db

    statements = []

    def one():
        nonlocal turn
        phone = phones[turn % len(phones)]
        turn += 1
        mutations = []
        for _ in range(args.mutations):
            phone["mid"] += 1
            mid = phone["mid"]
            kind, body = ("appreciation", {"text": f"thanks {mid}"}) if mid % 2 else ("checkin", {"mood": 3, "us": 4})
            mutations.append(
                {
                    "mid": mid,
                    "op": "put",
                    "entry": {"id": str(uuid.uuid4()), "kind": kind, "visibility": "shared", "body": body},
                }
            )
        response = phone["client"].post(
            "/api/sync",
            json={
                "client_id": phone["client_id"],
                "cursor": phone["cursor"],
                "couple_id": couple["id"],
                "mutations": mutations,
            },
        )
        assert response.status_code == 200, response.json
        assert len(response.json["changes"]) == args.mutations * (1 if args.solo or turn == 1 else 2), response.json
        phone["cursor"] = response.json["cursor"]

    for _ in range(20):
        one()
    with app.app_context():
        engine = db.engine

    def seen(conn, cursor, statement, *rest):
        statements.append(statement)

    # The hot statements bypass SQLAlchemy's execution (services/prebuilt.py), so its event does
    # not see them: they are recorded where prebuilt hands them to the driver.
    from backend.services import prebuilt

    prepare = prebuilt._prepare

    def recorded(statement, keys):
        prepared = prepare(statement, keys)
        statements.append(prepared[1])
        return prepared

    execute_compiled = prebuilt.execute_compiled

    def recorded_compiled(sql, *rest):
        statements.append(sql)
        return execute_compiled(sql, *rest)

    event.listen(engine, "before_cursor_execute", seen)
    prebuilt._prepare, prebuilt.execute_compiled = recorded, recorded_compiled
    one()
    prebuilt._prepare, prebuilt.execute_compiled = prepare, execute_compiled
    event.remove(engine, "before_cursor_execute", seen)
    print(f"{len(statements)} statements per sync of {args.mutations} mutation(s), commit not counted:")
    for s in statements:
        print("   ", " ".join(s.split())[:160])
    statements.clear()

    times, cpu = [], []
    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU, not the waits on the database
        profiler.enable()
    elif not args.no_profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    # PostgreSQL's side: the CPU of the backends connected to this database (the app's, here).
    database = url.rsplit("/", 1)[-1]

    def server_cpu():
        if args.db != "postgresql":
            return 0.0
        return process_cpu(lambda c: c.startswith("postgres") and f" {database} " in c)

    server_started = server_cpu()
    for _ in range(args.requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        one()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    server_ms = (server_cpu() - server_started) * 1000 / args.requests
    if args.cprofile:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
    elif profiler:
        profiler.stop()
        if args.html:
            Path(args.html).write_text(profiler.output_html())
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    # CPU time of this process (the app's Python, not PostgreSQL's): hardly moved by a busy machine.
    print(
        f"median {median(times) * 1000:.2f} ms per sync in-process, {median(cpu) * 1000:.2f} ms CPU ({args.db}, "
        f"{'one phone' if args.solo else 'two phones taking turns'})"
        + (f"; PostgreSQL backends {server_ms:.2f} ms CPU per sync (mean)" if args.db == "postgresql" else "")
    )


if __name__ == "__main__":
    main()
