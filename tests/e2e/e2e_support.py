"""Helpers for the browser tests (fixtures live in conftest.py)."""

import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")  # the People fixture's time zone
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def wait_until(page, script, arg=None, timeout=15_000):
    """Polls `script` (a JS function) until it returns something truthy. Playwright's own
    wait_for_function evaluates strings with eval, which the app's CSP rightly refuses."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(script, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        page.wait_for_timeout(100)


def controlled(page):
    # The first visit installs the worker, which caches the whole app: slow on a busy 2-core machine.
    wait_until(page, "() => navigator.serviceWorker.controller !== null", timeout=30_000)


def open_app(context, path="/"):
    """A page on the app, with the service worker in control (and, where the server seals words, this phone
    holding its keys: keys_handed)."""
    page = context.new_page()
    page.goto(path)
    controlled(page)
    keys_handed(page)
    return page


RING_STATE = "() => import('/frontend/js/crypto/keyring.js').then((m) => m.state())"
LOOK_NOW = """() => import('/frontend/js/crypto/keyring.js').then((m) => {
  m.invalidate(); window.dispatchEvent(new Event('online')); })"""


def sealing_on(page):
    """Whether this page's server has end-to-end encryption on and someone is logged in (GET /api/me)."""
    me = page.evaluate("() => fetch('/api/me').then((r) => (r.ok ? r.json() : null))")
    return bool(me and me.get("encryption") and me.get("user"))


def keys_handed(page, timeout=40_000):
    """Where the server seals words (docs/encryption.md): until this phone holds its keys. A phone whose partner's
    phone made the couple key first waits until that phone wraps it for this one, which it does when it next
    looks at the key directory (by itself within 15 seconds); the other phones already open in this test
    (every browser context) are asked to look now, as the app itself does on its timer. Returns quietly when
    the setting is off, nobody is logged in, or the keys do not come (a test of a locked phone says so itself)."""
    if not sealing_on(page):
        return
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        if page.evaluate(RING_STATE) in ("ready", "locked"):
            return
        browser = page.context.browser
        for context in browser.contexts if browser else [page.context]:
            for other in context.pages:
                if other is not page and not other.is_closed() and other.url.startswith("http"):
                    try:
                        other.evaluate(LOOK_NOW)
                    except Exception:  # noqa: BLE001 - a page mid-navigation: it looks again by itself
                        pass
        page.wait_for_timeout(500)
        page.evaluate(LOOK_NOW)
        page.wait_for_timeout(500)


def synced_at(page):
    return int(page.eval_on_selector("#sync-pill", "p => p.dataset.syncedAt || 0") or 0)


def wait_synced(page, after=0, timeout=15_000):
    """Until a sync round finished after `after` (ms since epoch) and nothing is left queued."""
    wait_until(
        page,
        """after => { const p = document.getElementById('sync-pill');
        return Number(p.dataset.syncedAt || 0) > after && p.dataset.state === 'ok'; }""",
        after,
        timeout,
    )


def artifacts(*parts):
    path = ARTIFACTS.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def sealed_on_phone(context, entry, couple_id):
    """The put as that person's phone sends it: where the server seals words and one of their pages holds its
    keys, with the words sealed by that phone's keyring; else as it is (before any phone of theirs had keys,
    the server takes plaintext, and their phone seals it later, as after an upgrade)."""
    for page in context.pages:
        if page.is_closed() or not page.url.startswith("http") or page.evaluate(RING_STATE) != "ready":
            continue
        sealed = page.evaluate(
            "async ([e, c]) => (await import('/frontend/js/crypto/keyring.js')).sealPut(e, c)", [entry, couple_id]
        )
        if sealed:
            return sealed
    return entry


