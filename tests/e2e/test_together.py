"""Together mode (issue 12, item 4), two phones at 390x844: one partner starts a session, the other's open
app offers "‹name› started the weekly check-in · Join"; joined, both show the same prompt and the same
timer (page.clock fixes and advances both phones' time), Next on either moves both, two taps at once move
one step, a phone that drops out rejoins at the current step, and a session still runs offline on one phone
alone. The guided practices' steps and turns (who speaks first, mirror, the story's "We're ready") are
tests/e2e/test_practices.py.

The partner's phone learns of a change by the app's own sync trigger (a visibilitychange, as when the
phone is looked at again); the live channel (issue 12, items 1-2) makes that happen by itself."""

import time
from datetime import timedelta
from pathlib import Path

import pytest

from backend.models import utcnow

from .conftest import PHONE, People
from .e2e_support import go_offline, go_online, open_app, settle, tab, wait_until, words

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots/together")


def look_again(page):
    """The app's sync trigger for a page shown again (what the live channel will fire by itself)."""
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")


def until_shown(page, text, timeout=15_000):
    """Until `text` is on screen, asking the app to sync while waiting (the partner's change arrives)."""
    wait_until(
        page,
        """text => { document.dispatchEvent(new Event('visibilitychange'));
        return document.body.innerText.includes(text); }""",
        text,
        timeout,
    )


def timer_of(page):
    node = page.locator(".timer-digits")
    return node.inner_text(), int(node.get_attribute("data-elapsed"))


def step_time_of(page):
    return page.locator(".step-time").inner_text()


def start_from_rituals(page, ritual_type, english=True):
    if english:
        tab(page, "/rituals")
    else:  # the tab bar's names are Russian: open the screen by its path
        page.goto("/rituals")
    item = page.locator(f'.ritual[data-type="{ritual_type}"]')
    item.wait_for()
    item.locator("button.btn.primary").click()
    page.get_by_role("timer").wait_for()


def set_time(contexts, when):
    for context in contexts:
        context.clock.set_fixed_time(when)


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"))  # what the phone's screen shows


def no_failure_notice(page):
    assert page.locator(".failure").count() == 0
    assert page.get_by_role("heading", name="Couldn't save").count() == 0


