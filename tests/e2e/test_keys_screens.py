"""The keys' screens (issue 15) on two browser contexts at 390x844, as two devices or two partners: the recovery
phrase set up and used on a wiped browser, a second device by its link (the QR code's) and by its typed code, the
safety code equal on both partners' phones, and the invite link's couple key. No key material in a fragment or
a code ever appears in a request (every request of both contexts is watched). English and Russian."""

import base64
import hashlib
import re

import pytest

import e2e_crypto as ec
from conftest import PASSWORD

from .e2e_support import artifacts, go_offline, go_online, open_app, wait_until
from .test_web import static_graph, worker_constants

pytestmark = pytest.mark.e2e

ENTRY = {"entryId": "6f1c2a4e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "kind": "journal", "field": "text"}
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
WORDS = {
    "en": {"show": "Show my phrase", "wrote": "I've written them down", "confirm": "Confirm", "unlock": "Unlock",
           "done": "Your recovery phrase is set up.", "readable": "This phone can read everything now.",
           "add": "Show the code", "use": "Use this code", "today": "Go to Today"},
    "ru": {"show": "Показать фразу", "wrote": "Я записал(а) их", "confirm": "Подтвердить", "unlock": "Открыть",
           "done": "Фраза восстановления настроена.", "readable": "Теперь на этом телефоне можно прочитать всё.",
           "add": "Показать код", "use": "Ввести код", "today": "На главную"},
}  # fmt: skip


MODULES = ["screens/keys.js", "crypto/recovery-flow.js", "crypto/transfer.js", "crypto/invite-key.js"]


def test_the_screens_load_on_demand_and_are_precached_for_offline(live_server):
    _, precache = worker_constants(live_server)
    urls = {f"/frontend/js/{name}" for name in MODULES} | {f"/frontend/content/keys.{x}.json" for x in ("en", "ru")}
    assert urls <= set(precache)
    assert not urls & static_graph(live_server, "/frontend/js/main.js"), "the shell must not import them"


class Watch:
    """Every request of a context: its URL (as the browser sends it) and body."""

    def __init__(self, *contexts):
        self.seen = []
        for context in contexts:
            context.on("request", lambda request: self.seen.append(request.url + " " + (request.post_data or "")))

    def never(self, *secrets):
        for secret in secrets:
            assert secret and not [line for line in self.seen if secret in line], secret


def phone(new_context, lang):
    return new_context(locale="ru-RU" if lang == "ru" else "en-US")


def log_in(context, user):
    response = context.request.post("/api/auth/login", data={"email": user["email"], "password": PASSWORD})
    assert response.status == 200, response.text()


def shot(page, name):
    page.screenshot(path=str(artifacts("keys", f"{name}.png")), full_page=True)


KEYS = """async () => {
  const [P, K] = await Promise.all([import('/frontend/js/crypto/primitives.js'), import('/frontend/js/crypto/keystore.js')]);
  const out = {};
  for (const [id, key] of Object.entries(await K.contentKeys())) out[id] = P.encodeBase64url(await P.exportRaw(key));
  return out;
}"""

GIVE = """async (keys) => {
  const [P, K] = await Promise.all([import('/frontend/js/crypto/primitives.js'), import('/frontend/js/crypto/keystore.js')]);
  for (const [id, raw] of Object.entries(keys)) await K.putContentKey(id, await P.importRaw(raw));
}"""

SEAL = """async ([keyId, entry, text]) => {
  const [P, K] = await Promise.all([import('/frontend/js/crypto/primitives.js'), import('/frontend/js/crypto/keystore.js')]);
  return P.sealText(await K.contentKey(keyId), keyId, entry, text);
}"""

OPEN = """async ([envelope, entry]) => {
  const [P, K] = await Promise.all([import('/frontend/js/crypto/primitives.js'), import('/frontend/js/crypto/keystore.js')]);
  return P.openText(await K.contentKey(P.envelopeKeyId(envelope)), envelope, entry);
}"""


def held_keys(page):
    return page.evaluate(KEYS)


def some_keys():
    return {"c1": ec.b64url(ec.new_content_key()), "p1": ec.b64url(ec.new_content_key())}


def given_keys(page):
    """This phone's content keys after giving it `some_keys()` it lacks: where the server seals words, its keyring
    has already made the person's own p1 (the keystore never changes a key it holds), so that one stays."""
    held = held_keys(page)
    new = {k: v for k, v in some_keys().items() if k not in held}
    page.evaluate(GIVE, new)
    return {**held, **new}


def not_a_phrase(words):
    """A real word in the last place that breaks the phrase's checksum (a mistyped last word)."""
    for candidate in ec.words():
        try:
            ec.words_to_entropy(words[:11] + [candidate])
        except ValueError as err:
            if str(err) == "phrase_checksum":
                return candidate
    raise AssertionError("no such word")


def set_up_phrase(page, lang):
    page.goto("/keys/phrase")
    page.get_by_role("button", name=WORDS[lang]["show"]).click()
    words = page.locator("ol.phrase li").all_inner_texts()
    assert len(words) == 12
    return words


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_phrase_is_set_up_confirmed_and_unlocks_a_wiped_browser(new_context, people, live_server, lang):
    first = phone(new_context, lang)
    watch = Watch(first)
    user = people.signup(first, "Alex")
    page = open_app(first, "/more")
    keys = given_keys(page)
    page.goto("/keys")
    wait_until(page, "() => /·|:/.test(document.querySelector('a[href=\"/keys/phrase\"] .link-sub')?.textContent)")
    shot(page, f"hub-{lang}")
    words = set_up_phrase(page, lang)
    shot(page, f"phrase-words-{lang}")
    page.get_by_role("button", name=WORDS[lang]["wrote"]).click()
    asked = page.locator("form input[name^=word-]")
    assert asked.count() == 3
    # A wrong word first: refused, nothing stored.
    for i in range(3):
        asked.nth(i).fill("zoo")
    page.get_by_role("button", name=WORDS[lang]["confirm"]).click()
    wait_until(page, "() => document.querySelector('form .notice:not([hidden])')")
    assert first.request.get("/api/keys/recovery").json() == {"blob": None}
    shot(page, f"phrase-ask-{lang}")
    for i in range(3):
        n = int(asked.nth(i).get_attribute("name").split("-")[1])
        asked.nth(i).fill(f"  {words[n - 1].upper()} ")  # case and spaces don't matter
    page.get_by_role("button", name=WORDS[lang]["confirm"]).click()
    page.get_by_text(WORDS[lang]["done"]).wait_for()
    shot(page, f"phrase-done-{lang}")
    blob = first.request.get("/api/keys/recovery").json()["blob"]
    assert blob.startswith("r1.")
    # The blob opens with the words (as any BIP39 tool reads them) and holds exactly the phone's keys.
    entropy = ec.words_to_entropy(words)
    assert ec.open_recovery(entropy, user["id"], blob) == {k: ec.from_b64url(v) for k, v in keys.items()}
    # A key that arrives later is sealed in again without the words (the keyring calls resealRecovery).
    later = ec.b64url(ec.new_content_key())
    page.evaluate(GIVE, {"c2": later})
    assert page.evaluate(
        "async (id) => (await import('/frontend/js/crypto/recovery-flow.js')).resealRecovery(id)", user["id"]
    )
    keys = {**keys, "c2": later}
    blob = first.request.get("/api/keys/recovery").json()["blob"]
    assert ec.open_recovery(entropy, user["id"], blob) == {k: ec.from_b64url(v) for k, v in keys.items()}
    # A blob sealed with other words (a newer phrase made on another phone) is never overwritten with the old key.
    newer = ec.seal_recovery(bytes(16), user["id"], {"c9": ec.new_content_key()})
    assert first.request.put("/api/keys/recovery", data={"blob": newer}).status == 204
    assert not page.evaluate(
        "async (id) => (await import('/frontend/js/crypto/recovery-flow.js')).resealRecovery(id)", user["id"]
    )
    assert first.request.get("/api/keys/recovery").json()["blob"] == newer
    assert first.request.put("/api/keys/recovery", data={"blob": blob}).status == 204
    envelope = page.evaluate(SEAL, ["c1", ENTRY, "Только для нас ❤️"])
    # More's line to the keys (shown where the server has end-to-end encryption on) says the phrase is set up.
    before, live_server.app.config["E2E_ENCRYPTION"] = live_server.app.config["E2E_ENCRYPTION"], True
    try:
        page.goto("/more")
        wait_until(page, ME_SAYS_ENCRYPTION)  # /api/me told the phone; More draws from what it keeps
        page.reload()
        set_up = {"en": "Recovery phrase set up", "ru": "Фраза восстановления настроена"}[lang]
        page.locator('a[href="/keys"]').get_by_text(set_up).wait_for()
        page.locator('a[href="/keys"]').scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts("keys", f"more-{lang}.png")))
    finally:
        live_server.app.config["E2E_ENCRYPTION"] = before
    page.goto("/keys")

    # A wiped browser: the same account, no keys. The words, typed loosely, bring them back.
    second = phone(new_context, lang)
    watch2 = Watch(second)
    log_in(second, user)
    other = open_app(second, "/keys/unlock")
    shot(other, f"unlock-{lang}")
    # Nothing: her first phone, open, hands no key to a browser that only logged in (it cannot prove itself).
    assert held_keys(other) == {}
    box = other.locator("textarea[name=phrase]")
    button = other.get_by_role("button", name=WORDS[lang]["unlock"], exact=True)
    for attempt in (
        " ".join(words[:11]),
        " ".join(words[:11] + ["qqqq"]),
        " ".join(words[:11] + [not_a_phrase(words)]),
    ):
        box.fill(attempt)
        button.click()
        wait_until(other, "() => document.querySelector('form .notice:not([hidden])')")
        assert held_keys(other) == {}
    box.fill("  " + "   ".join(w.capitalize() for w in words) + "\n")
    button.click()
    other.get_by_text(WORDS[lang]["readable"]).wait_for()
    shot(other, f"unlock-done-{lang}")
    assert held_keys(other) == keys
    # Done: the phrase and the code are put away, and the way on is the one button left.
    assert not box.is_visible() and not other.locator("input[name=transfer-code]").is_visible()
    assert other.get_by_role("link", name=WORDS[lang]["today"], exact=True).is_visible()
    assert other.evaluate(OPEN, [envelope, ENTRY]) == "Только для нас ❤️"
    for w in (watch, watch2):
        w.never(" ".join(words), words[0] + " " + words[1] + " " + words[2])


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_phone_that_holds_its_keys_is_told_so_on_the_unlock_screen(new_context, people, lang):
    """Opened with the keys already here (a reload after another phone wrapped them, or from Your keys): not
    "This phone doesn't have your keys yet", but that it reads, and the way on; the phrase and the code stay."""
    first = phone(new_context, lang)
    people.signup(first, "Alex")
    page = open_app(first, "/keys/unlock")
    page.get_by_text(WORDS[lang]["readable"]).wait_for()
    assert page.get_by_role("link", name=WORDS[lang]["today"], exact=True).is_visible()
    assert not page.locator(".page-head p").is_visible()
    assert page.locator("textarea[name=phrase]").is_visible()
    shot(page, f"unlock-holds-{lang}")


