"""The care screens in Russian: a phone whose first language is Russian (navigator.languages) gets
Russian headings, plurals and dates on time-out, tension, agreements, the path, Get help and Us, and
none of the app's English sentences. Old starter agreements, stored as their English text, still
count as added. Screenshots of every care screen in both languages go to test-artifacts/screenshots/."""

import datetime
import json
import re

import pytest
from sqlalchemy import update

from backend.models import utcnow

from .e2e_support import BERLIN, REPO, artifacts, open_app, seed, settle, wait_synced, wait_until, words

pytestmark = pytest.mark.e2e

PLACEHOLDER = re.compile(r"\{[a-zA-Z0-9_]+\}")
RU_DATE = re.compile(r"\d{1,2} (янв|февр|мар|апр|мая|июн|июл|авг|сент|окт|нояб|дек)")


def english_sentences():
    """Every run of more than three words the English catalogue writes (placeholders split a value)."""

    def texts(node):
        for value in node.values():
            if isinstance(value, dict):
                yield from texts(value)
            else:
                yield value

    catalogue = json.loads((REPO / "frontend" / "locales" / "en.json").read_text(encoding="utf-8"))
    runs = set()
    for text in texts(catalogue):
        for run in PLACEHOLDER.split(text):
            if len(run.split()) > 3:
                runs.add(run.strip())
    return runs


ENGLISH = english_sentences()


def app_text(page):
    """What the app itself writes on the page: visible text and labels, without people's own words."""
    return page.evaluate("""() => {
        const copy = document.body.cloneNode(true);
        copy.querySelectorAll('.user-text, script, style').forEach((n) => n.remove());
        const labels = [...copy.querySelectorAll('[aria-label], [placeholder], title')]
          .map((n) => [n.getAttribute('aria-label'), n.getAttribute('placeholder'), n.textContent].join(' '));
        return [copy.textContent, ...labels].join(' ');
    }""")


def assert_no_english(page, where):
    text = app_text(page)
    found = sorted(run for run in ENGLISH if run in text)
    assert found == [], f"{where}: English on a Russian page: {found}"


def russian_couple(new_context, people, live_server, **options):
    alex, sam = new_context(locale="ru-RU", **options), new_context(locale="ru-RU", **options)
    people.pair(alex, sam)
    return alex, sam


def story(live_server, alex, sam, timeout=True):
    """Shared things on every care screen: an agreement, a tension with its step, a running time-out."""
    today = utcnow().astimezone(BERLIN).date().isoformat()
    seed(live_server, sam, "agreement", {"text": "Телефоны убираем за ужином.", "category": "boundary"})
    issue = seed(
        live_server,
        sam,
        "disclosure",
        {
            "text": "Я чувствую: одиноко, когда мои новости теряются в вечерней суете. Давай поговорим?",
            "category": "tension",
            "feelings": ["unseen"],
            "local_date": today,
        },
    )
    seed(
        live_server, sam, "commitment", {"text": "Десять минут на новости после ужина", "due_date": today}, ref_id=issue
    )
    for i in range(3):
        bid = seed(live_server, alex, "bid", {"type": "share", "bidder": "me", "note": f"фото {i}"})
        seed(live_server, sam, "bid_response", {"response": "toward" if i else "away"}, ref_id=bid)
    if timeout:
        back = (utcnow() + datetime.timedelta(minutes=45)).isoformat()
        seed(live_server, sam, "timeout", {"return_at": back, "note": "Нужно подышать; хочу договорить."})


