"""Guided practices done right (issue 14, items 7 and 5), two phones at 390x844 with fixed clocks.

Connection check: presence first with the questions held back; each question is asked, then a visible
three-second pause (read from the shared step's instant, so both phones pause together), then answered;
steps that are not questions never pause. The three questions each partner prepared (a card on Today
the day before, /prepare/<ritual id>) stay sealed on the author's phone (the partner's phone and the
server's sync answer for the partner hold nothing of them) until the session reveals them, one at a time.
Five minutes each: who speaks first is chosen; each turn is speak, mirror, validate, and the swap comes
after the validation; the second turn has its mirror prompt too; fear starters for the speaker.
The 90-second story: compose first, "We're ready" starts the 90 seconds, and each partner tells one."""

import json
from datetime import timedelta
from pathlib import Path

import pytest

from backend.models import utcnow

from .e2e_support import open_app, settle, tab, wait_until, words

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots/practices")
TUESDAY = "2026-06-09T10:00:00+00:00"  # noon in Berlin, the day before a fortnightly Wednesday check
QUESTIONS = ["What made you feel close to me lately?", "Which dream have you put away?", "What do you need more of?"]


def look_again(page):
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")


def until_shown(page, text, timeout=15_000):
    wait_until(
        page,
        """text => { document.dispatchEvent(new Event('visibilitychange'));
        return document.body.innerText.includes(text); }""",
        text,
        timeout,
    )


def set_time(contexts, when):
    for context in contexts:
        context.clock.set_fixed_time(when)


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def start(page, ritual_type, english=True):
    if english:
        tab(page, "/rituals")
    else:
        page.goto("/rituals")
    item = page.locator(f'.ritual[data-type="{ritual_type}"]')
    item.wait_for()
    item.locator("button.btn.primary").click()
    page.get_by_role("timer").first.wait_for()


def join(page, text):
    until_shown(page, text)
    page.locator(".together.banner").get_by_role("button").first.click()
    page.get_by_role("timer").first.wait_for()


def server_view(context, server):
    """Everything the server's sync answer gives this person from the start, as text: opened by this person's
    phone where the server seals words (what it sends, this phone can read)."""
    couple = context.request.get(f"{server.url}/api/me").json()["couple"]
    answer = context.request.post(
        f"{server.url}/api/sync",
        data={
            "client_id": "c0ffee00-0000-4000-8000-000000000001",
            "cursor": 0,
            "couple_id": couple["id"],
            "mutations": [],
        },
    )
    assert answer.status == 200, answer.text()
    changes = answer.json()["changes"]
    phone = next((page for page in context.pages if not page.is_closed()), None)
    if phone is not None:
        changes = phone.evaluate(
            """async (changes) => { const ring = await import('/frontend/js/crypto/keyring.js');
            return Promise.all(changes.map((change) => ring.openEntry(change))); }""",
            changes,
        )
    return json.dumps(changes)


def turn(page):
    node = page.locator(".prompt-card .turn")
    return node.get_attribute("data-who"), node.inner_text()


def until_step(page, n):
    """Until this phone shows step n, asking the app to sync while waiting (the partner's move arrives)."""
    wait_until(
        page,
        """n => { document.dispatchEvent(new Event('visibilitychange'));
        return document.querySelector('.prompt-card')?.dataset.step === String(n); }""",
        n,
    )


def step_of(page):
    return int(page.locator(".prompt-card").get_attribute("data-step"))


def prepare(page, questions, russian=False):
    card = page.locator(".prepare-card")
    card.wait_for()
    card.get_by_role("link").click()
    label = "Вопрос" if russian else "Question"
    page.get_by_label(f"{label} 1", exact=True).wait_for()
    for n, text in enumerate(questions, 1):
        page.get_by_label(f"{label} {n}", exact=True).fill(text)
    page.get_by_role("button", name="Сохранить в тайне" if russian else "Keep them sealed").click()
    page.locator(".prepare-card").wait_for()
    settle(page)


