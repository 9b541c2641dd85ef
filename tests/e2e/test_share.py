"""Two-tap sharing (issue 14, item 3) on a 390×844 phone: a tap on a sentence starter fills the honest thing
with the cursor at its end, the person finishes the sentence, Save sends it and the partner reads it;
"More ideas" offers the rest by topic, lightest first; the feeling picker shows one family at a time and what a
tapped word means. In English and Russian, and offline (the share content file is precached)."""

import json
import os
from pathlib import Path

import pytest

from .e2e_support import REPO, go_offline, open_app, wait_synced, wait_until, words as opened

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ["HEARTH_SHOTS"]) if os.environ.get("HEARTH_SHOTS") else None
WORDS = {
    lang: json.loads((REPO / "frontend" / "content" / f"share.{lang}.json").read_text(encoding="utf-8"))
    for lang in ("en", "ru")
}
PHONE = {
    "en": {
        "locale": "en-US",
        "card": "One honest thing",
        "starters": "Ways to start",
        "more": "More ideas",
        "worried": "Worried",
        "worry": "A worry",
        "deep": "Deep",
        "save": "Save",
        "add": "Add feeling words",
        "families": "Families of feelings",
        "tired": "tired",
        "word": "exhausted",
        "ending": "the soup came out right",
    },
    "ru": {
        "locale": "ru-RU",
        "card": "Одна честная мысль",
        "starters": "С чего начать",
        "more": "Ещё идеи",
        "worried": "Тревоги",
        "worry": "Тревога",
        "deep": "Глубоко",
        "save": "Сохранить",
        "add": "Добавить слова-чувства",
        "families": "Группы чувств",
        "tired": "усталость",
        "word": "изнеможение",
        "ending": "суп наконец получился",
    },
}


def shot(page, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def couple(new_context, people, lang):
    alex = new_context(locale=PHONE[lang]["locale"])
    sam = new_context(locale=PHONE[lang]["locale"])
    people.pair(alex, sam)
    return alex, sam


def honest_thing(page, lang):
    return page.get_by_role("region", name=PHONE[lang]["card"])


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_two_taps_share_a_starter_and_the_partner_reads_it(new_context, people, live_server, lang):
    words = PHONE[lang]
    alex, sam = couple(new_context, people, lang)
    page = open_app(alex, "/")
    wait_synced(page)
    honest = honest_thing(page, lang)
    row = honest.get_by_role("group", name=words["starters"])
    first = row.locator("button.chip.starter").first
    first.wait_for()
    assert row.locator("button.chip.starter").count() == 4  # a handful, not the whole list
    starter = WORDS[lang]["share"]["starter"][first.get_attribute("data-starter")]
    assert first.text_content() == f"{starter}…"
    shot(page, f"share-today-{lang}")

    first.click()  # tap one
    box = honest.locator("textarea[name=text]")
    assert box.input_value() == f"{starter} "
    assert page.evaluate(
        "() => { const b = document.activeElement; return b.name === 'text' && b.selectionStart === b.value.length; }"
    ), "the cursor waits at the end of the starter"
    page.keyboard.type(words["ending"])
    honest.get_by_role("button", name=words["save"], exact=True).click()  # tap two

    sentence = f"{starter} {words['ending']}"
    wait_until(page, "() => document.getElementById('sync-pill').dataset.state === 'ok'")
    for _ in range(100):  # the outbox sends it soon after Save
        stored = live_server.entries(kind="disclosure")
        if stored:
            break
        page.wait_for_timeout(100)
    [entry] = stored
    assert opened(page, entry)["text"] == sentence and entry.visibility == "shared"
    partner = open_app(sam, "/")
    wait_synced(partner)
    partner.get_by_text(sentence).wait_for()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_more_ideas_by_topic_lightest_first(new_context, people, lang):
    words = PHONE[lang]
    alex, _ = couple(new_context, people, lang)
    page = open_app(alex, "/")
    wait_synced(page)
    honest = honest_thing(page, lang)
    more = honest.get_by_role("button", name=words["more"])
    more.click()
    assert more.get_attribute("aria-expanded") == "true"
    honest.get_by_role("radio", name=words["worried"]).click()
    depths = honest.locator(".starters-depth > p").all_inner_texts()
    assert depths[-1] == words["deep"] and len(depths) == 3
    honest.get_by_role("radio", name=words["worried"]).scroll_into_view_if_needed()
    shot(page, f"share-more-{lang}")
    deep = honest.locator(".starters-depth").last.locator("button.chip.starter").first
    starter = WORDS[lang]["share"]["starter"][deep.get_attribute("data-starter")]
    deep.click()
    assert honest.locator("textarea[name=text]").input_value() == f"{starter} "
    assert more.get_attribute("aria-expanded") == "false"
    assert honest.get_by_role("radio", name=words["worry"]).get_attribute("aria-checked") == "true"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_feeling_picker_shows_families_and_what_a_word_means(new_context, people, lang):
    words = PHONE[lang]
    alex, _ = couple(new_context, people, lang)
    page = open_app(alex, "/")
    wait_synced(page)
    honest = honest_thing(page, lang)
    honest.get_by_role("button", name=words["add"]).click()
    families = honest.get_by_role("radiogroup", name=words["families"])
    assert families.get_by_role("radio").count() >= 10
    families.get_by_role("radio", name=words["tired"], exact=True).click()
    word = honest.get_by_role("button", name=words["word"], exact=True)
    word.click()
    assert word.get_attribute("aria-pressed") == "true"
    meaning = WORDS[lang]["feelings"]["about"]["exhausted"]
    about = honest.locator(".feeling-about")
    about.get_by_text(meaning).wait_for()
    assert about.text_content() == f"{words['word']} — {meaning}"
    assert about.get_attribute("id") in word.get_attribute("aria-describedby")
    page.evaluate("() => document.querySelector('.feelings-panel').scrollIntoView({ block: 'center' })")
    shot(page, f"share-feelings-{lang}")


def test_starters_and_meanings_work_offline(new_context, people):
    alex, _ = couple(new_context, people, "ru")
    page = open_app(alex, "/")
    wait_synced(page)
    honest = honest_thing(page, "ru")
    honest.locator("button.chip.starter").first.wait_for()
    go_offline(alex)
    page.reload()
    honest = honest_thing(page, "ru")
    first = honest.locator("button.chip.starter").first
    first.click()
    starter = WORDS["ru"]["share"]["starter"][first.get_attribute("data-starter")]
    assert honest.locator("textarea[name=text]").input_value() == f"{starter} "
    honest.get_by_role("button", name=PHONE["ru"]["add"]).click()
    honest.get_by_role("radio", name="страх", exact=True).click()
    honest.get_by_role("button", name="тревога", exact=True).click()
    honest.locator(".feeling-about").get_by_text(WORDS["ru"]["feelings"]["about"]["anxious"]).wait_for()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_i_feel_script_says_what_the_chosen_word_means(new_context, people, lang):
    alex, _ = couple(new_context, people, lang)
    page = open_app(alex, "/tension")
    wait_synced(page)
    select = page.locator("select[name=feeling]")
    assert select.locator("optgroup").count() >= 10 and select.locator("option[value]").count() >= 121
    select.select_option("stretched thin")
    meaning = WORDS[lang]["feelings"]["about"]["stretched_thin"]
    page.locator(".feeling-about").get_by_text(meaning).wait_for()
    about = page.locator(".feeling-about").get_attribute("id")
    assert about in select.get_attribute("aria-describedby")
    page.evaluate("() => document.querySelector('.feeling-about').scrollIntoView({ block: 'center' })")
    shot(page, f"share-tension-{lang}")
