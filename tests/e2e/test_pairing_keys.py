"""Pairing without trusting the server (issue 15, docs/encryption.md "Pairing" and "The fingerprint check"), on two
phones (two browser contexts, 390x844, the run's fixed instant, Berlin time), in English and Russian.

By typed code: the joiner's phone shows "Waiting for ‹name›'s phone" until the inviter's phone hands it the couple
key, then moves on to Today by itself and reads the inviter's words. By link: the fragment names the inviter's
device and its key's fingerprint; a tampered fingerprint, or a server that lists another key for that device,
shows a plain warning and the link's key is never used (dropped, nothing sealed with it). No fragment in a request.
"""

import hashlib

import pytest
from sqlalchemy import select, update

import e2e_crypto as ec
from backend.extensions import db
from backend.models import DeviceKey

from .e2e_keys import KEY_HEX, RING, ready
from .e2e_support import arrived, artifacts, go_offline, go_online, open_app, settle, wait_until
from .test_keys_screens import Watch

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("encryption_on")]

MARKER = "Walrus-marker 4b2d: you made the morning easy"
WORDS = {
    "en": {"waiting": "Waiting for Alex's phone", "today": "Today", "mismatch": "Don't write anything private yet",
           "between": "Someone may be between you."},
    "ru": {"waiting": "Ждём телефон: Alex", "today": "Сегодня", "mismatch": "Пока не пиши ничего личного",
           "between": "Возможно, между вами кто-то есть."},
}  # fmt: skip
WAIT_FLAG = "() => localStorage.getItem('hearth-key-wait')"


def phone(new_context, lang):
    return new_context(locale="ru-RU" if lang == "ru" else "en-US", timezone_id="Europe/Berlin")


def shot(page, name):
    page.screenshot(path=str(artifacts("pairing", f"{name}.png")), full_page=True)


def start_couple(new_context, people, lang):
    """Alex's phone starts a couple (the keyring makes the couple key first); returns (alex, sam, page, link)."""
    alex, sam = phone(new_context, lang), phone(new_context, lang)
    people.signup(alex, "Alex")
    people.signup(sam, "Sam")
    a = open_app(alex, "/pair")
    a.locator(".card button.btn.primary.wide").first.click()
    wait_until(a, "() => document.querySelector('input[name=invite-url]')?.value.includes('#ck=')")
    ready(a)
    return alex, sam, a, a.locator("input[name=invite-url]").input_value()


def on_today(page):
    wait_until(
        page,
        "() => location.pathname === '/' && !!document.querySelector('h1') && !document.querySelector('.key-wait')",
        timeout=45_000,
    )


def send_appreciation(page, text):
    page.goto("/appreciate")
    settle(page)  # the start's first sync redraws the screen: a box filled before that comes back empty
    page.locator("form textarea").first.fill(text)
    page.locator("form button[type=submit]").first.click()
    settle(page)


@pytest.mark.parametrize("lang, inviter", [("en", "opens the app"), ("ru", "comes back online")])
def test_a_typed_code_waits_for_the_partners_phone_then_goes_on_by_itself(
    new_context, people, live_server, lang, inviter
):
    alex, sam, a, link = start_couple(new_context, people, lang)
    code = a.locator("p.code").inner_text()
    watch = Watch(alex, sam)
    if inviter == "opens the app":
        a.close()
    else:
        go_offline(alex)  # the page stays open: her phone wraps on its next sync, without a reload
    s = open_app(sam, "/pair")
    s.locator("input[name=code]").fill(code)
    s.locator("form button[type=submit]").click()
    s.get_by_text(WORDS[lang]["waiting"]).wait_for()
    wait_until(s, f"() => ({RING})().then((state) => state === 'waiting')", timeout=30_000)
    s.wait_for_timeout(1500)  # the keyring asked again: still waiting while Alex's phone is away
    assert s.get_by_text(WORDS[lang]["waiting"]).is_visible()
    shot(s, f"waiting-{lang}")

    if inviter == "opens the app":
        a = open_app(alex)
    else:
        go_online(alex)
    on_today(s)  # Sam's phone moved on by itself: no reload, no tap
    ready(s)
    assert s.evaluate(WAIT_FLAG) is None
    key_id = "c" + link.split("&e=")[1].split("&")[0]
    assert s.evaluate(KEY_HEX, key_id) == a.evaluate(KEY_HEX, key_id) is not None
    shot(s, f"after-wait-{lang}")

    send_appreciation(a, MARKER)
    [thanks] = arrived(live_server, kind="appreciation")
    assert thanks.body["text"].startswith(f"e1.{key_id}.")
    s.goto("/appreciate")
    s.get_by_text(MARKER).wait_for()
    watch.never(link.split("#", 1)[1].split("&")[0], "#ck=")


def fragment(link):
    return dict(part.split("=", 1) for part in link.split("#", 1)[1].split("&"))


def join_by_link(sam, url):
    s = sam.new_page()
    s.goto(url)
    s.locator("form button[type=submit]").wait_for()
    assert "#" not in s.url
    s.locator("form button[type=submit]").click()
    wait_until(s, "() => location.pathname === '/'")
    return s


