"""Installability in Chromium, and the update flow: new content → new worker → "Update" → nothing lost."""

import pytest

from .e2e_support import controlled, open_app, settle, wait_synced, wait_until, words

pytestmark = pytest.mark.e2e

WORKER_VERSION = """() => new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('message', (e) => {
      if (e.data && e.data.type === 'VERSION') resolve(e.data.version);
    });
    navigator.serviceWorker.controller.postMessage({ type: 'VERSION' });
  })"""


def test_chromium_finds_no_installability_errors(persistent_context, people):
    context = persistent_context()
    people.signup(context, "Alex")
    page = open_app(context)
    page.get_by_role("button", name="Start our Hearth").wait_for()
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors


def test_a_new_version_is_offered_and_queued_writes_survive_it(new_context, people, live_server, web_root):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/appreciate")
    wait_synced(page)
    old = page.evaluate(WORKER_VERSION)

    alex.route("**/api/sync", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Something you appreciate about Sam").fill("Queued across the update")
    page.get_by_role("button", name="Send appreciation").click()
    wait_until(page, "() => document.getElementById('sync-pill').textContent.startsWith('1 ')")

    css = web_root / "frontend" / "css" / "app.css"
    original = css.read_text()
    try:
        css.write_text(original + "\n/* a new release */\n")
        page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
        page.get_by_text("A new version of Hearth is ready.").wait_for()
        with page.expect_navigation():
            page.get_by_role("button", name="Update").click()
        controlled(page)
        new = page.evaluate(WORKER_VERSION)
        assert new != old
        page.get_by_text("Queued across the update").wait_for()
        assert live_server.entries(kind="appreciation") == []
    finally:
        css.write_text(original)

    alex.unroute("**/api/sync")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    settle(page)
    assert [words(page, e)["text"] for e in live_server.entries(kind="appreciation")] == ["Queued across the update"]
