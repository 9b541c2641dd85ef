"""Live latency: a tap on one phone to the entry on the partner's open page, both in headless Chromium.

The app runs as in production, minus TLS: gunicorn, and the live service (`python -m backend.live`) in
front of it with --proxy-to, so both pages talk to one origin that serves the app and /api/live, as
`make run` does. Alex and Sam sign up and pair through the API; Sam's Today is open (its stream open,
nothing else touching it: no reload, no refocus); Alex sends `taps` appreciations from /appreciate, one
at a time. For each, the time from the tap (a capturing click listener on Alex's page) to the moment the
text is in Sam's page (a MutationObserver there), both read as performance.timeOrigin + performance.now()
in the one browser, so both clocks are the same clock.

    .venv/bin/python bench/live_latency.py [--taps 50] [--only sqlite|postgresql]
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from common import ROOT, database_urls, free_port, gunicorn, percentile, reset_database, scratch_dir

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}

TAPPED = """(() => {
  document.addEventListener('click', (event) => {
    if (event.target.closest && event.target.closest('button[type=submit]'))
      window.__tappedAt = performance.timeOrigin + performance.now();
  }, true);
})();"""
SEEN = """(() => {
  window.__seen = {};
  const look = () => {
    const text = document.body ? document.body.textContent : '';
    for (const match of text.matchAll(/live-tap-(\\d+)\\b/g))
      if (!(match[1] in window.__seen)) window.__seen[match[1]] = performance.timeOrigin + performance.now();
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true });
})();"""


@contextmanager
def live_service(url, proxy_to):
    """`python -m backend.live` on a free port, forwarding everything but /api/live to `proxy_to`."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "backend.live", "--host", "127.0.0.1", "--port", str(port), "--proxy-to", proxy_to]
    base = f"http://127.0.0.1:{port}"
    with open(Path(os.environ["HEARTH_INSTANCE"]) / f"live-{port}.log", "w") as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(base + "/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the live service did not start: see {log.name}")
                time.sleep(0.2)
            yield base
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_until(page, script, arg=None, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        page.wait_for_timeout(10)


def _signup(context, base, name):
    response = context.request.post(
        f"{base}/api/auth/signup",
        data={
            "email": f"{name.lower()}-{time.time_ns()}@bench.test",
            "password": PASSWORD,
            "display_name": name,
            "timezone": "Europe/Berlin",
            "language": "en",
        },
    )
    assert response.status == 201, response.text()


def _open(context, log):
    page = context.new_page()
    page.on("console", lambda m: log(f"  console {m.type}: {m.text}") if m.type == "error" else None)
    page.goto("/")
    wait_until(
        page,
        """() => { const p = document.getElementById('sync-pill');
        return p && Number(p.dataset.syncedAt || 0) > 0 && p.dataset.state === 'ok'; }""",
    )
    return page


def measure(base, taps=50, log=print):
    """{live_latency_p50_ms, live_latency_p95_ms} for `taps` appreciations, Alex's tap to Sam's screen."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            alex = browser.new_context(base_url=base, viewport=PHONE, locale="en-US")
            sam = browser.new_context(base_url=base, viewport=PHONE, locale="en-US")
            _signup(alex, base, "Alex")
            _signup(sam, base, "Sam")
            code = alex.request.post(f"{base}/api/couple", data={}).json()["invite"]["code"]
            assert sam.request.post(f"{base}/api/couple/join", data={"code": code}).status == 200
            alex.add_init_script(TAPPED)
            sam.add_init_script(SEEN)
            sender, reader = _open(alex, log), _open(sam, log)
            reader.evaluate("() => { window.__sameDocument = true; }")
            sender.goto("/appreciate")
            field = sender.get_by_label("Something you appreciate about Sam")
            reader.wait_for_timeout(1_000)  # Sam's stream is open and has told its first cursor
            times = []
            for n in range(taps):
                field.fill(f"Thank you, live-tap-{n}")
                sender.get_by_role("button", name="Send appreciation").click()
                seen = wait_until(reader, "(n) => window.__seen[n]", str(n))
                times.append(seen - sender.evaluate("() => window.__tappedAt"))
                field.wait_for()
                sender.wait_for_timeout(100)  # taps a person would make, not a burst
            assert reader.evaluate("() => window.__sameDocument === true"), "Sam's page reloaded"
        finally:
            browser.close()
    p50, p95 = percentile(times, 50), percentile(times, 95)
    log(f"  live latency over {taps} taps: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(times):.0f} ms")
    return {"live_latency_p50_ms": round(p50, 1), "live_latency_p95_ms": round(p95, 1)}


def run(url, taps=50, log=print, reset=False):
    """gunicorn + the live service in front, on `url`; the figures of measure()."""
    if reset:
        reset_database(url)
    with gunicorn(url) as app_base, live_service(url, app_base) as base:
        return measure(base, taps, log)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--taps", type=int, default=50)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    scratch = scratch_dir()
    for name, url in database_urls(scratch).items():
        if args.only and name != args.only:
            continue
        print(f"== {name}: {url}")
        print(name, run(url, args.taps, reset=True))


if __name__ == "__main__":
    main()
