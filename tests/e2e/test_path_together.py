"""The six-week path walked together: each partner's ticks on both phones, this week's step on Today,
no tick for a week that hasn't opened, an ending that says what was done; one twelve-week review; a
session left open a day shows as ended, not finished."""

from datetime import timedelta

import pytest

from backend.extensions import db
from backend.models import Couple, User, utcnow

from .e2e_support import artifacts, open_app, seed, settle, wait_synced

pytestmark = pytest.mark.e2e


def paired_days_ago(live_server, user, days):
    """Moves the couple's pairing back, as if they had paired `days` ago."""
    with live_server.app.app_context():
        couple = db.session.get(Couple, db.session.get(User, user["id"]).couple_id)
        couple.paired_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_both_partners_see_each_others_ticks_and_this_weeks_step_on_today(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/")
    wait_synced(page)
    line = page.get_by_test_id("today-path")
    assert line.locator(".link-main").text_content() == "Path, week 1: Notice your patterns"
    assert line.locator(".link-sub").count() == 0  # "Path, week 1" says enough until it is done
    line.get_by_role("link").click()
    week1 = page.locator('[data-week="1"]')
    week1.get_by_role("button", name="Mark done").click()
    week1.get_by_test_id("path-who").filter(has_text="Done by you").wait_for()
    # A week that hasn't opened offers no tick.
    assert page.locator('[data-week="2"]').get_by_role("button").count() == 0
    page.locator('[data-week="2"]').get_by_text("From ").wait_for()
    settle(page)
    [mark] = live_server.entries(kind="path_step")
    assert mark.visibility == "shared" and mark.body == {"week": 1}

    partner = open_app(sam, "/path")
    wait_synced(partner)
    theirs = partner.locator('[data-week="1"]')
    assert theirs.get_by_test_id("path-who").text_content() == "Done by Alex"
    theirs.get_by_role("button", name="Mark done").click()
    settle(partner)

    page.reload()
    wait_synced(page)
    page.locator('[data-week="1"]').get_by_test_id("path-who").filter(has_text="Done by you · Done by Sam").wait_for()
    page.screenshot(path=artifacts("path", "together-en.png"), full_page=True)
    page.goto("/")
    assert page.get_by_test_id("today-path").locator(".link-sub").text_content() == "Done this week"
    page.evaluate("() => document.querySelector('[data-testid=today-path]').scrollIntoView({block: 'center'})")
    page.screenshot(path=artifacts("path", "today-en.png"))


def test_after_six_weeks_the_path_says_how_many_weeks_were_walked(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    a, _ = people.pair(alex, sam)
    paired_days_ago(live_server, a, 50)
    seed(live_server, alex, "path_step", {"week": 1})
    seed(live_server, sam, "path_step", {"week": 3})
    seed(live_server, alex, "path_step", {"week": 3})
    page = open_app(alex, "/path")
    wait_synced(page)
    ending = page.get_by_test_id("path-ending")
    ending.filter(has_text="You walked 2 of 6 weeks together.").wait_for()
    assert "whole path" not in ending.text_content()
    page.screenshot(path=artifacts("path", "ending-en.png"))
    page.goto("/")
    wait_synced(page)
    assert page.get_by_test_id("today-path").count() == 0  # the path is behind them: Today stays short


def test_russian_path_and_today_line(new_context, people, live_server):
    alex, sam = new_context(locale="ru-RU"), new_context(locale="ru-RU")
    a, _ = people.pair(alex, sam)
    paired_days_ago(live_server, a, 8)
    seed(live_server, sam, "path_step", {"week": 2})
    page = open_app(alex, "/")
    wait_synced(page)
    page.get_by_test_id("today-path").filter(has_text="Путь, неделя 2").wait_for()
    page.evaluate("() => document.querySelector('[data-testid=today-path]').scrollIntoView({block: 'center'})")
    page.screenshot(path=artifacts("path", "today-ru.png"))
    page.goto("/path")
    page.locator('[data-week="2"]').get_by_test_id("path-who").filter(has_text="Sam: сделано").wait_for()
    page.screenshot(path=artifacts("path", "together-ru.png"), full_page=True)


def test_the_reassessment_ritual_opens_the_one_twelve_week_review(new_context, people):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/rituals")
    wait_synced(page)
    page.locator('li.ritual[data-type="reassessment"]').get_by_role("button", name="Start").click()
    page.wait_for_url("**/reassess")
    page.get_by_role("button", name="Finish the review").wait_for()


def test_a_session_left_open_a_day_shows_ended_not_finished(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/rituals")
    wait_synced(page)
    ritual = page.locator('li.ritual[data-type="weekly_checkin"]').get_attribute("data-id")
    started = (utcnow() - timedelta(hours=25)).isoformat().replace("+00:00", "Z")
    seed(
        live_server,
        alex,
        "ritual_session",
        {"started_at": started, "ended_at": None, "answers": [], "passed": [], "note": ""},
        ref_id=ritual,
    )
    page.reload()
    wait_synced(page)
    item = page.locator("li.session-item").first
    item.filter(has_text="not finished").wait_for()
    assert item.get_by_role("link", name="Open").count() == 1
    weekly = page.locator('li.ritual[data-type="weekly_checkin"]')
    assert weekly.get_by_role("button", name="Resume").count() == 0
