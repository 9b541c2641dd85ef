"""The live service (backend/live) under many open streams: one live process, 10,000 idle streams from an
aiohttp client in this process, then a change in each of 1,000 couples at once (2,000 of those streams
listening to them).

    live_streams            streams open at once (all got their first event)
    live_rss_kb_per_stream  the live process's RSS growth / streams, once they are all open and idle
    live_fanout_p99_ms      commit of the 1,000 changes -> each of the 2,000 streams' event, p99
                            (PostgreSQL: the NOTIFY; SQLite: the next tick)

The changes are made as a write does: the counters move and services/live_signal.py sends the signal
in the same transaction; the clock starts at its commit.

Alone: `cd bench && ../.venv/bin/python live_streams.py [--only sqlite|postgresql]` (BENCH_PG_URL; it
resets that database's schema). `make bench` adds the keys through run.py.
"""

import argparse
import asyncio
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from statistics import quantiles

from common import ROOT, database_urls, free_port, reset_database, scratch_dir, seed_couples

OPEN_AT_ONCE = 200  # connections being opened at a time (the listen backlog is 128)


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _raise_descriptor_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


class Listener:
    """One stream: its first cursor, and when each later event arrived."""

    __slots__ = ("first", "events", "opened")

    def __init__(self):
        self.first, self.events = None, []
        self.opened = asyncio.Event()

    async def run(self, session, url, token, gate):
        async with gate:
            response = await session.get(url + "/api/live", cookies={"hearth_session": token})
            if response.status != 200:
                raise RuntimeError(f"/api/live answered {response.status}")
            async for line in _lines(response, self):
                if line.startswith(b"data:"):  # the first cursor
                    self.first = line
                    self.opened.set()
                    break
        async for line in _lines(response, self):
            if line.startswith(b"data:"):
                self.events.append(time.monotonic())


async def _lines(response, _listener):
    while True:
        line = await response.content.readline()
        if not line:
            return
        yield line


async def _stream_run(url, db_url, pairs, fanout_couples, log, settle=3.0):
    import aiohttp

    from backend.services import live_signal

    gate = asyncio.Semaphore(OPEN_AT_ONCE)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30)
    listeners, tasks = {}, []
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as s:
        started = time.monotonic()
        for couple in pairs:
            for user in couple["users"]:
                listener = Listener()
                listeners[user["id"]] = listener
                tasks.append(asyncio.create_task(listener.run(s, url, user["token"], gate)))
        waiting = [asyncio.create_task(listener.opened.wait()) for listener in listeners.values()]
        done, _ = await asyncio.wait(waiting, timeout=600)
        failed = [t for t in tasks if t.done() and t.exception()]
        if failed:
            raise failed[0].exception()
        opened = sum(1 for listener in listeners.values() if listener.first is not None)
        log(f"  {opened} streams open in {time.monotonic() - started:.1f} s")
        await asyncio.sleep(settle)

        yield_point = {"opened": opened}
        yield yield_point  # the caller reads the RSS here

        # A change in each of the first `fanout_couples` couples, in one transaction, as a write makes it.
        chosen = pairs[:fanout_couples]
        app = _signal_app(db_url)
        commit_at = await asyncio.get_running_loop().run_in_executor(None, _move_couples, app, chosen, live_signal)
        listening = [listeners[u["id"]] for c in chosen for u in c["users"]]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(listener.events for listener in listening):
            await asyncio.sleep(0.02)
        delays = [(listener.events[0] - commit_at) * 1000 for listener in listening if listener.events]
        others = sum(1 for uid, listener in listeners.items() if listener.events) - len(delays)
        yield_point.update(delays=delays, missed=len(listening) - len(delays), others=others)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _signal_app(url):
    from common import make_app

    return make_app(url)


def _move_couples(app, couples, live_signal):
    from sqlalchemy import update

    from backend.extensions import db
    from backend.models import Couple

    with app.app_context():
        for couple in couples:
            couple["seq"] += 1
            db.session.execute(update(Couple).where(Couple.id == couple["id"]).values(seq=couple["seq"]))
            live_signal.couple_moved(couple["id"], couple["seq"])
        db.session.commit()
        at = time.monotonic()
        db.engine.dispose()
    return at


def measure(url, streams=10_000, fanout_couples=1_000, log=print):
    """The three keys for one database."""
    hard = _raise_descriptor_limit()
    if hard < streams + 200:
        raise RuntimeError(f"the descriptor limit ({hard}) is below {streams} streams")
    app = reset_database(url)
    pairs = seed_couples(app, streams // 2, prefix="live")
    port = free_port()
    log_path = Path(os.environ.get("HEARTH_INSTANCE", scratch_dir())) / f"live-{port}.log"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    with open(log_path, "w") as out:
        live = subprocess.Popen(
            [sys.executable, "-m", "backend.live", "--host", "127.0.0.1", "--port", str(port), "--ping", "25"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, live)
        time.sleep(1)
        before = rss_kb(live.pid)
        figures = asyncio.run(_drive(base, url, pairs, fanout_couples, live.pid, before, log))
    finally:
        live.send_signal(signal.SIGTERM)
        try:
            live.wait(timeout=20)
        except subprocess.TimeoutExpired:
            live.kill()
            live.wait()
    return figures


async def _drive(base, url, pairs, fanout_couples, pid, before, log):
    run = _stream_run(base, url, pairs, fanout_couples, log)
    point = await run.__anext__()
    after = rss_kb(pid)
    opened = point["opened"]
    per_stream = (after - before) / max(opened, 1)
    log(f"  RSS {before} KB -> {after} KB: {per_stream:.1f} KB per stream")
    try:
        await run.__anext__()
    except StopAsyncIteration:
        pass
    delays = sorted(point["delays"])
    p99 = quantiles(delays, n=100)[98] if len(delays) > 1 else (delays[0] if delays else None)
    log(
        f"  fan-out: {len(delays)} streams in {delays[-1]:.0f} ms (p50 {delays[len(delays) // 2]:.0f} ms, "
        f"p99 {p99:.0f} ms); missed {point['missed']}, other streams moved {point['others']}"
    )
    return {
        "live_streams": opened,
        "live_rss_kb_per_stream": round(per_stream, 1),
        "live_fanout_p99_ms": round(p99, 1) if p99 is not None else None,
        "live_fanout_missed": point["missed"] + point["others"],
    }


def _wait_healthy(base, process, timeout=120):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the live service exited")
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("the live service did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--streams", type=int, default=10_000)
    parser.add_argument("--couples", type=int, default=1_000, help="couples changed at once (2 streams each)")
    args = parser.parse_args()
    scratch = scratch_dir()
    for name, url in database_urls(scratch).items():
        if args.only and name != args.only:
            continue
        print(f"== {name}")
        print(name, measure(url, args.streams, args.couples))


if __name__ == "__main__":
    main()
