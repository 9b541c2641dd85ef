"""The rituals every couple starts with, created at pairing as `ritual` entries so they sync like any other.

Each names its template (`template`: its type), so its title and prompts are read from the catalogue
in the reader's language: on each phone, and in pushes (title_for). The stored title and prompts are
written in the language of the partner who pairs, for readers that do not know the template (an export,
an older phone). Editing the title or prompts drops the template: the words are the couple's then.
Both partners can edit or turn off any of them afterwards (base_rev guards the edits, as for
every ritual). The guided exercises and the 12-week review have no schedule
("anytime"): they are started from the app whenever the couple wants.
"""

import uuid

from sqlalchemy import select

from .. import limits as L
from ..extensions import db
from ..i18n import lookup, t
from ..models import Entry, utcnow
from ..schemas.bodies import Ritual
from .schedule import zone_or_utc

SUNDAY, WEDNESDAY = 6, 2

# Their words (title, prompts) are the catalogue's: ritual.default.<type>.title and .prompts.<n>.
DEFAULT_RITUALS = (
    {"type": "nightly_gratitude", "duration_min": 5, "schedule": {"freq": "daily", "time": "21:30"}},
    {"type": "weekly_checkin", "duration_min": 20, "schedule": {"freq": "weekly", "weekday": SUNDAY, "time": "10:00"}},
    {
        "type": "monthly_state",
        "duration_min": 45,
        "schedule": {"freq": "monthly", "nth": 1, "weekday": SUNDAY, "time": "17:00"},
    },
    # Every other Wednesday, counted from the week the couple paired (start_date is set then).
    {
        "type": "connection_check",
        "duration_min": 30,
        "schedule": {"freq": "weekly", "weekday": WEDNESDAY, "interval": 2, "time": "19:30"},
    },
    {"type": "vulnerability", "duration_min": 10, "schedule": {"freq": "anytime"}},
    {"type": "story", "duration_min": 2, "schedule": {"freq": "anytime"}},
    {"type": "reassessment", "duration_min": 30, "schedule": {"freq": "anytime"}},
    # Two turns of STRESS_TURN_MIN..MAX_MINUTES each; the phone's steps and guides: frontend/js/practices.js.
    {"type": "stress_talk", "duration_min": 2 * L.STRESS_TURN_MAX_MINUTES, "schedule": {"freq": "anytime"}},
    {"type": "aftermath", "duration_min": 30, "schedule": {"freq": "anytime"}},
)


def words(type_, lang):
    """(title, prompts) of a default ritual in lang, from the catalogue."""
    prompts = lookup(f"ritual.default.{type_}.prompts", lang)
    return t(f"ritual.default.{type_}.title", lang), [prompts[n] for n in sorted(prompts, key=int)]


def title_for(body, lang):
    """A ritual's title for a reader of lang: a template's from the catalogue, else the stored one."""
    template = body.get("template")
    if template and lookup(f"ritual.default.{template}.title", lang) is not None:
        return t(f"ritual.default.{template}.title", lang)
    return body.get("title") or ""


def default_bodies(start_date, lang="en"):
    """The default ritual bodies in lang, as the Ritual schema stores them; start_date anchors the
    fortnightly one."""
    bodies = []
    for template in DEFAULT_RITUALS:
        schedule = dict(template["schedule"])
        if schedule.get("interval", 1) > 1:
            schedule["start_date"] = start_date.isoformat()
        title, prompts = words(template["type"], lang)
        bodies.append(
            Ritual().load(
                {
                    **template,
                    "title": title,
                    "prompts": prompts,
                    "schedule": schedule,
                    "enabled": True,
                    "template": template["type"],
                }
            )
        )
    return bodies


def create_defaults(couple, author, next_seq):
    """Adds the default rituals to a newly paired couple, one per type it does not have yet.

    Their stored words are in the language of the partner who pairs (`author`); each phone shows
    the template's words in its own language until either of them rewrites the title or prompts.
    Runs in the pairing transaction with the couple's row locked; each entry takes a seq from
    next_seq (which bumps couple.seq), so both partners pull them on their next sync.
    """
    have = {
        body.get("type")
        for body in db.session.scalars(
            select(Entry.body).where(Entry.couple_id == couple.id, Entry.kind == "ritual", Entry.deleted.is_(False))
        )
    }
    now = couple.paired_at or utcnow()
    created = []
    for body in default_bodies(now.astimezone(zone_or_utc(author.timezone)).date(), author.language):
        if body["type"] in have:
            continue
        entry = Entry(
            id=str(uuid.uuid4()),
            couple_id=couple.id,
            author_id=author.id,
            kind="ritual",
            visibility="shared",
            shared_once=True,
            body=body,
            rev=1,
            seq=next_seq(),
            created_at=now,
            updated_at=now,
        )
        db.session.add(entry)
        created.append(entry)
    db.session.flush()
    return created