def test_weekly_checkin_together(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    began = utcnow().replace(microsecond=0)
    set_time((alex, sam), began)
    a, s = open_app(alex), open_app(sam)
    settle(a)
    settle(s)

    start_from_rituals(a, "weekly_checkin")
    a.get_by_text("Prompt 1 of 5").wait_for()
    settle(a)
    [session] = live_server.entries(kind="ritual_session")
    [place] = live_server.entries(kind="session_step")
    assert place.ref_id == session.id and place.body["step"] == 0

    # Sam's open Today offers to join, calmly, by name and ritual.
    until_shown(s, "Alex started the weekly check-in")
    banner = s.locator(".together.banner")
    shoot(s, "en-sam-banner")
    assert banner.get_by_role("button", name="Join the weekly check-in").is_visible()
    banner.get_by_role("button", name="Join").click()
    s.get_by_text("Prompt 1 of 5").wait_for()
    assert s.url.endswith(f"/session/{session.id}")
    # Sam's phone moves the session but keeps no answers: those are on the phone that started it.
    assert s.get_by_label("Your answer").count() == 0
    s.get_by_text("Answers and notes are written on the phone that started the session.").wait_for()

    # The same timer on both, from the stored start: fix both phones' time 65 s on and read both.
    set_time((alex, sam), began + timedelta(seconds=65))
    wait_until(a, "() => document.querySelector('.timer-digits').textContent === '1:05'")
    wait_until(s, "() => document.querySelector('.timer-digits').textContent === '1:05'")
    (a_text, a_elapsed), (s_text, s_elapsed) = timer_of(a), timer_of(s)
    assert a_text == s_text == "1:05" and abs(a_elapsed - s_elapsed) <= 1
    assert step_time_of(a) == step_time_of(s) == "On this prompt for 1:05"
    shoot(a, "en-alex")
    shoot(s, "en-sam")

    # Next on Sam's phone moves Alex's.
    s.get_by_role("button", name="Next").click()
    s.get_by_text("Prompt 2 of 5").wait_for()
    settle(s)
    until_shown(a, "Prompt 2 of 5")
    assert live_server.entries(kind="session_step")[0].body["step"] == 1
    assert step_time_of(a) == step_time_of(s) == "On this prompt for 0:00"  # the step's own start, shared

    # Two taps at once, from the same step: both phones write from the same rev before either hears of
    # the other's; the server applies one, the other phone shows the current step, and nothing complains.
    go_offline(alex)
    go_offline(sam)
    a.get_by_label("Your answer").fill("A calm Sunday")
    a.get_by_role("button", name="Next").click()
    s.get_by_role("button", name="Next").click()
    a.get_by_text("Prompt 3 of 5").wait_for()
    s.get_by_text("Prompt 3 of 5").wait_for()
    go_online(alex)
    go_online(sam)
    settle(a, timeout=30_000)
    settle(s, timeout=30_000)
    look_again(a)
    look_again(s)
    settle(a)
    settle(s)
    [place] = live_server.entries(kind="session_step")
    assert place.body["step"] == 2 and place.rev == 3  # created, Sam's first Next, one of the two taps
    for page in (a, s):
        assert page.locator(".prompt-card").get_attribute("data-step") == "2"
        page.get_by_text("Prompt 3 of 5").wait_for()
        no_failure_notice(page)
    [session] = live_server.entries(kind="ritual_session")
    assert [x["text"] for x in words(a, session)["answers"]] == ["A calm Sunday"]  # Alex's words were kept

    # Sam's phone drops out; Alex moves on meanwhile; Sam comes back at the current step.
    s.close()
    a.get_by_role("button", name="Pass").click()
    a.get_by_text("Prompt 4 of 5").wait_for()
    settle(a)
    s = open_app(sam, f"/session/{session.id}")
    s.get_by_text("Prompt 4 of 5").wait_for()
    assert timer_of(s)[0] == timer_of(a)[0] == "1:05"

    # Alex ends it: Sam's phone shows what they covered.
    a.get_by_role("button", name="End session").click()
    a.get_by_role("heading", name="Agree on one next step").wait_for()
    settle(a)
    until_shown(s, "What you covered")
    [session] = live_server.entries(kind="ritual_session")
    assert session.body["ended_at"] and len(session.body["passed"]) == 1


def test_offline_one_phone_runs_a_session_alone(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    a = open_app(alex)
    settle(a)
    go_offline(alex)
    start_from_rituals(a, "weekly_checkin")
    a.get_by_text("Prompt 1 of 5").wait_for()
    a.get_by_role("button", name="Pass").click()
    a.get_by_label("Your answer").fill("We walked a lot")
    a.get_by_role("button", name="Next").click()
    a.get_by_role("button", name="Next").click()
    a.get_by_text("Prompt 4 of 5").wait_for()
    a.reload()  # offline: the place is on the phone
    a.get_by_text("Prompt 4 of 5").wait_for()
    assert live_server.entries(kind="session_step") == []
    go_online(alex)
    settle(a, timeout=30_000)
    [place] = live_server.entries(kind="session_step")
    assert place.body["step"] == 3 and place.body["passed"] == [0] and place.rev == 4  # every queued move
    no_failure_notice(a)
    a.get_by_text("Prompt 4 of 5").wait_for()


def test_together_in_russian(new_context, people, live_server):
    alex, sam = new_context(locale="ru-RU"), new_context(locale="ru-RU")
    people.pair(alex, sam)
    began = utcnow().replace(microsecond=0)
    set_time((alex, sam), began)
    a, s = open_app(alex), open_app(sam)
    settle(a)
    settle(s)
    start_from_rituals(a, "weekly_checkin", english=False)
    a.get_by_text("Вопрос 1 из 5").wait_for()
    settle(a)
    until_shown(s, "Alex начинает: разговор недели")
    shoot(s, "ru-sam-banner")
    s.locator(".together.banner").get_by_role("button", name="Присоединиться").click()
    s.get_by_text("Вопрос 1 из 5").wait_for()
    s.get_by_text("Ответы и заметки записываются на телефоне, где начали встречу.").wait_for()
    set_time((alex, sam), began + timedelta(seconds=42))
    wait_until(s, "() => document.querySelector('.timer-digits').textContent === '0:42'")
    wait_until(a, "() => document.querySelector('.timer-digits').textContent === '0:42'")
    assert step_time_of(a) == step_time_of(s) == "На этом вопросе: 0:42"
    shoot(a, "ru-alex")
    shoot(s, "ru-sam")
    s.get_by_role("button", name="Дальше").click()
    settle(s)
    until_shown(a, "Вопрос 2 из 5")


def test_together_over_the_live_channel_without_any_trigger(browser, live_front, live_server):
    """With the live channel (issue 12, items 1-2) in front, nothing nudges the partner's phone: the Join
    banner and each move arrive by themselves, within a second or two on this shared machine."""
    people = People(live_front)
    made = []

    def phone():
        context = browser.new_context(base_url=live_front.url, viewport=PHONE, locale="en-US")
        context.hearth_language = "en"
        context.clock.set_system_time(utcnow())
        context.set_default_timeout(20_000)
        made.append(context)
        return context

    try:
        alex, sam = phone(), phone()
        people.pair(alex, sam)
        a, s = open_app(alex), open_app(sam)
        settle(a)
        settle(s)
        tab(a, "/rituals")
        start = a.locator('.ritual[data-type="weekly_checkin"] button.btn.primary')
        start.wait_for()
        start.click()
        clicked = time.monotonic()
        wait_until(s, "() => document.body.innerText.includes('Alex started the weekly check-in')", timeout=5_000)
        banner_s = time.monotonic() - clicked
        s.locator(".together.banner").get_by_role("button", name="Join").click()
        s.get_by_text("Prompt 1 of 5").wait_for()
        for mover, other, prompt in ((s, a, "Prompt 2 of 5"), (a, s, "Prompt 3 of 5")):
            mover.get_by_role("button", name="Next").click()
            clicked = time.monotonic()
            wait_until(other, "text => document.body.innerText.includes(text)", prompt, timeout=5_000)
            print(f"together over live: {prompt} on the other phone after {time.monotonic() - clicked:.2f} s")
        print(f"together over live: the Join banner after {banner_s:.2f} s")
    finally:
        for context in made:
            context.close()
