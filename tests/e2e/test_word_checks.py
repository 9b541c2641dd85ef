"""The phone's own checks of a put's words (issue 15, docs/encryption.md "What moves to the phone"). With
sealing on, the server sees only envelopes and can cap only their size (about four times a limit for ASCII),
so a too-long or blank text put around the form (the entries API called directly, as an old client or a bug
would) is refused on the phone and never queued, with the error the server would give (422 invalid_entry,
its codes and words in the phone's language); a form that lets such a text through shows that message; a
valid text is sealed and arrives. English and Russian, at the live server's fixed instant."""

import json
import uuid

import pytest

from .e2e_keys import ready
from .e2e_support import artifacts, open_app, seed, settle, words
from .test_reveal_talk import _today_answer, unfold

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("encryption_on")]

MARKER = "Walrus-marker 3b7d: thank you for the walk"
PUT = """async ([kind, body, id]) => {
  const entries = await import('/frontend/js/entries.js');
  try {
    await entries.create(kind, body, { id });
    return null;
  } catch (err) {
    return { status: err.status, reason: err.reason, message: err.message, errors: err.errors, codes: err.codes };
  }
}"""
HELD = """async (id) => new Promise((resolve) => {
  const open = indexedDB.open('hearth');
  open.onsuccess = () => {
    const tx = open.result.transaction(['entries', 'outbox']);
    const entry = tx.objectStore('entries').get(id);
    const outbox = tx.objectStore('outbox').getAll();
    tx.oncomplete = () => resolve({ entry: entry.result || null, queued: outbox.result.map((item) => item.entry.id) });
  };
})"""
QUESTION = {"en-US": ("Today's question", "Reply"), "ru-RU": ("Вопрос дня", "Ответить")}  # question.title, talk.reply
WORDS = {  # the catalogue's error.invalid_entry, error.field.too_long (280, 200, 80) and error.field.blank
    "en-US": (
        "This entry is not valid.",
        "Keep it to 280 characters or fewer.",
        "Keep it to 200 characters or fewer.",
        "Write something here.",
        "Keep it to 80 characters or fewer.",
    ),
    "ru-RU": (
        "С этой записью что-то не так.",
        "Уложись в 280 символов.",
        "Уложись в 200 символов.",
        "Напиши здесь что-нибудь.",
        "Уложись в 80 символов.",
    ),
}


