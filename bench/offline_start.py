"""Offline start: from navigation to the Today screen drawn from IndexedDB, with no network.

Headless Chromium (Debian's, through Playwright for Python). Two people sign up and pair through the
API once, online; Alex's page loads, the service worker takes control and a sync fills IndexedDB.
Then the context goes offline and the page is reloaded `runs` times. The app sets no performance
mark of its own, so an init script watches the DOM from the first byte and records
performance.now() (milliseconds since navigation start) the moment Today shows both its greeting
with the user's name (read from IndexedDB) and the "One honest thing" card.
"""

import statistics
import time

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
NAME = "Alex"

WATCH = (
    """(() => {
  const drawn = () => {
    const h1 = document.querySelector('.page-head h1');
    if (!h1 || !h1.textContent.includes(%r)) return false;
    return [...document.querySelectorAll('h2, h3')].some((h) => h.textContent.includes('One honest thing'));
  };
  const check = () => {
    if (window.__todayDrawnAt === undefined && drawn()) window.__todayDrawnAt = performance.now();
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true, characterData: true});
})();"""
    % NAME
)


def wait_until(page, script, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = page.evaluate(script)
        except Exception as err:  # the page navigated while being asked
            if "context was destroyed" not in str(err) and "navigat" not in str(err):
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        page.wait_for_timeout(20)


def _signup(context, base, name, n):
    response = context.request.post(
        f"{base}/api/auth/signup",
        data={
            "email": f"{name.lower()}{n}-{time.time_ns()}@bench.test",
            "password": PASSWORD,
            "display_name": name,
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status == 201, response.text()


def measure(base, runs=10, log=print):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            alex = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
            sam = browser.new_context(base_url=base)
            _signup(alex, base, NAME, 1)
            _signup(sam, base, "Sam", 2)
            code = alex.request.post(f"{base}/api/couple", data={}).json()["invite"]["code"]
            assert sam.request.post(f"{base}/api/couple/join", data={"code": code}).status == 200
            alex.add_init_script(WATCH)
            page = alex.new_page()
            page.goto("/")
            wait_until(page, "() => navigator.serviceWorker.controller !== null")
            wait_until(
                page,
                """() => { const p = document.getElementById('sync-pill');
                return p && Number(p.dataset.syncedAt || 0) > 0 && p.dataset.state === 'ok'; }""",
            )
            wait_until(page, "() => window.__todayDrawnAt !== undefined")

            alex.set_offline(True)
            alex.route("**/*", lambda route: route.abort("internetdisconnected"))
            times = []
            for _ in range(runs + 1):  # the first offline reload warms the worker's caches up
                page.reload(wait_until="commit")
                times.append(wait_until(page, "() => window.__todayDrawnAt"))
            times = times[1:]
        finally:
            browser.close()
    log(f"  offline start: {', '.join(f'{t:.0f}' for t in times)} ms")
    return round(statistics.median(times), 1)
