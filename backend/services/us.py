"""The Us page numbers, from the couple's shared entries only (a private entry never counts, whoever wrote it).

Rules, so that the numbers are honest and explainable:
- the window is the last N weeks of the user's own local days (N x 7 days, today included);
- meaningful chats: finished sessions of the talking rituals that started in the window (one closed by the
  worker after it was left open is not finished: services/stale_sessions.py), one per ritual
  per local day (both phones may log the same talk); per_month divides by the months the couple could
  have talked in: the window, or the time since pairing when shorter, never less than one month;
- mutual disclosures: local dates in the current calendar quarter on which both shared one;
- follow-ups: commitments made in the window, how many are done, how many are past due;
- bids: bids made in the window; the latest response to each counts; the rate is toward / answered;
- positive ratio: appreciations, toward responses, heart and thanks reactions against
  away/against responses and tension disclosures (the 5:1 guide), all made in the window;
- reassessment_due: 12 weeks after pairing, then 12 weeks after the last reassessment session ended;
- suggest_help: see withdrawal() and one_sided_silence() below; they read fixed windows (four weeks, and
  the last 14 local days), whatever N is. Either is enough; neither says which partner, and both partners see it.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..kinds import named
from ..models import Couple, Entry, utcnow
from ..times import parse_date, parse_instant
from . import couples, visibility
from .schedule import zone_or_utc

TALKING_RITUALS = frozenset(
    {"weekly_checkin", "monthly_state", "connection_check", "vulnerability", "story", "stress_talk", "aftermath"}
)
CHATS_TARGET = [4, 6]
REASSESS_AFTER = timedelta(weeks=12)
HELP_WINDOW_WEEKS = 4
SILENCE_DAYS = 14  # one partner shared nothing for this many local days...
SILENCE_OTHER_DAYS = 4  # ...while the other shared something on at least this many of them
NOT_SHARING = frozenset({"ritual"})  # a schedule both keep (the defaults are written at pairing), not a share
DAYS_PER_MONTH = 365.25 / 12
USED_KINDS = sorted(named(lambda kind: kind.us))


def _ratio(numerator, denominator):
    return round(numerator / denominator, 3) if denominator else None


def _avg(values):
    return round(sum(values) / len(values), 2) if values else None


def shared_entries(couple_id):
    return db.session.scalars(
        select(Entry).where(
            Entry.couple_id == couple_id,
            visibility.meant_for_partner_clause(),
            Entry.deleted.is_(False),
            Entry.kind.in_(USED_KINDS),
        )
    ).all()


def window_start(today, weeks, zone):
    """Local midnight starting the last `weeks` x 7 local days (today is the last of them)."""
    return datetime.combine(today - timedelta(days=weeks * 7 - 1), time(), zone)


def compute(user, weeks=12, now=None):
    now = now or utcnow()
    zone = zone_or_utc(user.timezone)
    today = now.astimezone(zone).date()
    couple = db.session.get(Couple, user.couple_id) if user.couple_id else None
    by_kind = defaultdict(list)
    for entry in shared_entries(couple.id) if couple else []:
        by_kind[entry.kind].append(entry)
    paired_at = couple.paired_at if couple else None
    figures = window_figures(by_kind, window_start(today, weeks, zone), now, zone, today, paired_at)
    stats = {
        "weeks": weeks,
        **figures,
        "mutual_disclosures": {"this_quarter": mutual_disclosures(by_kind.get("disclosure", []), today)},
        "reassessment_due": reassessment_due(paired_at, by_kind, now),
    }
    help_window = window_figures(by_kind, window_start(today, HELP_WINDOW_WEEKS, zone), now, zone, today, paired_at)
    stats["suggest_help"] = withdrawal(help_window, paired_at, now) or one_sided_silence(
        by_kind, couple, now, zone, today
    )
    return stats


def window_figures(by_kind, since, now, zone, today, paired_at):
    recent = {kind: [e for e in entries if since <= e.created_at <= now] for kind, entries in by_kind.items()}
    bids = bid_figures(by_kind, recent)
    checkins = recent.get("checkin", [])
    return {
        "meaningful_chats": meaningful_chats(by_kind, since, now, zone, paired_at),
        "follow_ups": follow_ups(recent.get("commitment", []), today),
        "bids": bids,
        "positive_ratio": positive_ratio(recent, bids),
        "checkins": {
            "count": len(checkins),
            "mood_avg": _avg([c.body["mood"] for c in checkins]),
            "us_avg": _avg([c.body["us"] for c in checkins]),
        },
    }


def finished(session):
    """Ended by the couple, not closed by the worker after it was left open (services/stale_sessions.py)."""
    return bool(session.body.get("ended_at")) and not session.body.get("unfinished")


def meaningful_chats(by_kind, since, now, zone, paired_at):
    """Talks in [since, now]; per_month over the window's local days, or the days since pairing when fewer."""
    talking = {e.id for e in by_kind.get("ritual", []) if e.body.get("type") in TALKING_RITUALS}
    talks = set()
    for s in by_kind.get("ritual_session", []):
        started = parse_instant(s.body["started_at"])
        if s.ref_id in talking and finished(s) and since <= started <= now:
            talks.add((s.ref_id, started.astimezone(zone).date()))
    today = now.astimezone(zone).date()
    days = (today - since.date()).days + 1
    if paired_at is not None:
        days = min(days, (today - paired_at.astimezone(zone).date()).days + 1)
    months = max(days / DAYS_PER_MONTH, 1.0)
    return {"total": len(talks), "per_month": round(len(talks) / months, 2), "target": CHATS_TARGET}


