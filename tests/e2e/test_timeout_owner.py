"""A time-out belongs to whoever asked for it (issue 13, item 9), on two phones: the partner sees
"I'll be here", sends one short kind note and has no way to end it; at the return time the one who
asked is offered "Ready?" and "15 more minutes"."""

import datetime

import pytest

from backend.models import utcnow

from .e2e_support import artifacts, controlled, open_app, seed, settle, wait_synced, words

pytestmark = pytest.mark.e2e

NOTE = "Take your time. I'm here."


def fresh(page, path="/"):
    page.goto(path)
    controlled(page)
    wait_synced(page)


def shoot(page, name):
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts("screenshots", f"{name}.png"))
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(200)
    page.screenshot(path=artifacts("screenshots", f"{name}-end.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name


def parse(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def test_the_partner_waits_sends_one_note_and_the_one_who_asked_decides(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/timeout")
    wait_synced(page)
    page.get_by_role("button", name="Start time-out").click()
    page.get_by_role("heading", name="Breathe").wait_for()
    settle(page)
    [entry] = live_server.entries(kind="timeout")

    partner = open_app(sam, "/timeout")
    wait_synced(partner)
    partner.get_by_role("heading", name="I'll be here.").wait_for()
    assert "Only they end it" in partner.get_by_test_id("timeout-message").text_content()
    assert partner.get_by_role("button", name="End the time-out").count() == 0
    partner.get_by_label("One short, kind note").fill(NOTE)
    partner.get_by_role("button", name="Send note").dblclick()  # a double tap sends one note
    partner.get_by_test_id("timeout-note").get_by_text("Your note").wait_for()
    assert partner.get_by_label("One short, kind note").count() == 0  # one note only
    settle(partner)
    [note] = live_server.entries(kind="timeout_note")
    assert (note.ref_id, words(partner, note)["text"]) == (entry.id, NOTE)
    assert live_server.entries(kind="timeout")[0].body["ended_at"] is None

    fresh(page, "/timeout")
    page.get_by_test_id("timeout-note").get_by_text(NOTE).wait_for()
    page.get_by_text("A note from Sam").wait_for()

    # The return time: "Ready?" with "I'm ready" and "15 more minutes".
    alex.clock.set_system_time(parse(entry.body["return_at"]) + datetime.timedelta(minutes=1))
    fresh(page, "/timeout")
    page.get_by_role("heading", name="Ready?").wait_for()
    page.get_by_role("button", name="I'm ready").wait_for()
    page.get_by_role("button", name="15 more minutes").click()
    page.get_by_role("heading", name="Breathe").wait_for()
    settle(page)
    [moved] = live_server.entries(kind="timeout")
    ahead = parse(moved.body["return_at"]) - parse(entry.body["return_at"])
    assert datetime.timedelta(minutes=15) < ahead <= datetime.timedelta(minutes=17)

    alex.clock.set_system_time(parse(moved.body["return_at"]) + datetime.timedelta(minutes=1))
    fresh(page, "/timeout")
    page.get_by_role("button", name="I'm ready").click()
    page.get_by_role("button", name="Start time-out").wait_for()
    settle(page)
    assert live_server.entries(kind="timeout")[0].body["ended_at"] is not None
    fresh(partner, "/")
    assert "Alex ended it" in partner.get_by_test_id("timeout-line").text_content()


def test_no_more_minutes_past_a_day_from_the_start(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    back = utcnow() + datetime.timedelta(hours=23, minutes=50)
    seed(live_server, alex, "timeout", {"return_at": back.isoformat()})
    alex.clock.set_system_time(back + datetime.timedelta(minutes=1))
    page = open_app(alex, "/timeout")
    wait_synced(page)
    page.get_by_role("heading", name="Ready?").wait_for()
    page.get_by_role("button", name="I'm ready").wait_for()
    assert page.get_by_role("button", name="15 more minutes").count() == 0


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_screenshots_of_a_time_out_from_both_sides(new_context, people, live_server, locale):
    alex, sam = new_context(locale=locale), new_context(locale=locale)
    people.pair(alex, sam)
    lang = locale[:2]
    back = utcnow() + datetime.timedelta(minutes=40)
    asked = seed(live_server, alex, "timeout", {"return_at": back.isoformat(), "note": "A walk, then I'm back."})
    partner = open_app(sam, "/timeout")
    wait_synced(partner)
    shoot(partner, f"timeout-{lang}-partner")
    seed(live_server, sam, "timeout_note", {"text": NOTE}, ref_id=asked)
    fresh(partner, "/timeout")
    partner.get_by_test_id("timeout-note").wait_for()
    shoot(partner, f"timeout-{lang}-partner-noted")
    alex.clock.set_system_time(back + datetime.timedelta(minutes=1))
    page = open_app(alex, "/timeout")
    wait_synced(page)
    page.get_by_test_id("timeout-note").wait_for()
    shoot(page, f"timeout-{lang}-ready")
