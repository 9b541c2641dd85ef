"""What a notification says: {type, title, body, url, tag} under 1 KB, plus its TTL, Urgency and Topic.

By default the partner's words never reach the lock screen: the body is a generic line. The
recipient's show_previews setting lets the entry's text in, cut to about 120 characters. When that
text is an envelope (sealed on the partner's phone), the push carries the envelope itself as `sealed`
beside the generic line, for the service worker to open with the phone's key (docs/encryption.md,
"Push previews"); the payload may then be up to MAX_SEALED_PAYLOAD.
Every word Hearth adds comes from the catalogue (push.*), in the recipient's language (users.language).
"""

import base64
import hashlib
import json
import math
import re
from datetime import timedelta

from ..i18n import lookup, t
from ..kinds import KINDS
from ..limits import TIMEOUT_MORE_MINUTES
from ..schemas.words import is_envelope, looks_like_envelope
from . import visibility
from .rituals import title_for

PREVIEW_CHARS = 120
MAX_PAYLOAD = 1024
# A push with a sealed preview: the most plaintext one Web Push message holds (RFC 8291 §4: a 4096-byte
# aes128gcm record, less its 86-byte header, 16-byte tag and 1-byte delimiter). pywebpush sends one record
# of 4096 (http_ece's rs); push services refuse a bigger body. Over it, the push goes without `sealed`.
MAX_SEALED_PAYLOAD = 4096 - 86 - 16 - 1
HOUR = 3600

# The partner events a push tells of, and the screen each opens: every kind the partner hears of
# (kinds.py), plus the end of a time-out and a session's follow-up message (on the partner's Today).
# Their words are the catalogue's: push.partner.<type> for one event, push.several.<type> (a plural)
# for a burst of one type.
PARTNER_EVENTS = {name: kind.opens for name, kind in KINDS.items() if kind.tells_partner} | {
    "timeout_ended": "/timeout",
    "follow_up": "/",
}
# A partner's answer is withheld until the recipient answered too: never preview it.
NO_PREVIEW = visibility.REVEALED
URGENT = frozenset({"timeout", "timeout_ended", "timeout_reminder"})
# News about the couple itself (no entry): the partner left, or came back within the undo window.
COUPLE_EVENTS = frozenset({"couple_left", "couple_back"})
SCHEDULED = frozenset(
    {"nudge", "ritual_reminder", "prepare_reminder", "commitment_reminder", "timeout_reminder", "reminders"}
)
TTL = {
    "nudge": 12 * HOUR,
    "ritual_reminder": 6 * HOUR,
    "prepare_reminder": 12 * HOUR,
    "reminders": 6 * HOUR,
    "commitment_reminder": 12 * HOUR,
    "timeout_reminder": 2 * HOUR,
    "timeout": 6 * HOUR,
    "timeout_ended": 6 * HOUR,
}
EVENT_TTL = 24 * HOUR
EVENT_WINDOW = timedelta(hours=24)  # a partner event not delivered within this is dropped


def opens(type_, entry_id):
    """The screen a partner event's push opens; a kind's `opens` may name the entry ("{id}")."""
    return PARTNER_EVENTS[type_].replace("{id}", entry_id or "")


PREVIEW_FIELDS = {name: kind.preview for name, kind in KINDS.items() if kind.preview}
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def topic_for(tag):
    """A Web Push Topic (at most 32 URL-safe base64 characters) that stands for the tag."""
    if _TOPIC.match(tag):
        return tag
    return base64.urlsafe_b64encode(hashlib.sha256(tag.encode()).digest()).decode()[:32]


def ttl_for(type_, expires_at, now):
    """Seconds the push service may hold it: the type's TTL, never past the job's own window."""
    ttl = TTL.get(type_, EVENT_TTL)
    if expires_at is not None:
        ttl = min(ttl, int((expires_at - now).total_seconds()))
    return max(ttl, 60)


def urgency_for(type_):
    return "high" if type_ in URGENT else "normal"


def _cut(text, limit=PREVIEW_CHARS):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _word(key, lang):
    try:
        return t(key, lang)
    except KeyError:  # a value this server does not know (a newer phone's): no preview
        return None


def _readable(text):
    """The words themselves, or None for an envelope: ciphertext is never shown as text (a push says what
    happened without the words, and carries the envelope apart for the service worker: sealed_preview)."""
    return None if looks_like_envelope(text) else text


def _follow_up(body):
    """(path, text) of a session's follow-up message, or (None, None)."""
    for n, answer in enumerate(body.get("answers") or ()):
        if isinstance(answer, dict) and answer.get("prompt_id") == "follow_up":
            return f"answers.{n}.text", answer.get("text")
    return None, None


def sealed_preview(type_, entry):
    """{entry_id, kind, field, envelope} when the field a preview shows holds an envelope, else None.

    The field is its path in the body (the envelope's additional data names it, with the entry's id and
    kind): the phone opens it with its own key or shows the generic line."""
    body = entry.body or {}
    if type_ == "follow_up":
        field, value = _follow_up(body)
    else:
        field = PREVIEW_FIELDS.get(type_) if type_ == entry.kind else None
        value = body.get(field) if field else None
    return _sealed(entry.id, entry.kind, field, value) if field else None


