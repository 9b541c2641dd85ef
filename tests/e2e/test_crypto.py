"""The phone's crypto (frontend/js/crypto/) in real Chromium: envelopes, wrapped keys, the device keystore, the
recovery phrase and the safety code, cross-checked against the `cryptography` package (tests/e2e_crypto.py),
so the phone provably uses the standard primitives the design names and a server test can make its bytes."""

import hashlib
import json
import os
from pathlib import Path

import pytest

import e2e_crypto as ec

from .e2e_support import wait_until
from .test_web import static_graph, worker_constants

pytestmark = pytest.mark.e2e
VECTORS = json.loads((Path(__file__).parent / "bip39_vectors.json").read_text())["vectors"]
ENTRY = {"entryId": "6f1c2a4e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "kind": "journal", "field": "text"}
CTX = (ENTRY["entryId"], ENTRY["kind"], ENTRY["field"])

# Every evaluate gets the three modules and two byte helpers as `C` (the modules load on demand, like the app's).
LOAD = """async () => {
  const [P, K, R, B] = await Promise.all([
    import('/frontend/js/crypto/primitives.js'), import('/frontend/js/crypto/keystore.js'),
    import('/frontend/js/crypto/recovery.js'), import('/frontend/js/crypto/bip39-en.js')]);
  window.C = { P, K, R, B, hex: (b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(''),
    unhex: (h) => Uint8Array.from(h.match(/../g) || [], (x) => parseInt(x, 16)),
    // What a failure was: a TamperedError is expected, anything else (or text) is a defect.
    outcome: async (promise) => { try { return { text: await promise }; } catch (e) { return { error: e.name, code: e.code ?? null, index: e.index ?? null }; } } };
}"""


MODULES = ["primitives.js", "keystore.js", "recovery.js", "bip39-en.js", "keyring.js", "sealing.js", "sync-keys.js"]


def test_the_crypto_loads_on_demand_and_is_precached_for_offline(live_server):
    _, precache = worker_constants(live_server)
    urls = {f"/frontend/js/crypto/{name}" for name in MODULES}
    assert urls <= set(precache)
    assert not urls & static_graph(live_server, "/frontend/js/main.js"), "the shell must not import the crypto"


def phone(context):
    page = context.new_page()
    page.goto("/")
    wait_until(page, "() => document.readyState === 'complete'")
    page.evaluate(LOAD)
    return page


@pytest.fixture
def page(new_context):
    return phone(new_context())


def seal(page, raw_key, text, entry=ENTRY, key_id="c1"):
    return page.evaluate(
        """async ([raw, keyId, entry, text]) => C.P.sealText(await C.P.importRaw(raw), keyId, entry, text)""",
        [ec.b64url(raw_key), key_id, entry, text],
    )


def open_on(page, raw_key, envelope, entry=ENTRY):
    return page.evaluate(
        """async ([raw, envelope, entry]) => C.outcome(C.P.openText(await C.P.importRaw(raw), envelope, entry))""",
        [ec.b64url(raw_key), envelope, entry],
    )


TEXTS = {
    "english": "I felt unseen at dinner, and I need us to put the phones away.",
    "emoji": "I ❤️ you 😀 👩‍❤️‍👨 🏳️‍🌈",
    "cyrillic": "Мне было одиноко вчера вечером, и мне нужно, чтобы ты меня обнял.",
    "empty": "",
    "longest field (a journal: 5000 four-byte characters)": "😀" * 5000,
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_an_envelope_opens_to_exactly_its_text(page, text):
    key = ec.new_content_key()
    envelope = seal(page, key, text)
    assert ec.ENVELOPE.match(envelope) and envelope.startswith("e1.c1.")
    assert open_on(page, key, envelope) == {"text": text}
    size = len(ec.from_b64url(envelope.split(".")[2]))
    assert size == 12 + 16 + len(ec.pad(text.encode()))
    if len(text) == 5000:
        assert size == ec.max_envelope_bytes(5000)  # the server's cap for a 5000-character field, met exactly


def test_the_same_text_never_seals_to_the_same_envelope(page):
    key = ec.new_content_key()
    assert seal(page, key, "same words") != seal(page, key, "same words")  # a fresh iv each time


def test_tampering_other_context_or_key_is_refused_never_shown(page):
    key = ec.new_content_key()
    envelope = seal(page, key, "the secret")
    body = envelope.split(".")[2]
    flipped = body[:30] + ("A" if body[30] != "A" else "B") + body[31:]
    cases = {
        "ciphertext": (key, f"e1.c1.{flipped}", ENTRY),
        "tag cut": (key, envelope[:-4], ENTRY),
        # The key id is not in the AAD (the design's): relabelled, the phone looks up and tries c2's key.
        "other key id": (ec.new_content_key(), envelope.replace("e1.c1.", "e1.c2."), ENTRY),
        "other entry": (key, envelope, {**ENTRY, "entryId": "7f1c2a4e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"}),
        "other kind": (key, envelope, {**ENTRY, "kind": "disclosure"}),
        "other field": (key, envelope, {**ENTRY, "field": "answers.0.text"}),
        "wrong key": (ec.new_content_key(), envelope, ENTRY),
        "not an envelope": (key, "the secret", ENTRY),
        "no body": (key, "e1.c1.", ENTRY),
    }
    for name, (raw, value, entry) in cases.items():
        got = open_on(page, raw, value, entry)
        assert got == {"error": "TamperedError", "code": "tampered", "index": None}, name
    assert open_on(page, key, envelope) == {"text": "the secret"}  # the untouched one still opens


@pytest.mark.parametrize(
    "padded",
    [b"no marker at all".ljust(32, b"x"), b"hi\x80" + bytes(29) + bytes(32), b"\xff\xfe\x80".ljust(32, b"\0")],
    ids=["no 0x80", "two buckets of padding", "not UTF-8"],
)
def test_a_validly_sealed_but_badly_padded_text_is_refused(page, padded):
    # Sealed with the right key and context (the tag is good): only the phone's padding check can catch it.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key, iv = ec.new_content_key(), os.urandom(12)
    envelope = "e1.c1." + ec.b64url(iv + AESGCM(key).encrypt(iv, padded, ec.envelope_aad(*CTX)))
    assert open_on(page, key, envelope)["error"] == "TamperedError"


def test_padding_hides_lengths_within_32_byte_buckets(page):
    sizes = page.evaluate("""async () => {
        const key = await C.P.newContentKey();
        const sizes = [];
        for (let n = 0; n <= 96; n++) sizes.push((await C.P.sealText(key, 'p1', { entryId: 'e', kind: 'journal', field: 'text' }, 'a'.repeat(n))).length);
        return sizes;
      }""")
    # 0–31 bytes of text look the same, 32–63 the same, 64–95 the same: one size per bucket.
    assert len(set(sizes[0:32])) == 1 and len(set(sizes[32:64])) == 1 and len(set(sizes[64:96])) == 1
    assert sizes[0] < sizes[32] < sizes[64] < sizes[96]
    assert sizes[0] == len("e1.p1.") + 80  # 12 + 32 + 16 bytes


def test_python_opens_the_phones_envelope_and_the_phone_opens_pythons(page):
    key = ec.new_content_key()
    text = "Спасибо, что выслушал 🙏"
    from_phone = seal(page, key, text)
    assert ec.open_text(key, from_phone, *CTX) == text
    from_python = ec.seal_text(key, "p7", *CTX, text)
    assert open_on(page, key, from_python) == {"text": text}
    # A key made on the phone, exported raw: the same 32 bytes Python uses.
    raw = page.evaluate("async () => C.P.encodeBase64url(await C.P.exportRaw(await C.P.newContentKey()))")
    assert len(ec.from_b64url(raw)) == 32


def device_public(page):
    return page.evaluate("() => C.K.publicKeyRaw()")


def test_a_key_wrapped_for_another_device_lets_it_read(new_context):
    a, b = phone(new_context()), phone(new_context())
    # B "registers" its public key: here the test carries it to A, as the key directory will.
    b_public = device_public(b)
    assert len(b_public) == 87 and ec.from_b64url(b_public)[0] == 4
    sealed = a.evaluate(
        """async ([bPublic, entry]) => {
          const key = await C.P.newContentKey();
          await C.K.putContentKey('c1', key);
          const envelope = await C.P.sealText(await C.K.contentKey('c1'), 'c1', entry, 'only we can read this');
          return { envelope, blob: await C.P.wrapFor(bPublic, 'device-b', 'c1', key) };
        }""",
        [b_public, ENTRY],
    )
    assert ec.WRAPPED.match(sealed["blob"]) and len(sealed["blob"]) == 170
    read = b.evaluate(
        """async ([blob, envelope, entry]) => {
          const { privateKey } = await C.K.deviceKeys();
          await C.K.putContentKey('c1', await C.P.unwrap(privateKey, 'device-b', 'c1', blob));
          return C.P.openText(await C.K.contentKey('c1'), envelope, entry);
        }""",
        [sealed["blob"], sealed["envelope"], ENTRY],
    )
    assert read == "only we can read this"
    # Not for A's own key, nor for B under another device id or key id.
    for page, device, key_id in ((a, "device-b", "c1"), (b, "device-a", "c1"), (b, "device-b", "c2")):
        got = page.evaluate(
            """async ([blob, device, keyId]) => C.outcome(C.P.unwrap((await C.K.deviceKeys()).privateKey, device, keyId, blob))""",
            [sealed["blob"], device, key_id],
        )
        assert got["error"] == "TamperedError", (device, key_id)


def test_python_and_the_phone_wrap_keys_for_each_other(page):
    content = ec.new_content_key()
    blob = ec.wrap_for(device_public(page), "phone-1", "p1", content)
    got = page.evaluate(
        """async (blob) => C.P.encodeBase64url(await C.P.exportRaw(await C.P.unwrap((await C.K.deviceKeys()).privateKey, 'phone-1', 'p1', blob)))""",
        blob,
    )
    assert ec.from_b64url(got) == content
    python_device = ec.new_device_key()
    from_phone = page.evaluate(
        "async ([pub, raw]) => C.P.wrapFor(pub, 'py-1', 'c4', C.P.decodeBase64url(raw))",
        [ec.b64url(ec.public_raw(python_device)), ec.b64url(content)],
    )
    assert ec.unwrap(python_device, "py-1", "c4", from_phone) == content


def test_the_device_key_cannot_be_read_out_and_survives_a_reload(new_context):
    context = new_context()
    page = phone(context)
    before = page.evaluate("""async () => {
        const { privateKey, publicKey } = await C.K.deviceKeys();
        const refused = [];
        for (const format of ['pkcs8', 'jwk']) {
          try { await crypto.subtle.exportKey(format, privateKey); } catch (e) { refused.push(e.name); }
        }
        await C.K.putContentKey('p1', await C.P.importRaw(new Uint8Array(32).fill(7)));
        return { extractable: privateKey.extractable, refused, public: await C.K.publicKeyRaw(), type: publicKey.type };
      }""")
    assert before["extractable"] is False and before["refused"] == ["InvalidAccessError", "InvalidAccessError"]
    blob = ec.wrap_for(before["public"], "this-phone", "c1", bytes(range(32)))
    page.reload()
    wait_until(page, "() => document.readyState === 'complete'")
    page.evaluate(LOAD)
    after = page.evaluate(
        """async (blob) => {
          const { privateKey } = await C.K.deviceKeys();
          const key = await C.P.unwrap(privateKey, 'this-phone', 'c1', blob);
          return { public: await C.K.publicKeyRaw(), extractable: privateKey.extractable,
                   unwrapped: C.hex(await C.P.exportRaw(key)), kept: C.hex(await C.P.exportRaw(await C.K.contentKey('p1'))),
                   ids: Object.keys(await C.K.contentKeys()) };
        }""",
        blob,
    )
    assert after["public"] == before["public"] and after["extractable"] is False
    assert after["unwrapped"] == bytes(range(32)).hex() and after["kept"] == "07" * 32 and after["ids"] == ["p1"]
    # A second tab of the same browser is the same device.
    assert device_public(phone(context)) == before["public"]


def test_the_device_key_survives_a_browser_restart(playwright_instance, live_server, tmp_path):
    from .conftest import ARGS, CHROMIUM, PHONE

    def start():
        return playwright_instance.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=ARGS,
            headless=True,
            base_url=live_server.url,
            viewport=PHONE,
        )

    browser = start()
    first = device_public(phone(browser))
    browser.close()
    browser = start()
    try:
        page = phone(browser)
        assert device_public(page) == first
        blob = ec.wrap_for(first, "this-phone", "c1", bytes(32))
        got = page.evaluate(
            "async (blob) => C.hex(await C.P.exportRaw(await C.P.unwrap((await C.K.deviceKeys()).privateKey, 'this-phone', 'c1', blob)))",
            blob,
        )
        assert got == "00" * 32
    finally:
        browser.close()


def test_two_tabs_starting_at_once_make_one_device_key(page):
    # Two copies of the keystore module (other URLs) in one page: each makes a pair; one add() wins, both return it.
    got = page.evaluate("""async () => {
        const [one, two] = await Promise.all([import('/frontend/js/crypto/keystore.js?tab=1'), import('/frontend/js/crypto/keystore.js?tab=2')]);
        const keys = await Promise.all([one.publicKeyRaw(), two.publicKeyRaw()]);
        return [...keys, await C.K.publicKeyRaw()];
      }""")
    assert got[0] == got[1] == got[2]


def test_a_key_id_keeps_its_first_key(page):
    got = page.evaluate("""async () => {
        const first = await C.P.newContentKey();
        await C.K.putContentKey('c5', first);
        await C.K.putContentKey('c5', await C.P.importRaw(await C.P.exportRaw(first)));  // the same again: fine
        const other = await C.outcome(C.K.putContentKey('c5', await C.P.newContentKey()));
        return { other, kept: C.hex(await C.P.exportRaw(await C.K.contentKey('c5'))) === C.hex(await C.P.exportRaw(first)) };
      }""")
    assert got == {"other": {"error": "KeyConflictError", "code": "key_conflict", "index": None}, "kept": True}


def test_forget_wipes_the_keys(page):
    got = page.evaluate("""async () => {
        const first = await C.K.publicKeyRaw();
        await C.K.putContentKey('c3', await C.P.newContentKey());
        await C.K.forget();
        return { gone: await C.K.contentKey('c3'), fresh: (await C.K.publicKeyRaw()) !== first };
      }""")
    assert got == {"gone": None, "fresh": True}


def test_the_word_list_in_the_browser_is_the_official_one(page):
    got = page.evaluate("""async () => {
        const text = C.B.WORDS.join('\\n') + '\\n';
        return { count: C.B.WORDS.length, sha: C.hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))) };
      }""")
    assert got == {"count": 2048, "sha": hashlib.sha256(ec.word_list_text().encode()).hexdigest()}
    assert got["sha"] == "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"


def test_the_phrase_matches_the_bip39_vectors(page):
    got = page.evaluate(
        """async (vectors) => Promise.all(vectors.map(async ([entropy, mnemonic]) => ({
          words: (await C.R.entropyToWords(C.unhex(entropy))).join(' '),
          entropy: C.hex(await C.R.phraseToEntropy(mnemonic)) })))""",
        VECTORS,
    )
    assert got == [{"words": mnemonic, "entropy": entropy} for entropy, mnemonic in VECTORS]


def test_a_new_phrase_round_trips_and_a_wrong_one_is_refused(page):
    got = page.evaluate("""async () => {
        const { entropy, words } = await C.R.newPhrase();
        const back = await C.R.phraseToEntropy(words);
        const typed = await C.R.phraseToEntropy('  ' + words.join('   ').toUpperCase() + '\\n');
        const wrong = [...words]; wrong[4] = 'hearth';
        return { entropy: C.hex(entropy), words, back: C.hex(back), typed: C.hex(typed),
          unknown: await C.outcome(C.R.phraseToEntropy(wrong)),
          checksum: await C.outcome(C.R.phraseToEntropy(Array(12).fill('abandon'))),
          short: await C.outcome(C.R.phraseToEntropy(words.slice(0, 11))) };
      }""")
    assert len(got["words"]) == 12 and len(got["entropy"]) == 32
    assert got["back"] == got["typed"] == got["entropy"]
    assert ec.entropy_to_words(bytes.fromhex(got["entropy"])) == got["words"]  # standard BIP39, as Python reads it
    assert got["unknown"] == {"error": "PhraseError", "code": "phrase_word", "index": 4}
    assert got["checksum"] == {"error": "PhraseError", "code": "phrase_checksum", "index": None}
    assert got["short"] == {"error": "PhraseError", "code": "phrase_length", "index": None}


def test_only_the_right_phrase_and_user_open_the_recovery_blob(page):
    keys = {"c1": ec.new_content_key(), "c2": ec.new_content_key(), "p1": ec.new_content_key()}
    entropy = os.urandom(16)
    got = page.evaluate(
        """async ([entropy, keys, other]) => {
          const sealed = {};
          for (const [id, raw] of Object.entries(keys)) sealed[id] = await C.P.importRaw(raw);
          const blob = await C.R.sealRecovery(C.unhex(entropy), 'user-1', sealed);
          const opened = await C.R.openRecovery(C.unhex(entropy), 'user-1', blob);
          const raw = {};
          for (const [id, key] of Object.entries(opened)) raw[id] = C.P.encodeBase64url(await C.P.exportRaw(key));
          const kept = await C.R.recoveryKey(C.unhex(entropy), 'user-1');
          return { blob, raw, byKey: Object.keys(await C.R.openRecovery(kept, 'user-1', blob)),
            wrongPhrase: await C.outcome(C.R.openRecovery((await C.R.newPhrase()).entropy, 'user-1', blob)),
            otherUser: await C.outcome(C.R.openRecovery(C.unhex(entropy), 'user-2', blob)),
            fromPython: Object.keys(await C.R.openRecovery(C.unhex(entropy), 'user-1', other)) };
        }""",
        [entropy.hex(), {k: ec.b64url(v) for k, v in keys.items()}, ec.seal_recovery(entropy, "user-1", keys)],
    )
    assert got["blob"].startswith("r1.")
    assert {k: ec.from_b64url(v) for k, v in got["raw"].items()} == keys
    assert ec.open_recovery(entropy, "user-1", got["blob"]) == keys  # Python opens the phone's blob
    assert sorted(got["byKey"]) == sorted(got["fromPython"]) == ["c1", "c2", "p1"]
    assert got["wrongPhrase"]["error"] == got["otherUser"]["error"] == "TamperedError"


def test_both_phones_show_the_same_safety_code_as_python(new_context):
    a, b = phone(new_context()), phone(new_context())
    a_public, b_public = device_public(a), device_public(b)
    on_a = a.evaluate("([mine, theirs]) => C.P.safetyCode(mine, theirs)", [a_public, b_public])
    on_b = b.evaluate("([mine, theirs]) => C.P.safetyCode(mine, theirs)", [b_public, a_public])
    assert on_a == on_b == ec.safety_code(a_public, b_public)
    assert len(on_a) == 19 and [len(group) for group in on_a.split(" ")] == [4, 4, 4, 4]
    other = ec.b64url(ec.public_raw(ec.new_device_key()))
    assert a.evaluate("([mine, theirs]) => C.P.safetyCode(mine, theirs)", [a_public, other]) != on_a


def test_the_phone_reads_the_known_answers(page):
    known = json.loads((Path(__file__).parent / "crypto_vectors.json").read_text(encoding="utf-8"))
    got = page.evaluate(
        """async (k) => {
          const key = await C.P.importRaw(k.content_key);
          const e = k.envelope, w = k.wrap, r = k.recovery;
          const device = await crypto.subtle.importKey('pkcs8', C.P.decodeBase64url(w.device_pkcs8), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
          const unwrapped = await C.P.unwrap(device, w.device_id, w.key_id, w.blob);
          const entropy = await C.R.phraseToEntropy(r.words);
          const keys = await C.R.openRecovery(entropy, r.user_id, r.blob);
          return {
            text: await C.P.openText(key, e.sealed, { entryId: e.entry_id, kind: e.kind, field: e.field }),
            unwrapped: C.P.encodeBase64url(await C.P.exportRaw(unwrapped)),
            entropy: C.hex(entropy),
            recovered: C.P.encodeBase64url(await C.P.exportRaw(keys.c3)),
            code: await C.P.safetyCode(k.safety.a, k.safety.b),
          };
        }""",
        known,
    )
    assert got == {
        "text": known["envelope"]["text"],
        "unwrapped": known["content_key"],
        "entropy": known["recovery"]["entropy"],
        "recovered": known["content_key"],
        "code": known["safety"]["code"],
    }
