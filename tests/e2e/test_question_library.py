"""The daily question on two phones (issue 14, items 1 and 2): both see the couple's question, one of them
offline (the library is kept by the service worker); the question never goes deeper than the lower
partner's depth; "A lighter one, please" on one phone swaps it on the other too, and both tapping it
offline make one swap. In English and Russian."""

from datetime import timedelta

import pytest

from backend.models import utcnow

from .e2e_support import artifacts, go_offline, go_online, open_app, settle, tab, wait_synced, wait_until

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {
        "card": "Today's question",
        "lighter": "A lighter one, please",
        "swapped": "Sure, here's an easier one.",
        "note": "A lighter one for today, for you both.",
    },
    "ru": {
        "card": "Вопрос дня",
        "lighter": "Давай вопрос полегче",
        "swapped": "Конечно, вот вопрос попроще.",
        "note": "На сегодня — вопрос полегче, для вас обоих.",
    },
}

# What the page's own modules say: the cap, and the question the couple's order gives at a cap.
EXPECTED = """async (cap) => {
  const { store } = await import('/frontend/js/store.js');
  const q = await import('/frontend/js/questions.js');
  const order = await import('/frontend/js/question-order.js');
  const library = await q.loadQuestions();
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: store.user.timezone }).format(new Date());
  const at = cap || q.depthCap();
  const [id] = order.questionOn(library.order, store.couple.id, date, at);
  return { cap: q.depthCap(), id, text: library.text[id], date };
}"""


def open_question(context, lang="en"):
    page = open_app(context, "/")
    wait_synced(page)
    card = page.get_by_role("region", name=WORDS[lang]["card"])
    card.get_by_role("button", name=WORDS[lang]["card"]).click()  # folded to one line on Today
    card.locator("p.text").wait_for()
    return page, card


def shown(card):
    return card.locator("p.text").inner_text()


def eventually(check, page, timeout=20_000):
    for _ in range(timeout // 200):
        if check():
            return
        page.wait_for_timeout(200)
    raise AssertionError("timed out")


def set_depth(context, server, depth):
    assert context.request.patch(f"{server.url}/api/me", data={"question_depth": depth}).status == 200


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_both_phones_ask_the_same_question_one_of_them_offline(new_context, people, live_server, lang):
    locale = "en-US" if lang == "en" else "ru-RU"
    alex, sam = new_context(locale=locale), new_context(locale=locale)
    people.pair(alex, sam)
    page_a, card_a = open_question(alex, lang)
    page_b, card_b = open_question(sam, lang)
    expected = page_a.evaluate(EXPECTED, None)
    assert expected["cap"] == "light"
    assert shown(card_a) == shown(card_b) == expected["text"]

    go_offline(sam)  # the library was kept with the person's language: the card still comes
    page_b.reload()
    wait_until(page_b, "() => !!document.querySelector('.fold')")
    card_b = page_b.get_by_role("region", name=WORDS[lang]["card"])
    card_b.get_by_role("button", name=WORDS[lang]["card"]).click()
    card_b.locator("p.text").wait_for()
    assert shown(card_b) == expected["text"]
    card_b.screenshot(path=artifacts("screenshots", f"question-offline-{lang}.png"))
    go_online(sam)


def test_the_question_goes_no_deeper_than_the_lower_partners_depth(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    set_depth(alex, live_server, "deep")
    set_depth(sam, live_server, "medium")
    page_a, card_a = open_question(alex)
    page_b, card_b = open_question(sam)
    for page, card in ((page_a, card_a), (page_b, card_b)):
        expected = page.evaluate(EXPECTED, None)
        assert expected["cap"] == "medium"
        assert shown(card) == expected["text"]

    set_depth(sam, live_server, "deep")  # both deep now: Alex's phone hears it when Today shows again
    alex.clock.set_system_time(utcnow() + timedelta(minutes=6))
    tab(page_a, "/more")
    tab(page_a, "/")
    wait_until(page_a, "async () => (await import('/frontend/js/questions.js')).depthCap() === 'deep'")
    set_depth(alex, live_server, "light")  # Alex turns the dial down: the couple's question is light
    page_b.reload()
    wait_synced(page_b)
    assert page_b.evaluate(EXPECTED, None)["cap"] == "light"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_lighter_one_on_one_phone_shows_on_the_other(new_context, people, live_server, lang):
    locale = "en-US" if lang == "en" else "ru-RU"
    alex, sam = new_context(locale=locale), new_context(locale=locale)
    people.pair(alex, sam)
    set_depth(alex, live_server, "deep")
    set_depth(sam, live_server, "deep")
    page_a, card_a = open_question(alex, lang)
    page_b, card_b = open_question(sam, lang)
    before = shown(card_a)

    card_a.get_by_role("button", name=WORDS[lang]["lighter"]).click()
    page_a.get_by_text(WORDS[lang]["swapped"]).first.wait_for()
    settle(page_a)
    after = shown(card_a)
    assert after != before
    card_a.screenshot(path=artifacts("screenshots", f"question-lighter-{lang}.png"))

    page_b.close()
    page_b, card_b = open_question(sam, lang)  # Sam opens the app again: a sync brings the swap
    eventually(lambda: shown(card_b) == after, page_b)
    assert card_b.get_by_text(WORDS[lang]["note"]).count() == 1
    card_b.screenshot(path=artifacts("screenshots", f"question-lighter-partner-{lang}.png"))
    assert card_b.get_by_role("button", name=WORDS[lang]["lighter"]).count() == 0  # once a day, for both
    [swap] = live_server.entries(kind="question_swap")
    assert swap.body["to_id"] != swap.body["from_id"]


def test_both_tapping_a_lighter_one_offline_make_one_swap(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    set_depth(alex, live_server, "medium")
    set_depth(sam, live_server, "medium")
    page_a, card_a = open_question(alex)
    page_b, card_b = open_question(sam)
    go_offline(alex)
    go_offline(sam)
    card_a.get_by_role("button", name="A lighter one, please").click()
    card_b.get_by_role("button", name="A lighter one, please").click()
    page_a.get_by_text("Sure, here's an easier one.").first.wait_for()
    page_b.get_by_text("Sure, here's an easier one.").first.wait_for()

    go_online(alex)
    go_online(sam)
    settle(page_a)
    settle(page_b)
    assert len(live_server.entries(kind="question_swap")) == 2  # both kept; both phones read one
    page_a, card_a = open_question(alex)  # a fresh page on each phone, after both synced
    _, card_b = open_question(sam)
    assert shown(card_a) == shown(card_b)
    smallest = min(live_server.entries(kind="question_swap"), key=lambda e: e.id)
    text = page_a.evaluate(
        "async (id) => (await (await import('/frontend/js/questions.js')).loadQuestions()).text[id]",
        smallest.body["to_id"],
    )
    assert shown(card_a) == text
