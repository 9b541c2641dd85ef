"""The setup screens in Russian (auth, reset, pairing, More, rituals, a ritual's edit form, commitments, the
twelve-week review): a phone whose navigator.languages say Russian gets Russian headings, plurals and dates,
and none of the English catalogue's sentences. The Language setting in More switches in place, tells the
server, and every request then says the language (Accept-Language).

HEARTH_SHOTS=/some/dir also saves a 390×844 screenshot of each screen, in both languages."""

import json
import os
import re
from pathlib import Path

import pytest

from .e2e_support import open_app, wait_synced, wait_until

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
SHOTS = os.environ.get("HEARTH_SHOTS")
PLACEHOLDER = re.compile(r"\{[a-zA-Z0-9_]+\}")
KEYISH = re.compile(
    r"\b(?:auth|pair|settings|notsent|reset|rituals|commitments|reassess|account|forgot|status|"
    r"schedule|sync|api|route|language|common)\.[a-z_]+"
)


def english_sentences():
    """Every literal run of more than three words in the English catalogue (placeholders split runs)."""
    found = set()

    def walk(node):
        for value in node.values():
            if isinstance(value, dict):
                walk(value)
            else:
                for piece in PLACEHOLDER.split(value):
                    if len(piece.split()) > 3:
                        found.add(piece.strip())

    walk(json.loads((REPO / "frontend" / "locales" / "en.json").read_text(encoding="utf-8")))
    return found


ENGLISH = english_sentences()


