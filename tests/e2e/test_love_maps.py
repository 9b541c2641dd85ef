"""Love maps on two phones (issue 14, item 8): both draw the same round of twenty, an answer stays hidden
until the partner wrote theirs, "I don't know yet" gets a warm line, passing is fine, and nothing anywhere
is scored; a finished round offers the next, with none of the same questions."""

import re

import pytest

from .e2e_support import artifacts, go_offline, go_online, open_app, seed, settle, synced_at, wait_synced

pytestmark = pytest.mark.e2e

SCORED = re.compile(r"\d+\s*/\s*\d+|%|\bscore|\bpoints?\b|correct|wrong|очк|балл|правильн|неверн", re.I)


def questions(page):
    page.locator("li.lovemap").first.wait_for()
    return page.eval_on_selector_all("li.lovemap", "items => items.map((li) => li.dataset.question)")


def card(page, question):
    return page.locator(f'li.lovemap[data-question="{question}"]')


def nothing_scored(page):
    """No count, mark or percentage anywhere but the intro (which says that nothing is scored)."""
    text = page.locator("#view").inner_text().replace(page.locator("#view .page-head").inner_text(), "")
    assert not SCORED.search(text), SCORED.search(text)


def phones(new_context, people, locale="en-US"):
    alex = new_context(locale=locale, timezone_id="Europe/Berlin")
    sam = new_context(locale=locale, timezone_id="Europe/Berlin")
    people.pair(alex, sam)
    return alex, sam


def test_a_round_is_the_same_on_both_phones_and_opens_per_question_once_both_wrote(new_context, people, live_server):
    alex, sam = phones(new_context, people)
    mine = open_app(alex, "/more")
    wait_synced(mine)
    mine.get_by_role("link", name="Love maps").click()
    theirs = open_app(sam, "/love-maps")
    wait_synced(theirs)
    order = questions(mine)
    assert len(order) == len(set(order)) == 20
    assert questions(theirs) == order  # one round, drawn alike on both phones
    first, second, third = order[:3]

    one = card(mine, first)
    one.get_by_role("textbox", name="Your answer").fill("Dumplings, always")
    one.get_by_role("textbox", name="Your guess: what would Sam say?").fill("Pasta")
    one.get_by_role("button", name="Save").click()
    one.get_by_test_id("lovemap-waiting").wait_for()
    card(mine, second).get_by_role("button", name="Pass").click()
    card(mine, second).get_by_test_id("lovemap-you-passed").wait_for()
    three = card(mine, third)
    three.get_by_role("textbox", name="Your answer").fill("The river walk")
    three.get_by_role("button", name="I don't know yet").click()
    assert three.get_by_role("button", name="I don't know yet").get_attribute("aria-pressed") == "true"
    three.get_by_role("button", name="Save").click()
    three.get_by_test_id("lovemap-you-unknown").wait_for()
    settle(mine)
    assert len(live_server.entries(kind="love_map")) == 3

    # Sam's phone has synced Alex's three, and shows none of them: each still asks Sam first.
    theirs.reload()
    wait_synced(theirs)
    assert card(theirs, first).get_attribute("data-state") == "open"
    assert "Dumplings" not in theirs.locator("#view").inner_text()
    theirs.screenshot(path=artifacts("love-maps", "open-en.png"))

    two = card(theirs, first)
    two.get_by_role("textbox", name="Your answer").fill("Borscht")
    two.get_by_role("textbox", name="Your guess: what would Alex say?").fill("Dumplings")
    two.get_by_role("button", name="Save").click()
    revealed = two.get_by_test_id("lovemap-reveal")
    revealed.filter(has_text="Dumplings, always").wait_for(timeout=20_000)  # opened for Sam at once
    assert revealed.get_by_test_id("lovemap-they").inner_text().count("Pasta") == 1  # Alex's guess, unmarked
    card(theirs, second).get_by_role("button", name="Pass").click()
    card(theirs, second).get_by_test_id("lovemap-they-passed").filter(has_text="Alex passed this one").wait_for()
    card(theirs, third).get_by_role("textbox", name="Your guess: what would Alex say?").fill("Your sister's place")
    card(theirs, third).get_by_role("button", name="Save").click()
    card(theirs, third).get_by_test_id("lovemap-they-unknown").filter(
        has_text="Alex doesn't know yet: a good thing to tell them about tonight."
    ).wait_for()
    assert card(theirs, order[3]).get_attribute("data-state") == "open"
    nothing_scored(theirs)
    settle(theirs)
    theirs.screenshot(path=artifacts("love-maps", "revealed-en.png"), full_page=True)

    mine.reload()
    wait_synced(mine)
    card(mine, first).get_by_test_id("lovemap-reveal").filter(has_text="Borscht").wait_for()
    card(mine, third).get_by_test_id("lovemap-you-unknown").filter(
        has_text="You don't know yet: a good thing to ask about tonight."
    ).wait_for()
    card(mine, second).get_by_test_id("lovemap-they-passed").wait_for()
    nothing_scored(mine)
    mine.locator(f'li.lovemap[data-question="{first}"]').scroll_into_view_if_needed()
    mine.screenshot(path=artifacts("love-maps", "reveal-en.png"))