def seed(server, context, kind, body, visibility="shared", ref_id=None):
    """Writes one entry through /api/sync as that context's user (a one-off device); returns its id."""
    entry_id = str(uuid.uuid4())
    couple = context.request.get(f"{server.url}/api/me").json()["couple"]
    couple_id = couple and couple["id"]
    entry = {"id": entry_id, "kind": kind, "visibility": visibility, "ref_id": ref_id, "body": body}
    response = context.request.post(
        f"{server.url}/api/sync",
        data={
            "client_id": str(uuid.uuid4()),
            "cursor": 0,
            "couple_id": couple_id,
            "mutations": [{"mid": 1, "op": "put", "entry": sealed_on_phone(context, entry, couple_id)}],
        },
    )
    assert response.status == 200, response.text()
    result = response.json()["results"][0]
    assert result["status"] == "applied", result
    return entry_id


def settle(page, timeout=15_000):
    """Until this page's outbox (in IndexedDB) is empty and no sync is failing."""
    page.wait_for_timeout(200)
    wait_until(
        page,
        """() => new Promise((resolve) => {
        const open = indexedDB.open('hearth');
        open.onsuccess = () => {
          const req = open.result.transaction('outbox').objectStore('outbox').count();
          req.onsuccess = () => resolve(req.result === 0
            && document.getElementById('sync-pill').dataset.state === 'ok');
        };
      })""",
        timeout=timeout,
    )


def tab(page, path):
    """A tab, or a screen linked from More (Journal left the tab bar), by client-side navigation."""
    bar = page.get_by_role("navigation", name="Main")
    if bar.locator(f'a[href="{path}"]').count():
        bar.locator(f'a[href="{path}"]').click()
        return
    bar.locator('a[href="/more"]').click()
    page.get_by_role("navigation", name="More screens").locator(f'a[href="{path}"]').click()


PASSWORD_FIELD = "correct horse battery"


def go_offline(context):
    """No network for this browser context: offline flag plus every request aborted (the worker's too)."""
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def go_online(context):
    context.unroute("**/*")
    context.set_offline(False)


def words(page, row):
    """A stored entry's body as that phone opens it (issue 15: the server holds envelopes; this phone's keyring
    opens them), for tests that check what was saved. Raises when that phone cannot open it."""
    opened = page.evaluate(
        """async (entry) => (await import('/frontend/js/crypto/keyring.js')).openEntry(entry)""",
        {"id": row.id, "kind": row.kind, "body": row.body, "couple_id": row.couple_id, "author_id": row.author_id},
    )
    assert not opened.get("sealed") and not opened.get("tampered"), opened
    return opened["body"]


def moved(server, entry_id, timeout=30):
    """The entry's row once its words are sealed, where the server seals words: an entry seeded in plaintext
    before any phone had keys (as if written before the upgrade) is put again, sealed, by a phone of the
    couple (docs/encryption.md, "Moving existing couples"), which moves its rev on by one. Else the row as
    it is."""
    deadline = time.monotonic() + timeout
    while True:
        [row] = server.entries(id=entry_id)
        if not server.app.config["E2E_ENCRYPTION"] or "e1." in str(row.body) or time.monotonic() > deadline:
            return row
        time.sleep(0.2)


def arrived(server, timeout=30, **where):
    """The server's entries matching `where`, once there is at least one: a phone seals (WebCrypto) and
    queues a put after the tap, so its outbox can still look empty when settle() first looks. Empty after
    `timeout` seconds: the put never came (the caller's assertion says so)."""
    deadline = time.monotonic() + timeout
    while not (rows := server.entries(**where)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return rows


def log_out(page):
    """More's "Log out", tapped on the screen showing it. Where the server seals words and this phone holds the
    only keys with no recovery phrase, the phone first says the words would be lost (docs/encryption.md, "Before
    the words are lost"): going on is "Log out anyway". Waits until the login screen shows."""
    page.get_by_role("button", name="Log out", exact=True).click()
    signed_out = page.locator("input[name=email]")
    anyway = page.locator("dialog.loss-dialog").get_by_role("button", name="Log out anyway")
    signed_out.or_(anyway).first.wait_for()
    if anyway.is_visible():
        anyway.click()
    signed_out.wait_for()
