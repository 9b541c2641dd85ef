"""Conflict and care, growth: time-out, tension script, agreements, "not now", the path, Get help."""

import datetime

import pytest

from backend.models import utcnow

from .e2e_support import (
    BERLIN,
    artifacts,
    controlled,
    go_offline,
    go_online,
    open_app,
    seed,
    settle,
    synced_at,
    wait_synced,
    wait_until,
    words,
)

pytestmark = pytest.mark.e2e


def fresh(page, path="/"):
    """Reload on a path and wait for a full sync, so the page shows what the other phone sent."""
    page.goto(path)
    controlled(page)
    wait_synced(page)


def clock(page, iso):
    return page.evaluate(
        "iso => new Date(iso).toLocaleTimeString(undefined, {hour: '2-digit', minute: '2-digit'})", iso
    )


def test_time_out_reaches_the_partner_with_its_return_time_and_then_ends(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/timeout")
    wait_synced(page)
    page.get_by_label("A note for your partner (optional)").fill("A walk round the block, then I'm back.")
    page.get_by_role("button", name="Start time-out").click()
    page.get_by_role("heading", name="Breathe").wait_for()
    page.get_by_role("timer").wait_for()
    settle(page)
    [entry] = live_server.entries(kind="timeout")
    ahead = datetime.datetime.fromisoformat(entry.body["return_at"].replace("Z", "+00:00")) - entry.created_at.replace(
        tzinfo=entry.created_at.tzinfo or datetime.UTC
    )
    assert datetime.timedelta(minutes=19) < ahead <= datetime.timedelta(minutes=21)
    assert entry.body["ended_at"] is None

    partner = open_app(sam, "/")
    wait_synced(partner)
    back = clock(partner, entry.body["return_at"])
    line = partner.get_by_test_id("timeout-line")
    line.wait_for()
    assert "Alex is taking a short pause" in line.text_content() and back in line.text_content()
    partner.get_by_text("A walk round the block, then I'm back.").wait_for()
    partner.get_by_role("link", name="Open the calm screen").click()
    partner.get_by_role("heading", name="I'll be here.").wait_for()  # only Alex ends Alex's time-out
    assert back in partner.get_by_test_id("timeout-message").text_content()
    assert partner.get_by_role("button", name="End the time-out").count() == 0
    assert live_server.entries(kind="reaction") == []

    # The author ends their own: ended_at is set, and the partner's Today says so.
    page.get_by_role("button", name="End the time-out").click()
    page.get_by_role("button", name="Start time-out").wait_for()
    settle(page)
    [latest] = live_server.entries(kind="timeout")
    assert latest.body["ended_at"] is not None
    fresh(partner, "/")
    assert "Alex ended it" in partner.get_by_test_id("timeout-line").text_content()


def test_tension_script_keeps_one_issue_and_ends_with_a_step_the_partner_sees(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/tension")
    wait_synced(page)
    page.get_by_label("I felt", exact=True).select_option("hurt")
    page.get_by_label("when", exact=True).fill("the dinner plans changed without a word to me")
    page.get_by_text("Draft kept on this phone.").wait_for()
    page.reload()  # the draft survives
    controlled(page)
    assert page.get_by_label("when", exact=True).input_value() == "the dinner plans changed without a word to me"
    assert page.get_by_label("I felt", exact=True).input_value() == "hurt"
    page.get_by_role("button", name="Send to Sam").click()
    page.get_by_text("Sent to Sam. Next: agree one small step.").wait_for()  # online: sent, not "saved"
    page.get_by_role("heading", name="Your open issue").wait_for()
    assert page.get_by_label("I felt", exact=True).count() == 0  # no second issue while this one is open
    page.get_by_label("The one next step you agreed").fill("Text each other when plans change")
    page.get_by_role("button", name="Save our next step").click()
    page.get_by_test_id("next-step").wait_for()
    page.get_by_label("I felt", exact=True).wait_for()  # a fresh composer again
    assert page.get_by_label("when", exact=True).input_value() == ""
    settle(page)

    [issue] = live_server.entries(kind="disclosure")
    assert issue.body["category"] == "tension" and issue.body["feelings"] == ["hurt"]
    assert words(page, issue)["text"] == (
        "I felt hurt when the dinner plans changed without a word to me. "
        "Can we talk about what happened and agree one next step?"
    )
    [step] = live_server.entries(kind="commitment")
    assert step.ref_id == issue.id and words(page, step)["text"] == "Text each other when plans change"
    assert step.body["owner"] == "both"  # agreed together: both are reminded, either may tick it
    due = datetime.date.fromisoformat(step.body["due_date"])
    assert utcnow().astimezone(BERLIN).date() <= due <= utcnow().astimezone(BERLIN).date() + datetime.timedelta(days=7)

    partner = open_app(sam, "/tension")
    wait_synced(partner)
    partner.get_by_test_id("next-step").filter(has_text="Text each other when plans change").wait_for()


def test_agreements_edited_by_both_settle_on_the_version_that_reached_the_server_first(
    new_context, people, live_server
):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/agreements")
    wait_synced(page)
    page.get_by_role("button", name="Add: No name-calling, even when we're angry.").click()
    page.locator('[data-kind="agreement"]').wait_for()
    settle(page)
    partner = open_app(sam, "/agreements")
    wait_synced(partner)
    partner.get_by_text("No name-calling, even when we're angry.").wait_for()
    assert partner.get_by_role("button", name="Add: No name-calling, even when we're angry.").count() == 0

    go_offline(alex)
    page.get_by_role("button", name="Edit: No name-calling, even when we're angry.").click()
    page.get_by_label("Agreement", exact=True).first.fill("No name-calling, ever.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("No name-calling, ever.").wait_for()

    partner.get_by_role("button", name="Edit: No name-calling, even when we're angry.").click()
    partner.get_by_label("Agreement", exact=True).first.fill("No name-calling; we say what we feel instead.")
    partner.get_by_role("button", name="Save", exact=True).click()
    settle(partner)

    go_online(alex)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    # The choice shows in place (tests/e2e/test_agreement_conflicts.py tries each way out).
    page.get_by_text("Sam changed this while you were editing it").wait_for(timeout=20_000)
    page.locator("li.conflict .quote.theirs").filter(has_text="we say what we feel instead").wait_for()
    [row] = live_server.entries(kind="agreement")
    assert words(page, row)["text"] == "No name-calling; we say what we feel instead." and row.rev == 2
    assert row.body["category"] == "conflict_rule"


def test_not_now_sends_a_kind_reply_the_partner_sees(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    bid = seed(live_server, sam, "bid", {"type": "question", "bidder": "me", "note": "Can we talk about the holidays?"})
    page = open_app(alex, "/bids")
    wait_synced(page)
    waiting = page.locator(f'li[data-id="{bid}"]').first
    waiting.get_by_role("button", name="Not now").click()
    settle(page)
    [reply] = live_server.entries(kind="reaction")
    assert reply.body == {"value": "not_now"} and reply.ref_id == bid

    partner = open_app(sam, "/")
    wait_synced(partner)
    line = partner.get_by_test_id("not-now-line").first
    line.wait_for()
    assert line.text_content() == "Alex: “Not right now. I'm here whenever you want to talk.”"
    partner.goto("/bids")
    partner.get_by_test_id("not-now-line").first.wait_for()


def test_get_help_is_reachable_from_more(new_context, people):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/more")
    page.get_by_role("navigation", name="More screens").get_by_role("link", name="Get help").click()
    page.get_by_role("heading", name="Get help", level=1).wait_for()
    for heading in ("If you're not safe", "Three common approaches to couples therapy", "Finding a therapist"):
        page.get_by_role("heading", name=heading).wait_for()
    assert page.get_by_text("call your local emergency number").count() == 1


def test_name_it_adds_a_feeling(new_context, people):
    # The path's shared ticks: tests/e2e/test_path_together.py.
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/path")
    wait_synced(page)
    page.goto("/journal")
    page.get_by_text("Not sure what you feel? Name it").click()
    page.get_by_role("radio", name="sad").click()
    page.get_by_role("group", name="Words for sad").get_by_role("button", name="hurt").click()
    page.get_by_text("Someone's words or actions stung.").wait_for()
    page.get_by_role("button", name="Use “hurt”").click()
    assert page.locator(".feelings-summary").text_content() == "hurt"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_the_care_screens(new_context, people, live_server, scheme):
    alex, sam = new_context(color_scheme=scheme), new_context(color_scheme=scheme)
    people.pair(alex, sam)
    today = utcnow().astimezone(BERLIN).date().isoformat()
    seed(
        live_server,
        alex,
        "agreement",
        {"text": "After a time-out we come back to the talk once we're calm.", "category": "conflict_rule"},
    )
    seed(live_server, sam, "agreement", {"text": "Phones away at dinner.", "category": "boundary"})
    issue = seed(
        live_server,
        sam,
        "disclosure",
        {
            "text": "I felt unseen when my news got lost in the evening rush. "
            "Can we talk about what happened and agree one next step?",
            "category": "tension",
            "feelings": ["unseen"],
            "local_date": today,
        },
    )
    seed(
        live_server,
        sam,
        "commitment",
        {"text": "Ten minutes of news after dinner, phones down", "due_date": today},
        ref_id=issue,
    )
    bid = seed(live_server, alex, "bid", {"type": "share", "bidder": "me", "note": "Showed a photo from work"})
    seed(live_server, sam, "reaction", {"value": "not_now"}, ref_id=bid)
    back = (utcnow() + datetime.timedelta(minutes=45)).isoformat()
    seed(live_server, sam, "timeout", {"return_at": back, "note": "Need some air; I want to finish this talk."})
    page = open_app(alex, "/")
    wait_synced(page)
    shots = [
        ("care-today", "/"),
        ("timeout-calm", "/timeout"),
        ("tension", "/tension"),
        ("agreements", "/agreements"),
        ("path", "/path"),
        ("help", "/help"),
        ("bids-not-now", "/bids"),
    ]
    for name, path in shots:
        page.goto(path)
        page.get_by_role("heading", level=1).wait_for()
        page.wait_for_timeout(300)
        page.screenshot(path=artifacts("screenshots", f"{name}-{scheme}.png"))
        page.screenshot(path=artifacts("screenshots", f"{name}-{scheme}-full.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    owner = open_app(sam, "/timeout")  # only the one who asked ends it
    owner.get_by_role("button", name="End the time-out").click()
    settle(owner)
    owner.close()
    fresh(page, "/timeout")
    page.get_by_role("button", name="Start time-out").wait_for()
    page.screenshot(path=artifacts("screenshots", f"timeout-start-{scheme}.png"), full_page=True)
    page.goto("/journal")
    page.get_by_text("Not sure what you feel? Name it").click()
    page.get_by_role("radio", name="scared").click()
    page.get_by_role("button", name="overwhelmed").click()
    page.get_by_text("Not sure what you feel? Name it").scroll_into_view_if_needed()
    page.screenshot(path=artifacts("screenshots", f"journal-name-it-{scheme}.png"))
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/timeout", "/agreements", "/tension"):
        page.goto(path)
        page.get_by_role("heading", level=1).wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_breathing_circle_stands_still_under_reduced_motion(new_context, people, live_server):
    alex, sam = new_context(reduced_motion="reduce"), new_context()
    people.pair(alex, sam)
    back = (utcnow() + datetime.timedelta(minutes=30)).isoformat()
    seed(live_server, sam, "timeout", {"return_at": back})
    page = open_app(alex, "/timeout")
    wait_synced(page)
    page.get_by_role("heading", name="I'll be here.").wait_for()  # Sam's time-out, seen by Alex
    assert page.evaluate("() => getComputedStyle(document.querySelector('.breathe-circle')).animationName") == "none"
    moving = open_app(sam, "/timeout")
    moving.get_by_role("heading", name="Breathe").wait_for()
    assert (
        moving.evaluate("() => getComputedStyle(document.querySelector('.breathe-circle')).animationName") == "breathe"
    )


def test_a_sync_arriving_while_typing_keeps_the_field_focused(new_context, people, live_server):
    """A partner's entry re-renders the screen; the field being typed in keeps focus and caret,
    so a phone's keyboard stays open and the next keystrokes land where they should."""
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/tension")
    wait_synced(page)
    page.get_by_label("I felt", exact=True).select_option("worried")
    page.get_by_label("when", exact=True).fill("the bills sat unopened all week")
    page.get_by_role("button", name="Send to Sam").click()
    step = page.get_by_label("The one next step you agreed")
    step.click()
    page.keyboard.type("Open the post")
    settle(page)
    before = synced_at(page)
    seed(live_server, sam, "appreciation", {"text": "Thank you for cooking tonight."})
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_synced(page, after=before)
    wait_until(
        page,
        """() => new Promise((resolve) => {
        const open = indexedDB.open('hearth');
        open.onsuccess = () => {
          const req = open.result.transaction('entries').objectStore('entries').getAll();
          req.onsuccess = () => resolve(req.result.some((e) => e.kind === 'appreciation'));
        };
      })""",
    )  # the partner's entry reached this phone, and the screen re-rendered around the field
    assert page.evaluate("() => document.activeElement && document.activeElement.name") == "step"
    page.keyboard.type(" together on Sunday")
    assert step.input_value() == "Open the post together on Sunday"
