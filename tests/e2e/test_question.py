"""Today's question can be passed: no reason asked, nothing sent, back tomorrow (or at once on second thought)."""

import pytest

from .e2e_support import artifacts, open_app, wait_synced

pytestmark = pytest.mark.e2e


def test_not_today_passes_the_question_without_sending_anything(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/")
    wait_synced(page)
    card = page.get_by_role("region", name="Today's question")
    card.get_by_role("button", name="Today's question").click()  # folded to one line on Today
    card.get_by_role("button", name="Not today").click()
    card.get_by_text("Skipped for today").wait_for()
    page.screenshot(path=artifacts("screenshots", "question-passed-light.png"))
    page.reload()
    card.get_by_role("button", name="Today's question").click()
    card.get_by_text("Skipped for today").wait_for()  # remembered on the phone
    assert live_server.entries(kind="answer") == []
    card.get_by_role("button", name="Answer after all").click()
    card.get_by_role("textbox", name="Your answer").wait_for()
