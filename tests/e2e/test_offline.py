"""Offline first: writes land locally at once, reach the server exactly once, survive reloads."""

import pytest

from .e2e_support import controlled, go_offline, go_online, open_app, synced_at, tab, wait_synced, wait_until, words

pytestmark = pytest.mark.e2e


@pytest.mark.usefixtures("encryption_on")  # the server's end-to-end setting on: words stored sealed
def test_entries_made_offline_sync_once_and_reach_the_partner(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex)
    wait_synced(page)

    go_offline(alex)
    tried = []
    alex.on("request", lambda request: tried.append(request.url) if "/api/sync" in request.url else None)
    page.reload()
    page.get_by_role("heading", name="One honest thing").wait_for()  # the shell and data came from the phone

    page.get_by_label("What's true for you today?").fill("Offline worry about the rent")
    page.get_by_role("radio", name="A worry").click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Quick check-in").click()  # folded to one line on Today
    page.get_by_role("radio", name="4").first.click()
    page.get_by_role("radiogroup", name="How are we, 1 to 5").get_by_role("radio", name="5").click()
    page.get_by_role("button", name="Check in").click()
    tab(page, "/appreciate")
    page.get_by_label("Something you appreciate about Sam").fill("Offline thanks for the soup")
    page.get_by_role("button", name="Send appreciation").click()
    page.get_by_text("Saved on this phone. It goes to Sam once we reach the server.").wait_for()  # not "Sent to Sam."
    tab(page, "/journal")
    page.get_by_label("Write freely").fill("Offline journal, only mine")
    page.get_by_role("button", name="Save to journal").click()
    tab(page, "/bids")
    page.get_by_role("radio", name="Joke").click()
    page.get_by_label("A note (optional)").fill("Offline pun about the cat")
    page.get_by_role("button", name="Log bid").click()
    wait_until(page, "() => document.getElementById('sync-pill').textContent === '5 waiting · offline'")

    page.reload()  # still offline: everything is still there, still queued
    tab(page, "/journal")
    page.get_by_text("Offline journal, only mine").wait_for()
    tab(page, "/")
    page.get_by_text("Offline worry about the rent").wait_for()
    wait_until(page, "() => document.getElementById('sync-pill').textContent.startsWith('5 ')")
    assert tried == []  # the phone knows it is offline: no request was even tried
    with page.expect_request("**/api/sync"):  # … unless the person asks
        page.locator("#sync-pill").click()
    wait_until(page, "() => document.getElementById('sync-pill').textContent === '5 waiting · offline'")
    assert live_server.entries(kind="appreciation") == []

    before = synced_at(page)
    go_online(alex)
    wait_synced(page, after=before)

    texts = {
        "disclosure": "Offline worry about the rent",
        "appreciation": "Offline thanks for the soup",
        "journal": "Offline journal, only mine",
    }
    for kind, text in texts.items():
        rows = live_server.entries(kind=kind)
        assert [words(page, r)["text"] for r in rows] == [text], kind
        assert text not in str(rows[0].body)  # the server holds it sealed (issue 15)
    assert len(live_server.entries(kind="checkin")) == 1
    assert [words(page, r)["note"] for r in live_server.entries(kind="bid")] == ["Offline pun about the cat"]

    partner = open_app(sam)
    # Sam's first phone waits for the couple key until Alex's phone wraps it (it looks every 15 s: keyring.js).
    partner.get_by_text("Offline worry about the rent").wait_for(timeout=45_000)
    tab(partner, "/appreciate")
    partner.get_by_text("Offline thanks for the soup").wait_for()
    tab(partner, "/bids")
    partner.get_by_text("Offline pun about the cat").first.wait_for()
    assert partner.get_by_text("Offline journal, only mine").count() == 0


def test_a_lost_sync_response_is_not_applied_twice(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/appreciate")
    wait_synced(page)
    dropped = []

    def drop_after_applying(route):
        if not dropped and '"mutations":[{' in (route.request.post_data or ""):
            route.fetch()  # the server applies the mutation …
            dropped.append(route.request.post_data)
            route.abort("connectionreset")  # … but the phone never hears back
        else:
            route.continue_()

    alex.route("**/api/sync", drop_after_applying)
    page.get_by_label("Something you appreciate about Sam").fill("Said once, saved once")
    page.get_by_role("button", name="Send appreciation").click()
    for _ in range(200):  # the retry comes after a backoff of about two seconds
        page.wait_for_timeout(100)
        if dropped and page.evaluate("() => document.getElementById('sync-pill').textContent") == "Synced":
            break
    assert dropped, "the first sync with the mutation was not intercepted"
    assert page.evaluate("() => document.getElementById('sync-pill').textContent") == "Synced"
    assert [words(page, r)["text"] for r in live_server.entries(kind="appreciation")] == ["Said once, saved once"]
    page.reload()
    controlled(page)
    wait_synced(page)
    assert page.get_by_text("Said once, saved once").count() == 1
    assert [words(page, r)["text"] for r in live_server.entries(kind="appreciation")] == ["Said once, saved once"]


def test_two_tabs_share_one_outbox_without_doubles(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    first = open_app(alex, "/journal")
    second = open_app(alex, "/journal")
    wait_synced(first)
    alex.route("**/api/sync", lambda route: route.abort("internetdisconnected"))
    for i in range(3):
        for n, page in enumerate((first, second)):
            page.get_by_label("Write freely").fill(f"tab {n} note {i}")
            page.get_by_role("button", name="Save to journal").click()
    alex.unroute("**/api/sync")
    for page in (first, second):
        page.evaluate("() => window.dispatchEvent(new Event('online'))")  # both flush at once
    wait_until(first, "() => document.getElementById('sync-pill').dataset.state === 'ok'", timeout=20_000)
    wait_until(second, "() => document.getElementById('sync-pill').dataset.state === 'ok'", timeout=20_000)
    texts = sorted(words(first, r)["text"] for r in live_server.entries(kind="journal"))
    assert texts == sorted(f"tab {n} note {i}" for i in range(3) for n in (0, 1))