def test_a_phrase_of_another_account_is_refused_kindly(new_context, people):
    first = new_context()
    people.signup(first, "Alex")
    page = open_app(first, "/more")
    given_keys(page)
    words = set_up_phrase(page, "en")
    page.get_by_role("button", name=WORDS["en"]["wrote"]).click()
    asked = page.locator("form input[name^=word-]")
    for i in range(3):
        asked.nth(i).fill(words[int(asked.nth(i).get_attribute("name").split("-")[1]) - 1])
    page.get_by_role("button", name=WORDS["en"]["confirm"]).click()
    page.get_by_text(WORDS["en"]["done"]).wait_for()

    stranger = new_context()
    people.signup(stranger, "Sam")
    other = open_app(stranger, "/keys/unlock")
    own = held_keys(other)  # Sam's own p1, where the server seals words
    other.locator("textarea[name=phrase]").fill(" ".join(words))
    other.get_by_role("button", name="Unlock", exact=True).click()
    other.get_by_text("You haven't set up a recovery phrase yet").wait_for()
    assert held_keys(other) == own


def code_to_secret(code):
    bits = 0
    for ch in code.replace(" ", ""):
        bits = (bits << 5) | ALPHABET.index(ch)
    check = bits & 1023
    secret = (bits >> 12).to_bytes(16, "big")
    digest = hashlib.sha256(secret).digest()
    assert check == (digest[0] << 2) | (digest[1] >> 6)
    return secret