def _sealed(entry_id, kind, field, value):
    """{entry_id, kind, field, envelope} when the value is an envelope (the additional data the phone opens it
    with names them), else None."""
    if not is_envelope(value):
        return None
    return {"entry_id": entry_id, "kind": kind, "field": field, "envelope": value}


def _with_sealed(payload, sealed, line):
    """A reminder's push carrying its entry's sealed words: the generic line stays as the body (what shows if the
    phone cannot open them), and the worker shows the words under `line`. One envelope per entry, the same in
    every device's copy; encode() drops it when the payload would not fit one Web Push record."""
    if sealed:
        payload["sealed"] = {**sealed, "title": line}
    return payload


def preview_text(type_, entry, lang="en"):
    """The entry's own words (or its answer, in the recipient's language) for a preview, or None."""
    body = entry.body or {}
    if type_ == "reaction":
        return _word(f"push.reaction.{body.get('value')}", lang)
    if type_ == "repair":  # a phrase id: its words, in the recipient's language
        return _word(f"repair.phrase.{body.get('phrase')}", lang)
    if type_ == "bid_response":
        return _word(f"push.response.{body.get('response')}", lang)
    if type_ == "follow_up":
        return _readable(_follow_up(body)[1])
    return _readable(body.get(PREVIEW_FIELDS.get(type_, ""))) or None


def encode(payload):
    """JSON bytes, under MAX_PAYLOAD: the body is shortened if it has to be. A payload with a sealed
    preview may take up to MAX_SEALED_PAYLOAD; over it, it goes without (the generic line alone)."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    if "sealed" in payload:
        if len(data) <= MAX_SEALED_PAYLOAD:
            return data
        payload = {k: v for k, v in payload.items() if k != "sealed"}
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    while len(data) > MAX_PAYLOAD and payload["body"]:
        payload = {**payload, "body": _cut(payload["body"], max(len(payload["body"]) // 2, 1))}
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return data


def partner_event(jobs, actor_name, recipient, entries, local_time_of):
    """One notification for one or several partner events for one recipient (same actor), in the
    recipient's language.

    `entries` maps entry id to Entry (for previews); `local_time_of(iso)` formats an instant
    in the recipient's zone (for a time-out's return time).
    """
    lang = recipient.language
    app = t("app.name", lang)
    name = actor_name or t("push.someone", lang)
    types = [job.type for job in jobs]
    sealed = None  # combined and summary pushes never carry one: the generic line alone
    if len(jobs) == 1:
        job = jobs[0]
        url = opens(job.type, job.entry_id)
        line = t(f"push.partner.{job.type}", lang, name=name)
        title, body = app, line
        entry = entries.get(job.entry_id)
        if job.type == "timeout" and entry is not None and entry.body.get("return_at"):
            body = t("push.partner.timeout_return", lang, name=name, time=local_time_of(entry.body["return_at"]))
        previewed = recipient.show_previews and entry is not None and job.type not in NO_PREVIEW
        text = preview_text(job.type, entry, lang) if previewed else None
        if text:
            title, body = line, _cut(text)
        # Sealed words: the generic title and body stay (what shows if the phone cannot open them); the
        # worker shows `title` (the line, as a plaintext preview has it) over the words it opens.
        sealed = sealed_preview(job.type, entry) if previewed and not text else None
        tag = f"partner-{job.type}"
    elif len(set(types)) == 1:
        url = opens(types[0], jobs[-1].entry_id)  # several of one kind: the latest
        title, tag = app, f"partner-{types[0]}"
        body = t(f"push.several.{types[0]}", lang, name=name, count=len(jobs))
    else:
        title, tag, url = app, "partner-summary", "/"
        body = t("push.several.summary", lang, name=name, count=len(jobs))
    kind = types[0] if len(set(types)) == 1 else "summary"
    # count: how many partner items this one notification stands for (the app badge adds it up).
    payload = {"type": kind, "title": title, "body": body, "url": url, "tag": tag, "count": len(jobs)}
    if sealed:
        payload["sealed"] = {**sealed, "title": line}
    return payload


def couple_event(type_, actor_name, recipient):
    """The partner left the couple, or came back to it: said kindly, without the note (it is read in
    the app, never on a lock screen)."""
    lang = recipient.language
    name = actor_name or t("push.someone", lang)
    return {
        "type": type_,
        "title": t("app.name", lang),
        "body": t(f"push.{type_}", lang, name=name),
        "url": "/",
        "tag": "couple",
    }


NUDGE_STEP = 13  # days move the nudge text on by this many places: coprime with the count, never 0 mod it


def nudge_text(user_id, day, lang):
    """The day's nudge text for this person: catalogue push.nudges.<n>, a different one every day.

    Deterministic from the person and their local date: a per-person start, then NUDGE_STEP places a
    day. With the step coprime with the count (and not a multiple of it), two days running never share
    a text, and every text comes once before any comes again."""
    texts = lookup("push.nudges", lang)
    keys = sorted(texts, key=int)
    step = NUDGE_STEP if math.gcd(NUDGE_STEP, len(keys)) == 1 else 1
    start = int.from_bytes(hashlib.sha256(user_id.encode()).digest()[:4], "big")
    return texts[keys[(start + day.toordinal() * step) % len(keys)]]


def nudge(recipient, day):
    lang = recipient.language
    # share: the label of the notification's "share now" button (the service worker has no catalogue)
    return {
        "type": "nudge",
        "title": t("app.name", lang),
        "body": nudge_text(recipient.id, day, lang),
        "url": "/?share=1",  # Today's composer, open
        "tag": "nudge",
        "share": t("push.share_now", lang),
    }


def _ritual_name(entry, lang):
    return _word(f"push.ritual_names.{entry.body.get('type')}", lang) or t("push.ritual_names.custom", lang)


def line(kind, recipient, entry=None):
    """An item's few words in a combined reminder ("nightly gratitude", "one small thing to share")."""
    lang = recipient.language
    if kind in ("ritual", "prepare"):
        return t(f"push.line.{kind}", lang, name=_ritual_name(entry, lang))
    return t(f"push.line.{kind}", lang)


