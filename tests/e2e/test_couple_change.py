"""The phone when the couple changes (issue 10, items 1 and 17): writes queued for the previous couple
are set aside as "not sent" (never sent, readable, downloadable, discardable; journal lines go on
under the current scope), and someone without a couple still reaches their entries and settings."""

import json
from pathlib import Path

import pytest

from .e2e_support import artifacts, go_offline, go_online, open_app, seed, settle, wait_synced, wait_until, words

pytestmark = pytest.mark.e2e
THANKS = "thank you for last night. I still love you."


def test_a_couple_change_moves_the_outbox_to_not_sent(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/appreciate")
    wait_synced(page)
    go_offline(alex)
    page.get_by_label("Something you appreciate about").fill(THANKS)
    page.get_by_role("button", name="Send appreciation").click()
    page.get_by_role("navigation", name="Main").locator('a[href="/more"]').click()
    page.get_by_role("navigation", name="More screens").locator('a[href="/journal"]').click()
    page.get_by_label("Write freely").fill("Written offline, for me")
    page.get_by_role("button", name="Save to journal").click()
    assert sam.request.post(f"{live_server.url}/api/couple/leave", data={}).status == 204

    go_online(alex)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.get_by_role("link", name="‹ Back to pairing").click()  # the journal stays open for someone alone
    page.get_by_role("button", name="Continue").click()  # after the news that Sam stepped away
    page.get_by_role("button", name="Start our Hearth").wait_for()
    settle(page)

    assert live_server.entries(kind="appreciation") == []  # never sent
    [journal] = live_server.entries(kind="journal")
    assert words(page, journal)["text"] == "Written offline, for me" and journal.couple_id is None
    page.get_by_role("link", name="See them").click()
    page.get_by_role("heading", name="Not sent", level=1).wait_for()
    page.get_by_text(THANKS).wait_for()
    page.screenshot(path=artifacts("screenshots", "not-sent.png"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as a file").click()
    saved = json.loads(Path(download.value.path()).read_text())
    assert [item["entry"]["body"]["text"] for item in saved["items"]] == [THANKS]
    page.get_by_role("button", name="Discard this appreciation").click()
    page.get_by_text("Nothing here.").wait_for()
    assert live_server.entries(kind="appreciation") == []


def test_an_unpaired_user_reaches_their_entries_and_settings(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    seed(live_server, alex, "appreciation", {"text": "Mine to keep"})
    seed(live_server, alex, "journal", {"text": "A private line"}, visibility="private")
    seed(live_server, sam, "appreciation", {"text": "Sam's words"})
    assert alex.request.post(f"{live_server.url}/api/couple/leave", data={}).status == 204

    page = open_app(alex, "/")
    page.get_by_role("button", name="Undo and come back").wait_for()  # home while the undo lasts
    page.get_by_role("link", name="Your entries").click()
    page.get_by_text("Mine to keep").wait_for()
    page.get_by_text("A private line").wait_for()
    assert page.get_by_text("Sam's words").count() == 0
    page.screenshot(path=artifacts("screenshots", "alone-entries.png"), full_page=True)
    [entry] = [e for e in live_server.entries(kind="appreciation") if words(page, e)["text"] == "Mine to keep"]
    page.get_by_role("button", name="Delete this appreciation").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    wait_until(page, "() => !document.body.innerText.includes('Mine to keep')")
    settle(page)
    assert [e.deleted for e in live_server.entries(id=entry.id)] == [True]

    page.get_by_role("link", name="‹ Back to pairing").click()
    page.get_by_role("button", name="Undo and come back").wait_for()
    page.get_by_role("link", name="Settings and account").click()
    page.get_by_role("heading", name="Settings", level=1).wait_for()
    page.get_by_role("button", name="Export my data").wait_for()
    page.get_by_role("button", name="Delete my account").wait_for()
    page.get_by_role("button", name="Save settings").wait_for()
    page.screenshot(path=artifacts("screenshots", "alone-settings.png"), full_page=True)