def show_transfer(page, lang):
    page.goto("/keys/add")
    page.get_by_role("button", name=WORDS[lang]["add"]).click()
    code = page.locator(".transfer-code").inner_text()
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4} ){6}[0-9A-HJKMNP-TV-Z]{4}", code), code
    return code


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_second_device_by_the_qr_codes_link(new_context, people, live_server, lang):
    first, second = phone(new_context, lang), phone(new_context, lang)
    watch = Watch(first, second)
    user = people.signup(first, "Alex")
    page = open_app(first, "/more")
    keys = given_keys(page)
    code = show_transfer(page, lang)
    shot(page, f"add-{lang}")
    secret = code_to_secret(code)
    url = f"{live_server.url}/keys/add#t={base64.urlsafe_b64encode(secret).rstrip(b'=').decode()}"
    # The QR code shows exactly that link (the app's encoder is deterministic).
    shown = page.locator("svg.qr path").get_attribute("d")
    drawn = page.evaluate(
        """async (url) => { const { encode, toSvg } = await import('/frontend/js/qr.js');
        return toSvg(encode(url), '').querySelector('path').getAttribute('d'); }""",
        url,
    )
    assert shown == drawn
    log_in(second, user)
    other = second.new_page()
    other.goto(url)
    other.get_by_text(WORDS[lang]["readable"]).wait_for()
    shot(other, f"add-received-{lang}")
    assert "#" not in other.url
    assert held_keys(other) == keys
    assert second.request.get("/api/keys/transfer").json() == {"blob": None, "expires_at": None}  # used: gone
    watch.never(secret.hex(), url.split("#t=")[1], code, code.replace(" ", ""))