def mutual_disclosures(disclosures, today):
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    authors_by_day = defaultdict(set)
    for d in disclosures:
        day = parse_date(d.body["local_date"])
        if quarter_start <= day <= today:
            authors_by_day[day].add(d.author_id)
    return sum(1 for authors in authors_by_day.values() if len(authors) >= 2)


def follow_ups(commitments, today):
    done = sum(1 for c in commitments if c.body.get("done_at"))
    overdue = sum(1 for c in commitments if not c.body.get("done_at") and parse_date(c.body["due_date"]) < today)
    return {"made": len(commitments), "done": done, "overdue": overdue}


def bid_figures(by_kind, recent):
    bids = {b.id for b in recent.get("bid", [])}
    latest = {}
    for response in sorted(by_kind.get("bid_response", []), key=lambda r: r.seq):  # seq: server order
        if response.ref_id in bids:
            latest[response.ref_id] = response.body["response"]
    counts = {kind: sum(1 for r in latest.values() if r == kind) for kind in ("toward", "away", "against")}
    answered = sum(counts.values())
    return {
        "total": len(bids),
        **counts,
        "unanswered": len(bids) - answered,
        "toward_rate": _ratio(counts["toward"], answered),
    }


def positive_ratio(recent, bids):
    reactions = recent.get("reaction", [])
    tension = sum(1 for d in recent.get("disclosure", []) if d.body.get("category") == "tension")
    positive = (
        len(recent.get("appreciation", []))
        + bids["toward"]
        + sum(1 for r in reactions if r.body["value"] in ("heart", "thanks"))
    )
    corrective = bids["away"] + bids["against"] + tension
    return {"positive": positive, "corrective": corrective, "ratio": _ratio(positive, corrective)}


def reassessment_due(paired_at, by_kind, now):
    """Due 12 weeks after pairing, then 12 weeks after the last reassessment session ended."""
    if paired_at is None:
        return False
    reassessments = {e.id for e in by_kind.get("ritual", []) if e.body.get("type") == "reassessment"}
    ended = [
        parse_instant(s.body["ended_at"])
        for s in by_kind.get("ritual_session", [])
        if s.ref_id in reassessments and finished(s)
    ]
    last = max([paired_at, *[e for e in ended if e <= now]])
    return now - last >= REASSESS_AFTER


def withdrawal(recent, paired_at, now):
    """Suggest the Get help page gently when the numbers show withdrawal lasting weeks, not a bad day.
    Over the last four weeks: paired all that time, no meaningful chat, and either most answered bids
    turned away or against (at least five answered, fewer than one in three toward) or check-ins
    averaging 2 or lower on "us" (at least four check-ins)."""
    if paired_at is None or now - paired_at < timedelta(weeks=HELP_WINDOW_WEEKS):
        return False
    if recent["meaningful_chats"]["total"] > 0:
        return False
    bids = recent["bids"]
    answered = bids["toward"] + bids["away"] + bids["against"]
    turning_away = answered >= 5 and bids["toward"] * 3 < answered
    low_us = recent["checkins"]["count"] >= 4 and recent["checkins"]["us_avg"] <= 2
    return turning_away or low_us


def one_sided_silence(by_kind, couple, now, zone, today):
    """Suggest the Get help page gently when one partner has gone quiet while the other keeps reaching out:
    paired for the last 14 local days, in which one partner shared nothing the other could see (any kind the
    Us numbers read but the rituals' schedule) and the other shared something on at least 4 different days.
    It never names who: both partners get the same suggestion."""
    if couple is None or couple.paired_at is None or now - couple.paired_at < timedelta(days=SILENCE_DAYS):
        return False
    since = datetime.combine(today - timedelta(days=SILENCE_DAYS - 1), time(), zone)
    days = defaultdict(set)
    for kind, entries in by_kind.items():
        if kind in NOT_SHARING:
            continue
        for entry in entries:
            if since <= entry.created_at <= now:
                days[entry.author_id].add(entry.created_at.astimezone(zone).date())
    counts = sorted(len(days.get(member.id, ())) for member in couples.members(couple))
    return len(counts) == 2 and counts[0] == 0 and counts[1] >= SILENCE_OTHER_DAYS
