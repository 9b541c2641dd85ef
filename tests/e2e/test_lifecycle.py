"""Storage lifecycles: a wiped database resyncs from 0, a lost couple clears the partner's entries,
logging out clears the phone, an ended session keeps queued writes for the same person."""

import pytest

from .e2e_support import (
    PASSWORD_FIELD,
    controlled,
    log_out,
    open_app,
    seed,
    settle,
    tab,
    wait_synced,
    wait_until,
    words,
)

pytestmark = pytest.mark.e2e

LOCAL_TEXTS = """() => new Promise((resolve) => {
    const open = indexedDB.open('hearth');
    open.onsuccess = () => {
      const req = open.result.transaction('entries').objectStore('entries').getAll();
      req.onsuccess = () => { resolve(req.result.map((e) => (e.body && e.body.text) || '')); open.result.close(); };
    };
  })"""


def test_a_wiped_database_resyncs_everything(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    seed(live_server, sam, "appreciation", {"text": "From before the wipe"})
    page = open_app(alex, "/appreciate")
    page.get_by_text("From before the wipe").wait_for()
    page.evaluate(
        "() => new Promise((resolve) => { const r = indexedDB.deleteDatabase('hearth');"
        " r.onsuccess = r.onerror = r.onblocked = () => resolve(); })"
    )
    page.reload()
    page.get_by_text("From before the wipe").wait_for()  # the cookie was still good: pulled from cursor 0


def test_when_the_partner_leaves_their_entries_go_and_pairing_shows(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    seed(live_server, sam, "appreciation", {"text": "Sam's words"})
    page = open_app(alex, "/appreciate")
    page.get_by_text("Sam's words").wait_for()
    assert sam.request.post(f"{live_server.url}/api/couple/leave", data={}).status == 204
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # any sync trigger
    page.get_by_role("heading", name="Sam has stepped away from Hearth together").wait_for()  # told first
    assert "Sam's words" not in page.evaluate(LOCAL_TEXTS)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Start our Hearth").wait_for()


def test_logging_out_clears_the_phone(new_context, people):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/journal")
    page.get_by_label("Write freely").fill("Only for this account")
    page.get_by_role("button", name="Save to journal").click()
    settle(page)
    tab(page, "/more")
    log_out(page)
    page.get_by_role("button", name="Log in").wait_for()
    assert page.evaluate(LOCAL_TEXTS) == []


def test_an_ended_session_keeps_queued_writes_for_the_same_person(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    user, _ = people.pair(alex, sam)
    page = open_app(alex, "/appreciate")
    wait_synced(page)
    alex.route("**/api/sync", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Something you appreciate about Sam").fill("Written before the session ended")
    page.get_by_role("button", name="Send appreciation").click()
    wait_until(page, "() => document.getElementById('sync-pill').textContent.startsWith('1 ')")
    alex.clear_cookies()  # as if the session was revoked elsewhere
    alex.unroute("**/api/sync")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.get_by_text("1 unsynced change is waiting on this phone").wait_for()
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(PASSWORD_FIELD)
    page.get_by_role("button", name="Log in").click()
    controlled(page)
    settle(page)
    assert [words(page, e)["text"] for e in live_server.entries(kind="appreciation")] == [
        "Written before the session ended"
    ]