def test_a_second_device_by_the_typed_code_and_after_login(new_context, people, live_server):
    first, second = new_context(), new_context()
    watch = Watch(first, second)
    user = people.signup(first, "Alex")
    page = open_app(first, "/more")
    keys = given_keys(page)
    code = show_transfer(page, "en")
    log_in(second, user)
    other = open_app(second, "/keys/unlock")
    field = other.locator("input[name=transfer-code]")
    field.fill(code[:-1] + ("0" if code[-1] != "0" else "1"))  # one character off: the check catches it
    other.get_by_role("button", name="Use this code").click()
    other.get_by_text("That code isn't right").wait_for()
    assert held_keys(other) == {}  # nothing: no phone hands keys to a device that only logged in
    field.fill(code.lower().replace(" ", "-"))  # dashes, lower case: the same code
    other.get_by_role("button", name="Use this code").click()
    other.get_by_text(WORDS["en"]["readable"]).wait_for()
    assert held_keys(other) == keys
    assert not field.is_visible()  # done: the forms are put away
    # Used once: the same code again (the screen opened anew) finds nothing waiting.
    other.goto("/keys/unlock")
    field.fill(code)
    other.get_by_role("button", name="Use this code").click()
    other.get_by_text("No keys are waiting").wait_for()

    # The link opened signed out: kept through the login, then used.
    code = show_transfer(page, "en")
    secret = base64.urlsafe_b64encode(code_to_secret(code)).rstrip(b"=").decode()
    third = new_context()
    watch3 = Watch(third)
    fresh = third.new_page()
    fresh.goto(f"/keys/add#t={secret}")
    fresh.locator("input[name=email]").wait_for()
    assert "#" not in fresh.url
    fresh.locator("input[name=email]").fill(user["email"])
    fresh.locator("input[name=password]").fill(PASSWORD)
    fresh.locator("form button[type=submit]").click()
    fresh.get_by_text(WORDS["en"]["readable"]).wait_for()
    assert held_keys(fresh) == keys
    for w in (watch, watch3):
        w.never(secret, code, code.replace(" ", ""))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_safety_code_is_the_same_on_both_phones(new_context, people, lang):
    first, second = phone(new_context, lang), phone(new_context, lang)
    people.pair(first, second)
    a = open_app(first, "/keys/safety")
    b = open_app(second, "/keys/safety")
    b.locator(".safety-code").wait_for()
    a.reload()
    a.locator(".safety-code").wait_for()
    codes = [p.locator(".safety-code").all_inner_texts() for p in (a, b)]
    assert len(codes[0]) == 1 and codes[0] == codes[1]
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", codes[0][0])
    # The code is SHA-256 over both devices' public keys, as the directory lists them.
    devices = first.request.get("/api/keys").json()["devices"]
    raws = sorted(ec.from_b64url(d["public_key"]) for d in devices)
    digest = hashlib.sha256(raws[0] + raws[1]).digest()
    want = str(int.from_bytes(digest[:8], "big") % 10**16).zfill(16)
    assert codes[0][0].replace(" ", "") == want
    shot(a, f"safety-{lang}")


