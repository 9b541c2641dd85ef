"""The rituals every couple starts with, created at pairing as `ritual` entries so they sync like any other.

Prompts are Hearth's own words. Both partners can edit or turn off any of them afterwards (base_rev
guards the edits, as for every ritual). The guided exercises and the 12-week review have no schedule
("anytime"): they are started from the app whenever the couple wants.
"""
import uuid

from sqlalchemy import select

from ..extensions import db
from ..models import Entry, utcnow
from ..schemas.bodies import Ritual
from .schedule import zone_or_utc

SUNDAY, WEDNESDAY = 6, 2

DEFAULT_RITUALS = (
    {"type": "nightly_gratitude", "title": "Nightly thank-you", "duration_min": 5,
     "schedule": {"freq": "daily", "time": "21:30"},
     "prompts": ["Name one thing your partner did today that you were glad of.",
                 "Say it to them in a sentence, then listen to theirs."]},
    {"type": "weekly_checkin", "title": "Weekly check-in", "duration_min": 20,
     "schedule": {"freq": "weekly", "weekday": SUNDAY, "time": "10:00"},
     "prompts": ["Phones away, in another room if you can. What went well for us this week?",
                 "What was hard this week, for you or between us?",
                 "Is there anything you've been carrying that you'd like to put down here?",
                 "What would help you feel close to me in the week ahead?",
                 "One small thing each of us will do before next Sunday."]},
    {"type": "monthly_state", "title": "State of us", "duration_min": 45,
     "schedule": {"freq": "monthly", "nth": 1, "weekday": SUNDAY, "time": "17:00"},
     "prompts": ["What are you proud of us for this month?",
                 "Where did we drift apart, even a little?",
                 "Which of our agreements is working, and which needs a rethink?",
                 "What are you looking forward to doing together next month?",
                 "How are you really feeling about us right now, in words rather than numbers?"]},
    {"type": "connection_check", "title": "Connection check", "duration_min": 30,
     # Every other Wednesday, counted from the week the couple paired (start_date is set then).
     "schedule": {"freq": "weekly", "weekday": WEDNESDAY, "interval": 2, "time": "19:30"},
     "prompts": ["Beforehand: each of you writes down three questions you'd like to ask the other.",
                 "First ten minutes: just be together. No screens, no plans, no problem-solving.",
                 "Ask your first question. Let three seconds pass before anyone answers.",
                 "Ask your second question. Let three seconds pass before anyone answers.",
                 "Ask your third question. Let three seconds pass before anyone answers."]},
    {"type": "vulnerability", "title": "Five minutes each", "duration_min": 10,
     "schedule": {"freq": "anytime"},
     "prompts": ["First turn, five minutes: one of you talks about something you're afraid of. "
                 "The other only listens.",
                 "Listener: say back what you heard in your own words, and that it makes sense to you. "
                 "No fixing, no arguing.",
                 "Swap: the listener now talks for five minutes, and the first speaker mirrors.",
                 "End with a thank-you. Nothing said here is up for debate later."]},
    {"type": "story", "title": "A 90-second story", "duration_min": 2,
     "schedule": {"freq": "anytime"},
     "prompts": ["Tell one moment in 90 seconds: \"I felt … when …, and it taught me …\"",
                 "Listener: no questions until the timer ends, then say what stayed with you."]},
    {"type": "reassessment", "title": "Twelve weeks on", "duration_min": 30,
     "schedule": {"freq": "anytime"},
     "prompts": ["Look at the Us page together. Which number surprised you?",
                 "Which ritual helped us most, and which one should change or stop?",
                 "What do we want more of in the next twelve weeks?",
                 "Pick one goal for the next twelve weeks and write it down as an agreement."]},
)


def default_bodies(start_date):
    """The default ritual bodies, as the Ritual schema stores them; start_date anchors the fortnightly one."""
    bodies = []
    for template in DEFAULT_RITUALS:
        schedule = dict(template["schedule"])
        if schedule.get("interval", 1) > 1:
            schedule["start_date"] = start_date.isoformat()
        bodies.append(Ritual().load({**template, "schedule": schedule, "enabled": True}))
    return bodies


def create_defaults(couple, author, next_seq):
    """Adds the default rituals to a newly paired couple, one per type it does not have yet.

    Runs in the pairing transaction with the couple's row locked; each entry takes a seq from
    next_seq (which bumps couple.seq), so both partners pull them on their next sync.
    """
    have = {body.get("type") for body in db.session.scalars(select(Entry.body).where(
        Entry.couple_id == couple.id, Entry.kind == "ritual", Entry.deleted.is_(False)))}
    now = couple.paired_at or utcnow()
    created = []
    for body in default_bodies(now.astimezone(zone_or_utc(author.timezone)).date()):
        if body["type"] in have:
            continue
        entry = Entry(id=str(uuid.uuid4()), couple_id=couple.id, author_id=author.id, kind="ritual",
                      visibility="shared", shared_once=True, body=body, rev=1, seq=next_seq(),
                      created_at=now, updated_at=now)
        db.session.add(entry)
        created.append(entry)
    db.session.flush()
    return created
