"""The keys' screens joined to the keyring (issue 15, docs/encryption.md): a browser without the keys its person
already has is sent to /keys/unlock after signing in, with a way on without them ("Not now": sealed entries stay
out of sight); a brand-new person is not; the keyring seals the recovery blob again when a key is made, so a
wiped browser unlocked by the phrase reads what was sealed with a newer couple key; "you'd lose what you've
written" before logging out and before removing the last device that holds the keys, when no phrase is set up;
a password reset keeps the keys and says the words stay locked. Two browser contexts at 390x844, the test's
fixed instant (conftest new_context), English and Russian. SQLite and PostgreSQL (TEST_DATABASE_URL)."""

import hashlib
import secrets
import uuid
from datetime import timedelta

import pytest

from backend.extensions import db
from backend.models import DeviceKey, PasswordReset, utcnow
from conftest import PASSWORD

from .e2e_support import artifacts, open_app, settle, wait_until
from .test_keys_screens import show_transfer
from .test_web import static_graph, worker_constants

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("encryption_on")]

RING = "() => import('/frontend/js/crypto/keyring.js').then((m) => m.state())"
HELD = """async () => Object.keys(await (await import('/frontend/js/crypto/keystore.js')).contentKeys()).sort()"""
MARKER = "Pelican-marker 41b2: the walk by the river"
W = {
    "en": {
        "locked": "What you wrote is locked on this phone",
        "reset_locked": "Your password is new; your words are still locked",
        "not_now": "Not now",
        "unlock": "Unlock",
        "readable": "This phone can read everything now.",
        "show": "Show my phrase",
        "wrote": "I've written them down",
        "confirm": "Confirm",
        "done": "Your recovery phrase is set up.",
        "loss": "You'd lose what you've written",
        "set_up": "Set up my recovery phrase",
        "log_out": "Log out",
        "log_out_anyway": "Log out anyway",
        "remove": "Remove",
        "remove_anyway": "Remove it anyway",
        "cancel": "Cancel",
        "log_in": "Log in",
        "save": "Save new password",
        "reset_note": "What you wrote stays locked",
        "phrase_title": "Recovery phrase",
    },
    "ru": {
        "locked": "На этом телефоне твои записи закрыты",
        "reset_locked": "Пароль новый, а записи по-прежнему закрыты",
        "not_now": "Не сейчас",
        "unlock": "Открыть",
        "readable": "Теперь на этом телефоне можно прочитать всё.",
        "show": "Показать фразу",
        "wrote": "Я записал(а) их",
        "confirm": "Подтвердить",
        "done": "Фраза восстановления настроена.",
        "loss": "Написанное может пропасть",
        "set_up": "Настроить фразу восстановления",
        "log_out": "Выйти",
        "log_out_anyway": "Всё равно выйти",
        "remove": "Удалить",
        "remove_anyway": "Всё равно удалить",
        "cancel": "Отмена",
        "log_in": "Войти",
        "save": "Сохранить пароль",
        "reset_note": "Написанное по-прежнему закрыто",
        "phrase_title": "Фраза восстановления",
    },
}


def test_the_loss_dialog_loads_on_demand_and_is_precached(live_server):
    _, precache = worker_constants(live_server)
    assert "/frontend/js/parts/keys-loss.js" in precache
    assert "/frontend/js/parts/keys-loss.js" not in static_graph(live_server, "/frontend/js/main.js")


def phone(new_context, lang):
    return new_context(locale="ru-RU" if lang == "ru" else "en-US")


def shot(page, name, full_page=True):
    page.screenshot(path=str(artifacts("unlock", f"{name}.png")), full_page=full_page)


def ready(page, timeout=45_000):
    wait_until(page, f"() => ({RING})().then((s) => s === 'ready')", timeout=timeout)


def sign_in(page, email, password=PASSWORD, lang="en"):
    """The login form, as a person fills it (not the API): the app's own start after signing in."""
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()


def set_up_phrase(page, lang):
    page.goto("/keys/phrase")
    page.get_by_role("button", name=W[lang]["show"]).click()
    words = page.locator("ol.phrase li").all_inner_texts()
    page.get_by_role("button", name=W[lang]["wrote"]).click()
    asked = page.locator("form input[name^=word-]")
    for i in range(3):
        asked.nth(i).fill(words[int(asked.nth(i).get_attribute("name").split("-")[1]) - 1])
    page.get_by_role("button", name=W[lang]["confirm"]).click()
    page.get_by_text(W[lang]["done"]).wait_for()
    return words


