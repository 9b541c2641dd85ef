"""The first run (issue 14, item 6) at 390x844, in English and Russian: shown once after a signup on this
phone, skippable and resumable; the depth dial saves and shows in More; the nudge time is saved; the joiner
sees who invited them and the note, joins, then walks it, and Today shows the path's first week from day
one; notifications are offered only after the first share ("Not now" holds); installing is offered once
after the first run (the browser's beforeinstallprompt, or the Home Screen steps on an iPhone).

HEARTH_SHOTS=/some/dir saves a screenshot of each first-run screen and each offer, in both languages."""

import json
import os
from pathlib import Path

import pytest

from .e2e_support import REPO, go_offline, go_online, open_app, wait_until

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("HEARTH_SHOTS")
LOCALES = {"en": "en-US", "ru": "ru-RU"}
CATALOGUES = {
    lang: json.loads((REPO / "frontend" / "locales" / f"{lang}.json").read_text(encoding="utf-8")) for lang in LOCALES
}
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
FAKE_INSTALL = """() => {
  const event = new Event('beforeinstallprompt', { cancelable: true });
  event.prompt = () => { window.__prompted = (window.__prompted || 0) + 1; return Promise.resolve(); };
  event.userChoice = Promise.resolve({ outcome: 'accepted', platform: 'web' });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def w(lang, key, **fill):
    value = CATALOGUES[lang]
    for part in key.split("."):
        value = value[part]
    for name, text in fill.items():
        value = value.replace("{" + name + "}", str(text))
    return value


def shoot(page, name, lang):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{lang}.png"), full_page=True)


def step_title(page, lang, step):
    return page.get_by_role("heading", name=w(lang, f"onboard.first_run.{step}.title"), exact=True)


def sign_up(page, lang, name, email):
    page.get_by_role("tab", name=w(lang, "auth.sign_up")).click()
    page.get_by_label(w(lang, "auth.first_name")).fill(name)
    page.get_by_label(w(lang, "common.email")).fill(email)
    page.get_by_label(w(lang, "auth.password"), exact=True).fill("correct horse battery")
    page.get_by_role("button", name=w(lang, "auth.create")).click()


def me(context, server):
    return context.request.get(f"{server.url}/api/me").json()


def skip_first_run(page, lang):
    step_title(page, lang, "calm").wait_for()
    page.get_by_role("button", name=w(lang, "onboard.first_run.skip")).click()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_first_run_once_resumable_with_the_dial_and_the_nudge_time(new_context, live_server, lang):
    context = new_context(locale=LOCALES[lang])
    page = open_app(context)
    sign_up(page, lang, "Alex", f"alex-{lang}@example.com")
    step_title(page, lang, "calm").wait_for()
    assert page.get_by_text(w(lang, "onboard.first_run.calm.pass"), exact=True).is_visible()
    assert page.get_by_role("navigation", name=w(lang, "app.main_nav")).is_hidden()
    shoot(page, "first-run-1-calm", lang)
    page.get_by_role("button", name=w(lang, "onboard.first_run.next")).click()

    step_title(page, lang, "depth").wait_for()
    assert page.get_by_role("radio", name=w(lang, "onboard.depth.light.name")).is_checked()
    page.get_by_role("radio", name=w(lang, "onboard.depth.medium.name")).check()
    page.get_by_text(w(lang, "onboard.depth.saved"), exact=True).wait_for()
    assert me(context, live_server)["user"]["question_depth"] == "medium"
    shoot(page, "first-run-2-depth", lang)
    page.get_by_role("button", name=w(lang, "onboard.first_run.next")).click()

    step_title(page, lang, "nudge").wait_for()
    page.reload()  # closed halfway: it comes back where it was
    step_title(page, lang, "nudge").wait_for()
    assert page.get_by_text(w(lang, "onboard.first_run.count", n=3, total=4), exact=True).is_visible()
    page.get_by_label(w(lang, "onboard.first_run.nudge.label")).fill("07:30")
    shoot(page, "first-run-3-nudge", lang)
    page.get_by_role("button", name=w(lang, "onboard.first_run.next")).click()

    step_title(page, lang, "path").wait_for()
    assert me(context, live_server)["user"]["nudge_time"] == "07:30"
    shoot(page, "first-run-4-path", lang)
    page.get_by_role("button", name=w(lang, "onboard.first_run.begin")).click()
    page.get_by_role("heading", name=w(lang, "pair.welcome", name="Alex")).wait_for()

    page.reload()  # done: never again on this phone
    page.get_by_role("heading", name=w(lang, "pair.welcome", name="Alex")).wait_for()
    assert step_title(page, lang, "calm").count() == 0
    page.goto("/more")
    dial = page.get_by_test_id("depth-dial")
    dial.wait_for()
    assert dial.get_by_role("radio", name=w(lang, "onboard.depth.medium.name")).is_checked()
    dial.get_by_role("radio", name=w(lang, "onboard.depth.deep.name")).check()
    dial.get_by_text(w(lang, "onboard.depth.saved"), exact=True).wait_for()
    assert me(context, live_server)["user"]["question_depth"] == "deep"
    shoot(page, "settings-depth-dial", lang)


def test_skipping_ends_it_and_a_login_never_starts_it(new_context, live_server, people):
    context = new_context()
    page = open_app(context)
    sign_up(page, "en", "Robin", "robin@example.com")
    skip_first_run(page, "en")
    page.get_by_role("heading", name="Welcome, Robin").wait_for()
    page.reload()
    page.get_by_role("heading", name="Welcome, Robin").wait_for()
    assert step_title(page, "en", "calm").count() == 0

    other = new_context()  # an account made elsewhere, logged in here: no first run
    people.signup(other, "Kim")
    page = open_app(other)
    page.get_by_role("heading", name="Welcome, Kim").wait_for()
    assert step_title(page, "en", "calm").count() == 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_joiner_sees_who_invited_them_then_walks_the_first_run(new_context, live_server, people, lang):
    alex = new_context(locale=LOCALES[lang])
    people.signup(alex, "Alex")
    note = "Ten minutes a day, just us?" if lang == "en" else "По десять минут в день, только мы?"
    invite = alex.request.post(f"{live_server.url}/api/couple", data={"note": note}).json()["invite"]

    sam = new_context(locale=LOCALES[lang])
    page = open_app(sam, f"/join?code={invite['code']}")
    said = page.get_by_test_id("invite-from")
    said.get_by_text(w(lang, "onboard.invite.from", name="Alex")).wait_for()
    assert said.get_by_text(note).is_visible()
    shoot(page, "join-signed-out", lang)
    sign_up(page, lang, "Sam", f"sam-{lang}@example.com")
    page.get_by_role("button", name=w(lang, "pair.join"), exact=True).wait_for()
    said = page.get_by_test_id("invite-from")
    said.get_by_text(note).wait_for()  # joining comes first: no first run yet
    assert step_title(page, lang, "calm").count() == 0
    shoot(page, "join-invited-by", lang)
    page.get_by_role("button", name=w(lang, "pair.join"), exact=True).click()

    skip_first_run(page, lang)
    path = page.get_by_test_id("today-path")  # the six-week path's first week, on Today from day one
    path.wait_for()
    first = w(lang, "path.step.patterns.title")
    assert path.inner_text().startswith(w(lang, "today.path", n=1, title=first))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_inviter_writes_the_note_with_the_invite(new_context, live_server, people, lang):
    alex = new_context(locale=LOCALES[lang])
    people.signup(alex, "Alex")
    page = open_app(alex, "/pair")
    note = "Just us, ten minutes a day?"
    page.get_by_label(w(lang, "onboard.invite.note_label")).fill(note)
    page.get_by_role("button", name=w(lang, "pair.start"), exact=True).click()
    page.get_by_role("heading", name=w(lang, "pair.invite_title"), exact=True).wait_for()
    page.get_by_text(note).wait_for()
    shoot(page, "invite-with-note", lang)
    code = page.get_by_label(w(lang, "pair.code_label"), exact=True).inner_text()
    found = new_context().request.post(f"{live_server.url}/api/couple/invite/lookup", data={"code": code})
    assert found.json()["invite"] == {"name": "Alex", "note": note, "expires_at": found.json()["invite"]["expires_at"]}


def test_nobody_without_the_code_sees_the_inviter(new_context, live_server, people):
    alex = new_context()
    people.signup(alex, "Alex")
    alex.request.post(f"{live_server.url}/api/couple", data={"note": "just us"})
    page = open_app(new_context(), "/join?code=HEARTH-0000-0000")
    page.get_by_role("tab", name="Sign up").wait_for()
    page.wait_for_timeout(500)
    assert page.get_by_test_id("invite-from").is_hidden()
    assert "Alex" not in page.locator("body").inner_text()


def paired_after_first_run(new_context, live_server, people, lang="en", **options):
    """Alex signs up on this phone (the first run is due), Sam through the API; paired; Alex skips it."""
    alex = new_context(locale=LOCALES[lang], **options)
    page = open_app(alex)
    sign_up(page, lang, "Alex", f"alex-{lang}@example.com")
    step_title(page, lang, "calm").wait_for()
    sam = new_context()
    people.signup(sam, "Sam")
    code = alex.request.post(f"{live_server.url}/api/couple", data={}).json()["invite"]["code"]
    assert sam.request.post(f"{live_server.url}/api/couple/join", data={"code": code}).status == 200
    page.reload()
    skip_first_run(page, lang)
    page.get_by_test_id("today-path").wait_for()
    return alex, page


def share_appreciation(page, lang, text):
    page.goto("/appreciate")
    page.get_by_placeholder(w(lang, "appreciate.placeholder")).fill(text)
    page.get_by_role("button", name=w(lang, "appreciate.send"), exact=True).click()


def share_disclosure(page, lang, text):
    page.get_by_label(w(lang, "disclose.what")).fill(text)
    page.get_by_role("button", name=w(lang, "disclose.save"), exact=True).click()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_notifications_are_offered_after_the_first_share_and_not_now_holds(new_context, live_server, people, lang):
    _alex, page = paired_after_first_run(new_context, live_server, people, lang)
    page.wait_for_timeout(500)
    assert page.get_by_test_id("notify-ask").count() == 0  # never at launch
    assert page.evaluate("() => Notification.permission") == "default"
    share_disclosure(page, lang, "I liked our walk")
    ask = page.get_by_test_id("notify-ask")
    ask.wait_for()
    assert ask.get_by_text(w(lang, "onboard.ask.then")).is_visible()
    shoot(page, "notify-ask", lang)
    ask.get_by_role("button", name=w(lang, "onboard.ask.not_now")).click()
    assert page.get_by_test_id("notify-ask").count() == 0
    assert page.evaluate("() => Notification.permission") == "default"  # the browser was never asked

    share_appreciation(page, lang, "Thank you for the tea")
    page.wait_for_timeout(800)
    assert page.get_by_test_id("notify-ask").count() == 0


def test_yes_asks_the_browser_and_a_refusal_is_kept(new_context, live_server, people):
    _alex, page = paired_after_first_run(new_context, live_server, people)
    share_disclosure(page, "en", "A quiet morning")
    ask = page.get_by_test_id("notify-ask")
    ask.get_by_role("button", name="Yes, remind me").click()  # headless Chromium refuses the prompt
    page.get_by_text("No notifications. You can turn them on later in More.").wait_for()
    assert page.get_by_test_id("notify-ask").count() == 0
    share_appreciation(page, "en", "Another one")
    page.wait_for_timeout(800)
    assert page.get_by_test_id("notify-ask").count() == 0


def test_an_allowed_browser_is_not_asked_again(new_context, live_server, people):
    alex, page = paired_after_first_run(new_context, live_server, people)
    alex.grant_permissions(["notifications"], origin=live_server.url)
    share_disclosure(page, "en", "I liked our walk")
    page.wait_for_timeout(800)
    assert page.get_by_test_id("notify-ask").count() == 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_install_is_offered_once_with_the_browser_prompt(new_context, live_server, people, lang):
    _alex, page = paired_after_first_run(new_context, live_server, people, lang)
    assert page.get_by_test_id("install-offer").count() == 0  # nothing to offer until the browser may install
    assert page.evaluate(FAKE_INSTALL) is True  # Hearth keeps the browser's own banner back
    offer = page.get_by_test_id("install-offer")
    offer.wait_for()
    offer.scroll_into_view_if_needed()
    shoot(page, "install-offer", lang)
    offer.get_by_role("button", name=w(lang, "onboard.install.install")).click()
    wait_until(page, "() => window.__prompted === 1")
    assert page.get_by_test_id("install-offer").count() == 0
    page.reload()
    page.get_by_test_id("today-path").wait_for()
    page.evaluate(FAKE_INSTALL)
    page.wait_for_timeout(500)
    assert page.get_by_test_id("install-offer").count() == 0  # offered once


def test_install_not_now_is_kept(new_context, live_server, people):
    _alex, page = paired_after_first_run(new_context, live_server, people)
    page.evaluate(FAKE_INSTALL)
    page.get_by_test_id("install-offer").get_by_role("button", name="Not now").click()
    page.reload()
    page.get_by_test_id("today-path").wait_for()
    page.evaluate(FAKE_INSTALL)
    page.wait_for_timeout(500)
    assert page.get_by_test_id("install-offer").count() == 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_iphone_gets_the_home_screen_steps_and_no_notification_ask(new_context, live_server, people, lang):
    _alex, page = paired_after_first_run(new_context, live_server, people, lang, user_agent=IPHONE)
    offer = page.get_by_test_id("install-offer")
    offer.wait_for()
    assert offer.get_by_text(w(lang, "onboard.install.ios_add")).is_visible()
    assert offer.get_by_text(w(lang, "onboard.install.ios_push")).is_visible()
    offer.scroll_into_view_if_needed()
    shoot(page, "install-iphone", lang)
    share_disclosure(page, lang, "Hello")
    page.wait_for_timeout(800)
    assert page.get_by_test_id("notify-ask").count() == 0  # on iPhone the install steps say it
    offer.get_by_role("button", name=w(lang, "onboard.install.got_it")).click()
    page.reload()
    page.get_by_test_id("today-path").wait_for()
    page.wait_for_timeout(300)
    assert page.get_by_test_id("install-offer").count() == 0


def test_the_dial_chosen_offline_is_kept_and_sent_when_back_online(new_context, live_server, people):
    context = new_context()
    people.signup(context, "Alex")
    page = open_app(context, "/more")
    dial = page.get_by_test_id("depth-dial")
    dial.wait_for()
    go_offline(context)
    dial.get_by_role("radio", name="Deep").check()
    dial.get_by_text("Saved on this phone. It will reach your account when you're back online.").wait_for()
    assert me(context, live_server)["user"]["question_depth"] == "light"  # context.request is not offline
    page.goto("/")  # another screen and back: the phone's choice holds over its cached copy
    page.goto("/more")
    assert page.get_by_test_id("depth-dial").get_by_role("radio", name="Deep").is_checked()
    go_online(context)
    for _ in range(100):
        if me(context, live_server)["user"]["question_depth"] == "deep":
            break
        page.wait_for_timeout(100)
    assert me(context, live_server)["user"]["question_depth"] == "deep"
