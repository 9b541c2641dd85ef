"""Lighthouse 12 (mobile, its defaults: a mid-range phone, slow 4G, 4x CPU slowdown) on a signed-in Today.

gunicorn on a scratch database; Alex and Sam sign up and pair through the API, Sam shares a day
(an honest thing, an appreciation, today's answer) and Alex checks in. Lighthouse then opens Today
as Alex with the session cookie as an extra header, on a fresh profile each run: the worst case,
where the first sync brings everything while Today is on screen. `runs` runs; the medians of the
performance score (0–100) and of the cumulative layout shift.

    .venv/bin/python bench/today_lighthouse.py [--runs 3] [--root OTHER_CHECKOUT]      (needs `npm ci`)
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from common import ROOT, free_port, gunicorn, median, reset_database, scratch_dir

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
ZONE = "Europe/Berlin"


def _person(base, name):
    session = requests.Session()
    response = session.post(
        f"{base}/api/auth/signup",
        json={
            "email": f"{name.lower()}-{time.time_ns()}@bench.test",
            "password": PASSWORD,
            "display_name": name,
            "timezone": ZONE,
        },
    )
    assert response.status_code == 201, response.text
    return session


def _put(base, session, kind, body):
    couple = session.get(f"{base}/api/me").json()["couple"]
    entry = {"id": str(uuid.uuid4()), "kind": kind, "visibility": "shared", "ref_id": None, "body": body}
    mutation = {"mid": 1, "op": "put", "entry": entry}
    response = session.post(
        f"{base}/api/sync",
        json={"client_id": str(uuid.uuid4()), "cursor": 0, "couple_id": couple["id"], "mutations": [mutation]},
    )
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "applied", response.text


def question_for(local_date, couple_id):
    """Today's question on that date, as the phone picks it (frontend/js/question-order.js, run in node)."""
    order = (ROOT / "frontend" / "js" / "question-order.js").as_uri()
    library = json.loads((ROOT / "frontend" / "locales" / "questions" / "en.json").read_text())["order"]
    script = (
        f"import {{ questionOn }} from {json.dumps(order)};"
        f"const day = questionOn({json.dumps(library)}, {json.dumps(couple_id)}, {json.dumps(local_date)}, 'light');"
        "console.log(day[0]);"
    )
    done = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def a_day_of_use(base):
    """A paired couple after a day; Alex's session cookie."""
    alex, sam = _person(base, "Alex"), _person(base, "Sam")
    code = alex.post(f"{base}/api/couple", json={}).json()["invite"]["code"]
    assert sam.post(f"{base}/api/couple/join", json={"code": code}).status_code == 200
    today = datetime.now(UTC).astimezone(ZoneInfo(ZONE)).date().isoformat()
    _put(
        base,
        sam,
        "disclosure",
        {
            "text": "Work was a lot this week and I kept it to myself.",
            "category": "feeling",
            "feelings": ["tired", "hopeful"],
            "local_date": today,
            "i_feel": {"feel": "tired", "when": "I carry it alone", "need": "a quiet evening together"},
        },
    )
    _put(base, sam, "appreciation", {"text": "Thank you for the soup last night."})
    couple_id = sam.get(f"{base}/api/me").json()["couple"]["id"]
    answer = {"question_id": question_for(today, couple_id), "text": "A hug when I come home.", "local_date": today}
    _put(base, sam, "answer", answer)
    _put(base, alex, "checkin", {"mood": 4, "us": 4, "feelings": ["content"], "note": ""})
    return alex.cookies.get("hearth_session")


@contextmanager
def compressed(upstream):
    """A gzip-encoding proxy in front of `upstream`, as deploy/Caddyfile serves the app (`encode zstd
    gzip`): Lighthouse reads the bytes a phone would get, not gunicorn's uncompressed ones."""
    import asyncio
    import gzip
    import threading

    from aiohttp import ClientSession, web

    port = free_port()
    loop = asyncio.new_event_loop()
    texty = ("text/", "application/javascript", "application/json", "application/manifest+json")

    async def forward(request):
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "accept-encoding")}
        async with (
            ClientSession(auto_decompress=False) as client,
            client.request(
                request.method,
                upstream + request.path_qs,
                headers=headers,
                data=await request.read(),
                allow_redirects=False,
            ) as answer,
        ):
            body = await answer.read()
            out = {
                k: v
                for k, v in answer.headers.items()
                if k.lower() not in ("content-length", "transfer-encoding", "connection")
            }
        wants = "gzip" in request.headers.get("Accept-Encoding", "")
        if wants and len(body) > 512 and answer.content_type.startswith(texty):
            body = gzip.compress(body, 6)
            out["Content-Encoding"] = "gzip"
            out["Vary"] = "Accept-Encoding"
        return web.Response(status=answer.status, body=body, headers=out)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app)

    def serve():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the compressing proxy did not start")
        time.sleep(0.1)
    try:
        yield base
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)


def lighthouse(url, cookie, out):
    """One Lighthouse run; (performance score 0–100, CLS, the host's benchmarkIndex)."""
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--only-categories=performance",
            "--output=json",
            f"--output-path={out}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            f"--extra-headers={json.dumps({'Cookie': f'hearth_session={cookie}'})}",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        timeout=300,
    )
    report = json.loads(Path(out).read_text())
    score = report["categories"]["performance"]["score"] * 100
    if os.environ.get("HEARTH_LIGHTHOUSE_KEEP"):  # a folder: keep each report to read its audits
        Path(os.environ["HEARTH_LIGHTHOUSE_KEEP"]).mkdir(parents=True, exist_ok=True)
        Path(os.environ["HEARTH_LIGHTHOUSE_KEEP"], Path(out).name).write_text(Path(out).read_text())
    cls = report["audits"]["cumulative-layout-shift"]["numericValue"]
    return round(score), cls, report["environment"]["benchmarkIndex"]


def measure(base, runs=3, log=print, seed_base=None):
    """Lighthouse on `base`; the couple is made through `seed_base` (default: the same)."""
    cookie = a_day_of_use(seed_base or base)
    scores, shifts, speeds = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(runs):
            score, cls, speed = lighthouse(f"{base}/", cookie, Path(folder) / f"today-{n}.json")
            scores.append(score)
            shifts.append(cls)
            speeds.append(speed)
            log(f"  lighthouse today run {n + 1}: performance {score}, CLS {cls:.3f}, host benchmarkIndex {speed:.0f}")
    return {
        "today_lighthouse_perf": median(scores),
        "today_cls": round(median(shifts), 3),
        "today_lighthouse_host_index": round(median(speeds)),
    }


def run(scratch, runs=3, log=print, root=ROOT):
    """`root`: the checkout to serve (another one measures other code on the same host and hour)."""
    url = f"sqlite:///{scratch}/lighthouse.db"
    reset_database(url)
    with gunicorn(url, root=root) as app_base, compressed(app_base) as base:
        return measure(base, runs, log, seed_base=app_base)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT, help="another checkout to serve (its .venv linked)")
    args = parser.parse_args()
    print(run(scratch_dir(), args.runs, root=args.root))


if __name__ == "__main__":
    main()