@pytest.mark.usefixtures("encryption_on")
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_invite_links_fragment_carries_the_couple_key_and_never_a_request(new_context, people, live_server, lang):
    first, second = phone(new_context, lang), phone(new_context, lang)
    watch = Watch(first, second)
    people.signup(first, "Alex")
    people.signup(second, "Sam")
    page = open_app(first, "/pair")
    page.locator(".card button.btn.primary.wide").first.click()  # start a couple
    link = page.locator("input[name=invite-url]")
    wait_until(page, "() => document.querySelector('input[name=invite-url]')?.value.includes('#ck=')")
    url = link.input_value()
    shot(page, f"invite-{lang}")
    fragment = dict(part.split("=", 1) for part in url.split("#", 1)[1].split("&"))
    key_id = f"c{fragment['e']}"  # a couple's first epoch is random (services/couples.py first_key_epoch)
    assert int(fragment["e"]) >= 1 and len(ec.from_b64url(fragment["ck"])) == 32
    assert key_id == f"c{first.request.get('/api/keys').json()['couple_epoch']}"
    assert held_keys(page)[key_id] == fragment["ck"]  # the key in the link is the one this phone keeps
    joiner = second.new_page()
    joiner.goto(url)
    joiner.locator("form button[type=submit]").wait_for()
    assert "#" not in joiner.url
    joiner.locator("form button[type=submit]").click()
    wait_until(joiner, "() => location.pathname === '/'")
    assert held_keys(joiner)[key_id] == fragment["ck"]
    watch.never(fragment["ck"], "#ck=")
    # Sealed on one phone, opened on the other.
    envelope = page.evaluate(SEAL, [key_id, ENTRY, "our words"])
    assert joiner.evaluate(OPEN, [envelope, ENTRY]) == "our words"


@pytest.mark.usefixtures("encryption_on")
def test_a_former_couples_key_stays_beside_the_new_couples_in_the_link(new_context, people):
    """A phone that held c1 from a former couple: the new couple's first epoch is random, so the link carries
    the new couple's own key under its own id and the old key stays for the old entries."""
    first = new_context()
    people.signup(first, "Alex")
    page = open_app(first, "/pair")
    old = {"c1": some_keys()["c1"]}  # (the keyring makes this phone's own p1)
    page.evaluate(GIVE, old)
    page.locator(".card button.btn.primary.wide").first.click()
    link = page.locator("input[name=invite-url]")
    wait_until(page, "() => document.querySelector('input[name=invite-url]')?.value.includes('#ck=')")
    fragment = dict(part.split("=", 1) for part in link.input_value().split("#", 1)[1].split("&"))
    assert fragment["e"] != "1" and fragment["ck"] != old["c1"]
    held = held_keys(page)
    assert held["c1"] == old["c1"] and held[f"c{fragment['e']}"] == fragment["ck"]


ME_SAYS_ENCRYPTION = """() => new Promise((resolve) => {
  const open = indexedDB.open("hearth");
  open.onsuccess = () => {
    const got = open.result.transaction("meta").objectStore("meta").get("me");
    got.onsuccess = () => resolve(got.result?.encryption === true);
  };
})"""

