"""Our story with five years on the phone: a tap on "Our story" to its first screen drawn, 10,000 entries.

Headless Chromium (Debian's, through Playwright for Python). Alex and Sam sign up and pair through the
API; Alex's page loads online once (service worker in control, first sync done), then 10,000 entries,
five years of a couple's daily use (disclosures with reflections and reactions, answers, appreciations,
check-ins, bids and their answers, sessions, commitments, journal lines), are written straight into
IndexedDB, as the sync would have left them, and the phone goes offline: everything is read from the
phone's store. The page is reloaded on More so the store holds them all.

Each run starts on More: a capture-phase click listener records performance.now() at the tap on the
"Our story" link; a MutationObserver sees the first day of the timeline in the DOM, then waits for the
next frame (requestAnimationFrame, then a task) so the figure includes style, layout and paint. Back to
More by its tab; one warm-up run (the screen's module loads from the worker's cache), then `runs` runs,
median reported. `story_cold_ms` (report): an offline reload straight onto /story, navigation start to
the same first screen, which includes the app's start reading all 10,000 entries from IndexedDB.

    ../.venv/bin/python story_first_screen.py [--runs 10] [--entries 10000]   (from bench/)
"""

import argparse
import statistics
import time

from offline_start import ARGS, CHROMIUM, PASSWORD, wait_until

from common import gunicorn, reset_database, scratch_dir

WATCH = """(() => {
  const drawn = () => document.querySelector('.story .entry') !== null;
  window.__storyDrawnAt = undefined;
  const check = () => {
    if (window.__storyDrawnAt !== undefined || window.__storySeen || !drawn()) return;
    window.__storySeen = true;
    requestAnimationFrame(() => setTimeout(() => { window.__storyDrawnAt = performance.now(); }, 0));
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true});
})();"""

TAP = """() => {
  window.__storySeen = false;
  window.__storyDrawnAt = undefined;
  document.addEventListener('click', (event) => {
    if (event.target.closest('a[href="/story"]')) window.__tappedAt = performance.now();
  }, { capture: true, once: true });
}"""

# Five years of a couple's entries, newest last in the loop (ids and dates only need to look real).
FILL = """async ({ count, me, partner, couple }) => {
  const kinds = ['disclosure', 'reflection', 'reaction', 'answer', 'appreciation', 'checkin', 'bid',
                 'bid_response', 'journal', 'answer', 'ritual_session', 'commitment'];
  const now = Date.now();
  const span = 5 * 365 * 86400000;
  const words = 'the walk by the river made me feel close to you again and I want more evenings like it'.split(' ');
  const line = (n) => Array.from({ length: 8 + (n % 12) }, (_, i) => words[(n * 7 + i) % words.length]).join(' ');
  const entries = [];
  let lastDisclosure = null, lastBid = null;
  for (let n = 0; n < count; n++) {
    const kind = kinds[n % kinds.length];
    const author = n % 2 ? partner : me;
    const at = new Date(now - span + (span * n) / count).toISOString();
    const id = crypto.randomUUID();
    const day = at.slice(0, 10);
    let ref = null;
    if (kind === 'disclosure') lastDisclosure = id;
    if (kind === 'bid') lastBid = id;
    if (kind === 'reflection' || kind === 'reaction') ref = lastDisclosure;
    if (kind === 'bid_response') ref = lastBid;
    const body = {
      disclosure: { text: line(n), category: 'feeling', feelings: ['calm'], local_date: day },
      reflection: { text: line(n) },
      reaction: { value: 'heart' },
      answer: { question_id: 'q-laugh', text: line(n), local_date: day },
      appreciation: { text: line(n) },
      checkin: { mood: 4, us: 5, feelings: [], note: line(n) },
      bid: { type: 'question', bidder: 'me', note: line(n) },
      bid_response: { response: 'toward' },
      ritual_session: { started_at: at, ended_at: at, answers: [{ prompt: 'x', text: line(n) }], passed: [] },
      commitment: { text: line(n), due_date: day, done_at: at },
      journal: { text: line(n), feelings: [] },
    }[kind];
    const journal = kind === 'journal';
    entries.push({ id, kind, author_id: journal ? me : author, visibility: journal ? 'private' : 'shared',
      ref_id: ref, body, rev: 1, seq: n + 1, created_at: at, updated_at: at, deleted: false,
      couple_id: journal ? null : couple });
  }
  await new Promise((resolve, reject) => {
    const open = indexedDB.open('hearth');
    open.onsuccess = () => {
      const tx = open.result.transaction('entries', 'readwrite');
      const store = tx.objectStore('entries');
      for (const e of entries) store.put(e);
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  });
  return entries.length;
}"""