def combined(words, evening, recipient):
    """Several reminders of one part of the day as one push: "Tonight: gratitude · one small thing to
    share". `words`: (line, own push) of each, most important first; it opens the first one's screen."""
    lang = recipient.language
    lead = words[0][1]
    body = t("push.combined.evening" if evening else "push.combined.day", lang, items=" · ".join(w for w, _ in words))
    return {
        "type": "reminders",
        "title": t("app.name", lang),
        "body": body,
        "url": lead["url"],
        "tag": "reminders",
    }


def with_news(data, news_jobs, users, recipient):
    """A scheduled push (its job's data) with the partner's plain news of the same batch folded in:
    "Tonight: nightly gratitude · Sam shared something". It still opens the reminder's screen."""
    lang = recipient.language
    actor = users.get(news_jobs[0].actor_id)
    name = actor.display_name if actor is not None else t("push.someone", lang)
    lines = [*data.get("lines", ()), t("push.line.partner", lang, name=name)]
    key = "push.combined.evening" if data.get("evening") else "push.combined.day"
    body = t(key, lang, items=" · ".join(lines))
    # count: the partner items it stands for (the app badge adds them up), as a partner event's does. A
    # reminder's sealed words stay out: the combined line is the body now.
    payload = {k: v for k, v in data["payload"].items() if k != "sealed"}
    return {**payload, "type": "reminders", "body": body, "tag": "reminders", "count": len(news_jobs)}


def prepare_reminder(entry, recipient):
    """The day before a connection check: three questions to prepare, on their own screen."""
    lang = recipient.language
    return {
        "type": "prepare_reminder",
        "title": t("app.name", lang),
        "body": t("push.prepare", lang, name=_ritual_name(entry, lang)),
        "url": f"/prepare/{entry.id}",
        "tag": f"prepare-{entry.id}",
    }


def ritual_reminder(entry, recipient):
    lang = recipient.language
    body = t("push.ritual_due", lang, name=_ritual_name(entry, lang))
    title = _readable(title_for(entry.body, lang))  # a default ritual's in the recipient's language
    if recipient.show_previews and title:
        body = t("push.ritual_due_titled", lang, title=_cut(title, 80))
    # A custom ritual's title sealed on a phone: the push carries it for the worker to open (a default ritual's
    # name is the catalogue's, above).
    sealed = _sealed(entry.id, "ritual", "title", entry.body.get("title")) if recipient.show_previews else None
    payload = {
        "type": "ritual_reminder",
        "title": t("app.name", lang),
        "body": body,
        "url": "/rituals",
        "tag": f"ritual-{entry.id}",
    }
    return _with_sealed(payload, sealed, body)


def commitment_reminder(entry, recipient):
    lang = recipient.language
    body = t("push.commitment_due", lang)
    if recipient.show_previews and _readable(entry.body.get("text")):
        body = t("push.commitment_due_text", lang, text=_cut(entry.body["text"]))
    sealed = _sealed(entry.id, "commitment", "text", entry.body.get("text")) if recipient.show_previews else None
    payload = {
        "type": "commitment_reminder",
        "title": t("app.name", lang),
        "body": body,
        "url": f"/commitments?id={entry.id}",
        "tag": f"commitment-{entry.id}",
    }
    return _with_sealed(payload, sealed, body)


def timeout_reminder(entry, recipient):
    """At the return time: the one who asked is asked "Ready? Or 15 more minutes?"; the partner is told."""
    lang = recipient.language
    if recipient.id == entry.author_id:
        body = t("push.timeout_ready", lang, count=TIMEOUT_MORE_MINUTES)
    else:
        body = t("push.timeout_over", lang)
    return {
        "type": "timeout_reminder",
        "title": t("app.name", lang),
        "body": body,
        "url": "/timeout",
        "tag": f"timeout-{entry.id}",
    }