def write(page, kind, body, visibility="shared"):
    """One entry written on this phone through its own outbox (sealed by its keyring as it leaves)."""
    entry_id = str(uuid.uuid4())
    page.evaluate(
        """async ([id, kind, body, visibility]) => (await import('/frontend/js/sync.js')).queue('put',
        { id, kind, body, visibility, ref_id: null })""",
        [entry_id, kind, body, visibility],
    )
    settle(page)
    return entry_id


def new_epoch(context, live_server):
    """A device of the person registered and removed (a lost phone): the couple moves to its next key epoch."""
    device = str(uuid.uuid4())
    public = context.request.get("/api/keys").json()["devices"][0]["public_key"]
    assert context.request.post("/api/keys/devices", data={"device_id": device, "public_key": public}).status == 201
    assert context.request.delete(f"/api/keys/devices/{device}", data={}).status == 204


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_wiped_browser_is_sent_to_unlock_and_the_phrase_opens_a_newer_couple_key(
    new_context, people, live_server, lang
):
    first, partner = phone(new_context, lang), phone(new_context, lang)
    alex, _ = people.pair(first, partner)
    a = open_app(first)
    ready(a)
    assert a.evaluate("() => location.pathname") == "/"  # a brand-new person's phone makes the keys: not sent
    words = set_up_phrase(a, lang)
    before = first.request.get("/api/keys").json()["couple_epoch"]
    sealed_once = first.request.get("/api/keys/recovery").json()["blob"]

    # A new couple epoch (a device removed): Alex's phone makes the next couple key, and the keyring seals the
    # recovery blob again with it (nobody types the words again).
    new_epoch(first, live_server)
    a.goto("/")
    wait_until(a, f"async () => ({HELD})().then((ids) => ids.includes('c{before + 1}'))", timeout=30_000)
    ready(a)
    entry = write(a, "appreciation", {"text": MARKER})
    [row] = live_server.entries(id=entry)
    assert row.body["text"].startswith(f"e1.c{before + 1}.")
    for _ in range(100):  # the blob sealed again with the new key (the final read below is the proof)
        if first.request.get("/api/keys/recovery").json()["blob"] != sealed_once:
            break
        a.wait_for_timeout(200)
    a.close()  # that phone is lost (open or not, it hands no key to a browser that cannot prove itself)

    # A wiped browser: Alex signs in; the app sends it to /keys/unlock, says why, and lets her go on.
    second = phone(new_context, lang)
    b = open_app(second)
    sign_in(b, alex["email"])
    b.get_by_text(W[lang]["locked"]).wait_for(timeout=30_000)
    assert b.evaluate("() => location.pathname") == "/keys/unlock"
    shot(b, f"sent-to-unlock-{lang}")
    b.get_by_role("link", name=W[lang]["not_now"]).click()
    wait_until(b, "() => location.pathname === '/'")
    b.goto("/appreciate")
    b.locator("#view").wait_for()
    b.wait_for_timeout(500)
    assert MARKER not in b.content()  # sealed with a key this browser lacks: out of sight, never ciphertext
    assert "e1.c" not in b.content()
    shot(b, f"not-now-{lang}")
    # Once a visit: another start in the same tab does not send it again.
    b.goto("/")
    b.wait_for_timeout(1500)
    assert b.evaluate("() => location.pathname") == "/"

    b.goto("/keys/unlock")
    b.locator("textarea[name=phrase]").fill(" ".join(words))
    b.get_by_role("button", name=W[lang]["unlock"], exact=True).click()
    b.get_by_text(W[lang]["readable"]).wait_for()
    assert f"c{before + 1}" in b.evaluate(HELD)
    b.goto("/appreciate")
    b.get_by_text(MARKER).wait_for(timeout=30_000)  # opened with the newer key, which the blob now holds
    shot(b, f"unlocked-reads-{lang}")


