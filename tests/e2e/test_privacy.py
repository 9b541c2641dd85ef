"""What the partner's screen shows: never a private entry, and user text only ever as text."""

import pytest

from .e2e_support import open_app, tab, wait_synced

pytestmark = pytest.mark.e2e
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def visible_text(page):
    return page.evaluate("() => document.body.innerText")


def local_texts(page):
    """Every body text in the partner's IndexedDB: what the server sent to their phone."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('hearth');
        open.onsuccess = () => {
          const req = open.result.transaction('entries').objectStore('entries').getAll();
          req.onsuccess = () => resolve(req.result.map(e => JSON.stringify(e.body)));
          req.onerror = () => reject(req.error);
        };
      })""")


def test_private_entries_never_reach_the_partners_screen(new_context, people):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex)
    wait_synced(page)
    page.get_by_label("What's true for you today?").fill("Private: I miss my old job")
    page.locator("form[aria-label='Share one honest thing'] input[name=shared]").uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_label("What's true for you today?").wait_for(state="detached")
    page.get_by_role("button", name="Share another").click()
    page.get_by_label("What's true for you today?").fill("Shared: the garden looks lovely")
    page.get_by_role("button", name="Save", exact=True).click()
    tab(page, "/journal")
    page.get_by_label("Write freely").fill("Journal: private thought")
    page.get_by_role("button", name="Save to journal").click()
    wait_synced(page, after=0)
    page.wait_for_timeout(300)
    wait_synced(page)

    partner = open_app(sam)
    partner.get_by_text("Shared: the garden looks lovely").wait_for()
    wait_synced(partner)
    for path in ("/", "/appreciate", "/bids", "/journal", "/more"):
        tab(partner, path)
        partner.wait_for_timeout(100)
        text = visible_text(partner)
        assert "Private: I miss my old job" not in text and "Journal: private thought" not in text, path
    stored = " ".join(local_texts(partner))
    assert "I miss my old job" not in stored and "private thought" not in stored
    assert "garden looks lovely" in stored


def test_markup_in_user_text_is_shown_as_text(new_context, people):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex)
    wait_synced(page)
    page.get_by_label("What's true for you today?").fill(XSS)
    page.get_by_role("button", name="Save", exact=True).click()
    tab(page, "/appreciate")
    page.get_by_label("Something you appreciate about Sam").fill(XSS)
    page.get_by_role("button", name="Send appreciation").click()
    wait_synced(page)
    page.wait_for_timeout(300)
    wait_synced(page)

    partner = sam.new_page()
    dialogs = []
    partner.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    partner.goto("/")
    partner.get_by_text(XSS).first.wait_for()
    tab(partner, "/appreciate")
    partner.get_by_text(XSS).first.wait_for()
    partner.wait_for_timeout(300)
    assert dialogs == []
    assert partner.locator("img[src=x]").count() == 0
    assert partner.evaluate("() => document.querySelectorAll('main script').length") == 0
