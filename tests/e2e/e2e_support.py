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
    wait_until(page, "() => navigator.serviceWorker.controller !== null")


def open_app(context, path="/"):
    """A page on the app, with the service worker in control."""
    page = context.new_page()
    page.goto(path)
    controlled(page)
    return page


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


def seed(server, context, kind, body, visibility="shared", ref_id=None):
    """Writes one entry through /api/sync as that context's user (a one-off device); returns its id."""
    entry_id = str(uuid.uuid4())
    couple = context.request.get(f"{server.url}/api/me").json()["couple"]
    response = context.request.post(
        f"{server.url}/api/sync",
        data={
            "client_id": str(uuid.uuid4()),
            "cursor": 0,
            "couple_id": couple and couple["id"],
            "mutations": [
                {
                    "mid": 1,
                    "op": "put",
                    "entry": {"id": entry_id, "kind": kind, "visibility": visibility, "ref_id": ref_id, "body": body},
                }
            ],
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
