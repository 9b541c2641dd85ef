"""Today, Appreciate, Bids, Journal and Your entries in Russian: a phone whose languages start with
Russian (navigator.languages) gets Russian headings, Russian plurals and dates, the partner's feelings
in Russian, and no English sentence from the English catalogue anywhere on those screens."""

import json
import os
import re
from pathlib import Path

import pytest

from .e2e_support import REPO, open_app, seed, tab, wait_synced

pytestmark = pytest.mark.e2e

ZONE = "Europe/Berlin"  # the test's instant, 2026-06-10 10:00 UTC, is Wednesday 10 June there
SHOTS = Path(os.environ.get("HEARTH_SHOTS", "")) if os.environ.get("HEARTH_SHOTS") else None


def english_sentences():
    """Every literal run of more than three words in the English catalogue (placeholders split runs)."""
    catalogue = json.loads((REPO / "frontend" / "locales" / "en.json").read_text(encoding="utf-8"))
    found = set()

    def walk(node):
        for value in node.values():
            if isinstance(value, dict):
                walk(value)
                continue
            for piece in re.split(r"\{[a-zA-Z0-9_]+\}", value):
                piece = piece.strip(" ·:,()")
                if len(piece.split()) > 3:
                    found.add(piece)

    walk(catalogue)
    return found


ENGLISH = english_sentences()

# The page's words as a person meets them: text, and the labels and placeholders a screen reader reads.
READ = """() => [document.body.innerText,
  ...[...document.querySelectorAll('[aria-label],[placeholder],[title]')].flatMap((n) =>
     [n.getAttribute('aria-label'), n.getAttribute('placeholder'), n.getAttribute('title')])]
  .filter(Boolean).join('\\n')"""


def no_english(page):
    words = page.evaluate(READ)
    left = sorted(s for s in ENGLISH if s in words)
    assert left == [], left
    return words


def shot(page, name):
    """The screen as a phone shows it, one 390×844 screenful after another (HEARTH_SHOTS=dir)."""
    if not SHOTS:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    for number, top in enumerate(range(0, height, 700), 1):
        page.evaluate("(y) => window.scrollTo(0, y)", top)
        page.wait_for_timeout(150)
        page.screenshot(path=str(SHOTS / f"{name}-{number}.png"))
    page.evaluate("window.scrollTo(0, 0)")


def people_with_news(new_context, people, live_server, locale):
    alex = new_context(locale=locale, timezone_id=ZONE)
    sam = new_context(locale=locale, timezone_id=ZONE)
    people.pair(alex, sam)
    seed(
        live_server,
        sam,
        "disclosure",
        {
            "text": "Немного волнуюсь из-за завтрашней встречи.",
            "category": "worry",
            "feelings": ["anxious", "left out"],
            "local_date": "2026-06-09",
        },
    )  # Sam's composer stays open
    seed(live_server, sam, "appreciation", {"text": "Спасибо за суп!"})
    seed(
        live_server, sam, "checkin", {"mood": 4, "us": 5, "feelings": ["happy", "wistful"], "note": "Хороший день"}
    )  # "wistful": a word this app doesn't know
    seed(live_server, sam, "bid", {"type": "joke", "bidder": "me", "note": "Шутка про кота"})
    seed(live_server, alex, "appreciation", {"text": "Ты сегодня очень помог"})
    seed(live_server, alex, "journal", {"text": "Мысли вслух", "feelings": ["tired"]}, visibility="private")
    mine = seed(
        live_server,
        alex,
        "disclosure",
        {"text": "Устал от переезда.", "category": "feeling", "feelings": ["tired"], "local_date": "2026-06-10"},
    )
    seed(
        live_server, sam, "reflection", {"text": "Я слышу, что переезд выматывает — я правильно понимаю?"}, ref_id=mine
    )
    return alex, sam


def visit(page, path):
    """Another screen, loaded as a link opened afresh (the tab bar's own labels are not this test's)."""
    page.goto(path)
    wait_synced(page)


