"""Get help in a bad moment (issue 14 item 9), on a 390x844 phone: numbers for the phone's country (its
time zone first, then its language's region, else a worldwide directory), a country picker that is kept,
callable tel: links (offline too), a quick exit that leaves with location.replace so Back does not come
back, one calm tap from the tension and time-out screens, and the Us page's gentle offer only when one
partner has gone quiet for 14 days. English and Russian; screenshots go to test-artifacts/screenshots/."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from backend.extensions import db
from backend.models import Couple, Entry, utcnow

from .e2e_support import artifacts, go_offline, open_app, seed

pytestmark = pytest.mark.e2e

EXIT = "https://www.bbc.com/weather"
WEATHER = "<!doctype html><title>Weather</title><h1>Weather</h1>"


def signed_in(new_context, people, **options):
    context = new_context(**options)
    people.signup(context, "Alex")
    return context


def lines_of(page):
    page.get_by_test_id("help-lines").wait_for()
    return page.eval_on_selector_all(".help-line", "items => items.map((li) => li.dataset.line)")


def tel_links(page):
    return page.eval_on_selector_all('a[href^="tel:"]', "links => links.map((a) => a.getAttribute('href'))")


@pytest.mark.parametrize(
    ("locale", "zone", "first_line", "emergency"),
    [
        ("en-US", "Europe/London", "gb_samaritans", "tel:999"),  # the zone wins over the language's region
        ("en-IE", "UTC", "ie_samaritans", "tel:112"),  # no country in the zone: the language's region
        ("en-US", "Australia/Sydney", "au_lifeline", "tel:000"),
    ],
)
def test_lines_follow_the_time_zone_then_the_region(new_context, people, locale, zone, first_line, emergency):
    page = open_app(signed_in(new_context, people, locale=locale, timezone_id=zone), "/help")
    assert lines_of(page)[0] == first_line
    assert emergency in tel_links(page)
    assert page.locator(f'[data-line="{first_line}"] a[href^="tel:"]').count() == 1


def test_no_known_country_falls_back_to_a_directory_and_the_local_emergency_number(new_context, people):
    page = open_app(signed_in(new_context, people, locale="en", timezone_id="UTC"), "/help")
    page.get_by_test_id("help-elsewhere").wait_for()
    assert lines_of(page) == []
    assert page.get_by_label("Choose your country").input_value() == ""
    assert page.get_by_test_id("emergency").text_content() == "In danger right now? Call your local emergency number."
    assert (
        page.get_by_role("link", name="Find a helpline near you").get_attribute("href") == "https://findahelpline.com"
    )


def test_the_country_picker_changes_the_lines_and_is_kept(new_context, people):
    page = open_app(signed_in(new_context, people, locale="en-GB", timezone_id="Europe/London"), "/help")
    assert lines_of(page) == ["gb_samaritans", "gb_refuge"]
    page.get_by_label("Numbers for").select_option("FR")
    page.locator('[data-line="fr_3114"]').wait_for()
    assert {"tel:3114", "tel:3919", "tel:112"} <= set(tel_links(page))

    page.reload()
    assert lines_of(page) == ["fr_3114", "fr_3919"]  # kept on this phone

    page.get_by_label("Numbers for").select_option("other")
    page.get_by_test_id("help-elsewhere").wait_for()
    assert lines_of(page) == []


def test_text_links_carry_the_word_to_send(new_context, people):
    page = open_app(signed_in(new_context, people, locale="en-US", timezone_id="America/Chicago"), "/help")
    hotline = page.locator('[data-line="us_hotline"]')
    assert hotline.get_by_role("link", name="Text START to 88788").get_attribute("href") == "sms:88788?&body=START"
    assert page.locator('[data-line="us_988"] a[href="sms:988"]').count() == 1


def test_numbers_stay_callable_offline(new_context, people):
    context = signed_in(new_context, people, locale="en-GB", timezone_id="Europe/London")
    page = open_app(context, "/today")
    go_offline(context)
    page.goto("/help")
    assert lines_of(page) == ["gb_samaritans", "gb_refuge"]
    assert "tel:116123" in tel_links(page)


def quick_exit_page(new_context, people, start="/more"):
    context = signed_in(new_context, people, locale="en-GB", timezone_id="Europe/London")
    context.route(f"{EXIT}**", lambda route: route.fulfill(status=200, content_type="text/html", body=WEATHER))
    page = open_app(context, start)
    page.evaluate("() => { history.pushState({}, '', '/help'); dispatchEvent(new PopStateEvent('popstate')); }")
    page.get_by_test_id("quick-exit").wait_for()
    return page


def test_quick_exit_leaves_at_once_and_back_does_not_return(new_context, people):
    page = quick_exit_page(new_context, people)
    button = page.get_by_test_id("quick-exit").bounding_box()
    title = page.get_by_role("heading", name="Get help", level=1).bounding_box()
    assert button["y"] + button["height"] < min(title["y"], 844 / 3)  # first thing in view, above the title
    page.get_by_test_id("quick-exit").click()
    page.wait_for_url(EXIT)
    page.go_back()
    page.wait_for_load_state()
    assert not page.url.endswith("/help")


def test_escape_in_the_country_picker_does_not_leave(new_context, people):
    page = quick_exit_page(new_context, people)
    page.get_by_label("Numbers for").focus()
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url.endswith("/help")


@pytest.mark.parametrize("key", ["Enter", "Escape"])
def test_quick_exit_works_from_the_keyboard(new_context, people, key):
    page = quick_exit_page(new_context, people)
    if key == "Enter":
        page.get_by_test_id("quick-exit").focus()
    page.keyboard.press(key)
    page.wait_for_url(EXIT)


def pair_up(new_context, people, **options):
    alex, sam = new_context(**options), new_context(**options)
    people.pair(alex, sam)
    return alex, sam


@pytest.mark.parametrize(
    ("locale", "link", "heading"),
    [("en-GB", "Need more support? Get help", "Get help"), ("ru-RU", "Нужна поддержка? Где найти помощь", "Помощь")],
)
def test_one_tap_from_the_tension_and_time_out_screens(new_context, people, locale, link, heading):
    alex, _ = pair_up(new_context, people, locale=locale, timezone_id="Europe/London")
    page = open_app(alex, "/tension")
    for path in ("/tension", "/timeout"):
        page.goto(path)
        page.get_by_role("link", name=link).click()
        page.get_by_role("heading", name=heading, level=1).wait_for()
        assert page.url.endswith("/help")


def test_russian_phone_in_russia_gets_russian_lines_first(new_context, people):
    page = open_app(signed_in(new_context, people, locale="ru-RU", timezone_id="Europe/Moscow"), "/help")
    assert lines_of(page) == ["ru_trust", "ru_anna"]
    page.get_by_role("heading", name="С кем поговорить прямо сейчас").wait_for()
    page.get_by_role("heading", name="Если ты можешь причинить себе вред").wait_for()
    page.get_by_role("button", name="Быстро уйти").wait_for()
    assert "tel:88002000122" in tel_links(page) and "tel:112" in tel_links(page)
    first_option = page.eval_on_selector("#help-country", "s => s.options[1].value")
    assert first_option == "RU"  # the Russian picker offers Russia first
    page.screenshot(path=artifacts("screenshots", "get-help-ru.png"), full_page=True)
    page.screenshot(path=artifacts("screenshots", "get-help-ru-top.png"))


def test_english_get_help_screenshot(new_context, people):
    page = open_app(signed_in(new_context, people, locale="en-GB", timezone_id="Europe/London"), "/help")
    lines_of(page)
    for heading in ("If you might hurt yourself", "If you're not safe", "Three common approaches to couples therapy"):
        page.get_by_role("heading", name=heading).wait_for()
    for directory in ("eft", "gottman", "imago"):
        assert page.locator(f'a[data-directory="{directory}"]').get_attribute("href").startswith("https://")
    page.screenshot(path=artifacts("screenshots", "get-help-en.png"), full_page=True)
    page.screenshot(path=artifacts("screenshots", "get-help-en-top.png"))
    page.get_by_role("heading", name="Finding a therapist").scroll_into_view_if_needed()
    button = page.get_by_test_id("quick-exit").bounding_box()
    assert 0 < button["y"] < 844 / 4  # the quick exit stays in view, under the top bar, however far you read
    page.screenshot(path=artifacts("screenshots", "get-help-en-scrolled.png"))


# --- the gentle offer on Us when one partner has gone quiet ----------------------------------------------


def quiet_fortnight(live_server, alex, sam, alex_shares_too):
    """Paired four weeks ago; Sam shared an appreciation on four days of the last fortnight."""
    with live_server.app.app_context():
        db.session.execute(update(Couple).values(paired_at=utcnow() - timedelta(weeks=4)))
        db.session.commit()
    shares = [(sam, days) for days in (1, 4, 8, 12)] + ([(alex, 3)] if alex_shares_too else [])
    for person, days_ago in shares:
        entry_id = seed(live_server, person, "appreciation", {"text": "Thank you for the tea."})
        with live_server.app.app_context():
            db.session.execute(
                update(Entry).where(Entry.id == entry_id).values(created_at=utcnow() - timedelta(days=days_ago))
            )
            db.session.commit()


@pytest.mark.parametrize(("alex_shares_too", "offered"), [(False, True), (True, False)])
def test_us_offers_help_only_when_one_partner_went_quiet(new_context, people, live_server, alex_shares_too, offered):
    alex, sam = pair_up(new_context, people, locale="en-GB", timezone_id="Europe/Berlin")
    quiet_fortnight(live_server, alex, sam, alex_shares_too)
    for context in (alex, sam):  # both partners see it (or neither): it never says who
        page = open_app(context, "/us")
        page.get_by_test_id("stats-as-of").wait_for()
        page.locator("[data-stat]").first.wait_for()
        assert page.get_by_test_id("help-invite").count() == (1 if offered else 0)
        if offered:
            page.get_by_test_id("help-invite").get_by_role("link").click()
            page.get_by_role("heading", name="Get help", level=1).wait_for()