def _signup(context, base, name):
    response = context.request.post(
        f"{base}/api/auth/signup",
        data={
            "email": f"{name.lower()}-{time.time_ns()}@bench.test",
            "password": PASSWORD,
            "display_name": name,
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status == 201, response.text()
    return response.json()["user"]


def measure(base, runs=10, entries=10_000, log=print):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            alex = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
            sam = browser.new_context(base_url=base)
            me, partner = _signup(alex, base, "Alex"), _signup(sam, base, "Sam")
            couple = alex.request.post(f"{base}/api/couple", data={}).json()
            assert sam.request.post(f"{base}/api/couple/join", data={"code": couple["invite"]["code"]}).status == 200
            alex.add_init_script(WATCH)
            page = alex.new_page()
            page.goto("/more")
            wait_until(page, "() => navigator.serviceWorker.controller !== null")
            wait_until(
                page,
                """() => { const p = document.getElementById('sync-pill');
                return p && Number(p.dataset.syncedAt || 0) > 0 && p.dataset.state === 'ok'; }""",
            )
            alex.set_offline(True)
            alex.route("**/*", lambda route: route.abort("internetdisconnected"))
            filled = page.evaluate(
                FILL, {"count": entries, "me": me["id"], "partner": partner["id"], "couple": couple["couple"]["id"]}
            )
            page.reload()
            wait_until(page, "() => document.querySelector('a[href=\"/story\"]') !== null")
            taps = []
            for _ in range(runs + 1):  # the first run loads the screen's module (from the worker's cache)
                page.evaluate(TAP)
                page.locator('nav a[href="/story"]').first.click()
                drawn = wait_until(page, "() => window.__storyDrawnAt")
                taps.append(drawn - page.evaluate("() => window.__tappedAt"))
                page.locator('#tabbar a[href="/more"]').click()
                wait_until(page, "() => document.querySelector('.story') === null")
                page.wait_for_timeout(100)
            taps = taps[1:]
            colds = []
            for _ in range(runs + 1):
                page.goto("/story", wait_until="commit")
                colds.append(wait_until(page, "() => window.__storyDrawnAt"))
            colds = colds[1:]
            shown = page.locator(".story .entry").count()
        finally:
            browser.close()
    log(f"  story, {filled} entries on the phone, {shown} drawn first")
    log(f"  tap to first screen: {', '.join(f'{t:.0f}' for t in taps)} ms")
    log(f"  offline reload onto /story: {', '.join(f'{t:.0f}' for t in colds)} ms")
    return {
        "story_first_screen_ms": round(statistics.median(taps), 1),
        "story_cold_ms": round(statistics.median(colds), 1),
    }


def run(scratch, runs=10, entries=10_000, log=print):
    """A scratch SQLite database under gunicorn (the server only signs the two up: the story is the phone's)."""
    url = f"sqlite:///{scratch}/story.db"
    reset_database(url)
    with gunicorn(url) as base:
        return measure(base, runs, entries, log)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    print(run(scratch_dir(), args.runs, args.entries))


if __name__ == "__main__":
    main()
