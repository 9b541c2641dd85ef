"""Every screen at 390x844, light and dark, into test-artifacts/screenshots/ (look at them).

With HEARTH_MANIFEST_SCREENSHOTS=1 it also refreshes frontend/screenshots/ for the manifest.
Along the way: no console errors and no CSP violations on any screen.
"""

import os

import pytest

from backend.models import utcnow

from .e2e_support import BERLIN, REPO, artifacts, controlled, open_app, seed, tab, wait_synced

pytestmark = pytest.mark.e2e
SCREENS = [
    ("today", "/", "Good"),
    ("rituals", "/rituals", "Rituals"),
    ("appreciate", "/appreciate", "Appreciate"),
    ("bids", "/bids", "Bids"),
    ("journal", "/journal", "Journal"),
    ("more", "/more", "More"),
]


def fill_story(server, alex, sam):
    today = utcnow().astimezone(BERLIN).date().isoformat()
    worry = seed(
        server,
        sam,
        "disclosure",
        {
            "text": "I've been anxious about my sister's visit and haven't said so.",
            "category": "worry",
            "feelings": ["anxious", "tired"],
            "local_date": today,
        },
    )
    seed(server, sam, "appreciation", {"text": "Thank you for making coffee before my early call."})
    seed(server, alex, "appreciation", {"text": "You made the kids laugh when I had nothing left."})
    bid = seed(server, sam, "bid", {"type": "question", "bidder": "me", "note": "Asked how the interview went"})
    mine = seed(server, alex, "bid", {"type": "joke", "bidder": "me", "note": "The pun about the cat"})
    seed(server, sam, "bid_response", {"response": "toward"}, ref_id=mine)
    seed(server, sam, "checkin", {"mood": 4, "us": 5, "feelings": ["close"], "note": "Good walk tonight."})
    seed(
        server,
        alex,
        "journal",
        {"text": "Noticed I get short with Sam when I'm hungry.", "feelings": ["guilty"]},
        visibility="private",
    )
    return worry, bid


def watch(page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective))"
    )
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screens_render_cleanly(new_context, people, live_server, scheme):
    alex, sam = new_context(color_scheme=scheme), new_context(color_scheme=scheme)
    people.pair(alex, sam)
    fill_story(live_server, alex, sam)
    page = alex.new_page()
    problems = watch(page)
    page.goto("/")
    controlled(page)
    wait_synced(page)
    for name, path, heading in SCREENS:
        tab(page, path)
        page.get_by_role("heading", level=1).filter(has_text=heading).wait_for()
        page.wait_for_timeout(150)
        page.screenshot(path=artifacts("screenshots", f"{name}-{scheme}.png"))
        page.screenshot(path=artifacts("screenshots", f"{name}-{scheme}-full.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} scrolls sideways ({width}px)"
    page.set_viewport_size({"width": 320, "height": 640})  # the smallest phone we promise
    for name, path, heading in SCREENS:
        tab(page, path)
        page.get_by_role("heading", level=1).filter(has_text=heading).wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"{name} at 320 px"
    page.screenshot(path=artifacts("screenshots", f"more-320-{scheme}.png"))
    out = new_context(color_scheme=scheme).new_page()
    problems += watch(out)
    out.goto("/")
    out.get_by_role("button", name="Log in").wait_for()
    out.screenshot(path=artifacts("screenshots", f"login-{scheme}.png"))
    assert problems == []


def test_pairing_screens(new_context, people):
    for scheme in ("light", "dark"):
        context = new_context(color_scheme=scheme)
        people.signup(context, "Alex")
        page = context.new_page()
        problems = watch(page)
        page.goto("/")
        page.get_by_role("button", name="Start our Hearth").wait_for()
        page.screenshot(path=artifacts("screenshots", f"pair-{scheme}.png"))
        page.get_by_role("button", name="Start our Hearth").click()
        page.get_by_label("Invite code").wait_for()
        page.screenshot(path=artifacts("screenshots", f"invite-{scheme}.png"), full_page=True)
        assert problems == []


@pytest.mark.skipif(not os.environ.get("HEARTH_MANIFEST_SCREENSHOTS"), reason="set HEARTH_MANIFEST_SCREENSHOTS=1")
def test_refresh_manifest_screenshots(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    fill_story(live_server, alex, sam)
    page = open_app(alex)
    wait_synced(page)
    page.screenshot(path=REPO / "frontend" / "screenshots" / "narrow.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_timeout(200)
    page.screenshot(path=REPO / "frontend" / "screenshots" / "wide.png")
