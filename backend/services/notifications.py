"""What a notification says: {type, title, body, url, tag} under 1 KB, plus its TTL, Urgency and Topic.

By default the partner's words never reach the lock screen: the body is a generic line. The
recipient's show_previews setting lets the entry's text in, cut to about 120 characters.
"""
import base64
import hashlib
import json
import re
from datetime import timedelta

from ..kinds import KINDS
from . import visibility

APP_NAME = "Hearth"
PREVIEW_CHARS = 120
MAX_PAYLOAD = 1024
HOUR = 3600

# type: (one, several, url). `one` is the line for a single event, `several` the plural noun.
PARTNER_EVENTS = {
    "appreciation": ("{name} sent you an appreciation", "appreciations", "/appreciate"),
    "bid": ("{name} reached out to you", "bids", "/bids"),
    "bid_response": ("{name} answered your bid", "answers to your bids", "/bids"),
    "reflection": ("{name} reflected back what you shared", "reflections", "/"),
    "reaction": ("{name} reacted to something you wrote", "reactions", "/"),
    "answer": ("{name} answered today's question", "answers", "/"),
    "disclosure": ("{name} shared something with you", "things they shared", "/"),
    "timeout": ("{name} asked for a time-out", "time-outs", "/"),
    "timeout_ended": ("{name} is ready to talk again", "updates", "/"),
}
# A partner's answer is withheld until the recipient answered too: never preview it.
NO_PREVIEW = visibility.REVEALED
URGENT = frozenset({"timeout", "timeout_ended", "timeout_reminder"})
SCHEDULED = frozenset({"nudge", "ritual_reminder", "commitment_reminder", "timeout_reminder"})
TTL = {"nudge": 12 * HOUR, "ritual_reminder": 6 * HOUR, "commitment_reminder": 12 * HOUR,
       "timeout_reminder": 2 * HOUR, "timeout": 6 * HOUR, "timeout_ended": 6 * HOUR}
EVENT_TTL = 24 * HOUR
EVENT_WINDOW = timedelta(hours=24)  # a partner event not delivered within this is dropped

RITUAL_NAMES = {"nightly_gratitude": "nightly gratitude", "weekly_checkin": "weekly check-in",
                "monthly_state": "monthly state of us", "connection_check": "connection check",
                "custom": "ritual"}
PREVIEW_FIELDS = {name: kind.preview for name, kind in KINDS.items() if kind.preview}
REACTION_WORDS = {"right": "That's right", "not_quite": "Not quite", "heart": "\u2764\ufe0f", "thanks": "Thanks",
                  "not_now": "Not now"}
RESPONSE_WORDS = {"toward": "Turned toward you", "away": "Turned away", "against": "Turned against"}
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
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def preview_text(type_, entry):
    """The entry's own words (or its answer) for a preview, or None."""
    body = entry.body or {}
    if type_ == "reaction":
        return REACTION_WORDS.get(body.get("value"))
    if type_ == "bid_response":
        return RESPONSE_WORDS.get(body.get("response"))
    return body.get(PREVIEW_FIELDS.get(type_, "")) or None


def encode(payload):
    """JSON bytes, under MAX_PAYLOAD: the body is shortened if it has to be."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    while len(data) > MAX_PAYLOAD and payload["body"]:
        payload = {**payload, "body": _cut(payload["body"], max(len(payload["body"]) // 2, 1))}
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return data


def partner_event(jobs, actor_name, recipient, entries, local_time_of):
    """One notification for one or several partner events for one recipient (same actor).

    `entries` maps entry id to Entry (for previews); `local_time_of(iso)` formats an instant
    in the recipient's zone (for a time-out's return time).
    """
    name = actor_name or "Your partner"
    types = [job.type for job in jobs]
    if len(jobs) == 1:
        job = jobs[0]
        line, _, url = PARTNER_EVENTS[job.type]
        title, body = APP_NAME, line.format(name=name)
        entry = entries.get(job.entry_id)
        if job.type == "timeout" and entry is not None and entry.body.get("return_at"):
            body += f". You'll come back to it at {local_time_of(entry.body['return_at'])}."
        text = preview_text(job.type, entry) if entry is not None and job.type not in NO_PREVIEW else None
        if recipient.show_previews and text:
            title, body = line.format(name=name), _cut(text)
        tag = f"partner-{job.type}"
    elif len(set(types)) == 1:
        _, several, url = PARTNER_EVENTS[types[0]]
        title, body, tag = APP_NAME, f"{name} sent you {len(jobs)} {several}", f"partner-{types[0]}"
    else:
        title, body, tag, url = APP_NAME, f"{name} sent you {len(jobs)} things", "partner-summary", "/"
    kind = types[0] if len(set(types)) == 1 else "summary"
    # count: how many partner items this one notification stands for (the app badge adds it up).
    return {"type": kind, "title": title, "body": body, "url": url, "tag": tag, "count": len(jobs)}


def nudge():
    return {"type": "nudge", "title": APP_NAME, "body": "One small, honest thing to share today?",
            "url": "/", "tag": "nudge"}


def ritual_reminder(entry, recipient):
    name = RITUAL_NAMES.get(entry.body.get("type"), "ritual")
    body = f"It's time for your {name}."
    if recipient.show_previews and entry.body.get("title"):
        body = f"It's time for {_cut(entry.body['title'], 80)}."
    return {"type": "ritual_reminder", "title": APP_NAME, "body": body, "url": "/",
            "tag": f"ritual-{entry.id}"}


def commitment_reminder(entry, recipient):
    body = "A commitment you made is due today."
    if recipient.show_previews and entry.body.get("text"):
        body = f"Due today: {_cut(entry.body['text'])}"
    return {"type": "commitment_reminder", "title": APP_NAME, "body": body, "url": "/",
            "tag": f"commitment-{entry.id}"}


def timeout_reminder(entry):
    return {"type": "timeout_reminder", "title": APP_NAME,
            "body": "Your time-out is over. When you're both ready, come back to it gently.",
            "url": "/", "tag": f"timeout-{entry.id}"}