def test_a_finished_round_offers_the_next_with_new_questions(new_context, people, live_server):
    alex, sam = phones(new_context, people)
    page = open_app(alex, "/love-maps")
    wait_synced(page)
    order = questions(page)
    for question in order:
        seed(live_server, sam, "love_map", {"question_id": f"lovemap.1.{question}", "mine": "Yes", "unknown": True})
    for question in order[:-1]:
        seed(live_server, alex, "love_map", {"question_id": f"lovemap.1.{question}", "passed": True})
    page.reload()
    wait_synced(page)
    last = card(page, order[-1])
    last.get_by_role("textbox", name="Your answer").fill("Tea")
    last.get_by_role("button", name="Save").click()
    page.get_by_test_id("lovemaps-done").wait_for()
    nothing_scored(page)
    page.screenshot(path=artifacts("love-maps", "round-done-en.png"))
    page.get_by_role("button", name="Start the next round").click()
    page.get_by_test_id("lovemaps-round").filter(has_text="Round 2").wait_for()
    second = questions(page)
    assert len(second) == 20 and not set(second) & set(order)

    partner = open_app(sam, "/love-maps")
    wait_synced(partner)
    partner.get_by_test_id("lovemaps-done").wait_for()  # Sam sees the finished round too, then the same next one
    partner.get_by_role("button", name="Start the next round").click()
    assert questions(partner) == second


def test_russian_love_maps(new_context, people, live_server):
    alex, sam = phones(new_context, people, locale="ru-RU")
    page = open_app(alex, "/")
    wait_synced(page)
    page.get_by_role("link", name="Ритуалы").click()
    page.get_by_role("link", name="Карты любви").click()
    page.get_by_role("heading", name="Карты любви").wait_for()
    first = questions(page)[0]
    go_offline(alex)  # written offline, sent once the phone is back
    one = card(page, first)
    one.get_by_role("textbox", name="Твой ответ").fill("Пельмени")
    one.get_by_role("button", name="Пока не знаю").click()
    one.get_by_role("button", name="Сохранить").click()
    one.get_by_test_id("lovemap-waiting").filter(has_text="когда Sam тоже ответит").wait_for()
    assert live_server.entries(kind="love_map") == []
    before = synced_at(page)
    go_online(alex)
    wait_synced(page, after=before)
    settle(page)
    assert len(live_server.entries(kind="love_map")) == 1

    partner = open_app(sam, "/love-maps")
    wait_synced(partner)
    assert questions(partner)[0] == first
    theirs = card(partner, first)
    assert "Пельмени" not in partner.locator("#view").inner_text()
    theirs.get_by_role("textbox", name="Твоя догадка: что ответит Alex?").fill("Пельмени")
    theirs.get_by_role("button", name="Сохранить").click()
    theirs.get_by_test_id("lovemap-reveal").filter(has_text="Пельмени").wait_for()
    theirs.get_by_test_id("lovemap-they-unknown").filter(has_text="Alex пока не знает").wait_for()
    card(partner, questions(partner)[1]).get_by_role("button", name="Пропустить").click()
    card(partner, questions(partner)[1]).get_by_test_id("lovemap-you-passed").wait_for()
    nothing_scored(partner)
    settle(partner)
    partner.screenshot(path=artifacts("love-maps", "revealed-ru.png"), full_page=True)
    page.reload()
    wait_synced(page)
    card(page, first).get_by_test_id("lovemap-you-unknown").filter(has_text="Пока не знаешь").wait_for()
    page.screenshot(path=artifacts("love-maps", "reveal-ru.png"))
