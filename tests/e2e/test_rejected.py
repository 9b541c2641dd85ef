"""A mutation the server refuses is never dropped silently: it is listed with the server's reason."""

import pytest

from .e2e_support import artifacts, open_app, settle, wait_synced, words

pytestmark = pytest.mark.e2e


def test_a_rejected_write_is_shown_with_the_reason_until_dismissed(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/appreciate")
    wait_synced(page)
    # A buggy or old client might send what the server does not take (a field it does not know; the phone
    # checks the words' own rules before queueing, tests/e2e/test_word_checks.py). The server has the last word.
    page.evaluate(
        "() => import('/frontend/js/entries.js').then((m) => m.create('appreciation', { text: 'Thanks, Otter', hue: 3 }))"
    )
    settle(page)
    failure = page.get_by_role("region", name="Couldn't save")
    failure.wait_for()
    assert "Your appreciation wasn't saved." in failure.inner_text()
    assert "Unknown field." in failure.inner_text()  # the server's own reason
    assert page.locator("main").get_by_text("Thanks, Otter").count() == 0  # not shown as if saved
    assert live_server.entries(kind="appreciation") == []
    page.screenshot(path=artifacts("screenshots", "couldnt-save-light.png"))
    page.reload()
    failure.wait_for()  # kept across reloads until dismissed
    failure.get_by_role("button", name="Dismiss").click()
    failure.wait_for(state="detached")


def test_the_closing_appreciation_takes_no_more_than_the_server_keeps(new_context, people, live_server):
    """After a session the appreciation box took 2,000 characters, then refused above 280 by hand: now it
    takes what the server keeps (limits.js), so what was typed is what is sent."""
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/rituals")
    wait_synced(page)
    page.locator('.ritual[data-type="weekly_checkin"]').get_by_role("button", name="Start Weekly check-in").click()
    page.get_by_role("timer").wait_for()
    page.get_by_role("button", name="End session").click()
    box = page.get_by_role("textbox", name="Something you appreciate about")
    box.wait_for()
    assert box.get_attribute("maxlength") == "280"
    box.press_sequentially("x" * 285)
    assert len(box.input_value()) == 280
    page.get_by_role("button", name="Send appreciation").click()
    settle(page)
    [sent] = live_server.entries(kind="appreciation")
    assert words(page, sent)["text"] == "x" * 280