def shoot(page, lang, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{lang}.png"), full_page=True)


def check(page, lang, name):
    """No English sentence (in Russian) and no bare catalogue key (in either language) on the screen."""
    page.wait_for_timeout(200)
    text = page.locator("body").inner_text()
    assert not KEYISH.search(text), f"{name}: a key shows: {KEYISH.search(text).group(0)}"
    if lang == "ru":
        english = sorted(s for s in ENGLISH if s in text)
        assert english == [], f"{name}: English on a Russian screen"
    shoot(page, lang, name)


def heading(page, name):
    page.get_by_role("heading", name=name, exact=True).first.wait_for()


WORDS = {
    "en": {
        "not_sent": "Not sent",
        "queued": "Jun",
        "not_sent_link": "Not sent (2)",
        "pairing": "Pairing",
        "login": "Welcome back",
        "login_tab": "Log in",
        "signup": "Sign up",
        "create": "Create your account",
        "forgot": "Forgot password?",
        "forgot_title": "Forgot your password?",
        "reset": "This link can't be used",
        "start": "Start our Hearth",
        "invite": "Invite your partner",
        "more": "More",
        "rituals": "Rituals",
        "edit": "Edit Weekly check-in",
        "save": "Save changes",
        "commitments": "Commitments",
        "add": "Add commitment",
        "next_step": "Next step",
        "review": "Twelve weeks on",
        "every3": "Every 3 weeks on",
        "due": "Jun",
        "since": "Jun",
    },
    "ru": {
        "not_sent": "Не отправлено",
        "queued": "июн",
        "not_sent_link": "Не отправлено (2)",
        "pairing": "Пара",
        "login": "С возвращением",
        "login_tab": "Войти",
        "signup": "Регистрация",
        "create": "Создай аккаунт",
        "forgot": "Не помнишь пароль?",
        "forgot_title": "Не помнишь пароль?",
        "reset": "Эта ссылка не работает",
        "start": "Создать наш Hearth",
        "invite": "Пригласи свою половинку",
        "more": "Ещё",
        "rituals": "Ритуалы",
        "edit": "Изменить: Разговор недели",  # the default ritual, made in the joiner's language
        "save": "Сохранить",
        "commitments": "Шаги",
        "add": "Добавить",
        "next_step": "Следующий шаг",
        "review": "Двенадцать недель спустя",
        "every3": "Раз в 3 недели, по",
        "due": "июн",
        "since": "июн",
    },
}
LOCALES = {"en": "en-US", "ru": "ru-RU"}


def walk_signed_out(new_context, lang):
    w = WORDS[lang]
    page = open_app(new_context(locale=LOCALES[lang]))
    heading(page, w["login"])
    check(page, lang, "auth-login")
    page.get_by_role("tab", name=w["signup"]).click()
    heading(page, w["create"])
    check(page, lang, "auth-signup")
    page.get_by_role("tab", name=w["login_tab"]).click()
    page.get_by_role("button", name=w["forgot"]).click()
    heading(page, w["forgot_title"])
    check(page, lang, "auth-forgot")
    page.goto("/reset")
    heading(page, w["reset"])
    check(page, lang, "reset")


def walk_pairing(new_context, people, lang):
    w = WORDS[lang]
    context = new_context(locale=LOCALES[lang])
    people.signup(context, "Alex")
    page = open_app(context)
    page.get_by_role("button", name=w["start"]).wait_for()
    check(page, lang, "pair-welcome")
    page.get_by_role("button", name=w["start"]).click()
    heading(page, w["invite"])
    page.locator(".code").wait_for()
    check(page, lang, "pair-invite")


def walk_paired(new_context, people, lang):
    w = WORDS[lang]
    alex, sam = new_context(locale=LOCALES[lang]), new_context(locale=LOCALES[lang])
    people.pair(alex, sam)
    page = open_app(alex)
    wait_synced(page)
    page.goto("/pair")
    page.locator("h1 bdi").wait_for()
    check(page, lang, "pair-paired")

    page.goto("/more")
    heading(page, w["more"])
    since = page.get_by_role("region", name=w["pairing"], exact=True).inner_text()
    assert w["since"] in since, since  # the pairing date, in the person's language
    check(page, lang, "more")

    page.goto("/rituals")
    heading(page, w["rituals"])
    page.locator('.ritual[data-type="weekly_checkin"]').wait_for()
    check(page, lang, "rituals")
    page.locator('.ritual[data-type="weekly_checkin"]').get_by_role("link", name=w["edit"]).click()
    page.locator("form.ritual-form").wait_for()
    page.select_option('select[name="interval"]', "3")
    check(page, lang, "ritual-edit")
    page.get_by_role("button", name=w["save"]).click()
    heading(page, w["rituals"])
    line = page.locator('.ritual[data-type="weekly_checkin"] .small.muted').inner_text()
    assert w["every3"] in line, line  # a plural: "недели" after 3
    document_title = page.title()
    assert document_title.startswith(w["rituals"]), document_title

    page.goto("/commitments")
    heading(page, w["commitments"])
    page.get_by_label(w["next_step"]).fill("Walk")
    page.get_by_role("button", name=w["add"], exact=True).click()
    page.locator(".commitment").first.wait_for()
    due = page.locator(".commitment .due").first.inner_text()
    assert w["due"] in due, due  # a date through Intl in the person's language
    check(page, lang, "commitments")

    page.goto("/reassess")
    heading(page, w["review"])
    check(page, lang, "reassess")

    # Not sent: two writes for a former couple, as sync.coupleChanged leaves them (a plural and a date).
    page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('hearth');
        open.onsuccess = () => {
          const tx = open.result.transaction('notsent', 'readwrite');
          for (const mid of [901, 902]) tx.objectStore('notsent').put({ mid, op: 'put', couple_id: 'gone',
            queued_at: '2026-06-09T08:00:00Z', entry: { id: 'x' + mid, kind: 'appreciation', body: { text: 'Thanks ' + mid } } });
          tx.oncomplete = resolve; tx.onerror = reject;
        };
      })""")
    page.goto("/not-sent")
    heading(page, w["not_sent"])
    page.get_by_text("Thanks 901").wait_for()
    assert w["queued"] in page.locator(".entry .meta").first.inner_text()
    check(page, lang, "not-sent")
    page.goto("/more")
    page.get_by_role("link", name=w["not_sent_link"]).wait_for()

    page2 = open_app(sam, "/more")
    heading(page2, w["more"])
    check(page2, lang, "more-partner")
    return page


def test_setup_screens_in_russian(new_context, people):
    walk_signed_out(new_context, "ru")
    walk_pairing(new_context, people, "ru")
    walk_paired(new_context, people, "ru")


def test_setup_screens_in_english_show_no_keys(new_context, people):
    walk_signed_out(new_context, "en")
    walk_pairing(new_context, people, "en")
    walk_paired(new_context, people, "en")


def test_language_setting_switches_in_place_and_tells_the_server(new_context, people):
    context = new_context(locale="en-US")
    people.signup(context, "Alex")
    page = open_app(context, "/more")
    heading(page, "Settings")
    page.evaluate("() => { window.sameDocument = true; }")
    sent = []
    page.on("request", lambda request: sent.append(request) if "/api/" in request.url else None)
    with page.expect_request(lambda r: r.method == "PATCH" and r.url.endswith("/api/me")) as patch:
        page.get_by_role("combobox", name="Language", exact=True).select_option("ru")
    heading(page, "Настройки")
    assert page.evaluate("() => window.sameDocument") is True  # no reload
    assert json.loads(patch.value.post_data) == {"language": "ru"}
    assert page.evaluate("() => document.documentElement.lang") == "ru"
    assert page.get_by_role("combobox", name="Язык", exact=True).input_value() == "ru"
    # Every request from now on names the language, so the server's own messages come back in it.
    page.reload()
    heading(page, "Настройки")  # the choice is kept on this phone
    wait_until(page, "() => true")
    assert sent and all(r.headers.get("accept-language") == "ru" for r in sent if r.url.endswith("/api/me")), [
        (r.url, r.headers.get("accept-language")) for r in sent
    ]
    # Back to following the phone (English here).
    page.get_by_role("combobox", name="Язык", exact=True).select_option(label="Как на телефоне")
    heading(page, "Settings")