def test_the_link_names_the_inviters_device_and_the_joiner_trusts_a_match(new_context, people, live_server):
    alex, sam, a, link = start_couple(new_context, people, "en")
    watch = Watch(alex, sam)
    parts = fragment(link)
    [device] = live_server.query(select(DeviceKey.device_id, DeviceKey.public_key))
    assert parts["d"] == device.device_id
    assert parts["fp"] == ec.b64url(hashlib.sha256(ec.from_b64url(device.public_key)).digest()[:16])
    s = join_by_link(sam, link)
    ready(s, timeout=45_000)  # the device checked out: the link's key is used at once, before Alex's phone wraps
    key_id = f"c{parts['e']}"
    assert s.evaluate(KEY_HEX, key_id) == a.evaluate(KEY_HEX, key_id)
    send_appreciation(s, MARKER)
    [thanks] = arrived(live_server, kind="appreciation")
    assert thanks.body["text"].startswith(f"e1.{key_id}.")
    a.reload()  # Alex's phone wraps the same key for Sam's: the second check passes and is done
    wait_until(s, "() => localStorage.getItem('hearth-join-check') === null", timeout=45_000)
    assert s.evaluate("() => localStorage.getItem('hearth-keys-distrust')") is None
    watch.never(parts["ck"], parts["fp"], "#ck=")


def tamper_fingerprint(link, live_server):
    parts = fragment(link)
    wrong = "A" + parts["fp"][1:] if parts["fp"][0] != "A" else "B" + parts["fp"][1:]
    return link.replace(f"fp={parts['fp']}", f"fp={wrong}")


def another_device_key(link, live_server):
    """The server (its database) lists another public key for Alex's phone: someone in between."""
    with live_server.app.app_context():
        db.session.execute(
            update(DeviceKey)
            .where(DeviceKey.device_id == fragment(link)["d"])
            .values(public_key=ec.b64url(ec.public_raw(ec.new_device_key())))
        )
        db.session.commit()
    return link


@pytest.mark.parametrize(
    "lang, how", [("en", tamper_fingerprint), ("ru", another_device_key), ("en", another_device_key)]
)
def test_a_link_that_does_not_match_the_server_warns_and_its_key_is_never_used(
    new_context, people, live_server, lang, how
):
    alex, sam, a, link = start_couple(new_context, people, lang)
    watch = Watch(alex, sam)
    key_id = f"c{fragment(link)['e']}"
    s = join_by_link(sam, how(link, live_server))
    s.get_by_text(WORDS[lang]["mismatch"]).wait_for(timeout=45_000)
    s.get_by_text(WORDS[lang]["between"]).wait_for()
    shot(s, f"mismatch-{how.__name__}-{lang}")
    assert s.evaluate(KEY_HEX, key_id) is None  # the link's key is gone from this phone
    # Sam writes anyway: nothing is sealed with the link's key, nothing leaves in the clear.
    s.goto("/appreciate")
    s.locator("form textarea").first.fill(MARKER)
    s.locator("form button[type=submit]").first.click()
    a.reload()  # Alex's phone wraps the real key for Sam's: refused there too, the couple is not trusted
    ready(a)
    s.wait_for_timeout(3000)
    assert live_server.entries(kind="appreciation") == []
    assert s.evaluate(KEY_HEX, key_id) is None
    s.goto("/")
    s.get_by_text(WORDS[lang]["mismatch"]).wait_for()
    watch.never(fragment(link)["ck"], "#ck=")


CODES = "() => [...document.querySelectorAll('.safety-code')].map((code) => code.textContent)"
TRUST = {"en": "Every code matched", "ru": "Все коды совпали"}


def safety_codes(page):
    page.goto("/keys/safety")
    wait_until(page, f"() => ({CODES})().length > 0", timeout=30_000)
    return page.evaluate(CODES)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_after_a_mismatch_matching_safety_codes_let_the_joiner_take_the_key(new_context, people, live_server, lang):
    """The link was changed on its way (the server is honest): Sam's phone warns; side by side, both phones show
    the same code; Sam says so, and the phone takes the couple key Alex's phone wraps for it, seals with it, and
    Alex reads what Sam wrote. Before, nothing but pairing again got them out of the warning."""
    alex, sam, a, link = start_couple(new_context, people, lang)
    key_id = f"c{fragment(link)['e']}"
    s = join_by_link(sam, tamper_fingerprint(link, live_server))
    s.get_by_text(WORDS[lang]["mismatch"]).wait_for(timeout=45_000)
    a.reload()  # Alex's phone wraps the couple key for Sam's (refused there while the couple is distrusted)
    ready(a)
    codes = safety_codes(s)
    assert codes == safety_codes(a)
    shot(s, f"mismatch-codes-match-{lang}")
    s.get_by_role("button", name=TRUST[lang]).click()
    on_today(s)
    ready(s, timeout=45_000)
    assert s.evaluate(KEY_HEX, key_id) == a.evaluate(KEY_HEX, key_id)
    send_appreciation(s, MARKER)
    [thanks] = arrived(live_server, kind="appreciation")
    assert thanks.body["text"].startswith(f"e1.{key_id}.")
    a.goto("/appreciate")
    a.get_by_text(MARKER).wait_for(timeout=30_000)