def test_care_screens_speak_russian_with_its_plurals_and_dates(new_context, people, live_server):
    alex, sam = russian_couple(new_context, people, live_server)
    story(live_server, alex, sam)
    bid = seed(live_server, alex, "bid", {"type": "share", "bidder": "me", "note": "фото с работы"})
    seed(live_server, sam, "reaction", {"value": "not_now"}, ref_id=bid)
    page = open_app(alex, "/")
    wait_synced(page)
    assert page.evaluate("document.documentElement.lang") == "ru"

    line = page.get_by_test_id("timeout-line")
    line.wait_for()
    assert "берёт небольшую паузу и вернётся в" in line.text_content()
    assert (
        "Сейчас не могу. Но я рядом — поговорим, когда захочешь."
        in page.get_by_test_id("not-now-line").first.text_content()
    )
    assert_no_english(page, "today's time-out card")

    page.goto("/timeout")
    page.get_by_role("heading", name="Тайм-аут", level=1).wait_for()
    page.get_by_role("heading", name="Я буду рядом.").wait_for()  # Sam's time-out: only Sam ends it
    assert "просит эту паузу и вернётся в" in page.get_by_test_id("timeout-message").text_content()
    assert re.search(r"\d+ мин", page.get_by_role("timer").text_content())
    page.get_by_label("Одна короткая добрая записка").wait_for()
    assert_no_english(page, "/timeout calm")
    owner = open_app(sam, "/timeout")
    owner.get_by_role("button", name="Завершить тайм-аут").click()
    settle(owner)
    owner.close()
    page.goto("/timeout")
    wait_synced(page)
    page.get_by_role("button", name="Начать тайм-аут").wait_for()
    for label in ("20 мин", "1 час", "2 часа", "4 часа", "Завтра в это же время"):  # one / few plural forms
        page.get_by_role("radio", name=label, exact=True).wait_for()
    page.get_by_text("Не раньше чем через 20 минут и не позже чем через 24 часа.").wait_for()
    page.get_by_text("Недавние тайм-ауты").wait_for()
    assert_no_english(page, "/timeout start")

    page.goto("/tension")
    page.get_by_role("heading", name="Поговорить о напряжении", level=1).wait_for()
    page.get_by_role("heading", name="Темы и следующие шаги").wait_for()
    step = page.get_by_test_id("next-step").text_content()
    assert step.startswith("Следующий шаг: ") and RU_DATE.search(step), step  # "· до ср, 25 нояб."
    page.get_by_label("Я чувствую", exact=True).select_option("hurt")
    page.get_by_label("когда", exact=True).fill("планы поменялись без предупреждения")
    hurt = page.locator('select[name="feeling"] option[value="hurt"]').text_content()  # its name from feelings.js
    assert page.get_by_test_id("tension-preview").text_content() == (
        f"Я чувствую: {hurt}, когда планы поменялись без предупреждения. "
        "Давай поговорим о том, что случилось, и договоримся об одном следующем шаге?"
    )
    assert_no_english(page, "/tension")

    page.goto("/agreements")
    page.get_by_role("heading", name="Договорённости", level=1).wait_for()
    page.get_by_role("heading", name="Границы").wait_for()
    page.get_by_role("button", name="Добавить: Никаких оскорблений, даже когда мы злимся.").click()
    page.get_by_role("heading", name="Правила спора").wait_for()
    assert page.get_by_role("button", name="Добавить: Никаких оскорблений, даже когда мы злимся.").count() == 0
    assert_no_english(page, "/agreements")

    page.goto("/path")
    page.get_by_role("heading", name="Путь на шесть недель", level=1).wait_for()
    page.locator('[data-week="1"]').get_by_text("Эта неделя", exact=True).wait_for()
    later = page.locator('[data-week="2"] .badge').text_content()
    assert later.startswith("С ") and RU_DATE.search(later), later
    assert_no_english(page, "/path")

    page.goto("/help")
    page.get_by_role("heading", name="Помощь", level=1).wait_for()
    for heading in ("Если тебе небезопасно", "Три распространённых подхода к парной терапии", "Как найти терапевта"):
        page.get_by_role("heading", name=heading).wait_for()
    for name in ("Эмоционально-фокусированная терапия (ЭФТ)", "Метод Готтманов", "Терапия Имаго"):
        page.get_by_text(name, exact=True).wait_for()
    assert_no_english(page, "/help")

    page.goto("/us")
    page.get_by_role("heading", name="Мы", level=1).wait_for()
    page.get_by_role("heading", name="Отклик друг на друга").wait_for()
    assert "Последние 12 недель" in page.locator(".page-head p").text_content()  # "many"
    as_of = page.get_by_test_id("stats-as-of").text_content()
    assert as_of.startswith("На ") and RU_DATE.search(as_of), as_of
    assert "4 знака внимания" in page.locator("section", has_text="Отклик друг на друга").text_content()  # "few"
    assert_no_english(page, "/us")

    [mine] = [e for e in live_server.entries(kind="agreement") if e.body["category"] == "conflict_rule"]
    assert (
        words(page, mine)["text"] == "Никаких оскорблений, даже когда мы злимся."
    )  # the adder's own words, stored as said


