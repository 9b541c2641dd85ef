"""Issue 13's small things: links that open before the first sync, focus that stays visible and goes
somewhere sensible, plurals, kind and true toasts, and dates in the person's language."""

import datetime
import uuid

import pytest
from sqlalchemy import select

from backend.models import User, utcnow

from .conftest import PASSWORD
from .e2e_support import BERLIN, artifacts, open_app, seed, wait_synced, wait_until

pytestmark = pytest.mark.e2e

# Every page heading (h1) the view ever showed, in order: to prove "not found" never flashed.
HEADINGS = """
window.__headings = [];
new MutationObserver(() => {
  for (const node of document.querySelectorAll('#view h1')) {
    const text = node.textContent;
    if (window.__headings[window.__headings.length - 1] !== text) window.__headings.push(text);
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def shoot(page, name):
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts("screenshots", "small-things", f"{name}.png"))


def headings(page):
    return page.evaluate("() => window.__headings")


def test_a_ritual_link_on_a_fresh_phone_waits_for_the_first_sync(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    ritual = next(e for e in live_server.entries(kind="ritual") if e.body["type"] == "weekly_checkin")
    sam.add_init_script(HEADINGS)
    page = sam.new_page()
    page.goto(f"/rituals/{ritual.id}")  # a fresh phone: signed in, nothing stored yet
    page.locator('input[name="title"]').wait_for()
    assert not any("not found" in text for text in headings(page)), headings(page)


def test_a_session_link_on_a_fresh_phone_opens_once_synced(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    ritual = next(e for e in live_server.entries(kind="ritual") if e.body["type"] == "weekly_checkin")
    session = seed(
        live_server,
        alex,
        "ritual_session",
        {
            "started_at": "2026-11-29T18:00:00Z",
            "ended_at": "2026-11-29T18:20:00Z",
            "answers": [],
            "passed": [],
            "note": "",
        },
        ref_id=ritual.id,
    )
    sam.add_init_script(HEADINGS)
    page = sam.new_page()
    page.goto(f"/session/{session}")
    page.get_by_role("heading", name="Weekly check-in", level=1).wait_for()
    assert not any("not found" in text for text in headings(page)), headings(page)


def test_a_link_to_nothing_says_not_found_after_the_server_answered(new_context, people):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = sam.new_page()
    page.goto(f"/rituals/{uuid.uuid4()}")
    page.get_by_role("heading", name="Ritual not found").wait_for()
    assert page.get_attribute("#view", "aria-busy") is None


# For each Tab press: the focused element's box, the tab bar's top and the top bar's bottom.
FOCUS_BOX = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const box = el.getBoundingClientRect();
  const bar = document.getElementById('tabbar').getBoundingClientRect();
  const top = document.querySelector('.topbar').getBoundingClientRect();
  return { what: el.outerHTML.slice(0, 80), top: box.top, bottom: box.bottom, height: box.height,
           bar: bar.top, head: top.bottom, inBar: !!el.closest('#tabbar, .topbar, .skip') };
}"""


@pytest.mark.parametrize("path", ["/more", "/"])
def test_tab_never_lands_behind_the_tab_bar(new_context, people, path):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, path)
    wait_synced(page)
    page.locator("#view h1").first.wait_for()
    hidden = []
    for _ in range(60):
        page.keyboard.press("Tab")
        box = page.evaluate(FOCUS_BOX)
        if not box or box["inBar"] or box["height"] == 0:
            continue
        if box["bottom"] > box["bar"] + 0.5 or box["top"] < box["head"] - 0.5:
            hidden.append(box)
    assert hidden == [], "\n".join(f"{b}" for b in hidden)


ACTIVE = "() => { const el = document.activeElement; return el ? `${el.tagName}|${el.textContent.trim()}` : ''; }"


def test_next_and_pass_put_focus_on_the_new_prompt(new_context, people):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/rituals")
    wait_synced(page)
    page.get_by_role("button", name="Start Weekly check-in").click()
    page.get_by_text("Prompt 1 of 5").wait_for()
    page.get_by_role("button", name="Pass").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Prompt 2 of 5").wait_for()
    second = page.locator(".prompt-text").inner_text()
    wait_until(page, "() => document.activeElement?.matches('.prompt-text')")
    assert page.evaluate(ACTIVE) == f"H2|{second}"
    page.get_by_label("Your answer").fill("A calm week")
    page.get_by_role("button", name="Next").click()
    page.get_by_text("Prompt 3 of 5").wait_for()
    third = page.locator(".prompt-text").inner_text()
    wait_until(page, "() => document.activeElement?.matches('.prompt-text')")
    assert page.evaluate(ACTIVE) == f"H2|{third}"
    shoot(page, "session-focus-on-prompt-en")
    page.keyboard.press("Tab")  # and the next Tab goes on from there, into the prompt's own controls
    assert page.evaluate("() => !!document.activeElement.closest('.prompt-card')")