@pytest.mark.now(TUESDAY)
def test_connection_check_presence_sealed_questions_and_the_pause(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    began = utcnow().replace(microsecond=0)
    set_time((alex, sam), began)
    a, s = open_app(alex), open_app(sam)
    settle(a)
    settle(s)

    # The day before, each is asked on Today to prepare three questions.
    a.locator(".prepare-card").get_by_text("Tomorrow: Connection check").wait_for()
    assert "Prepare 3 questions for Sam" in a.locator(".prepare-card").inner_text()
    shoot(a, "en-alex-today-card")
    prepare(a, QUESTIONS)
    a.locator(".prepare-card").get_by_text("Your questions are ready and sealed.").wait_for()
    prepare(s, ["What surprised you this week?"])
    sealed = live_server.entries(kind="prepared_question")
    assert len(sealed) == 4 and {q.visibility for q in sealed} == {"private"}
    tab(a, "/rituals")  # the Rituals list opens the same screen any day
    a.locator('.ritual[data-type="connection_check"] .prepare-link').click()
    a.get_by_label("Question 2", exact=True).wait_for()
    a.get_by_text("Write the questions you'd like to ask Sam.").wait_for()
    assert a.get_by_text("Sam sees each one only when you ask it in the session.").is_visible()
    assert a.get_by_label("Question 2", exact=True).input_value() == QUESTIONS[1]
    shoot(a, "en-alex-prepare")

    # Sealed: nothing of Alex's questions on Sam's phone, nor in the server's answer to Sam.
    look_again(s)
    settle(s)
    for text in QUESTIONS:
        assert text not in server_view(sam, live_server)
    assert "What surprised you this week?" not in server_view(alex, live_server)

    a.goto("/")
    start(a, "connection_check")
    settle(a)
    join(s, "Alex started the connection check")
    for page in (a, s):
        page.get_by_role("heading", name="Just be together").wait_for()
        assert page.locator(".pause").count() == 0  # presence is no question: no pause
        for text in QUESTIONS:
            assert text not in page.locator("main").inner_text()  # the questions are held back
    shoot(s, "en-sam-presence")
    s.get_by_role("button", name="On to the questions").click()
    settle(s)

    # Question 1 is Alex's: his phone shows it, Sam's does not, and nobody pauses while it is asked.
    until_shown(a, QUESTIONS[0])
    s.get_by_text("Alex asks a question").wait_for()
    assert QUESTIONS[0] not in s.locator("main").inner_text()
    assert a.locator(".pause").count() == s.locator(".pause").count() == 0
    shoot(a, "en-alex-ask")
    a.get_by_role("button", name="I've asked it").click()
    settle(a)

    # Between question and answer: the pause, on both phones, for three seconds of the shared step.
    a.get_by_role("heading", name="Pause").wait_for()
    until_shown(s, "Let three seconds pass")
    assert s.get_by_role("heading", name="Pause").is_visible()
    shoot(s, "en-sam-pause")
    set_time((alex, sam), began + timedelta(seconds=2))
    a.wait_for_timeout(700)
    assert a.locator(".pause").count() == 1
    set_time((alex, sam), began + timedelta(seconds=5))
    s.get_by_role("heading", name=QUESTIONS[0]).wait_for()  # revealed to Sam now, and only this one
    a.get_by_role("heading", name=QUESTIONS[0]).wait_for()
    assert turn(s)[1] == "Your turn to answer, in your own time."
    shoot(s, "en-sam-answer")
    view = server_view(sam, live_server)
    assert QUESTIONS[0] in view and QUESTIONS[1] not in view and QUESTIONS[2] not in view
    assert QUESTIONS[1] not in s.locator("main").inner_text()

    a.get_by_label("Your answer").fill("Sunday's walk")
    a.get_by_role("button", name="Next").click()
    settle(a)
    # Question 2 is Sam's own: on his phone only; asking it is no pause either.
    until_shown(s, "What surprised you this week?")
    a.get_by_text("Sam asks a question").wait_for()
    assert a.locator(".pause").count() == 0 and s.locator(".pause").count() == 0
    s.get_by_role("button", name="I've asked it").click()
    settle(s)
    until_shown(a, "Let three seconds pass")
    set_time((alex, sam), began + timedelta(seconds=10))
    a.get_by_role("heading", name="What surprised you this week?").wait_for()
    a.get_by_role("button", name="Next").click()
    settle(a)
    # Question 3: Alex's second, revealed only when asked.
    until_shown(a, QUESTIONS[1])
    assert QUESTIONS[1] not in server_view(sam, live_server)
    a.get_by_role("button", name="I've asked it").click()
    settle(a)
    set_time((alex, sam), began + timedelta(seconds=15))
    until_shown(s, QUESTIONS[1])
    assert QUESTIONS[2] not in server_view(sam, live_server)
    [session] = live_server.entries(kind="ritual_session")
    assert [x["prompt"] for x in words(a, session)["answers"]] == [QUESTIONS[0], "What surprised you this week?"]


def test_connection_check_in_russian(new_context, people, live_server):
    alex, sam = new_context(locale="ru-RU"), new_context(locale="ru-RU")
    people.pair(alex, sam)
    began = utcnow().replace(microsecond=0)
    set_time((alex, sam), began)
    a = open_app(alex)
    settle(a)
    [ritual] = [r for r in live_server.entries(kind="ritual") if r.body["type"] == "connection_check"]
    a.goto(f"/prepare/{ritual.id}")
    a.get_by_role("heading", name="Твои вопросы").wait_for()
    a.get_by_text("Запиши вопросы, которые хочешь задать Sam.").wait_for()
    a.get_by_label("Вопрос 1", exact=True).fill("Что тебя сегодня порадовало?")
    shoot(a, "ru-alex-prepare")
    a.get_by_role("button", name="Сохранить в тайне").click()
    settle(a)
    start(a, "connection_check", english=False)
    a.get_by_role("heading", name="Просто побудьте вместе").wait_for()
    assert "Что тебя сегодня порадовало?" not in a.locator("main").inner_text()
    shoot(a, "ru-alex-presence")
    a.get_by_role("button", name="К вопросам").click()
    a.get_by_role("heading", name="Что тебя сегодня порадовало?").wait_for()
    assert a.locator(".pause").count() == 0
    shoot(a, "ru-alex-ask")
    a.get_by_role("button", name="Вопрос задан").click()
    a.get_by_role("heading", name="Пауза").wait_for()
    shoot(a, "ru-alex-pause")
    set_time((alex,), began + timedelta(seconds=4))
    a.get_by_role("heading", name="Что тебя сегодня порадовало?").wait_for()
    assert a.locator(".pause").count() == 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_five_minutes_each_who_goes_first_mirror_then_swap(new_context, people, live_server, lang):
    ru = lang == "ru"
    locale = "ru-RU" if ru else "en-US"
    alex, sam = new_context(locale=locale), new_context(locale=locale)
    people.pair(alex, sam)
    began = utcnow().replace(microsecond=0)
    set_time((alex, sam), began)
    a, s = open_app(alex), open_app(sam)
    settle(a)
    settle(s)
    start(a, "vulnerability", english=not ru)
    settle(a)
    join(s, "Alex начинает" if ru else "Alex started the five minutes each")
    a.get_by_role("heading", name="Кто говорит первым?" if ru else "Who speaks first?").wait_for()
    shoot(s, f"{lang}-sam-choose")
    # Sam chooses to speak first, though Alex started it.
    s.get_by_role("button", name="Я начну" if ru else "I'll speak first").click()
    settle(s)
    until_step(a, 1)
    s.locator(".prompt-card .turn[data-who='speaker']").wait_for()
    a.locator(".prompt-card .turn[data-who='listener']").wait_for()
    assert s.locator(".starter-list li").count() >= 3 and a.locator(".starter-list").count() == 0
    if not ru:
        assert turn(s)[1] == "Your turn to speak. Alex listens."
        assert s.get_by_text("I'm afraid that one day we'll stop talking like this…").is_visible()
    shoot(s, f"{lang}-sam-speaks")
    # Five minutes on: time is up, but nothing swaps by itself; the mirror comes next.
    set_time((alex, sam), began + timedelta(seconds=305))
    wait_until(a, "() => document.querySelector('.step-countdown').dataset.left === '0'")
    assert step_of(a) == step_of(s) == 1 and turn(a)[0] == "listener"
    a.get_by_role("button", name="Дальше" if ru else "Next").click()
    settle(a)
    # Turn 1's mirror: on the listener's (Alex's) phone; Sam is still the speaker, no swap shown.
    a.locator(".prompt-card .turn[data-who='mirror']").wait_for()
    until_shown(s, "Отражение" if ru else "Mirror")
    assert turn(s)[0] == "speaker"
    if not ru:
        assert turn(a)[1] == "Your turn to mirror: “What I heard you say is…”"
    shoot(a, f"{lang}-alex-mirror-1")
    a.get_by_role("button", name="Дальше" if ru else "Next").click()
    a.locator(".prompt-card .turn[data-who='validate']").wait_for()
    settle(a)
    # The swap only after mirror and validation.
    a.get_by_role("button", name="Поменяться" if ru else "Swap turns").click()
    settle(a)
    a.locator(".prompt-card .turn[data-who='speaker']").wait_for()
    until_step(s, 4)
    s.locator(".prompt-card .turn[data-who='listener']").wait_for()
    assert a.locator(".starter-list li").count() >= 3
    shoot(a, f"{lang}-alex-speaks")
    s.get_by_role("button", name="Дальше" if ru else "Next").click()
    settle(s)
    # The second turn's mirror prompt, on Sam's phone now.
    s.locator(".prompt-card .turn[data-who='mirror']").wait_for()
    until_step(a, 5)
    assert turn(a)[0] == "speaker"
    shoot(s, f"{lang}-sam-mirror-2")
    [place] = live_server.entries(kind="session_step")
    assert place.body["first"] == "partner" and place.body["step"] == 5


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_story_composed_first_then_ready_and_each_tells_one(new_context, people, live_server, lang):
    ru = lang == "ru"
    locale = "ru-RU" if ru else "en-US"
    alex, sam = new_context(locale=locale), new_context(locale=locale)
    people.pair(alex, sam)
    began = utcnow().replace(microsecond=0)
    set_time((alex, sam), began)
    a, s = open_app(alex), open_app(sam)
    settle(a)
    settle(s)
    start(a, "story", english=not ru)
    settle(a)
    join(s, "Alex начинает" if ru else "Alex started the 90-second story")
    # Composing: the form on the teller's phone, and no 90 seconds running however long it takes.
    a.locator(".story select").select_option(index=3)
    a.locator(".story input[name='event']").fill(
        "Я сказал тост на свадьбе" if ru else "I gave the toast at the wedding"
    )
    assert s.locator(".story").count() == 0
    set_time((alex, sam), began + timedelta(seconds=200))
    a.wait_for_timeout(700)
    assert a.locator(".step-countdown").count() == 0 and s.locator(".step-countdown").count() == 0
    assert "planned" not in a.locator(".timer-phase").inner_text()  # composing is never "over time"
    shoot(a, f"{lang}-alex-compose")
    ready = "Мы готовы" if ru else "We're ready"
    s.get_by_role("button", name=ready).click()
    settle(s)
    # "We're ready" starts the 90 seconds, from that moment.
    look_again(a)
    wait_until(a, "() => document.querySelector('.step-countdown')?.dataset.left === '90'")
    assert s.locator(".step-countdown").get_attribute("data-left") == "90"
    assert turn(a)[0] == "speaker" and turn(s)[0] == "listener"
    shoot(a, f"{lang}-alex-tells")
    set_time((alex, sam), began + timedelta(seconds=200 + 95))
    wait_until(s, "() => document.querySelector('.step-countdown').dataset.left === '0'")
    s.get_by_role("button", name="Рассказ окончен" if ru else "Done telling").click()
    settle(s)
    s.locator(".prompt-card .turn[data-who='mirror']").wait_for()
    s.get_by_role("button", name="Дальше" if ru else "Next").click()
    settle(s)
    # The second story is Sam's: the form on his phone now, and the 90 seconds wait for "We're ready".
    s.locator(".story").wait_for()
    until_step(a, 3)
    assert a.locator(".story").count() == 0 and turn(s)[0] == "speaker" and turn(a)[0] == "listener"
    assert s.locator(".step-countdown").count() == 0
    shoot(s, f"{lang}-sam-compose")
    a.get_by_role("button", name=ready).click()
    settle(a)
    look_again(s)
    wait_until(s, "() => document.querySelector('.step-countdown')?.dataset.left === '90'")
    assert turn(s)[0] == "speaker"
    shoot(s, f"{lang}-sam-tells")