def test_a_starter_stored_in_english_still_counts_as_added_in_russian(new_context, people, live_server):
    """Before the catalogue a suggested agreement was known by its English text; those entries stay."""
    alex, sam = russian_couple(new_context, people, live_server)
    seed(
        live_server, sam, "agreement", {"text": "No name-calling, even when we're angry.", "category": "conflict_rule"}
    )
    page = open_app(alex, "/agreements")
    wait_synced(page)
    page.locator('[data-kind="agreement"]').wait_for()
    page.get_by_role("heading", name="Подсказки").wait_for()
    starters = page.locator("[data-starter]")
    assert sorted(starters.evaluate_all("ns => ns.map((n) => n.dataset.starter)")) == [
        "come_back",
        "one_issue",
        "time_out",
    ]


def shoot(page, name):
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts("screenshots", f"{name}.png"))
    page.screenshot(path=artifacts("screenshots", f"{name}-full.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_screenshots_of_the_care_screens_in_both_languages(new_context, people, live_server, locale):
    alex, sam = new_context(locale=locale), new_context(locale=locale)
    people.pair(alex, sam)
    from backend.extensions import db
    from backend.models import Couple

    with live_server.app.app_context():  # far enough along for the Us page to invite a review and offer help
        db.session.execute(update(Couple).values(paired_at=utcnow() - datetime.timedelta(weeks=13)))
        db.session.commit()
    story(live_server, alex, sam)
    lang = locale[:2]
    for who, context in (("alex", alex), ("sam", sam)):
        page = open_app(context, "/")
        wait_synced(page)
        for name, path in (
            ("today", "/"),
            ("timeout", "/timeout"),
            ("tension", "/tension"),
            ("agreements", "/agreements"),
            ("path", "/path"),
            ("help", "/help"),
            ("us", "/us"),
        ):
            page.goto(path)
            page.get_by_role("heading", level=1).wait_for()
            shoot(page, f"care-{lang}-{who}-{name}")
        page.close()
    page = open_app(sam, "/timeout")  # Sam asked for it: only Sam ends it
    page.get_by_role("button", name="Завершить тайм-аут" if lang == "ru" else "End the time-out").click()
    page.get_by_role("button", name="Начать тайм-аут" if lang == "ru" else "Start time-out").wait_for()
    shoot(page, f"care-{lang}-sam-timeout-start")
    page.goto("/tension")
    page.get_by_role("heading", level=1).wait_for()
    page.locator("form").first.get_by_role("combobox").select_option("hurt")
    shoot(page, f"care-{lang}-alex-tension-form")
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/timeout", "/agreements", "/tension", "/path", "/help", "/us"):
        page.goto(path)
        page.get_by_role("heading", level=1).wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_a_starter_added_in_russian_is_not_offered_again_in_english(new_context, people, live_server):
    """The offered words are the reader's; the stored ones the adder's. The starter's id says it was added."""
    alex, sam = new_context(locale="en-US"), new_context(locale="ru-RU")
    people.pair(alex, sam)
    ru = open_app(sam, "/agreements")
    wait_synced(ru)
    ru.locator('[data-starter="no_name_calling"]').get_by_role("button").click()
    ru.locator('[data-kind="agreement"]').wait_for()
    wait_until(ru, "() => !document.querySelector('[data-starter=\"no_name_calling\"]')")
    settle(ru, timeout=30_000)
    [stored] = live_server.entries(kind="agreement")
    assert words(ru, stored) == {
        "text": "Никаких оскорблений, даже когда мы злимся.",
        "category": "conflict_rule",
        "starter": "no_name_calling",
    }
    en = open_app(alex, "/agreements")
    wait_synced(en)
    en.locator('[data-kind="agreement"]').wait_for()
    en.get_by_role("heading", name="Suggestions").wait_for()
    offered = en.locator("[data-starter]").evaluate_all("ns => ns.map((n) => n.dataset.starter)")
    assert sorted(offered) == ["come_back", "one_issue", "time_out"]
    assert en.get_by_text("No name-calling, even when we're angry.").count() == 0
