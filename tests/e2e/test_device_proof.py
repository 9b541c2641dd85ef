"""A device the server lists is not handed the keys (issue 15, docs/encryption.md "The device proof"): a browser
logged in with the password alone, while the person's other phone and the partner's phone are open and syncing,
gets no key from either, nor does a device listed as the partner's that never proved itself; the QR's typed code
or the recovery phrase unlocks the browser, it then proves itself (its proofs are the bytes tests/e2e_crypto.py
makes), and the next couple key reaches it by itself, not the unproven device. Three browser contexts at 390x844
(Alex's phone, Alex's new browser, Sam's phone), the test's fixed instant, English and Russian. Failed before the
fix: Alex's open phone wrapped every key for the new browser within a round."""

import pytest
from sqlalchemy import select

import e2e_crypto as ec
from backend.extensions import db
from backend.models import WrappedKey
from key_material import PhoneDevice

from .e2e_keys import KEY_HEX
from .e2e_support import LOOK_NOW, open_app, settle
from .test_keys_screens import GIVE, WORDS, show_transfer
from .test_unlock import HELD, W, new_epoch, phone, ready, set_up_phrase, shot, sign_in, write

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("encryption_on")]

SHARED = "Osprey-marker 5d20: the bread we baked"
JOURNAL = "Kestrel-marker 93aa: only mine to read"
LATER = "Plover-marker 0c4e: after the new key"
CLIENT = "() => import('/frontend/js/sync.js').then((m) => m.clientId())"


def listed(context, device_id):
    [device] = [d for d in context.request.get("/api/keys").json()["devices"] if d["device_id"] == device_id]
    return device


def look(*pages, rounds=1):
    """Each open phone asks the key directory now and syncs, as it does by itself on its timer."""
    for _ in range(rounds):
        for page in pages:
            page.evaluate(LOOK_NOW)
        for page in pages:
            settle(page)
            page.wait_for_timeout(500)


def copies_for(live_server, device_id):
    """(key id, the device that wrapped it) of each copy wrapped for `device_id`."""
    with live_server.app.app_context():
        rows = db.session.execute(
            select(WrappedKey.key_id, WrappedKey.by_device).where(WrappedKey.device_id == device_id)
        )
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("way", ["code", "phrase"])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_browser_with_the_password_alone_gets_no_keys_until_the_code_or_the_phrase(
    new_context, people, live_server, lang, way
):
    first, partner = phone(new_context, lang), phone(new_context, lang)
    alex, sam = people.pair(first, partner)
    a, s = open_app(first), open_app(partner)
    ready(a)
    ready(s)
    write(a, "appreciation", {"text": SHARED})
    write(a, "journal", {"text": JOURNAL}, visibility="private")
    words = set_up_phrase(a, lang) if way == "phrase" else None
    a_id, s_id = a.evaluate(CLIENT), s.evaluate(CLIENT)
    # Each phone proved itself once it held the keys: its proofs are the design's HMACs of its own entry.
    for _ in range(60):
        if listed(first, a_id)["couple_proof"] and listed(partner, s_id)["couple_proof"]:
            break
        look(a, s)
    epoch = first.request.get("/api/keys").json()["couple_epoch"]
    p1 = bytes.fromhex(a.evaluate(KEY_HEX, "p1"))
    couple = bytes.fromhex(a.evaluate(KEY_HEX, f"c{epoch}"))
    mine = listed(first, a_id)
    assert mine["personal_proof"] == ec.device_proof(p1, "p1", alex["id"], a_id, mine["public_key"])
    assert mine["couple_proof"] == ec.device_proof(couple, f"c{epoch}", alex["id"], a_id, mine["public_key"])
    theirs = listed(first, s_id)
    assert theirs["couple_proof"] == ec.device_proof(couple, f"c{epoch}", sam["id"], s_id, theirs["public_key"])
    look(a, s)  # both phones have now seen the other's proof

    # A device the server lists as Sam's on its own (a key pair made here, never given a key) ...
    fake = PhoneDevice()
    assert partner.request.post("/api/keys/devices", data=fake.body()).status == 201
    # ... and Alex logs in on a new browser with her password alone, while her phone and Sam's are open and syncing.
    second = phone(new_context, lang)
    b = open_app(second)
    sign_in(b, alex["email"])
    b.get_by_text(W[lang]["locked"]).wait_for(timeout=30_000)  # sent to unlock: it lacks her keys
    b_id = b.evaluate(CLIENT)
    look(a, s, b, rounds=6)
    assert copies_for(live_server, b_id) == [], {"alex": a_id, "sam": s_id}
    assert b.evaluate(HELD) == []  # neither her phone nor Sam's wrapped a key for it
    assert copies_for(live_server, fake.device_id) == [], {"alex": a_id, "sam": s_id}  # nor the one listed as Sam's
    assert listed(second, b_id)["personal_proof"] is None
    b.goto("/appreciate")
    b.locator("#view").wait_for()
    b.wait_for_timeout(500)
    assert SHARED not in b.content()
    shot(b, f"proof-no-keys-{way}-{lang}")

    # The typed code from her phone, or her recovery phrase: now it reads, and proves itself.
    b.goto("/keys/unlock")
    if way == "code":
        code = show_transfer(a, lang)
        b.locator("input[name=transfer-code]").fill(code)
        b.get_by_role("button", name=WORDS[lang]["use"]).click()
    else:
        b.locator("textarea[name=phrase]").fill(" ".join(words))
        b.get_by_role("button", name=W[lang]["unlock"], exact=True).click()
    b.get_by_text(W[lang]["readable"]).wait_for()
    b.goto("/appreciate")
    b.get_by_text(SHARED).wait_for(timeout=30_000)
    b.goto("/journal")
    b.get_by_text(JOURNAL).wait_for(timeout=30_000)
    for _ in range(60):
        if listed(second, b_id)["couple_proof"]:
            break
        look(b)
    proven = listed(first, b_id)
    assert proven["personal_proof"] == ec.device_proof(p1, "p1", alex["id"], b_id, proven["public_key"])

    # The next couple key (a device of Alex's removed) reaches the proven browser by itself: Sam's words sealed
    # with it open there.
    new_epoch(first, live_server)
    for _ in range(60):
        if all(f"c{epoch + 1}" in page.evaluate(HELD) for page in (b, s)):
            break
        look(a, s, b)
    assert f"c{epoch + 1}" in b.evaluate(HELD)
    assert copies_for(live_server, fake.device_id) == [], {"alex": a_id, "sam": s_id, "new": b_id}  # proven only
    later = write(s, "appreciation", {"text": LATER})
    [row] = live_server.entries(id=later)
    assert row.body["text"].startswith(f"e1.c{epoch + 1}.")
    b.goto("/appreciate")
    b.get_by_text(LATER).wait_for(timeout=30_000)
    shot(b, f"proof-unlocked-{way}-{lang}")


