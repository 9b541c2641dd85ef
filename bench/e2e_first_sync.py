"""A new device's first sync of a couple's sealed words (issue 15): `e2e_first_sync_ms`, median of 5.

Headless Chromium (Debian's, through Playwright for Python), the server under gunicorn with HEARTH_E2E=1. Alex
and Sam sign up and pair through the API; a first device of Alex's (made here, in Python) registers and stores
the couple key and Alex's personal key wrapped for itself, so the server keeps their checks. 10,000 shared
entries whose words are envelopes, sealed with that couple key by tests/e2e_crypto.py (the phone's Python twin),
are written straight into the database, as the sync would have left them.

Each run is a new phone of Alex's: a fresh browser context signs in and opens the app with its sync held back,
so its keyring registers the device and nothing is pulled yet; the first device then wraps both keys for it
(as a QR or the recovery phrase would bring them). The page, which the app sent to /keys/unlock while the phone
had no keys, then goes to Today (as "Go to Today" there would), and the figure is the time from that
navigation's start until the phone has pulled and opened every entry (all 10,000 in IndexedDB, none left
sealed), the sync is idle and Today is drawn. Each run is a new device, so five runs add five devices (the
server allows ten per person).

    ../.venv/bin/python e2e_first_sync.py [--runs 5] [--entries 10000]   (from bench/)
    FIRST_SYNC_TIMEOUT=60 (seconds) gives up on a run sooner than the default 30 minutes.
"""

import argparse
import hashlib
import hmac
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta

from offline_start import ARGS, CHROMIUM, PASSWORD, WATCH, wait_until

from common import NOW, ROOT, entry_row, gunicorn, reset_database, scratch_dir

sys.path.insert(0, str(ROOT / "tests"))
import e2e_crypto as ec  # noqa: E402 - the phone's envelope and wrapping, in Python (tests/e2e_crypto.py)

SEALED = {"appreciation": "text", "disclosure": "text", "checkin": "note", "bid": "note"}

# Installed for the measured load only: every 20 ms, whether the phone holds every entry opened, the sync is
# idle and Today is drawn (offline_start.WATCH sets __todayDrawnAt); the first time it does, the instant.
DONE = """(expected) => {
  window.__firstSyncAt = undefined;
  const count = () => new Promise((resolve) => {
    const open = indexedDB.open('hearth');
    open.onerror = () => resolve(0);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('entries')) { db.close(); resolve(0); return; }
      const req = db.transaction('entries').objectStore('entries').count();
      req.onsuccess = () => { db.close(); resolve(req.result); };
      req.onerror = () => { db.close(); resolve(0); };
    };
  });
  const tick = async () => {
    const pill = document.getElementById('sync-pill');
    const idle = pill && Number(pill.dataset.syncedAt || 0) > 0 && pill.dataset.state === 'ok';
    if (idle && window.__todayDrawnAt !== undefined && (await count()) >= expected) {
      window.__firstSyncAt = performance.now();
      return;
    }
    setTimeout(tick, 20);
  };
  tick();
}"""

UNOPENED = """() => new Promise((resolve) => {
  const open = indexedDB.open('hearth');
  open.onsuccess = () => {
    const req = open.result.transaction('entries').objectStore('entries').getAll();
    req.onsuccess = () => resolve(req.result.filter((e) => e.sealed || e.tampered).length);
  };
})"""


STATE = """async () => {
  const pill = document.getElementById('sync-pill');
  const rows = await new Promise((resolve) => {
    const open = indexedDB.open('hearth');
    open.onsuccess = () => {
      const req = open.result.transaction('entries').objectStore('entries').getAll();
      req.onsuccess = () => resolve(req.result);
    };
  });
  return { pill: pill && { ...pill.dataset }, today: window.__todayDrawnAt, entries: rows.length,
           sealed: rows.filter((e) => e.sealed).length, tampered: rows.filter((e) => e.tampered).length };
}"""


GIVE_UP = float(os.environ.get("FIRST_SYNC_TIMEOUT", 1800))  # seconds: 10,000 entries on a loaded machine are slow
WHERE = "() => [location.pathname, ...[...document.querySelectorAll('h1, h2')].map((h) => h.textContent)]"


def key_check(raw):
    """What the phones send beside a wrapped copy (docs/encryption.md, "Two phones at once")."""
    return ec.b64url(hmac.new(raw, b"hearth key check v1", hashlib.sha256).digest()[:16])


def _ok(response, *statuses):
    assert response.status in statuses or (not statuses and response.ok), response.text()
    return response.json() if response.status != 204 else None


class Alex:
    """Alex's account through one signed-in browser context, holding the couple's keys in Python."""

    def __init__(self, context, base):
        self.context, self.base = context, base
        self.couple_key, self.personal_key = ec.new_content_key(), ec.new_content_key()

    def api(self, method, path, **kwargs):
        return getattr(self.context.request, method)(f"{self.base}{path}", **kwargs)

    def first_device(self):
        """A device made here that stores both keys wrapped for itself: the server keeps their checks."""
        self.device_id = str(uuid.uuid4())
        private = ec.new_device_key()
        public = ec.b64url(ec.public_raw(private))
        _ok(self.api("post", "/api/keys/devices", data={"device_id": self.device_id, "public_key": public}), 201)
        directory = _ok(self.api("get", f"/api/keys?device={self.device_id}"), 200)
        self.keys = {
            f"c{directory['couple_epoch']}": self.couple_key,
            f"p{directory['personal_epoch']}": self.personal_key,
        }
        self.wrap_for(self.device_id, public)
        return directory

    def wrap_for(self, device_id, public):
        items = [
            {"device_id": device_id, "key_id": key_id, "blob": ec.wrap_for(public, device_id, key_id, raw)}
            | {"check": key_check(raw)}
            for key_id, raw in self.keys.items()
        ]
        _ok(self.api("put", "/api/keys/wrapped", data={"items": items, "by_device": self.device_id}), 200)

    def devices(self):
        return _ok(self.api("get", f"/api/keys?device={self.device_id}"), 200)["devices"]


