"""A phone's first sync of a couple's many sealed entries does work in proportion to the entries, not to the
entries times the pages (issue 15, docs/sync.md "A first sync"): each envelope is opened once, and the
entries store is read back a bounded number of times over, where a redraw after every page used to read
everything held so far each time. Counted, not timed (the time is `make bench`'s e2e_first_sync_ms). A moved
envelope among them is still set aside, with its quiet line."""

import uuid

import pytest

import e2e_crypto as ec
from backend.services import sync as sync_service

from .e2e_keys import KEY_HEX, paired_and_ready, ready
from .e2e_support import open_app, wait_until

pytestmark = pytest.mark.e2e

ENTRIES = 400
PAGE = 20  # the server's page, lowered so that a few hundred entries make twenty pages

# Installed before the app's scripts: how many records the phone read back from its entries store (every
# getAll), and how many AES-GCM opens it made (each envelope, plus a wrapped key now and then).
COUNTERS = """(() => {
  const work = (window.__work = { entryReads: 0, opens: 0 });
  const getAll = IDBObjectStore.prototype.getAll;
  IDBObjectStore.prototype.getAll = function (...args) {
    const request = getAll.apply(this, args);
    if (this.name === "entries") request.addEventListener("success", () => { work.entryReads += request.result.length; });
    return request;
  };
  const decrypt = SubtleCrypto.prototype.decrypt;
  SubtleCrypto.prototype.decrypt = function (algorithm, ...rest) {
    if (algorithm?.name === "AES-GCM") work.opens += 1;
    return decrypt.call(this, algorithm, ...rest);
  };
})();"""

HELD = """() => new Promise((resolve) => {
  const open = indexedDB.open('hearth');
  open.onsuccess = () => {
    const req = open.result.transaction('entries').objectStore('entries').getAll();
    req.onsuccess = () => { const rows = req.result; open.result.close();
      resolve({ all: rows.length, sealed: rows.filter((e) => e.sealed).length,
                tampered: rows.filter((e) => e.tampered).length }); };
  };
})"""

WIPE = """() => new Promise((resolve, reject) => {
  const gone = indexedDB.deleteDatabase('hearth');
  gone.onsuccess = () => resolve(true);
  gone.onerror = () => reject(gone.error);
})"""


def _appreciations(context, server, key, count):
    """`count` appreciations of Alex's, sent through /api/sync, 100 a request. With the couple `key`, sealed
    as her phone would, the last one's envelope made for another entry (moved: it must not open)."""
    couple = context.request.get(f"{server.url}/api/me").json()["couple"]["id"]
    mutations = []
    for n in range(count):
        entry_id, named = str(uuid.uuid4()), str(uuid.uuid4())
        text = f"thanks {n}"
        if key:
            text = ec.seal_text(key, "c1", named if n == count - 1 else entry_id, "appreciation", "text", text)
        entry = {"id": entry_id, "kind": "appreciation", "visibility": "shared", "ref_id": None, "body": {"text": text}}
        mutations.append({"mid": n + 1, "op": "put", "entry": entry})
    client = str(uuid.uuid4())
    for at in range(0, count, 100):
        data = {"client_id": client, "cursor": 0, "couple_id": couple, "mutations": mutations[at : at + 100]}
        response = context.request.post(f"{server.url}/api/sync", data=data)
        assert response.status == 200, response.text()
        assert all(r["status"] == "applied" for r in response.json()["results"])


def _first_sync(sam, s, server, monkeypatch, expected):
    """Sam's phone, keys kept, starts over as a new phone would: its entries database goes, and it pulls
    everything again, PAGE entries a round trip. Returns what it counted."""
    monkeypatch.setattr(sync_service, "PAGE_SIZE", PAGE)
    s.goto("/manifest.json")
    s.evaluate(WIPE)
    sam.add_init_script(COUNTERS)
    s.goto("/")
    wait_until(
        s,
        """async (expected) => {
          const pill = document.getElementById('sync-pill');
          if (!pill || pill.dataset.state !== 'ok' || !Number(pill.dataset.syncedAt || 0)) return false;
          const held = await new Promise((resolve) => {
            const open = indexedDB.open('hearth');
            open.onsuccess = () => {
              const req = open.result.transaction('entries').objectStore('entries').count();
              req.onsuccess = () => { open.result.close(); resolve(req.result); };
            };
          });
          return held >= expected;
        }""",
        expected,
        timeout=60_000,
    )
    return s.evaluate("() => ({ ...window.__work })")  # before the tests' own reads


@pytest.mark.usefixtures("encryption_on", "key_epochs_from_one")
def test_a_first_sync_of_many_pages_opens_each_entry_once_and_reads_them_back_a_bounded_number_of_times(
    new_context, people, live_server, monkeypatch
):
    alex, sam, a, s = paired_and_ready(new_context, people)
    key = bytes.fromhex(a.evaluate(KEY_HEX, "c1"))
    _appreciations(alex, live_server, key, ENTRIES)
    expected = len(sam.request.get(f"{live_server.url}/api/export").json()["entries"])
    assert expected >= ENTRIES

    work = _first_sync(sam, s, live_server, monkeypatch, expected)
    ready(s)
    s.get_by_text("Something from Alex could not be read on this phone and was set aside.").wait_for()

    held = s.evaluate(HELD)
    assert held == {"all": expected, "sealed": 0, "tampered": 1}
    shown = s.evaluate(
        "() => import('/frontend/js/store.js').then(({ store }) => store.entries.filter((e) => e.kind === 'appreciation').length)"
    )
    assert shown == ENTRIES - 1  # every one opened but the moved one

    # Each envelope opened once (a few more for wrapped keys), not again after each page.
    assert work["opens"] <= ENTRIES + 10, work
    # Read back a bounded number of times over: a redraw per page read 20 + 40 + … + 400 (over 4,000 here).
    assert work["entryReads"] <= 4 * expected, work


@pytest.mark.usefixtures("encryption_off")
def test_a_first_sync_without_sealing_reads_back_a_bounded_number_of_times_too(
    new_context, people, live_server, monkeypatch
):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    s = open_app(sam)
    _appreciations(alex, live_server, None, ENTRIES)
    expected = len(sam.request.get(f"{live_server.url}/api/export").json()["entries"])

    work = _first_sync(sam, s, live_server, monkeypatch, expected)
    shown = s.evaluate(
        "() => import('/frontend/js/store.js').then(({ store }) => store.entries.filter((e) => e.kind === 'appreciation').length)"
    )
    assert shown == ENTRIES
    assert work["opens"] == 0, work
    assert work["entryReads"] <= 4 * expected, work