def test_the_today_screens_speak_russian_with_russian_plurals_and_dates(new_context, people, live_server):
    alex, sam = people_with_news(new_context, people, live_server, "ru-RU")
    page = open_app(alex, "/")
    wait_synced(page)
    page.get_by_text("Спасибо за суп!").wait_for()
    assert page.evaluate("document.documentElement.lang") == "ru"
    head = page.locator(".page-head")
    assert "среда, 10 июня" in head.inner_text()  # the date, through Intl in Russian
    for title in ("От: Sam", "Одна честная мысль", "Короткая сверка", "Вопрос дня"):
        page.get_by_role("heading", name=title).wait_for()
    page.get_by_text("Sam благодарит тебя").wait_for()
    page.get_by_text("Sam тянется к тебе").first.wait_for()
    page.get_by_text("Sam: пересказ твоих слов").wait_for()
    page.get_by_text("Ты: Устал от переезда.").wait_for()
    # the couple's question of 10 June (question-order.js), in Russian, on its card folded to one line
    question = page.evaluate(
        """async () => {
        const { store } = await import('/frontend/js/store.js');
        const q = await import('/frontend/js/questions.js');
        await q.loadQuestions();
        const date = new Intl.DateTimeFormat('en-CA', { timeZone: store.user.timezone }).format(new Date());
        return q.questionFor(date).text;
      }"""
    )
    assert re.search("[а-я]", question)  # Russian words
    page.get_by_role("button", name=f"Вопрос дня {question}").wait_for()
    feelings = page.locator("li.entry", has_text="Немного волнуюсь").locator(".chips li").all_inner_texts()
    assert feelings == ["тревога", "ненужность"]  # stored ids, Russian words
    feelings = page.locator("li.entry", has_text="Хороший день").locator(".chips li").all_inner_texts()
    assert feelings == ["счастье", "wistful"]  # an unknown stored word reads as stored
    page.get_by_role("button", name="Пересказать").first.click()
    assert page.get_by_role("textbox", name=re.compile("Перескажи")).input_value() == "Я слышу, что "
    no_english(page)
    shot(page, "ru-today-alex")

    visit(page, "/appreciate")
    page.get_by_role("heading", name="Спасибо", exact=True).wait_for()
    page.get_by_text("до 15 слов.").wait_for()  # a plural: "many"
    page.get_by_role("heading", name="От тебя (1)").wait_for()
    box = page.get_by_role("textbox", name="Sam: за что спасибо?")
    box.fill(" ".join(["слово"] * 21))
    page.get_by_text("21 слово · покороче часто доходит лучше (ориентир: 15)").wait_for()  # "one"
    box.fill(" ".join(["слово"] * 3))
    page.get_by_text("3 из 15 слов").wait_for()
    no_english(page)
    shot(page, "ru-appreciate-alex")

    visit(page, "/bids")
    page.get_by_role("heading", name="Отклики").wait_for()
    page.get_by_role("radio", name="Шутка").wait_for()
    page.get_by_role("heading", name="Ждут твоего ответа").wait_for()
    page.get_by_role("button", name="Навстречу").first.click()
    page.get_by_text("1 из 1 отвеченного").wait_for()  # a plural: "one", genitive
    # The couple's rate and the research's guide on one bar (parts/toward-guide.js), in Russian numbers.
    assert (
        page.get_by_role("img", name=re.compile(r"^Навстречу: 100\s%\. Ориентир из исследований: около 86\s%")).count()
        == 1
    )
    no_english(page)
    shot(page, "ru-bids-alex")

    visit(page, "/journal")
    page.get_by_role("heading", name="Дневник").wait_for()
    page.get_by_role("heading", name="Твои записи (1)").wait_for()
    page.get_by_text("Не можешь понять, что чувствуешь? Назови").click()
    page.get_by_role("radio", name="усталость", exact=True).click()  # tiredness is a family of its own now
    page.get_by_role("button", name="усталость", exact=True).click()
    page.get_by_text("Нет сил в теле или на душе.").wait_for()
    no_english(page)
    shot(page, "ru-journal-alex")

    visit(page, "/mine")
    page.get_by_role("heading", name="Твои записи").wait_for()
    page.get_by_role("heading", name=re.compile(r"^Написано тобой \(\d+\)$")).wait_for()
    no_english(page)
    shot(page, "ru-mine-alex")

    visit(page, "/more")  # the More screen is not this test's; its "Daily nudge" card is
    nudge = page.get_by_role("region", name="Ежедневное напоминание")
    nudge.get_by_text("Уведомления на этом телефоне").wait_for()
    nudge.get_by_text("Напоминание приходит в 20:00").wait_for()  # the time through Intl, 24-hour in Russian
    nudge.scroll_into_view_if_needed()
    if SHOTS:
        nudge.screenshot(path=str(SHOTS / "ru-more-nudge.png"))

    partner = open_app(sam, "/")
    wait_synced(partner)
    partner.get_by_text("Ты сегодня очень помог").wait_for()
    partner.get_by_role("heading", name="От: Alex").wait_for()
    honest = partner.get_by_role("region", name="Одна честная мысль")
    honest.get_by_role("radio", name="Сожаление").click()
    assert (
        honest.get_by_role("textbox", name="Что у тебя сегодня на сердце?").get_attribute("placeholder") == "Жаль, что…"
    )
    honest.get_by_role("button", name="Добавить слова-чувства").click()  # the feeling words, folded until asked for
    honest.get_by_role("textbox", name="и мне нужно", exact=True).wait_for()  # the sentence's blanks, in view
    no_english(partner)
    shot(partner, "ru-today-sam")


@pytest.mark.skipif(SHOTS is None, reason="set HEARTH_SHOTS=/some/dir for the English screenshots")
def test_the_same_screens_in_english_for_the_screenshots(new_context, people, live_server):
    alex, sam = people_with_news(new_context, people, live_server, "en-US")
    page = open_app(alex, "/")
    wait_synced(page)
    page.get_by_text("Спасибо за суп!").wait_for()
    page.get_by_role("heading", name="One honest thing").wait_for()
    shot(page, "en-today-alex")
    for path in ("/appreciate", "/bids", "/journal", "/mine"):
        tab(page, path)
        page.wait_for_timeout(500)
        shot(page, f"en-{path[1:]}-alex")
    tab(page, "/more")
    nudge = page.get_by_role("region", name="Daily nudge")
    nudge.get_by_text("Your daily nudge comes at 8:00 PM").wait_for()
    nudge.scroll_into_view_if_needed()
    nudge.screenshot(path=str(SHOTS / "en-more-nudge.png"))
    partner = open_app(sam, "/")
    wait_synced(partner)
    partner.get_by_role("heading", name="From Alex").wait_for()
    honest = partner.get_by_role("region", name="One honest thing")
    honest.get_by_role("radio", name="Small regret").click()
    honest.get_by_role("button", name="Add feeling words").click()
    shot(partner, "en-today-sam")
