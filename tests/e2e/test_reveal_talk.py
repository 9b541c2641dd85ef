"""The reveal starts a small talk, reflective listening completes, and what you pressed looks pressed
(issue 13, items 2, 3 and 6), on two phones: each on the live service's origin (`live_front`), so
the partner's reply appears on an open Today by itself."""

import pytest

from backend.models import utcnow
from samples import valid_body

from .conftest import PHONE
from .e2e_support import artifacts, open_app, seed, settle, wait_synced, wait_until

pytestmark = pytest.mark.e2e

APPEARS = 10_000  # ms: a live change on a shared 2-core machine


@pytest.fixture
def phone(browser, live_front):
    made = []

    def make(locale="en-US", **options):
        context = browser.new_context(base_url=live_front.url, viewport=PHONE, locale=locale, **options)
        context.hearth_language = locale[:2]
        context.clock.set_system_time(utcnow())
        context.set_default_timeout(20_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def unfold(card):
    """Today folds its question to one line: open it (once; a second tap would fold it again)."""
    fold = card.locator("button.fold")
    if fold.get_attribute("aria-expanded") != "true":
        fold.click()
    return card


def answer(page, text):
    card = page.get_by_role("region", name="Today's question")
    unfold(card)
    card.get_by_role("textbox", name="Your answer").fill(text)
    card.get_by_role("button", name="Answer", exact=True).click()
    return card


def reply(card, text):
    card.get_by_role("button", name="Reply", exact=True).click()
    card.get_by_role("textbox", name="Your reply").fill(text)
    card.get_by_role("button", name="Send reply").click()
    card.get_by_text(text).wait_for()


def pressed(button):
    return button.get_attribute("aria-pressed") == "true"


def test_both_answer_then_react_and_reply_until_the_talk_is_full(phone, people, live_server):
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    mine, theirs = open_app(alex), open_app(sam)
    wait_synced(mine)
    wait_synced(theirs)

    answer(theirs, "Our walk by the lake")
    card = answer(mine, "The soup you made")
    card.get_by_text("Our walk by the lake").wait_for()  # the reveal
    heart = card.locator('li[data-kind="answer"]').filter(has_text="Our walk").get_by_role("button", name="♥ Heart")
    heart.click()
    wait_until(mine, "() => document.querySelector('[aria-pressed=\"true\"]') !== null")
    assert pressed(heart)
    assert mine.evaluate("() => document.activeElement.getAttribute('aria-pressed')") == "true"  # focus kept
    walk = card.locator("li.entry").filter(has_text="Our walk by the lake")  # the thread on Sam's answer
    reply(walk, "Let's go back on Sunday")
    assert mine.evaluate("() => document.activeElement.textContent") == "Reply"  # focus stays in the thread

    # Sam's open Today hears it live: in the feed, with the answer it answers; then Sam replies back.
    feed = theirs.get_by_role("region", name="From Alex")
    feed.get_by_text("Let's go back on Sunday").wait_for(timeout=APPEARS)
    feed.get_by_text("Alex replied").first.wait_for()
    their_card = unfold(theirs.get_by_role("region", name="Today's question"))
    their_card.get_by_text("The soup you made").wait_for()
    their_walk = their_card.locator("li.entry").filter(has_text="Our walk by the lake")
    reply(their_walk, "Yes! Bring the blanket")
    walk.get_by_text("Yes! Bring the blanket").wait_for(timeout=APPEARS)
    theirs.screenshot(path=artifacts("screenshots", "reveal-talk-en.png"), full_page=True)

    # A few turns each, then a kind word instead of a composer.
    reply(walk, "Deal")
    walk.get_by_text("Deal").wait_for()
    their_walk.get_by_text("Deal").wait_for(timeout=APPEARS)
    reply(their_walk, "And the thermos")
    walk.get_by_text("And the thermos").wait_for(timeout=APPEARS)
    reply(walk, "Of course")
    full = walk.get_by_test_id("talk-full")
    full.wait_for()
    assert "in person" in full.inner_text()
    assert walk.get_by_role("button", name="Reply", exact=True).count() == 0
    settle(mine)
    mine.screenshot(path=artifacts("screenshots", "reveal-talk-full-en.png"), full_page=True)
    assert len(live_server.entries(kind="reply")) == 5  # three of Alex's, two of Sam's

    mine.reload()  # pressed after a reload too
    heart = (
        unfold(mine.get_by_role("region", name="Today's question"))
        .locator('li[data-kind="answer"]')
        .filter(has_text="Our walk")
        .get_by_role("button", name="♥ Heart")
    )
    heart.wait_for()
    assert pressed(heart)


def test_not_quite_asks_what_was_missed_and_only_the_latest_verdict_shows(phone, people, live_server):
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    seed(live_server, alex, "disclosure", {**valid_body("disclosure"), "text": "Calls at night wear me out"})
    mine, theirs = open_app(alex), open_app(sam)
    wait_synced(mine)
    wait_synced(theirs)

    feed = theirs.get_by_role("region", name="From Alex")
    feed.get_by_role("button", name="Reflect back").click()
    feed.get_by_label("Say back what you heard").fill("What I'm hearing is the calls are too late. Is that right?")
    feed.get_by_role("button", name="Send reflection").click()

    alex_feed = mine.get_by_role("region", name="From Sam")
    alex_feed.get_by_text("the calls are too late").wait_for(timeout=APPEARS)
    alex_feed.get_by_role("button", name="Not quite").click()
    alex_feed.get_by_label("What did they miss?").fill("It's the not knowing when they end")
    alex_feed.get_by_role("button", name="Send", exact=True).click()
    wait_until(mine, "() => document.querySelector('button[aria-pressed=\"true\"]') !== null")
    assert pressed(alex_feed.get_by_role("button", name="Not quite"))

    # Sam reads what was missed and reflects again.
    feed.get_by_text("It's the not knowing when they end").wait_for(timeout=APPEARS)
    feed.get_by_role("button", name="Reflect again").click()
    feed.get_by_label("Say back what you heard").fill("So it's not knowing when a call ends? Is that right?")
    feed.get_by_role("button", name="Send reflection").click()

    # Alex sees only the new reflection; Not quite, then That's right: only That's right stays.
    alex_feed.get_by_text("not knowing when a call ends").wait_for(timeout=APPEARS)
    alex_feed.get_by_text("the calls are too late").wait_for(state="detached")
    alex_feed.get_by_role("button", name="Not quite").click()
    alex_feed.get_by_role("button", name="That's right").click()
    wait_until(mine, "() => document.querySelector('button[aria-pressed=\"true\"]') !== null")
    assert pressed(alex_feed.get_by_role("button", name="That's right"))
    assert not pressed(alex_feed.get_by_role("button", name="Not quite"))
    assert alex_feed.get_by_label("What did they miss?").count() == 0
    assert mine.evaluate("() => document.activeElement.textContent") == "That's right"
    settle(mine)

    verdicts = [r for r in live_server.entries(kind="reaction") if r.body["value"] in ("right", "not_quite")]
    assert sorted(v.body["value"] for v in verdicts) == ["not_quite", "right"]  # one per reflection
    feed.get_by_text("That's right").first.wait_for(timeout=APPEARS)
    wait_until(theirs, "() => !document.body.innerText.includes('Not quite')")
    assert feed.get_by_test_id("verdict").all_text_contents() == ["That's right"]
    theirs.screenshot(path=artifacts("screenshots", "verdict-en.png"), full_page=True)

    for page in (mine, theirs):
        page.reload()
        wait_synced(page)
    assert pressed(alex_feed.get_by_role("button", name="That's right"))
    assert not pressed(alex_feed.get_by_role("button", name="Not quite"))
    assert "Not quite" not in feed.inner_text()


def test_a_bid_answer_looks_pressed_and_changes_with_a_tap(phone, people, live_server):
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    seed(live_server, alex, "bid", valid_body("bid"))
    theirs = open_app(sam)
    wait_synced(theirs)
    feed = theirs.get_by_role("region", name="From Alex")
    toward, away = (feed.get_by_role("button", name=n) for n in ("Turned toward", "Turned away"))
    plain = toward.evaluate("b => getComputedStyle(b).backgroundColor")

    toward.click()
    wait_until(theirs, "() => document.querySelector('button[aria-pressed=\"true\"]') !== null")
    assert pressed(toward) and toward.evaluate("b => getComputedStyle(b).backgroundColor") != plain
    away.click()
    wait_until(
        theirs,
        "() => document.querySelectorAll('button[aria-pressed=\"true\"]').length === 1 && document.querySelector('button[aria-pressed=\"true\"]').textContent.includes('away')",
    )
    settle(theirs)
    theirs.reload()
    wait_synced(theirs)
    assert pressed(away) and not pressed(toward)
    responses = live_server.entries(kind="bid_response")
    assert [r.body["response"] for r in responses] == ["away"]  # one answer, changed


def test_an_earlier_questions_talk_goes_on_in_the_feed(phone, people, live_server):
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    body = _today_answer(alex, "A quiet breakfast")
    earlier = {**body, "question_id": _another_question(alex, body["question_id"])}
    seed(live_server, alex, "answer", earlier)
    seed(live_server, sam, "answer", {**earlier, "text": "Dancing in the kitchen"})
    mine, theirs = open_app(alex), open_app(sam)
    wait_synced(mine)
    wait_synced(theirs)

    item = theirs.get_by_role("region", name="From Alex").locator('li[data-kind="answer"]')
    item.get_by_text("A quiet breakfast").wait_for()
    assert item.locator(".quote").inner_text() not in ("", "A question from an earlier day")  # its question
    item.get_by_role("button", name="Thank you").click()
    reply(item, "Let's do that again on Saturday")

    # Alex's feed: Sam's reply to Alex's answer, with the talk under it, and Alex answers back there.
    told = mine.get_by_role("region", name="From Sam").locator('li[data-kind="reply"]')
    told.get_by_text("Let's do that again on Saturday").wait_for(timeout=APPEARS)
    reply(told, "Saturday it is")
    their_feed = theirs.get_by_role("region", name="From Alex")
    their_feed.locator('li[data-kind="reply"]').get_by_text("Saturday it is").wait_for(timeout=APPEARS)
    theirs.screenshot(path=artifacts("screenshots", "earlier-talk-en.png"), full_page=True)
    assert len(live_server.entries(kind="reply")) == 2


def test_the_talk_in_russian(phone, people, live_server):
    alex, sam = phone(), phone("ru-RU", color_scheme="dark")
    people.pair(alex, sam)
    shared = seed(
        live_server, alex, "disclosure", {**valid_body("disclosure"), "text": "Поздние звонки меня выматывают"}
    )
    heard = seed(live_server, sam, "reflection", {"text": "Я слышу, что звонки слишком поздние. Так?"}, ref_id=shared)
    seed(
        live_server,
        alex,
        "reaction",
        {"value": "not_quite", "note": "Дело в том, что не знаю, когда они кончатся"},
        ref_id=heard,
    )
    mine_answer = seed(live_server, alex, "answer", _today_answer(alex, "Суп, который ты сварил"))
    seed(live_server, sam, "answer", _today_answer(sam, "Прогулка у озера"))
    seed(
        live_server,
        alex,
        "reply",
        {"text": "Давай снова в воскресенье"},
        ref_id=_their_answer(live_server, mine_answer),
    )
    theirs = open_app(sam)
    wait_synced(theirs)
    card = unfold(theirs.get_by_role("region", name="Вопрос дня"))
    card.get_by_text("Давай снова в воскресенье").wait_for()
    card.locator("li.entry").filter(has_text="Прогулка у озера").get_by_role("button", name="Ответить").click()
    theirs.screenshot(path=artifacts("screenshots", "reveal-talk-ru.png"), full_page=True)
    feed = theirs.get_by_role("region", name="От: Alex")
    feed.get_by_text("Что упущено:").wait_for()
    feed.get_by_role("button", name="Отразить ещё раз").click()
    feed.get_by_role("button", name="Спасибо").first.click()
    feed.screenshot(path=artifacts("screenshots", "verdict-ru-dark.png"))


def _today_answer(context, text):
    """Today's question as the phone asks it (the page's own questionFor), with these words."""
    page = context.new_page()
    page.goto("/")
    question_id, date = page.evaluate(
        """async () => {
        const { store } = await import('/frontend/js/store.js');
        const { loadQuestions, questionFor } = await import('/frontend/js/questions.js');
        while (!store.couple) await new Promise((resolve) => setTimeout(resolve, 50)); // the couple's order
        await loadQuestions();
        const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
        return [questionFor(date).id, date];
      }"""
    )
    page.close()
    return {"question_id": question_id, "text": text, "local_date": date}


def _another_question(context, question_id):
    page = context.new_page()
    page.goto("/")
    other = page.evaluate(
        "async (id) => (await (await import('/frontend/js/questions.js')).loadQuestions()).order.find((q) => q[0] !== id)[0]",
        question_id,
    )
    page.close()
    return other


def _their_answer(server, mine_id):
    mine = next(e for e in server.entries(kind="answer") if e.id == mine_id)
    return next(e.id for e in server.entries(kind="answer") if e.author_id != mine.author_id)