def test_starting_a_timeout_puts_focus_on_its_status(new_context, people):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/timeout")
    wait_synced(page)
    page.get_by_role("button", name="Start time-out").focus()
    page.keyboard.press("Enter")
    page.get_by_test_id("timeout-message").wait_for()
    wait_until(page, "() => document.activeElement?.dataset.testid === 'timeout-message'")
    shoot(page, "timeout-focus-on-status-en")


def test_log_in_and_sign_up_are_tabs_with_arrow_keys(new_context):
    page = new_context().new_page()
    page.goto("/")
    login = page.get_by_role("tab", name="Log in")
    signup = page.get_by_role("tab", name="Sign up")
    login.wait_for()
    assert login.get_attribute("tabindex") == "0" and signup.get_attribute("tabindex") == "-1"
    login.focus()
    page.keyboard.press("ArrowRight")
    assert signup.get_attribute("aria-selected") == "true"
    assert page.evaluate("() => document.activeElement.id") == "auth-tab-signup"
    page.get_by_label("Your first name").wait_for()
    page.keyboard.press("ArrowRight")  # wraps around
    assert page.evaluate("() => document.activeElement.id") == "auth-tab-login"
    page.keyboard.press("End")
    assert page.evaluate("() => document.activeElement.id") == "auth-tab-signup"
    page.keyboard.press("Home")
    assert login.get_attribute("aria-selected") == "true"
    assert page.get_by_role("tabpanel").get_attribute("aria-labelledby") == "auth-tab-login"
    # A tap (or Enter) on a tab opens it and puts focus on its first field.
    signup.click()
    assert page.evaluate("() => document.activeElement.name") == "display_name"
    page.get_by_role("tab", name="Log in").click()
    assert page.evaluate("() => document.activeElement.name") == "email"


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_a_wrong_password_at_deletion_is_named_and_kept(new_context, people, live_server, locale):
    alex = new_context(locale=locale)
    user = people.signup(alex, "Alex")
    page = open_app(alex, "/more")
    ru = locale == "ru-RU"
    page.get_by_role("button", name="Удалить мой аккаунт" if ru else "Delete my account").click()
    dialog = page.get_by_role("dialog")
    box = dialog.get_by_label("Твой пароль для подтверждения" if ru else "Your password, to confirm")
    box.fill("short")  # wrong, and shorter than a new password could be
    dialog.get_by_role("button", name="Удалить навсегда" if ru else "Delete for good").click()
    alert = dialog.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text() == (
        "Пароль неверный, поэтому ничего не удалено." if ru else "That password isn't right, so nothing was deleted."
    )
    assert box.input_value() == "short" and box.get_attribute("aria-invalid") == "true"
    assert page.evaluate("() => document.activeElement.name") == "password"
    shoot(page, f"delete-wrong-password-{locale[:2]}")
    assert live_server.query(select(User.id).where(User.id == user["id"])) != []
    box.fill(PASSWORD)
    dialog.get_by_role("button", name="Удалить навсегда" if ru else "Delete for good").click()
    page.get_by_role("tab", name="Войти" if ru else "Log in").wait_for()
    assert live_server.query(select(User.id).where(User.id == user["id"])) == []


def toast_text(page):
    wait_until(page, "() => document.getElementById('toast').classList.contains('show')")
    return page.inner_text("#toast")


def send_appreciation(page, words, shot=None):
    page.get_by_placeholder("Thank you for…").fill(words)
    page.get_by_role("button", name="Send appreciation").click()
    text = toast_text(page)
    if shot:
        shoot(page, shot)
    page.evaluate("() => document.getElementById('toast').classList.remove('show')")
    return text