WIPE_KEYS = """() => new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase('hearth-keys');
    request.onsuccess = () => resolve(true);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('hearth-keys is still open'));
})"""
PUBLIC = "() => import('/frontend/js/crypto/keystore.js').then((m) => m.publicKeyRaw())"
CLIENT = "() => import('/frontend/js/sync.js').then((m) => m.clientId())"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_browser_whose_key_pair_was_wiped_takes_its_place_in_the_directory_again(new_context, people, lang):
    """Only `hearth-keys` wiped, the app's own database (and so its device id) kept: the phone is listed again with
    its new public key, in place of the old one nobody holds; the phrase gives back what was written; and a key
    the partner's phone makes afterwards is wrapped for it. Without the fix the directory kept the old public
    key, so the next couple key never reached this browser (and the partner's new words stayed locked here)."""
    first, partner = phone(new_context, lang), phone(new_context, lang)
    alex, _ = people.pair(first, partner)
    a, s = open_app(first), open_app(partner)
    ready(a)
    ready(s)
    words = set_up_phrase(a, lang)
    write(a, "appreciation", {"text": MARKER})
    device = a.evaluate(CLIENT)
    old_key = a.evaluate(PUBLIC)
    epoch = first.request.get("/api/keys").json()["couple_epoch"]

    # Only the keys go: a page of the app's origin that never opened them deletes their database.
    a.close()
    bare = first.new_page()
    bare.goto("/manifest.json")
    bare.evaluate(WIPE_KEYS)
    bare.close()

    a = first.new_page()
    a.goto("/")
    a.get_by_text(W[lang]["locked"]).wait_for(timeout=30_000)  # its personal key is elsewhere: sent to unlock
    assert a.evaluate(CLIENT) == device  # the same device id as before the wipe
    new_key = a.evaluate(PUBLIC)
    assert new_key != old_key
    listed = {d["device_id"]: d["public_key"] for d in first.request.get("/api/keys").json()["devices"]}
    assert listed[device] == new_key  # listed again with the key this browser holds, not the old one
    assert first.request.get("/api/keys").json()["couple_epoch"] == epoch + 1  # as when a device is removed

    a.locator("textarea[name=phrase]").fill(" ".join(words))
    a.get_by_role("button", name=W[lang]["unlock"], exact=True).click()
    a.get_by_text(W[lang]["readable"]).wait_for()
    a.goto("/appreciate")
    a.get_by_text(MARKER).wait_for(timeout=30_000)  # what was written before the wipe opens again

    # The next couple key is made by a phone and wrapped for this browser's new key: Sam's words sealed with it
    # open here. (Whichever phone made it, each wraps what it holds for the devices lacking it.)
    s.reload()
    ready(s)
    wait_until(a, f"async () => ({HELD})().then((ids) => ids.includes('c{epoch + 1}'))", timeout=45_000)
    later = "Heron-marker 77c1: the soup on Sunday"
    write(s, "appreciation", {"text": later})
    a.goto("/appreciate")
    a.get_by_text(later).wait_for(timeout=30_000)
    shot(a, f"wiped-keys-relisted-{lang}")


def test_a_brand_new_person_is_never_sent_to_unlock(new_context, people):
    context = new_context()
    people.signup(context, "Alex")
    page = open_app(context)
    ready(page)
    page.wait_for_timeout(1000)
    assert page.evaluate("() => location.pathname") == "/"
    assert page.evaluate("() => import('/frontend/js/crypto/keyring.js').then((m) => m.missing())") is False


def open_more(page):
    page.goto("/more")
    page.locator("#view h1").wait_for()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_logging_out_without_a_phrase_says_the_words_would_be_lost(new_context, people, live_server, lang):
    context = phone(new_context, lang)
    people.signup(context, "Alex")
    page = open_app(context)
    ready(page)
    open_more(page)
    page.get_by_role("button", name=W[lang]["log_out"], exact=True).click()
    dialog = page.locator("dialog.loss-dialog")
    dialog.get_by_text(W[lang]["loss"]).wait_for()
    shot(page, f"logout-loss-{lang}", full_page=False)  # the dialog, as the phone shows it
    # Cancel: still here, keys and all.
    dialog.get_by_role("button", name=W[lang]["cancel"]).click()
    assert page.locator("dialog").count() == 0 and page.evaluate(HELD) == ["p1"]
    # "Set up my recovery phrase" opens it.
    page.get_by_role("button", name=W[lang]["log_out"], exact=True).click()
    dialog.get_by_role("button", name=W[lang]["set_up"]).click()
    wait_until(page, "() => location.pathname === '/keys/phrase'")
    # Going on: logged out, this phone's keys gone and its device out of the directory.
    open_more(page)
    page.get_by_role("button", name=W[lang]["log_out"], exact=True).click()
    dialog.get_by_role("button", name=W[lang]["log_out_anyway"]).click()
    page.locator("input[name=email]").wait_for()
    assert page.evaluate(HELD) == []
    with live_server.app.app_context():
        assert db.session.query(DeviceKey).count() == 0


PROVED = """async () => { const id = await (await import('/frontend/js/sync.js')).clientId();
  const { devices } = await (await fetch('/api/keys')).json();
  return devices.some((d) => d.device_id === id && d.personal_proof); }"""


