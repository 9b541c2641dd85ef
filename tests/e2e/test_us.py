"""The Us page: the numbers of a scripted history, equal to GET /api/stats, private entries left out,
readable offline as of the last fetch; the gentle invitations; screenshots."""

import datetime

import pytest
from sqlalchemy import update

from backend.models import utcnow

from .e2e_support import BERLIN, artifacts, open_app, seed, wait_synced, wait_until

pytestmark = pytest.mark.e2e
FIGURES = [
    "meaningful_chats.total",
    "meaningful_chats.per_month",
    "mutual_disclosures.this_quarter",
    "follow_ups.made",
    "follow_ups.done",
    "follow_ups.overdue",
    "bids.total",
    "bids.toward",
    "bids.away",
    "bids.against",
    "bids.unanswered",
    "positive_ratio.positive",
    "positive_ratio.corrective",
    "positive_ratio.ratio",
    "checkins.count",
    "checkins.mood_avg",
    "checkins.us_avg",
]


def berlin_today():
    return utcnow().astimezone(BERLIN).date()  # the People fixture's time zone


def script_history(server, alex, sam):
    today = berlin_today()
    now = utcnow()
    for text in ("Thanks for the tea", "You listened so well", "Loved the walk"):
        seed(server, alex, "appreciation", {"text": text})
    first = seed(server, sam, "appreciation", {"text": "Thank you for fixing the bike"})
    seed(server, sam, "appreciation", {"text": "You made me laugh today"})
    mine = [seed(server, alex, "bid", {"type": "question", "bidder": "me", "note": f"bid {i}"}) for i in range(3)]
    for bid, response in zip(mine, ("toward", "toward", "away")):
        seed(server, sam, "bid_response", {"response": response}, ref_id=bid)
    theirs = [seed(server, sam, "bid", {"type": "joke", "bidder": "me", "note": f"joke {i}"}) for i in range(2)]
    seed(server, alex, "bid_response", {"response": "against"}, ref_id=theirs[0])
    seed(server, sam, "reaction", {"value": "heart"}, ref_id=mine[0])
    seed(server, alex, "reaction", {"value": "thanks"}, ref_id=first)
    seed(server, alex, "reaction", {"value": "not_now"}, ref_id=theirs[1])  # neither positive nor corrective
    seed(server, alex, "checkin", {"mood": 4, "us": 5})
    seed(server, sam, "checkin", {"mood": 2, "us": 3})
    seed(
        server,
        alex,
        "disclosure",
        {"text": "Work is heavy this week", "category": "worry", "local_date": today.isoformat()},
    )
    seed(
        server,
        sam,
        "disclosure",
        {
            "text": "I felt left out when plans changed. Can we talk about what happened and agree one next step?",
            "category": "tension",
            "feelings": ["left out"],
            "local_date": today.isoformat(),
        },
    )
    seed(
        server,
        alex,
        "commitment",
        {"text": "Call my mum back", "due_date": today.isoformat(), "done_at": now.isoformat()},
    )
    seed(
        server,
        sam,
        "commitment",
        {"text": "Book the dentist", "due_date": (today - datetime.timedelta(days=1)).isoformat()},
    )
    [weekly] = [r for r in server.entries(kind="ritual") if r.body["type"] == "weekly_checkin"]
    start = now - datetime.timedelta(hours=2)
    seed(
        server,
        alex,
        "ritual_session",
        {"started_at": start.isoformat(), "ended_at": (start + datetime.timedelta(minutes=20)).isoformat()},
        ref_id=weekly.id,
    )
    # Private entries, both partners': none of them may count anywhere.
    seed(server, alex, "appreciation", {"text": "A private thank-you"}, visibility="private")
    seed(
        server,
        alex,
        "disclosure",
        {"text": "Only for me", "category": "tension", "local_date": today.isoformat()},
        visibility="private",
    )
    seed(server, sam, "checkin", {"mood": 1, "us": 1}, visibility="private")
    seed(server, sam, "bid", {"type": "touch", "bidder": "me"}, visibility="private")