def test_a_key_that_arrives_while_a_round_runs_waits_for_that_rounds_judgement(new_context, people, live_server):
    """A round of the keyring judges which devices may get keys with the keys it holds as it starts; a key that
    arrives meanwhile (the typed code or the phrase, used while the round runs) waited for nothing: a new browser
    holding no couple key judged Sam's unproven devices a first pairing (no proof can check out without one),
    and then wrapped the couple key that had just arrived for each, a device the server listed as Sam's among
    them. Here the round is held at its one request in between (its try at the personal key, refused: the
    person has it elsewhere) while Alex's keys arrive. Failed before the fix: the listed device got the key."""
    first, partner = phone(new_context, "en"), phone(new_context, "en")
    alex, _sam = people.pair(first, partner)
    a, s = open_app(first), open_app(partner)
    ready(a)
    ready(s)
    fake = PhoneDevice()
    assert partner.request.post("/api/keys/devices", data=fake.body()).status == 201
    second = phone(new_context, "en")
    b = open_app(second)
    sign_in(b, alex["email"])
    b.get_by_text(W["en"]["locked"]).wait_for(timeout=30_000)
    b_id = b.evaluate(CLIENT)
    epoch = first.request.get("/api/keys").json()["couple_epoch"]
    keys = {k: ec.b64url(bytes.fromhex(a.evaluate(KEY_HEX, k))) for k in ("p1", f"c{epoch}")}

    held = []
    b.route(
        "**/api/keys/wrapped", lambda r: held.append(r) if r.request.method == "PUT" and not held else r.continue_()
    )
    b.evaluate(LOOK_NOW)
    for _ in range(100):
        if held:
            break
        b.wait_for_timeout(100)
    assert held, "the round never tried the personal key"
    b.evaluate(GIVE, keys)  # the keys arrive while the round waits
    held[0].continue_()
    look(b, rounds=3)
    b.unroute("**/api/keys/wrapped")
    assert sorted(b.evaluate(HELD)) == sorted(keys)
    assert copies_for(live_server, fake.device_id) == [], {"new": b_id}
