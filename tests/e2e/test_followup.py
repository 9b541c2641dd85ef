"""Follow-ups and commitments reach the partner (issue 13, item 10), on two phones: a follow-up written
at a session's end arrives on the partner's Today; a commitment has an owner, shown from each reader's
side (the author's "partner" is the reader's "you"), and a reminder's link marks its step."""

import datetime

import pytest

from backend.models import utcnow

from .e2e_support import BERLIN, artifacts, controlled, open_app, seed, settle, wait_synced, words

pytestmark = pytest.mark.e2e

FOLLOW_UP = "Loved our walk tonight. Shall we try the new café on Friday?"


def fresh(page, path="/"):
    page.goto(path)
    controlled(page)
    wait_synced(page)


def shoot(page, name):
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts("screenshots", f"{name}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name


def ended_session(server, alex):
    ritual = seed(
        server,
        alex,
        "ritual",
        {"type": "custom", "title": "Evening talk", "schedule": {"freq": "anytime"}, "duration_min": 20, "prompts": []},
    )
    started = utcnow() - datetime.timedelta(minutes=25)
    body = {"started_at": started.isoformat(), "ended_at": utcnow().isoformat(), "answers": [], "passed": []}
    return seed(server, alex, "ritual_session", body, ref_id=ritual)


def test_a_follow_up_arrives_on_the_partners_today(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    session = ended_session(live_server, alex)
    page = open_app(alex, f"/session/{session}")
    wait_synced(page)
    page.get_by_role("textbox", name="Follow-up message").fill(FOLLOW_UP)
    page.get_by_role("button", name="Save follow-up").click()
    page.get_by_text("Sam will see it on Today").wait_for()
    settle(page)
    assert page.get_by_test_id("follow-up").is_hidden()  # one's own follow-up is not news on one's Today

    partner = open_app(sam, "/")
    wait_synced(partner)
    card = partner.get_by_test_id("follow-up")
    card.get_by_role("heading", name="A follow-up from Alex").wait_for()
    card.get_by_text(FOLLOW_UP).wait_for()
    assert "After your Evening talk" in card.text_content()
    card.get_by_role("link", name="See the talk").click()
    partner.get_by_role("heading", name="Evening talk", level=1).wait_for()


def test_a_commitment_owner_reads_right_on_both_phones(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/commitments")
    wait_synced(page)
    page.get_by_label("Next step", exact=True).fill("Book the table for Friday")
    page.get_by_role("radio", name="Sam's").click()
    page.get_by_role("button", name="Add commitment").click()
    page.get_by_text("Added: Book the table for Friday").wait_for()
    page.get_by_label("Next step", exact=True).fill("Walk after dinner")
    page.get_by_role("radio", name="Both of ours").click()
    page.get_by_role("button", name="Add commitment").click()
    page.get_by_text("Added: Walk after dinner").wait_for()
    page.get_by_label("Next step", exact=True).fill("Call the plumber")
    page.get_by_role("button", name="Add commitment").click()  # "Mine" again by default
    settle(page)
    owners = {words(page, c)["text"]: c.body["owner"] for c in live_server.entries(kind="commitment")}
    assert owners == {"Book the table for Friday": "partner", "Walk after dinner": "both", "Call the plumber": "me"}

    def whose(p, text):
        return p.locator(".commitment", has_text=text).locator(".due").text_content()

    assert whose(page, "Book the table").endswith("· Sam")
    assert whose(page, "Walk after dinner").endswith("· Both of you")
    assert whose(page, "Call the plumber").endswith("· You")
    partner = open_app(sam, "/commitments")
    wait_synced(partner)
    partner.locator(".commitment", has_text="Book the table").wait_for()
    assert whose(partner, "Book the table").endswith("· You")
    assert whose(partner, "Walk after dinner").endswith("· Both of you")
    assert whose(partner, "Call the plumber").endswith("· Alex")

    # Sam ticks the step that is Sam's; Alex's own step is Alex's to tick.
    assert partner.locator(".commitment", has_text="Call the plumber").get_by_role("checkbox").is_disabled()
    partner.locator(".commitment", has_text="Book the table").get_by_role("checkbox").check()
    settle(partner)
    done = {words(partner, c)["text"]: c.body["done_at"] for c in live_server.entries(kind="commitment")}
    assert done["Book the table for Friday"] is not None and done["Call the plumber"] is None

    # A reminder opens /commitments?id=…: that step is marked and its box focused.
    mine = next(c.id for c in live_server.entries(kind="commitment") if c.body["owner"] == "partner")
    fresh(partner, f"/commitments?id={mine}")
    marked = partner.locator(".commitment.wanted")
    marked.wait_for()
    assert "Book the table" in marked.text_content()
    partner.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('.commitment.wanted') !== null"
    )


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_screenshots_of_a_follow_up_and_owned_commitments(new_context, people, live_server, locale):
    alex, sam = new_context(locale=locale), new_context(locale=locale)
    people.pair(alex, sam)
    lang = locale[:2]
    ritual = seed(
        live_server,
        alex,
        "ritual",
        {"type": "custom", "title": "Evening talk", "schedule": {"freq": "anytime"}, "duration_min": 20, "prompts": []},
    )
    follow = {"prompt": "Follow-up message", "prompt_id": "follow_up", "text": FOLLOW_UP}
    started = utcnow() - datetime.timedelta(minutes=25)
    session = seed(
        live_server,
        alex,
        "ritual_session",
        {"started_at": started.isoformat(), "ended_at": utcnow().isoformat(), "answers": [follow], "passed": []},
        ref_id=ritual,
    )
    due = (utcnow().astimezone(BERLIN).date() + datetime.timedelta(days=2)).isoformat()
    for text, owner in (
        ("Book the table for Friday", "partner"),
        ("Walk after dinner", "both"),
        ("Call the plumber", "me"),
    ):
        seed(live_server, alex, "commitment", {"text": text, "due_date": due, "owner": owner}, ref_id=session)
    partner = open_app(sam, "/")
    wait_synced(partner)
    partner.get_by_test_id("follow-up").wait_for()
    partner.get_by_test_id("follow-up").scroll_into_view_if_needed()
    shoot(partner, f"follow-up-{lang}-today")
    for who, context in (("sam", sam), ("alex", alex)):
        page = open_app(context, "/commitments")
        wait_synced(page)
        page.locator(".commitment").first.wait_for()
        shoot(page, f"commitments-{lang}-{who}")
    page.evaluate("() => window.scrollBy(0, 360)")
    shoot(page, f"commitments-{lang}-alex-form")