def test_with_a_phrase_or_another_phone_or_encryption_off_logging_out_asks_nothing(new_context, people, live_server):
    first = new_context()
    alex = people.signup(first, "Alex")
    a = open_app(first)
    ready(a)
    # Another browser of Alex's, logged in with the password alone, holds no keys (no phone hands them to a device
    # that cannot prove itself): logging out of the phone that holds them would still lose the words.
    second = new_context()
    b = open_app(second)
    sign_in(b, alex["email"])
    wait_until(b, "() => location.pathname === '/keys/unlock'", timeout=30_000)
    open_more(a)
    a.get_by_role("button", name="Log out", exact=True).click()
    dialog = a.locator("dialog.loss-dialog")
    dialog.get_by_text(W["en"]["loss"]).wait_for()
    dialog.get_by_role("button", name=W["en"]["cancel"]).click()
    # Given the keys by the phone's typed code, it holds them and has proved so: nothing is lost.
    code = show_transfer(a, "en")
    b.locator("input[name=transfer-code]").fill(code)
    b.get_by_role("button", name="Use this code").click()
    b.get_by_text(W["en"]["readable"]).wait_for()
    wait_until(b, PROVED, timeout=30_000)
    open_more(a)
    a.get_by_role("button", name="Log out", exact=True).click()
    a.locator("input[name=email]").wait_for()
    assert a.locator("dialog.loss-dialog").count() == 0
    # Encryption off: the last phone logs out without a word about keys (and keeps its keys, as before).
    live_server.app.config["E2E_ENCRYPTION"] = False
    b.goto("/more")
    b.reload()
    b.locator("#view h1").wait_for()
    wait_until(b, "() => import('/frontend/js/store.js').then((m) => m.store.encryption === false)")
    b.get_by_role("button", name="Log out", exact=True).click()
    b.locator("input[name=email]").wait_for()
    assert b.locator("dialog.loss-dialog").count() == 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_removing_the_last_device_with_the_keys_says_the_words_would_be_lost(new_context, people, lang):
    first = phone(new_context, lang)
    alex = people.signup(first, "Alex")
    a = open_app(first)
    ready(a)
    second = phone(new_context, lang)
    b = open_app(second)
    sign_in(b, alex["email"])
    wait_until(b, "() => location.pathname === '/keys/unlock'", timeout=30_000)
    # This browser has no keys; the other phone is the only one that does, and there is no phrase.
    b.goto("/keys/devices")
    rows = b.locator(".device-row")
    rows.nth(1).wait_for()
    assert rows.count() == 2
    shot(b, f"devices-{lang}")
    b.get_by_role("button", name=W[lang]["remove"], exact=True).click()
    dialog = b.locator("dialog.loss-dialog")
    dialog.get_by_text(W[lang]["loss"]).wait_for()
    shot(b, f"remove-loss-{lang}", full_page=False)
    dialog.get_by_role("button", name=W[lang]["cancel"]).click()
    assert rows.count() == 2
    # From the phone that holds the keys, removing the other asks only the usual question.
    a.goto("/keys/devices")
    a.locator(".device-row").nth(1).wait_for()
    a.get_by_role("button", name=W[lang]["remove"], exact=True).click()
    a.locator("dialog").wait_for()
    assert a.locator("dialog.loss-dialog").count() == 0
    a.locator("dialog .btn.danger").click()
    wait_until(a, "() => document.querySelectorAll('.device-row').length === 1")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_password_reset_keeps_the_keys_and_the_next_start_asks_for_them(new_context, people, live_server, lang):
    first = phone(new_context, lang)
    alex = people.signup(first, "Alex")
    a = open_app(first)
    ready(a)
    token = secrets.token_urlsafe(32)
    with live_server.app.app_context():
        now = utcnow()
        db.session.add(
            PasswordReset(
                id=hashlib.sha256(token.encode()).hexdigest(),
                user_id=alex["id"],
                created_at=now,
                expires_at=now + timedelta(minutes=30),
            )
        )
        db.session.commit()
    # Alex has lost that phone; on a new one she resets her password by the mailed link.
    second = phone(new_context, lang)
    b = second.new_page()
    b.goto(f"/reset#token={token}")
    b.locator("input[name=new_password]").fill("a brand new password")
    b.get_by_role("button", name=W[lang]["save"]).click()
    b.get_by_text(W[lang]["reset_note"]).wait_for()
    shot(b, f"reset-note-{lang}")
    sign_in(b, alex["email"], "a brand new password")
    b.get_by_text(W[lang]["reset_locked"]).wait_for(timeout=30_000)
    assert b.evaluate("() => location.pathname") == "/keys/unlock"
    shot(b, f"reset-unlock-{lang}")
    with live_server.app.app_context():  # the old phone's device key is still there to give the keys
        assert db.session.query(DeviceKey).filter_by(user_id=alex["id"]).count() == 2
    b.get_by_role("link", name=W[lang]["not_now"]).click()
    wait_until(b, "() => location.pathname === '/'")
