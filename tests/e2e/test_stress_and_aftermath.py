"""The stress-reducing conversation and the aftermath of a fight (issue 14, item 8) on two phones at 390x844,
in English and Russian, at a fixed instant (page.clock on both phones): started from Rituals, the partner
joins; each step says whose turn it is, the listener's guide shows on the listener's phone, a timed turn
reads its clock from the step's stored start, the aftermath offers its feelings and "my part" starters,
passing moves on, Next or Pass on either phone moves both, and the phone that started keeps the answers.
Screenshots into test-artifacts/screenshots/stress-aftermath/ (look at them)."""

from datetime import timedelta

import pytest

from backend import limits as L
from backend.models import utcnow

from .e2e_support import artifacts, open_app, settle, wait_until, words
from .test_together import set_time, start_from_rituals, until_shown

pytestmark = pytest.mark.e2e


def shoot(page, name):
    """What the phone's screen shows, the step's card in view."""
    card(page).evaluate("node => node.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts("screenshots", "stress-aftermath", f"{name}.png")))


def card(page):
    return page.locator(".practice.prompt-card")


def at_step(page, index):
    wait_until(page, "i => document.querySelector('.practice.prompt-card')?.dataset.step === String(i)", index)


def turn(page):
    node = card(page).locator(".turn")
    return node.get_attribute("data-who"), node.inner_text()


def heading(page):
    return card(page).locator("h2").inner_text()


def both_at(pages, index):
    """Until both phones show step `index` (the partner's move arrives by the app's sync trigger)."""
    for page in pages:
        settle(page)
    for page in pages:
        wait_until(
            page,
            """i => { document.dispatchEvent(new Event('visibilitychange'));
            return document.querySelector('.practice.prompt-card')?.dataset.step === String(i); }""",
            index,
        )


def joined(new_context, people, live_server, ritual_type, locale):
    alex, sam = new_context(locale=locale), new_context(locale=locale)
    people.pair(alex, sam)
    began = utcnow().replace(microsecond=0)
    set_time((alex, sam), began)
    a, s = open_app(alex), open_app(sam)
    settle(a)
    settle(s)
    start_from_rituals(a, ritual_type, english=locale.startswith("en"))
    settle(a)
    return alex, sam, a, s, began


def join(s, banner_text, join_label):
    until_shown(s, banner_text)
    s.locator(".together.banner").get_by_role("button", name=join_label).click()
    s.get_by_role("timer").wait_for()


def test_stress_reducing_conversation_together(new_context, people, live_server):
    alex, sam, a, s, began = joined(new_context, people, live_server, "stress_talk", "en-US")
    low, high = L.STRESS_TURN_MIN_MINUTES, L.STRESS_TURN_MAX_MINUTES
    a.get_by_text("Step 1 of 4").wait_for()
    about = f"About {low}–{high} minutes each, {2 * low}–{2 * high} in all, then a short close."
    assert about in card(a).inner_text() and "Not about each other." in heading(a)
    card(a).get_by_text("You talk first and Sam listens. Then you swap.").wait_for()
    join(s, "Alex started the stress-reducing conversation", "Join")
    card(s).get_by_text("Alex talks first and you listen. Then you swap.").wait_for()
    assert turn(s) == ("both", "Both of you")
    shoot(a, "stress-en-alex-start")

    # Sam's Next moves both to Alex's turn: Alex talks, Sam reads the listener's guide.
    card(s).get_by_role("button", name="Next").click()
    both_at((s, a), 1)
    assert turn(a) == ("speaker", "Your turn")
    assert heading(a) == "Talk about what's weighing on you outside the two of you. Sam is on your side."
    assert turn(s) == ("listener", "Alex's turn")
    assert heading(s) == "Alex talks. You listen, and you're on their side."
    guide = card(s).locator("section.listener-guide")
    assert guide.get_by_role("heading").inner_text() == "The listener's guide"
    assert [li.get_attribute("data-key") for li in guide.locator("li").all()] == [
        "side",
        "understand",
        "no_advice",
        "what_helps",
        "us",
    ]
    assert guide.get_by_text('Ask "What would help?" and follow the answer.').is_visible()
    assert guide.get_by_text("No advice unless asked: understanding comes before solving.").is_visible()
    # The speaker's phone has it too, folded (for a couple sharing one phone).
    assert not card(a).locator("details.listener-guide li").first.is_visible()
    assert card(s).get_by_label("Your answer").count() == 0  # answers are written on Alex's phone

    # The turn's clock reads the step's stored start on both phones; at the low end it says so, gently.
    [place] = live_server.entries(kind="session_step")
    moved = place.body["at"]
    wait_until(a, "() => document.querySelector('.turn-time')?.dataset.elapsed !== undefined")
    set_time((alex, sam), began + timedelta(minutes=low, seconds=30))
    for page in (a, s):
        wait_until(page, "() => document.querySelector('.turn-note').dataset.reached === 'min'")
    text = card(s).locator(".turn-time").inner_text()
    assert text.startswith(f"This turn: {low}:") and text.endswith(f"about {low}–{high} minutes")
    assert card(a).locator(".turn-time").inner_text() == text
    assert card(s).locator(".turn-note").inner_text() == f"About {low} minutes: finish this turn when you're ready."
    shoot(s, "stress-en-sam-listens")
    shoot(a, "stress-en-alex-talks")
    set_time((alex, sam), began + timedelta(minutes=high, seconds=30))
    wait_until(a, "() => document.querySelector('.turn-note').dataset.reached === 'max'")
    assert card(a).locator(".turn-note").inner_text() == f"{high} minutes: time to swap when you can."
    assert moved  # the clock counted from the shared instant, not from a local counter

    # Alex notes a few words and moves on: the turns swap.
    card(a).get_by_label("Your answer").fill("The deadline at work")
    card(a).get_by_role("button", name="Next").click()
    both_at((a, s), 2)
    assert turn(s) == ("speaker", "Your turn") and turn(a) == ("listener", "Sam's turn")
    assert card(a).locator("section.listener-guide li").count() == 5
    assert card(a).get_by_label("Your answer").count() == 0  # Sam's turn: nothing of Sam's is written here

    # Sam passes their turn (always fine): both move to the close.
    card(s).get_by_role("button", name="Pass").click()
    both_at((s, a), 3)
    assert heading(a) == heading(s) == 'Ask each other "What would help this week?" One small thing, if there is one.'
    card(a).get_by_label("Your answer").fill("A walk on Saturday")
    card(a).get_by_role("button", name="Next").click()
    both_at((a, s), 4)
    a.get_by_role("button", name="End session").click()
    a.get_by_role("heading", name="Agree on one next step").wait_for()
    settle(a)
    until_shown(s, "What you covered")
    [session] = live_server.entries(kind="ritual_session")
    body = words(s, session)  # as the partner's phone opens it
    assert [x["text"] for x in body["answers"]] == ["The deadline at work", "A walk on Saturday"]
    assert len(body["passed"]) == 1 and body["passed"][0].startswith("Second turn")


def test_aftermath_of_a_fight_together_in_russian(new_context, people, live_server):
    alex, sam, a, s, _ = joined(new_context, people, live_server, "aftermath", "ru-RU")
    a.get_by_text("Шаг 1 из 11").wait_for()
    card(a).get_by_text("Любой шаг можно пропустить, без объяснений.").wait_for()
    join(s, "Alex начинает: разговор после ссоры", "Присоединиться")
    s.get_by_text("Шаг 1 из 11").wait_for()
    shoot(s, "aftermath-ru-sam-start")

    card(a).get_by_role("button", name="Дальше").click()
    both_at((a, s), 1)
    # Alex names feelings from the short list; Sam listens.
    assert turn(a) == ("speaker", "Твоя очередь")
    assert heading(a) == "Какие чувства тогда поднялись у тебя? Отметь подходящие и назови их вслух."
    assert turn(s) == ("listener", "Очередь: Alex")
    assert heading(s) == "Alex называет свои чувства. Слушай: о чувствах не спорят."
    assert card(s).locator(".chip").count() == 0
    feelings = card(a).get_by_role("group", name="Чувства")
    assert feelings.locator(".chip").count() == 14
    feelings.get_by_role("button", name="обида").click()
    feelings.get_by_role("button", name="меня не слышат").click()
    assert feelings.get_by_role("button", name="обида").get_attribute("aria-pressed") == "true"
    shoot(a, "aftermath-ru-alex-feelings")
    card(a).get_by_role("button", name="Дальше").click()
    both_at((a, s), 2)

    # Sam's feelings: the list is on Sam's phone (a help to find the words); Sam passes, which is fine.
    assert turn(s) == ("speaker", "Твоя очередь")
    assert card(s).get_by_role("group", name="Чувства").locator(".chip").count() == 14
    assert heading(a) == "Sam называет свои чувства. Слушай: о чувствах не спорят."
    shoot(s, "aftermath-ru-sam-feelings")
    card(s).get_by_role("button", name="Пропустить").click()
    both_at((s, a), 3)
    assert heading(s) == (
        "Alex рассказывает свою версию. Потом перескажи: «Мне понятно, почему ты…» Обе версии — правда."
    )
    shoot(s, "aftermath-ru-sam-version")

    # On through versions and triggers, moved from either phone, to Alex's part.
    for mover, index in ((a, 3), (s, 4), (a, 5), (s, 6)):
        card(mover).get_by_role("button", name="Дальше").click()
        both_at((a, s), index + 1)
    assert turn(a) == ("speaker", "Твоя очередь")
    assert heading(a) == "Твоя часть: «Моя часть в этом — …» Только своя."
    starters = card(a).get_by_role("group", name="Если нужно, с чего начать")
    starters.get_by_role("button", name="Мне не удалось сказать, что мне нужно.").click()
    assert card(a).get_by_label("Твой ответ").input_value() == "Мне не удалось сказать, что мне нужно."
    shoot(a, "aftermath-ru-alex-part")
    card(a).get_by_role("button", name="Дальше").click()
    both_at((a, s), 8)
    assert heading(a) == "Sam говорит о своей части. Просто прими это и ничего не добавляй."
    for index in (8, 9, 10):
        card(a).get_by_role("button", name="Дальше").click()
        both_at((a, s), index + 1)
    a.get_by_role("button", name="Завершить встречу").click()
    settle(a)
    [session] = live_server.entries(kind="ritual_session")
    body = words(s, session)  # as the partner's phone opens it
    texts = [x["text"] for x in body["answers"]]
    assert "обида и меня не слышат" in texts and "Мне не удалось сказать, что мне нужно." in texts
    assert len(body["passed"]) == 1 and body["passed"][0].startswith("Чувства — теперь второй")


def test_each_practice_on_one_phone_alone(new_context, people, live_server):
    """Alone (the partner never joins): every step runs on the phone that started it, in both languages."""
    for locale, ritual_type, name in (("en-US", "aftermath", "aftermath-en"), ("ru-RU", "stress_talk", "stress-ru")):
        alex, sam = new_context(locale=locale), new_context(locale=locale)
        people.pair(alex, sam)
        a = open_app(alex)
        settle(a)
        a.goto("/rituals")
        guided = a.locator(f'.ritual[data-type="{ritual_type}"]')
        guided.wait_for()
        a.wait_for_timeout(500)  # the first sync's re-render
        guided.evaluate("node => node.scrollIntoView({block: 'center'})")
        a.wait_for_timeout(300)
        a.screenshot(path=str(artifacts("screenshots", "stress-aftermath", f"{name}-rituals.png")))
        start_from_rituals(a, ritual_type, english=locale.startswith("en"))
        steps = 11 if ritual_type == "aftermath" else 4
        for index in range(steps):
            at_step(a, index)
            if index in (0, 1, 2):
                shoot(a, f"{name}-alone-{index}")
            # Pass the partner's steps, answer one's own: the session keeps both.
            card(a).locator("button.btn.ghost" if turn(a)[0] == "listener" else "button.btn.primary").click()
        at_step(a, steps)
        a.locator("button.end-session").click()
        settle(a)
        [session] = [x for x in live_server.entries(kind="ritual_session") if x.author_id == people_id(live_server, a)]
        passed = 5 if ritual_type == "aftermath" else 1
        assert len(session.body["passed"]) == passed and len(session.body["answers"]) == steps - passed
        assert session.body["ended_at"]


def people_id(live_server, page):
    return page.evaluate("() => fetch('/api/me').then((r) => r.json()).then((me) => me.user.id)")