def test_sent_is_said_only_once_the_server_has_it(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/appreciate")
    wait_synced(page)
    failing = lambda route: route.fulfill(status=500, body="{}", content_type="application/json")  # noqa: E731
    alex.route("**/api/sync", failing)
    said = send_appreciation(page, "For the soup while I was ill", "saved-on-this-phone-en")
    assert said == "Saved on this phone. It goes to Sam once we reach the server.", said
    assert live_server.entries(kind="appreciation") == []
    alex.unroute("**/api/sync", failing)
    said = send_appreciation(page, "For the walk")
    assert said == "Sent to Sam.", said


def test_before_a_partner_joined_nothing_says_shared_with_them(new_context, people):
    alex = new_context()
    people.signup(alex, "Alex")
    assert alex.request.post(f"{people.server.url}/api/couple", data={}).status == 201  # the invite is out
    page = open_app(alex, "/appreciate")
    said = send_appreciation(page, "For starting this with me", "no-partner-yet-en")
    assert said == "Saved. Your partner will see it once they join.", said


RU_WEEKDAYS = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
RU_MONTHS = ["янв.", "февр.", "мар.", "апр.", "мая", "июн.", "июл.", "авг.", "сент.", "окт.", "нояб.", "дек."]


def day_words(day, locale):
    """A calendar day as each locale writes it, short: what the app's dates must read like."""
    if locale == "ru-RU":
        return f"{RU_WEEKDAYS[day.weekday()]}, {day.day} {RU_MONTHS[day.month - 1]}"
    if locale == "en-US":
        return f"{day:%a}, {day:%b} {day.day}"
    return f"{day:%a} {day.day} {day:%b}"


@pytest.mark.parametrize("locale", ["en-GB", "en-US", "ru-RU"])
def test_due_dates_read_in_the_persons_locale(new_context, people, live_server, locale):
    alex, sam = new_context(locale=locale), new_context()
    people.pair(alex, sam)
    due = utcnow().astimezone(BERLIN).date() + datetime.timedelta(days=3)
    ritual = next(e for e in live_server.entries(kind="ritual") if e.body["type"] == "weekly_checkin")
    session = seed(
        live_server,
        alex,
        "ritual_session",
        {"started_at": "2026-11-29T18:00:00Z", "ended_at": "2026-11-29T18:20:00Z", "answers": [], "passed": []},
        ref_id=ritual.id,
    )
    seed(live_server, alex, "commitment", {"text": "Book the walk", "due_date": due.isoformat()}, ref_id=session)
    page = open_app(alex, "/commitments")
    wait_synced(page)
    line = page.locator(".commitment .due").first
    line.wait_for()
    assert day_words(due, locale) in line.inner_text(), line.inner_text()
    assert due.isoformat() not in page.inner_text("#view")
    shoot(page, f"commitment-due-{locale}")
    page.goto(f"/session/{session}")  # the session's summary lists it with the same words
    item = page.get_by_text("Book the walk")
    item.wait_for()
    assert day_words(due, locale) in page.inner_text("#view"), page.inner_text("#view")
    shoot(page, f"session-due-{locale}")


WORDS = {
    "en-US": {
        "placeholder": "Thank you for…",
        "send": "Send appreciation",
        "waiting": "Saved on this phone. It goes to Sam once we reach the server.",
        "alone": "Saved. Your partner will see it once they join.",
        "not_found": "Ritual not found",
        "not_here": "It isn't on this phone yet. It will open here once Hearth reaches the server.",
        "sign_up": "Sign up",
    },
    "ru-RU": {
        "placeholder": "Спасибо, что…",
        "send": "Отправить спасибо",
        "waiting": "Сохранено на этом телефоне. Sam получит это, как только мы свяжемся с сервером.",
        "alone": "Сохранено. Партнёр увидит это, когда присоединится.",
        "not_found": "Ритуал не найден",
        "not_here": "На этом телефоне этого пока нет. Откроется здесь, как только Hearth свяжется с сервером.",
        "sign_up": "Регистрация",
    },
}


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_the_small_things_in_both_languages(new_context, people, locale):
    words, tag = WORDS[locale], locale[:2]
    alex, sam, solo = new_context(locale=locale), new_context(locale=locale), new_context(locale=locale)
    people.pair(alex, sam)
    page = open_app(alex, "/appreciate")
    wait_synced(page)
    alex.route("**/api/sync", lambda route: route.fulfill(status=500, body="{}", content_type="application/json"))
    page.get_by_placeholder(words["placeholder"]).fill("Soup")
    page.get_by_role("button", name=words["send"]).click()
    assert toast_text(page) == words["waiting"]
    shoot(page, f"toast-waiting-{tag}")
    alex.unroute("**/api/sync")
    alex.set_offline(True)  # a link to something this phone doesn't have, while the server is out of reach
    page.evaluate(
        "(path) => { history.pushState(null, '', path); dispatchEvent(new PopStateEvent('popstate')); }",
        f"/rituals/{uuid.uuid4()}",
    )
    page.get_by_role("heading", name=words["not_found"]).wait_for()
    page.get_by_text(words["not_here"]).wait_for()
    shoot(page, f"link-not-here-yet-{tag}")

    people.signup(solo, "Alex")
    assert solo.request.post(f"{people.server.url}/api/couple", data={}).status == 201
    alone = open_app(solo, "/appreciate")
    alone.get_by_placeholder(words["placeholder"]).fill("Starting this")
    alone.get_by_role("button", name=words["send"]).click()
    assert toast_text(alone) == words["alone"]
    shoot(alone, f"toast-no-partner-{tag}")

    signed_out = new_context(locale=locale).new_page()
    signed_out.goto("/")
    signed_out.get_by_role("tab", name=words["sign_up"]).click()
    wait_until(signed_out, "() => document.activeElement?.name === 'display_name'")
    shoot(signed_out, f"auth-tabs-{tag}")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en-US", ["1 day this quarter", "2 days this quarter", "5 days this quarter", "21 days this quarter"]),
        (
            "ru-RU",
            ["1 день в этом квартале", "2 дня в этом квартале", "5 дней в этом квартале", "21 день в этом квартале"],
        ),
    ],
)
def test_counts_take_their_plural_form(new_context, locale, expected):
    page = new_context(locale=locale).new_page()
    page.goto("/")
    page.get_by_role("tab").first.wait_for()
    said = page.evaluate(
        """async () => {
        const { t, number } = await import('/frontend/js/i18n.js');
        return [1, 2, 5, 21].map((count) => `${number(count)} ${t('us.mutual.days', { count })}`);
      }"""
    )
    assert said == expected
