"""Valid entry bodies for every kind, and small helpers shared by the entry and sync tests."""

import uuid
from datetime import UTC, timedelta

from backend.extensions import db
from backend.kinds import NAMES as KINDS  # noqa: F401 - every registered kind, for the tests that import it here
from backend.models import Couple, Entry, PushJob, User, utcnow

# The kind a ref must point at, for the kinds that need one ("reaction": anything).
REF_TARGET = {
    "reflection": "disclosure",
    "bid_response": "bid",
    "ritual_session": "ritual",
    "session_step": "ritual_session",
    "reaction": "appreciation",
    "reply": "answer",  # the answerer must have answered the same question too (answer, then reveal)
    "timeout_note": "timeout",
    "prepared_question": "ritual",
}


def now():
    return utcnow()


def iso(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def new_id():
    return str(uuid.uuid4())


def valid_body(kind):
    today = now().date()
    return {
        "disclosure": {
            "text": "I was nervous before the call.",
            "category": "worry",
            "feelings": ["nervous"],
            "local_date": today.isoformat(),
            "i_feel": {"feel": "nervous", "when": "calls pile up", "need": "a quiet evening"},
        },
        "reflection": {"text": "What I'm hearing is the call worried you. Is that right?"},
        "reaction": {"value": "heart"},
        "appreciation": {"text": "Thank you for the coffee this morning."},
        "bid": {"type": "question", "bidder": "me", "note": "Asked about the film"},
        "bid_response": {"response": "toward"},
        "checkin": {"mood": 4, "us": 5, "feelings": ["calm"], "note": "Good day"},
        "ritual": {
            "type": "weekly_checkin",
            "title": "Sunday check-in",
            "schedule": {"freq": "weekly", "weekday": 6, "time": "19:30", "interval": 1},
            "duration_min": 20,
            "prompts": ["What went well?"],
            "enabled": True,
        },
        "ritual_session": {
            "started_at": iso(now() - timedelta(minutes=25)),
            "ended_at": iso(now()),
            "answers": [{"prompt": "What went well?", "text": "The walk."}],
            "passed": [],
            "note": "",
        },
        "session_step": {"step": 1, "at": iso(now() - timedelta(minutes=2)), "passed": [0]},
        "commitment": {"text": "Book the table for Friday.", "due_date": (today + timedelta(days=3)).isoformat()},
        "agreement": {"text": "No big talks after 22:00.", "category": "conflict_rule"},
        "timeout": {"return_at": iso(now() + timedelta(minutes=45)), "note": "Back after a walk"},
        "timeout_note": {"text": "Take your time. I'm here."},
        "answer": {"question_id": "q-best-part", "text": "The walk by the river.", "local_date": today.isoformat()},
        "journal": {"text": "A private thought.", "feelings": ["tired"]},
        "question_swap": {"local_date": today.isoformat(), "from_id": "q-us-lately", "to_id": "q-best-moment"},
        "path_step": {"week": 1},
        "prepared_question": {"text": "What made you laugh this week?", "n": 1, "day": today.isoformat()},
        "love_map": {"question_id": "lovemap.1.fav-meal", "mine": "Dumplings.", "guess": "Pasta?", "unknown": False},
        "reply": {"text": "Me too. Let's go back there on Sunday."},
        "repair": {"phrase": "sorry_badly"},
    }[kind]


def entry(kind, body=None, **fields):
    """An entry as a phone sends it in a put."""
    return {
        "id": fields.pop("id", new_id()),
        "kind": kind,
        "visibility": fields.pop("visibility", "shared"),
        "ref_id": fields.pop("ref_id", None),
        "body": valid_body(kind) if body is None else body,
        **fields,
    }


def put_ok(person, kind, body=None, **fields):
    """Puts one entry that must be applied; returns its id."""
    sent = entry(kind, body, **fields)
    response = person.sync(("put", sent))
    assert response.status_code == 200, response.json
    assert response.json["results"][0]["status"] == "applied", response.json["results"]
    return sent["id"]


def change_ids(changes):
    """The ids of a sync response's changes, in order."""
    return [c["id"] for c in changes]


def only_result(response):
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    return result


def stored(app, entry_id):
    """The entry row as the database has it now (a fresh read), or None."""
    with app.app_context():
        row = db.session.get(Entry, entry_id)
        if row is not None:
            db.session.expunge(row)
        return row


def entry_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Entry))


def couple_seq(app, person):
    with app.app_context():
        return db.session.scalar(
            db.select(Couple.seq).join(User, User.couple_id == Couple.id).where(User.id == person.id)
        )


def own_seq(app, person):
    with app.app_context():
        return db.session.get(User, person.id).own_seq


def cursor_at(app, person, couple_ahead=0, own_ahead=0):
    """The cursor of a device that has seen everything (plus the given distances ahead)."""
    return f"{(couple_seq(app, person) or 0) + couple_ahead}.{own_seq(app, person) + own_ahead}"


def push_jobs(app):
    with app.app_context():
        return [
            (j.user_id, j.type, j.actor_id, j.entry_id, j.status)
            for j in db.session.scalars(db.select(PushJob).order_by(PushJob.id))
        ]