MESSAGES = {
    "en": {
        "length": "A recovery phrase has twelve words",
        "word": "Word 12 isn't one we use",
        "checksum": "These words aren't quite right",
        "offline": "You seem to be offline",
        "none": "No keys are waiting",
    },
    "ru": {
        "length": "Во фразе восстановления двенадцать слов",
        "word": "Слова 12 нет в нашем списке",
        "checksum": "Слова не совсем те",
        "offline": "Похоже, нет интернета",
        "none": "Ключи не ждут",
    },
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_each_mistake_is_said_plainly_and_offline_nothing_changes(new_context, people, lang):
    first = phone(new_context, lang)
    people.signup(first, "Alex")
    page = open_app(first, "/keys/unlock")
    own = held_keys(page)  # Alex's own p1, where the server seals words: nothing below changes it
    words = ec.entropy_to_words(bytes(range(16)))
    box = page.locator("textarea[name=phrase]")
    problem = page.locator("form .notice").first
    button = page.get_by_role("button", name=WORDS[lang]["unlock"], exact=True)
    for typed, said in (
        (words[:11], "length"),
        (words[:11] + ["qqqq"], "word"),
        (words[:11] + [not_a_phrase(words)], "checksum"),
    ):
        box.fill(" ".join(typed))
        button.click()
        problem.get_by_text(MESSAGES[lang][said]).wait_for()
    shot(page, f"unlock-mistake-{lang}")
    # A well-formed phrase, offline: the connection is named; nothing stored.
    go_offline(first)
    box.fill(" ".join(words))
    button.click()
    problem.get_by_text(MESSAGES[lang]["offline"]).wait_for()
    go_online(first)
    # Online, a code with nothing waiting on the server (none was made).
    code = page.locator("input[name=transfer-code]")
    secret = bytes(range(16))
    digest = hashlib.sha256(secret).digest()
    bits = (int.from_bytes(secret, "big") << 12) | (digest[0] << 2) | (digest[1] >> 6)
    code.fill("".join(ALPHABET[(bits >> 5 * i) & 31] for i in range(27, -1, -1)))
    page.get_by_role("button", name=WORDS[lang]["use"]).click()
    page.locator("form .notice").nth(1).get_by_text(MESSAGES[lang]["none"]).wait_for()
    assert held_keys(page) == own


def confirm(page, words, lang="en"):
    page.get_by_role("button", name=WORDS[lang]["wrote"]).click()
    asked = page.locator("form input[name^=word-]")
    for i in range(3):
        asked.nth(i).fill(words[int(asked.nth(i).get_attribute("name").split("-")[1]) - 1])
    page.get_by_role("button", name=WORDS[lang]["confirm"]).click()
    page.get_by_text(WORDS[lang]["done"]).wait_for()


def test_a_new_phrase_keeps_the_keys_the_old_blob_held(new_context, people):
    first = new_context()
    user = people.signup(first, "Alex")
    page = open_app(first, "/more")
    mine = given_keys(page)
    words = set_up_phrase(page, "en")
    confirm(page, words)
    # Another phone of Alex's sealed a key this one never got into the blob, with the same words.
    elsewhere = ec.new_content_key()
    raw = {k: ec.from_b64url(v) for k, v in mine.items()}
    blob = ec.seal_recovery(ec.words_to_entropy(words), user["id"], {**raw, "c2": elsewhere})
    assert first.request.put("/api/keys/recovery", data={"blob": blob}).status == 204
    page.goto("/keys/phrase")
    page.get_by_role("button", name="Make a new phrase").click()
    newer = page.locator("ol.phrase li").all_inner_texts()
    assert newer != words
    confirm(page, newer)
    blob = first.request.get("/api/keys/recovery").json()["blob"]
    assert ec.open_recovery(ec.words_to_entropy(newer), user["id"], blob) == {**raw, "c2": elsewhere}


@pytest.mark.usefixtures("encryption_on")
def test_two_keyring_rounds_at_once_make_each_key_once(new_context, people):
    """The keyring's rounds run one at a time (the sync's and the invite screen's, or two tabs'): two at once each
    found the personal key missing, each made one, and the server refused the slower one's copies (409
    key_exists, an error in the console; seen in CI on the pairing screen)."""
    context = new_context()
    people.signup(context, "Alex")
    page = context.new_page()
    me_blocked = [True]  # until the two rounds start: the app's own sync waits for /api/me
    page.route("**/api/me", lambda route: route.abort() if me_blocked[0] else route.continue_())
    answers = []
    page.on("response", lambda r: answers.append((r.request.method, r.url.split("/api/")[-1], r.status)))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    me_blocked[0] = False
    outcomes = page.evaluate(
        """async () => {
          const me = await (await fetch('/api/me')).json();
          const ring = await import('/frontend/js/crypto/keyring.js');
          const { clientId } = await import('/frontend/js/sync.js');
          const deviceId = await clientId();
          const rounds = [1, 2].map(() => ring.prepare({ deviceId, user: me.user, couple: me.couple }));
          const settled = await Promise.allSettled(rounds);
          return [...settled.map((s) => s.status), ring.state()];
        }"""
    )
    assert outcomes == ["fulfilled", "fulfilled", "ready"], outcomes
    assert not [a for a in answers if a[2] == 409], answers
    assert answers.count(("PUT", "keys/wrapped", 200)) == 1, answers  # p1 made and wrapped for this device, once
