"""Repair phrases, responding to good news and the toward-rate's guide (issue 14, item 8), on two phones at
390x844, in English and in Russian, at the tests' fixed instant:

- a repair phrase tapped on the tension screen of one phone arrives on the partner's open Today through the
  live channel (no reload), and the partner's one-tap answer reaches the first phone's tension screen;
- the partner's good news, and only good news, offers reply starters; a starter fills the reply, which
  reaches the one who shared;
- the Us page and Bids show the research's guide in kind words, with no alarm colour and no per-person rate.
"""

import json

import pytest

from backend.models import utcnow

from .conftest import PHONE
from .e2e_support import BERLIN, REPO, artifacts, open_app, seed, settle, wait_synced, words as opened
from .test_live import APPEARS, COUNT_SOURCES, open_live, wait_streams
from .test_screens import watch

pytestmark = pytest.mark.e2e

LOCALES = {"en": "en-US", "ru": "ru-RU"}


def words(lang):
    catalogue = json.loads((REPO / "frontend" / "locales" / f"{lang}.json").read_text(encoding="utf-8"))

    def word(key, **values):
        node = catalogue
        for part in key.split("."):
            node = node[part]
        return node.format(**values)

    return word


def shoot(page, name):
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts("screenshots", f"{name}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


@pytest.fixture
def live_phone(browser, live_front):
    """Browser contexts on the live service's origin (the app plus /api/live), in a given language."""
    made = []

    def make(lang):
        context = browser.new_context(base_url=live_front.url, viewport=PHONE, locale=LOCALES[lang])
        context.hearth_language = lang
        context.clock.set_system_time(utcnow())
        context.set_default_timeout(20_000)
        context.add_init_script(COUNT_SOURCES)  # test_live.wait_streams reads the page's own EventSources
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_repair_phrase_reaches_the_partner_at_once_and_their_one_tap_answer_comes_back(
    live_phone, people, live_server, lang
):
    w = words(lang)
    alex, sam = live_phone(lang), live_phone(lang)
    people.pair(alex, sam)
    mine, mine_problems = open_live(alex, "/tension")
    theirs, their_problems = open_live(sam, "/")
    wait_streams([mine], 1)
    wait_streams([theirs], 1)

    panel = mine.get_by_test_id("repair")
    panel.get_by_role("radio", name=w("repair.group.sorry")).click()
    sorry = w("repair.phrase.sorry_badly")
    panel.get_by_role("button", name=sorry).dblclick()  # a double tap sends one
    shoot(mine, f"repair-{lang}-sent")

    item = theirs.locator('li[data-kind="repair"]')
    item.get_by_text(sorry).wait_for(timeout=APPEARS)
    assert w("repair.from", name="Alex") in item.text_content()
    assert theirs.evaluate("() => window.__sameDocument === true")  # no reload, no navigation
    item.scroll_into_view_if_needed()
    shoot(theirs, f"repair-{lang}-arrived")
    item.get_by_role("button", name=w("cards.reaction.pause")).click()

    answer = mine.get_by_test_id("repair-answer")
    answer.wait_for(timeout=APPEARS)
    assert answer.text_content() == w("repair.answer.pause", name="Sam")
    assert mine.get_by_role("link", name=w("repair.take_timeout")).get_attribute("href") == "/timeout"
    assert mine.evaluate("() => window.__sameDocument === true")
    shoot(mine, f"repair-{lang}-answered")

    settle(theirs)
    [repair] = live_server.entries(kind="repair")
    [reaction] = live_server.entries(kind="reaction")
    assert repair.body == {"phrase": "sorry_badly"}
    assert (reaction.ref_id, reaction.body["value"]) == (repair.id, "pause")

    # The time-out screen shows the same exchange: the partner's phrase, answered.
    theirs.goto("/timeout")
    there = theirs.get_by_test_id("repair-theirs")
    there.get_by_text(sorry).wait_for()
    assert there.get_by_role("button", name=w("cards.reaction.pause")).get_attribute("aria-pressed") == "true"
    # For the picture only: a sync may redraw the screen meanwhile, so the card is found afresh, not held.
    theirs.evaluate("() => document.querySelector('[data-testid=repair-theirs]')?.scrollIntoView()")
    shoot(theirs, f"repair-{lang}-timeout")
    assert mine_problems == [] and their_problems == []


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_only_the_partners_good_news_offers_reply_starters_and_the_reply_reaches_them(
    new_context, people, live_server, lang
):
    w = words(lang)
    alex, sam = new_context(locale=LOCALES[lang]), new_context(locale=LOCALES[lang])
    people.pair(alex, sam)
    today = utcnow().astimezone(BERLIN).date().isoformat()

    def share(who, text, category):
        seed(live_server, who, "disclosure", {"text": text, "category": category, "local_date": today})

    share(alex, "I got the job!", "good_news")
    share(alex, "Work is heavy this week", "worry")
    share(sam, "My bread finally rose", "good_news")

    page = open_app(sam, "/")
    problems = watch(page)
    wait_synced(page)
    news = page.locator('li[data-kind="disclosure"]', has_text="I got the job!")
    worry = page.locator('li[data-kind="disclosure"]', has_text="Work is heavy this week")
    news.wait_for()
    assert news.get_by_test_id("good-news").get_by_text(w("goodnews.prompt")).count() == 1
    assert worry.get_by_test_id("good-news").count() == 0
    assert page.get_by_test_id("good-news").count() == 1  # not on Sam's own good news ("One honest thing")
    news.scroll_into_view_if_needed()
    shoot(page, f"good-news-{lang}")

    news.get_by_role("button", name=w("goodnews.starter.celebrate")).click()
    reply = news.get_by_role("textbox", name=w("talk.label"))
    assert reply.input_value() == w("goodnews.starter.celebrate")
    news.get_by_role("button", name=w("talk.send")).click()
    settle(page)
    [sent] = live_server.entries(kind="reply")
    assert opened(page, sent)["text"] == w("goodnews.starter.celebrate")

    theirs = open_app(alex, "/")
    wait_synced(theirs)
    answered = theirs.locator('li[data-kind="reply"]')
    answered.get_by_text(w("goodnews.starter.celebrate")).wait_for()
    # Alex's good news is Alex's own: no starters; Sam's good news offers them to Alex.
    assert (
        theirs.locator('li[data-kind="disclosure"]', has_text="My bread finally rose")
        .get_by_test_id("good-news")
        .count()
        == 1
    )
    assert theirs.get_by_test_id("good-news").count() == 1
    answered.scroll_into_view_if_needed()
    shoot(theirs, f"good-news-{lang}-replied")
    assert problems == []


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_us_and_bids_show_the_guide_kindly(new_context, people, live_server, lang):
    w = words(lang)
    alex, sam = new_context(locale=LOCALES[lang]), new_context(locale=LOCALES[lang])
    people.pair(alex, sam)
    for response in ("toward", "away", "against", "toward"):
        bid = seed(live_server, alex, "bid", {"type": "question", "bidder": "me", "note": ""})
        seed(live_server, sam, "bid_response", {"response": response}, ref_id=bid)

    page = open_app(sam, "/us")
    problems = watch(page)
    guide = page.get_by_test_id("toward-guide")
    guide.wait_for()
    text = guide.text_content()
    before, after = w("toward_guide.line", percent="{percent}").split("{percent}")
    assert before in text and after in text and "86" in text  # limits.TOWARD_GUIDE_PERCENT, formatted
    assert w("toward_guide.kind") in text
    toward = page.locator("section", has=page.locator('[data-stat="bids.toward_rate"]'))
    assert toward.locator(".chart-part.warn, .chart-part.open").count() == 0  # no alarm colours
    guide.scroll_into_view_if_needed()
    shoot(page, f"toward-guide-us-{lang}")

    page.goto("/bids")
    bids_guide = page.get_by_test_id("toward-guide")
    bids_guide.wait_for()
    assert w("toward_guide.kind") in bids_guide.text_content()
    label = page.locator(".guide-meter").get_attribute("aria-label")
    assert "50" in label and "86" in label, label  # the couple's rate and the guide, read out
    # The couple's rate only: nothing says whose bids went unanswered.
    stats = page.locator("section", has=bids_guide)
    assert "Alex" not in stats.text_content() and "Sam" not in stats.text_content()
    shoot(page, f"toward-guide-bids-{lang}")
    assert problems == []
