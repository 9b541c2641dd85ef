"""What a notification says: {type, title, body, url, tag} under 1 KB, plus its TTL, Urgency and Topic.

By default the partner's words never reach the lock screen: the body is a generic line. The
recipient's show_previews setting lets the entry's text in, cut to about 120 characters.
Every word Hearth adds comes from the catalogue (push.*), in the recipient's language (users.language).
"""

import base64
import hashlib
import json
import re
from datetime import timedelta

from ..i18n import t
from ..kinds import KINDS
from ..limits import TIMEOUT_MORE_MINUTES
from . import visibility
from .rituals import title_for

PREVIEW_CHARS = 120
MAX_PAYLOAD = 1024
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
SCHEDULED = frozenset({"nudge", "ritual_reminder", "commitment_reminder", "timeout_reminder"})
TTL = {
    "nudge": 12 * HOUR,
    "ritual_reminder": 6 * HOUR,
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
        return next((a.get("text") for a in body.get("answers") or () if a.get("prompt_id") == "follow_up"), None)
    return body.get(PREVIEW_FIELDS.get(type_, "")) or None


def encode(payload):
    """JSON bytes, under MAX_PAYLOAD: the body is shortened if it has to be."""
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
    if len(jobs) == 1:
        job = jobs[0]
        url = opens(job.type, job.entry_id)
        line = t(f"push.partner.{job.type}", lang, name=name)
        title, body = app, line
        entry = entries.get(job.entry_id)
        if job.type == "timeout" and entry is not None and entry.body.get("return_at"):
            body = t("push.partner.timeout_return", lang, name=name, time=local_time_of(entry.body["return_at"]))
        text = preview_text(job.type, entry, lang) if entry is not None and job.type not in NO_PREVIEW else None
        if recipient.show_previews and text:
            title, body = line, _cut(text)
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
    return {"type": kind, "title": title, "body": body, "url": url, "tag": tag, "count": len(jobs)}


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


def nudge(recipient):
    lang = recipient.language
    # share: the label of the notification's "share now" button (the service worker has no catalogue)
    return {
        "type": "nudge",
        "title": t("app.name", lang),
        "body": t("push.nudge", lang),
        "url": "/",
        "tag": "nudge",
        "share": t("push.share_now", lang),
    }


def ritual_reminder(entry, recipient):
    lang = recipient.language
    name = _word(f"push.ritual_names.{entry.body.get('type')}", lang) or t("push.ritual_names.custom", lang)
    body = t("push.ritual_due", lang, name=name)
    title = title_for(entry.body, lang)  # a default ritual's in the recipient's language
    if recipient.show_previews and title:
        body = t("push.ritual_due_titled", lang, title=_cut(title, 80))
    return {
        "type": "ritual_reminder",
        "title": t("app.name", lang),
        "body": body,
        "url": "/rituals",
        "tag": f"ritual-{entry.id}",
    }


def commitment_reminder(entry, recipient):
    lang = recipient.language
    body = t("push.commitment_due", lang)
    if recipient.show_previews and entry.body.get("text"):
        body = t("push.commitment_due_text", lang, text=_cut(entry.body["text"]))
    return {
        "type": "commitment_reminder",
        "title": t("app.name", lang),
        "body": body,
        "url": f"/commitments?id={entry.id}",
        "tag": f"commitment-{entry.id}",
    }


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