def alexs_phone(new_context, people, locale):
    """(Alex's and Sam's contexts, paired; Alex's page, holding the keys; the body of every sync request Alex's
    phone makes, its page's or its worker's)."""
    alex, sam = new_context(locale=locale), new_context()
    people.pair(alex, sam)
    sent = []
    alex.on("request", lambda r: sent.append(r.post_data or "") if r.url.endswith("/api/sync") else None)
    a = open_app(alex)
    ready(a)
    return alex, sam, a, sent


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_words_that_break_their_rules_are_refused_on_the_phone_and_never_sent(new_context, people, live_server, locale):
    invalid, too_long, too_long_feel, blank, _ = WORDS[locale]
    alex, sam, a, sent = alexs_phone(new_context, people, locale)

    # Around the form: the entries API called directly with a text one over the limit, a blank one, and a
    # disclosure whose "I feel" script breaks two rules at once.
    refused = {
        "long": ("appreciation", {"text": "x" * 281}),
        "blank": ("appreciation", {"text": " \n\t\u3000"}),
        # The love map's rule across its fields: words (not only spaces), "I don't know yet" or a pass.
        "love_map": ("love_map", {"question_id": "lovemap.1.fav-meal", "mine": "  ", "guess": "\u3000\n"}),
        "script": (
            "disclosure",
            {
                "text": "Fine",
                "category": "feeling",
                "local_date": "2026-05-01",
                "i_feel": {"feel": "x" * 201, "when": " ", "need": "a hug"},
            },
        ),
    }
    ids = {name: str(uuid.uuid4()) for name in refused}
    answers = {name: a.evaluate(PUT, [kind, body, ids[name]]) for name, (kind, body) in refused.items()}
    assert answers["long"] == {
        "status": 422,
        "reason": "invalid_entry",
        "message": invalid,
        "errors": {"body": {"text": [too_long]}},
        "codes": {"body": {"text": ["too_long"]}},
    }
    assert answers["blank"]["errors"] == {"body": {"text": [blank]}}
    assert answers["blank"]["codes"] == {"body": {"text": ["blank"]}}
    assert answers["love_map"]["errors"] == {"body": {"mine": [blank]}}
    assert answers["love_map"]["codes"] == {"body": {"mine": ["blank"]}}
    assert answers["script"]["errors"] == {"body": {"i_feel": {"feel": [too_long_feel], "when": [blank]}}}
    assert answers["script"]["codes"] == {"body": {"i_feel": {"feel": ["too_long"], "when": ["blank"]}}}
    for entry_id in ids.values():  # not on this phone's screens, not in its outbox
        assert a.evaluate(HELD, entry_id) == {"entry": None, "queued": []}

    # A form that lets a long text through (its maxlength gone, as in an older or changed screen) shows the
    # server's words for it and keeps the draft.
    a.goto("/appreciate")
    form = a.locator("form", has=a.locator('textarea[name="text"]'))
    form.locator("textarea").evaluate("(node) => node.removeAttribute('maxlength')")
    form.locator("textarea").fill("y" * 281)
    form.locator('button[type="submit"]').click()
    form.get_by_role("alert").filter(has_text=too_long).wait_for()
    assert form.locator("textarea").input_value() == "y" * 281
    a.screenshot(path=artifacts("word-checks", f"too-long-{locale[:2]}.png"))

    # A valid one goes, sealed, and opens again to its words.
    form.locator("textarea").fill(MARKER)
    form.locator('button[type="submit"]').click()
    settle(a)
    assert form.get_by_role("alert").is_hidden()
    [thanks] = live_server.entries(kind="appreciation")
    assert thanks.body["text"].startswith("e1.c") and words(a, thanks)["text"] == MARKER
    assert live_server.entries(kind="disclosure") == [] and live_server.entries(kind="love_map") == []
    carried = [json.loads(body) for body in sent if body]
    put_ids = {m["entry"]["id"] for body in carried for m in body.get("mutations", [])}
    assert thanks.id in put_ids and not put_ids & set(ids.values())
    assert not any("y" * 281 in body or "x" * 201 in body for body in sent)


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_an_entrys_own_edit_the_ritual_editor_and_a_reply_show_a_refused_put(new_context, people, live_server, locale):
    """Forms not made with entries.js composer show a refused put's message too, and keep what was typed:
    an entry's own edit (its sheet), the ritual editor and a reply in the talk after the reveal (their
    limits' maxlength gone, as in an older or changed screen). Nothing refused reaches the server."""
    _invalid, too_long, _feel, _blank, title_too_long = WORDS[locale]
    alex, sam, a, sent = alexs_phone(new_context, people, locale)
    thanks = str(uuid.uuid4())
    assert a.evaluate(PUT, ["appreciation", {"text": MARKER}, thanks]) is None
    settle(a)

    # The entry's own edit: the sheet stays open with the words and says why.
    a.goto("/appreciate")
    a.locator(f'[data-key="edit:{thanks}"]').click()
    sheet = a.locator("dialog.own-sheet")
    area = sheet.locator('textarea[name="words"]')
    area.evaluate("(node) => node.removeAttribute('maxlength')")
    area.fill("z" * 281)
    sheet.locator('button[type="submit"]').click()
    sheet.get_by_role("alert").filter(has_text=too_long).wait_for()
    assert sheet.is_visible() and area.input_value() == "z" * 281
    assert a.evaluate("() => document.activeElement.name") == "words"  # back in the words, to shorten them
    assert a.evaluate(HELD, thanks)["entry"]["body"]["text"] == MARKER  # the phone's copy is unchanged
    a.screenshot(path=artifacts("word-checks", f"own-edit-{locale[:2]}.png"))

    # The ritual editor: the title's message next to it, the form still there.
    [ritual] = [e for e in live_server.entries(kind="ritual") if e.body["type"] == "weekly_checkin"]
    a.goto(f"/rituals/{ritual.id}")
    form = a.locator("form.ritual-form")
    title = form.locator('input[name="title"]')
    title.evaluate("(node) => node.removeAttribute('maxlength')")
    title.fill("t" * 81)
    form.locator('button[type="submit"]').click()
    form.get_by_text(title_too_long).wait_for()
    assert title.get_attribute("aria-invalid") == "true" and title.input_value() == "t" * 81
    assert a.url.endswith(f"/rituals/{ritual.id}")
    a.screenshot(path=artifacts("word-checks", f"ritual-edit-{locale[:2]}.png"))

    # A reply to Sam's answer, once both answered today's question.
    seed(live_server, alex, "answer", _today_answer(alex, "The soup you made"))
    seed(live_server, sam, "answer", _today_answer(sam, "Our walk by the lake"))
    title_text, reply_label = QUESTION[locale]
    a.goto("/")
    card = unfold(a.locator("section.card", has=a.get_by_role("heading", name=title_text)))
    walk = card.locator("li.entry").filter(has_text="Our walk by the lake")
    walk.get_by_role("button", name=reply_label, exact=True).click()
    reply = walk.locator("form.reply-form")
    box = reply.locator('textarea[name="reply"]')
    box.evaluate("(node) => node.removeAttribute('maxlength')")
    box.fill("r" * 281)
    reply.locator('button[type="submit"]').click()
    reply.get_by_role("alert").filter(has_text=too_long).wait_for()
    assert box.input_value() == "r" * 281 and a.evaluate("() => document.activeElement.name") == "reply"
    a.screenshot(path=artifacts("word-checks", f"reply-{locale[:2]}.png"))

    settle(a)
    [stored] = live_server.entries(kind="appreciation")
    assert words(a, stored)["text"] == MARKER and live_server.entries(kind="reply") == []
    assert not any(cut * n in body for body in sent for cut, n in (("z", 281), ("t", 81), ("r", 281)))