def shown(page):
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('[data-stat]')]
        .map((n) => [n.dataset.stat, n.textContent]))""")


def as_number(text):
    return None if text == "–" else float(text.rstrip("%"))


def test_us_page_shows_the_servers_numbers_without_private_entries_and_works_offline(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    script_history(live_server, alex, sam)
    stats = alex.request.get(f"{live_server.url}/api/stats?weeks=12").json()
    # The script's own arithmetic (private entries excluded), so the page can't just echo a wrong server.
    assert stats["positive_ratio"] == {"positive": 9, "corrective": 3, "ratio": 3.0}
    assert stats["bids"] == {"total": 5, "toward": 2, "away": 1, "against": 1, "unanswered": 1, "toward_rate": 0.5}
    assert stats["checkins"] == {"count": 2, "mood_avg": 3.0, "us_avg": 4.0}
    assert stats["follow_ups"] == {"made": 2, "done": 1, "overdue": 1}
    assert stats["mutual_disclosures"]["this_quarter"] == 1
    assert stats["meaningful_chats"]["total"] == 1

    page = open_app(alex, "/us")
    wait_synced(page)
    wait_until(page, "() => document.querySelector('[data-stat=\"bids.total\"]')")
    figures = shown(page)
    for key in FIGURES:
        group, name = key.split(".")
        assert as_number(figures[key]) == pytest.approx(stats[group][name]), key
    assert as_number(figures["bids.toward_rate"]) == round(stats["bids"]["toward_rate"] * 100)
    assert page.get_by_test_id("stats-as-of").text_content().startswith("As of")
    bars = page.locator("svg.bars rect.chart-bar")
    assert bars.count() == 12
    weekly = [sum(w["counts"].values()) for w in stats["per_week"]]
    assert sum(weekly) > 0
    assert page.locator("svg.bars").get_attribute("aria-label").endswith(": " + ", ".join(map(str, weekly)))
    assert page.get_by_test_id("reassess-invite").count() == 0 and page.get_by_test_id("help-invite").count() == 0

    as_of = page.get_by_test_id("stats-as-of").get_attribute("data-at")
    alex.set_offline(True)
    alex.route("**/*", lambda route: route.abort("internetdisconnected"))
    page.reload()
    page.get_by_text("showing the last numbers this phone has").wait_for()
    assert page.get_by_test_id("stats-as-of").get_attribute("data-at") == as_of
    assert shown(page) == figures


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_us_invites_a_review_and_gently_offers_help_after_weeks_of_turning_away(
    new_context, people, live_server, scheme
):
    alex, sam = new_context(color_scheme=scheme), new_context(color_scheme=scheme)
    people.pair(alex, sam)
    from backend.extensions import db
    from backend.models import Couple

    with live_server.app.app_context():
        db.session.execute(update(Couple).values(paired_at=utcnow() - datetime.timedelta(weeks=13)))
        db.session.commit()
    seed(live_server, alex, "appreciation", {"text": "Thanks for the soup"})
    for i in range(5):
        bid = seed(live_server, alex, "bid", {"type": "share", "bidder": "me", "note": f"bid {i}"})
        seed(live_server, sam, "bid_response", {"response": "away" if i else "toward"}, ref_id=bid)
    stats = alex.request.get(f"{live_server.url}/api/stats?weeks=12").json()
    assert stats["reassessment_due"] and stats["suggest_help"]
    page = open_app(alex, "/us")
    wait_synced(page)
    page.get_by_test_id("reassess-invite").wait_for()
    page.get_by_test_id("help-invite").wait_for()
    page.wait_for_timeout(200)
    page.screenshot(path=artifacts("screenshots", f"us-{scheme}.png"))
    page.screenshot(path=artifacts("screenshots", f"us-{scheme}-full.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.get_by_role("link", name="Start the review").get_attribute("href") == "/reassess"
    page.get_by_role("link", name="Ways to get support").click()
    page.get_by_role("heading", name="Get help", level=1).wait_for()