def seed(url, couple_id, members, couple_key_id, couple_key, count):
    """`count` shared entries with sealed words, alternating authors, after whatever pairing wrote."""
    from backend.extensions import db
    from backend.models import Couple, Entry, User
    from common import _insert, body_for, make_app

    app = make_app(url)
    with app.app_context():
        couple = db.session.get(Couple, couple_id)
        people = [db.session.get(User, member) for member in members]
        rows = []
        for n in range(1, count + 1):
            kind = tuple(SEALED)[n % len(SEALED)]
            author = people[n % 2]
            author.own_seq += 1
            row = entry_row(couple_id, author.id, couple.seq + n, kind, own_seq=author.own_seq)
            row["created_at"] = row["updated_at"] = NOW - timedelta(minutes=count - n)
            body, field = body_for(kind, n), SEALED[kind]
            body[field] = ec.seal_text(couple_key, couple_key_id, row["id"], kind, field, body[field] or f"note {n}")
            rows.append({**row, "body": body})
        couple.seq += count
        _insert(Entry, rows, chunk=5000)
        db.session.commit()
        db.engine.dispose()
    return len(rows)


def _signup(context, base, name):
    email = f"{name.lower()}-{time.time_ns()}@bench.test"
    data = {"email": email, "password": PASSWORD, "display_name": name, "timezone": "Europe/Berlin"}
    return _ok(context.request.post(f"{base}/api/auth/signup", data=data), 201)["user"], email


def one_run(browser, base, alex, email, expected):
    """A new phone of Alex's: registered with its sync held back, given the keys, then its first sync timed."""
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
    try:
        _ok(context.request.post(f"{base}/api/auth/login", data={"email": email, "password": PASSWORD}), 200)
        context.route("**/api/sync", lambda route: route.abort("internetdisconnected"))
        known = {d["device_id"] for d in alex.devices()}
        page = context.new_page()
        page.goto("/")
        wait_until(page, "() => navigator.serviceWorker.controller !== null")
        deadline = time.monotonic() + 30
        while not (new := [d for d in alex.devices() if d["device_id"] not in known]):
            assert time.monotonic() < deadline, "the new phone never registered its device key"
            time.sleep(0.1)
        alex.wrap_for(new[0]["device_id"], new[0]["public_key"])
        context.unroute("**/api/sync")
        context.add_init_script(WATCH)
        # Today, as the person would go on from /keys/unlock (where the app sent a phone without keys) once the
        # keys came: "Go to Today".
        page.goto("/", wait_until="commit")
        page.evaluate(DONE, expected)
        try:
            took = wait_until(page, "() => window.__firstSyncAt", timeout=GIVE_UP)
        except AssertionError as err:
            raise AssertionError(f"{err}; the phone then: {page.evaluate(STATE)}, {page.evaluate(WHERE)}") from None
        unopened = page.evaluate(UNOPENED)
        assert unopened == 0, f"{unopened} entries left sealed or set aside"
        return took
    finally:
        context.close()


def measure(base, runs=5, entries=10_000, url=None, log=print):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            first, sam_context = browser.new_context(base_url=base), browser.new_context(base_url=base)
            (me, email), (partner, _) = _signup(first, base, "Alex"), _signup(sam_context, base, "Sam")
            couple = _ok(first.request.post(f"{base}/api/couple", data={}))
            join = sam_context.request.post(f"{base}/api/couple/join", data={"code": couple["invite"]["code"]})
            _ok(join, 200)
            alex = Alex(first, base)
            directory = alex.first_device()
            key_id = f"c{directory['couple_epoch']}"
            couple_id = couple["couple"]["id"]
            seeded = seed(url, couple_id, [me["id"], partner["id"]], key_id, alex.couple_key, entries)
            on_server = _ok(first.request.get(f"{base}/api/me"), 200)
            assert on_server["encryption"], "HEARTH_E2E=1 did not reach the server"
            held = len(_ok(first.request.get(f"{base}/api/export"), 200)["entries"])  # with pairing's rituals
            times = [one_run(browser, base, alex, email, held) for _ in range(runs)]
        finally:
            browser.close()
    each = ", ".join(f"{t:.0f}" for t in times)
    log(f"  a new phone's first sync of {seeded} sealed entries ({held} in all): {each} ms")
    return {"e2e_first_sync_ms": round(statistics.median(times), 1)}


def run(scratch, runs=5, entries=10_000, log=print):
    """A scratch SQLite database under gunicorn with end-to-end encryption on."""
    url = f"sqlite:///{scratch}/e2e-first-sync.db"
    reset_database(url)
    before = os.environ.get("HEARTH_E2E")
    os.environ["HEARTH_E2E"] = "1"
    try:
        with gunicorn(url) as base:
            return measure(base, runs, entries, url, log)
    finally:
        if before is None:
            os.environ.pop("HEARTH_E2E", None)
        else:
            os.environ["HEARTH_E2E"] = before


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    print(run(scratch_dir(), args.runs, args.entries))


if __name__ == "__main__":
    main()