SESSION = {  # rituals.start_label's start, session.your_answer, session.next, session.notes_label
    "en-US": ("Start", "Your answer", "Next", "Notes (your partner sees them too)", "Prompt 1 of", "Keep it to 2"),
    "ru-RU": ("Начать", "Твой ответ", "Дальше", "Заметки (их видите вы оба)", "Вопрос 1 из", "Уложись в 2"),
}


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_a_ritual_sessions_answer_and_note_show_a_refused_put(new_context, people, live_server, locale):
    """A session's answer and its shared notes are saved through ritual-data.js patchSession; a refused put
    (their maxlength gone, as in an older or changed screen) was a dropped promise: the prompt did not move
    and nothing said why. Now the step says why, keeps the answer and stays; the notes say why under them."""
    start, your_answer, next_label, notes_label, first_prompt, too_long = SESSION[locale]
    alex, sam, a, sent = alexs_phone(new_context, people, locale)
    a.goto("/rituals")
    a.locator('.ritual[data-type="weekly_checkin"]').get_by_role("button").filter(has_text=start).click()
    a.get_by_text(first_prompt).wait_for()

    answer = a.get_by_label(your_answer)
    answer.evaluate("(node) => node.removeAttribute('maxlength')")
    answer.fill("a" * 2001)
    a.get_by_role("button", name=next_label, exact=True).click()
    a.get_by_role("alert").filter(has_text=too_long).wait_for()
    assert a.get_by_text(first_prompt).is_visible() and answer.input_value() == "a" * 2001
    assert a.evaluate("() => document.activeElement.tagName") == "TEXTAREA"
    a.screenshot(path=artifacts("word-checks", f"session-answer-{locale[:2]}.png"))

    notes = a.get_by_label(notes_label)
    notes.evaluate("(node) => node.removeAttribute('maxlength')")
    notes.fill("n" * 2001)
    notes.blur()  # the note is saved when it loses focus
    notes.locator("xpath=..").get_by_role("alert").filter(has_text=too_long).wait_for()
    assert notes.input_value() == "n" * 2001

    # Shortened, the answer goes and the session moves on.
    answer.fill("The walk by the lake")
    a.get_by_role("button", name=next_label, exact=True).click()
    a.get_by_text(first_prompt.replace("1", "2")).wait_for()
    settle(a)
    [session] = live_server.entries(kind="ritual_session")
    assert [x["text"] for x in words(a, session)["answers"]] == ["The walk by the lake"]
    assert not any("a" * 2001 in body or "n" * 2001 in body for body in sent)


def test_a_love_map_passed_with_a_guess_of_spaces_is_taken_sealed_as_on_plaintext(new_context, people, live_server):
    """The server reads a guess of only spaces as nothing said, so a pass with one is fine on plaintext; its
    envelope says something, so sealed it was refused (422 at the sync, a "Couldn't save" card). Sealing now
    sends such text as "", and the pass arrives."""
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    a = open_app(alex)
    ready(a)
    passed = str(uuid.uuid4())
    body = {"question_id": "lovemap.1.fav-meal", "mine": "", "guess": " \u3000\n", "passed": True}
    assert a.evaluate(PUT, ["love_map", body, passed]) is None
    settle(a)
    [stored] = live_server.entries(kind="love_map")
    assert stored.id == passed and stored.body["passed"] is True and stored.body["guess"] == ""
    assert a.evaluate(HELD, passed)["queued"] == []
