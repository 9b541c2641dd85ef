"""One push budget a day per person, and reminders that make sense: a simulated week of worker ticks
(fixed instants, Berlin time, the loopback push service) for a default couple, then each rule alone:
the budget (default 3, 0 to 6) counts every push, quiet hours hold every push, nothing is reminded
that is already done that day or whose slot passed before the ritual existed, one part of the day's
reminders come as one push, each push opens its own screen, and the nudge text changes every day."""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.i18n import lookup
from backend.services.notifications import nudge_text
from push_service import subscribe, tick

pytestmark = pytest.mark.vapid

BERLIN = ZoneInfo("Europe/Berlin")
# Tuesday 30 June 2026, 10:24 in Berlin: the couple pairs. The week after holds the day before a
# connection check (Tuesday), the check itself (Wednesday 1 July: the fortnight counts from the pairing
# week) and the first Sunday of July (weekly check-in at 10:00, monthly state of us at 17:00): the
# busiest week a default couple can have.
PAIRED = "2026-06-30T08:24:00Z"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def berlin(day, hhmm):
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=BERLIN).astimezone(UTC)


def local_day(instant):
    return instant.astimezone(BERLIN).date()


class Phones:
    """Both partners' subscribed phones, and what each got at which tick."""

    def __init__(self, app, clock, pair, push_service, **settings):
        self.app, self.clock = app, clock
        self.alice, self.bob = pair()
        for person in (self.alice, self.bob):
            if settings:
                assert person.client.patch("/api/me", json=settings).status_code == 200
        self.devices = {"alice": subscribe(self.alice, push_service), "bob": subscribe(self.bob, push_service)}
        self.got = defaultdict(list)  # name -> [(instant, payload)]
        self.seen = dict.fromkeys(self.devices, 0)

    def tick(self, now):
        self.clock.shift_to(now)
        tick(self.app, now)
        for name, device in self.devices.items():
            messages = device.messages()
            self.got[name] += [(now, message) for message in messages[self.seen[name] :]]
            self.seen[name] = len(messages)

    def week(self, start, days=7, step=timedelta(minutes=30), actions=None):
        """Ticks every `step` (on the hour and half hour) for `days` from `start`; actions {instant: fn} run before."""
        now = start.replace(minute=0 if start.minute < 30 else 30, second=0) + step
        actions = dict(actions or {})
        while now <= start + timedelta(days=days):
            for when in sorted(a for a in actions if a <= now):
                self.clock.shift_to(when)
                actions.pop(when)()
            self.tick(now)
            now += step

    def per_day(self, name):
        return Counter(local_day(at) for at, _ in self.got[name])


@pytest.fixture
def phones(app, clock, pair, push_service):
    return lambda **settings: Phones(app, clock, pair, push_service, **settings)


def everything(phones):
    return [payload for name in ("alice", "bob") for _, payload in phones.got[name]]


# The week


@pytest.mark.now(PAIRED)
def test_a_default_couple_with_no_activity_gets_at_most_8_pushes_each_in_a_week(phones):
    week = phones()
    week.week(datetime.fromisoformat(PAIRED.replace("Z", "+00:00")))
    for name in ("alice", "bob"):
        assert 5 <= len(week.got[name]) <= 8, [(at.isoformat(), p["body"]) for at, p in week.got[name]]
        assert max(week.per_day(name).values()) <= 3
    # Evening after evening it is one push, however much is due that evening.
    sunday = date(2026, 7, 5)
    bodies = [
        (at.astimezone(BERLIN).strftime("%H:%M"), p["body"]) for at, p in week.got["alice"] if local_day(at) == sunday
    ]
    assert [when for when, _ in bodies] == ["10:00", "17:00"], bodies
    assert bodies[1][1].startswith("Tonight: monthly state of us · nightly gratitude · ")


@pytest.mark.now(PAIRED)
def test_with_a_budget_of_one_at_most_one_push_a_day_and_the_ritual_wins(phones):
    week = phones(daily_push_budget=1)
    start = datetime.fromisoformat(PAIRED.replace("Z", "+00:00"))
    # Bob thanks Alice on Sunday afternoon, after her 10:00 check-in reminder took the day's push.
    thanks = berlin(date(2026, 7, 5), "14:10")
    week.week(start, actions={thanks: lambda: week.bob.put("appreciation", {"text": "Thank you"}, visibility="shared")})
    for name in ("alice", "bob"):
        assert set(week.per_day(name).values()) == {1}, week.per_day(name)
    sunday = [p for at, p in week.got["alice"] if local_day(at) == date(2026, 7, 5)]
    assert [p["url"] for p in sunday] == ["/rituals"]  # the weekly check-in, not the nudge, not the news


@pytest.mark.now(PAIRED)
def test_with_a_budget_of_zero_no_push_at_all(phones):
    week = phones(daily_push_budget=0)
    start = datetime.fromisoformat(PAIRED.replace("Z", "+00:00"))
    thanks = berlin(date(2026, 7, 2), "12:00")
    week.week(
        start, days=3, actions={thanks: lambda: week.bob.put("appreciation", {"text": "Hi"}, visibility="shared")}
    )
    assert everything(week) == []


@pytest.mark.now(PAIRED)
def test_quiet_hours_hold_every_push_and_partner_news_waits_for_their_end(phones):
    week = phones(quiet_start="19:00", quiet_end="08:00")
    start = datetime.fromisoformat(PAIRED.replace("Z", "+00:00"))
    late = berlin(date(2026, 7, 1), "22:10")  # Bob thanks Alice inside her quiet hours
    week.week(start, days=3, actions={late: lambda: week.bob.put("appreciation", {"text": "Hi"}, visibility="shared")})
    for name in ("alice", "bob"):
        for at, payload in week.got[name]:
            local = at.astimezone(BERLIN).time()
            assert not (local.hour >= 19 or local.hour < 8), (at, payload)
    [(at, news)] = [(at, p) for at, p in week.got["alice"] if p["type"] == "appreciation"]
    assert at == berlin(date(2026, 7, 2), "08:00")


# Reminders that make sense


@pytest.mark.now("2026-06-14T08:24:00Z")  # Sunday 10:24 in Berlin
def test_no_reminder_for_a_slot_that_passed_before_the_ritual_existed(phones, app):
    week = phones()
    week.tick(utc(2026, 6, 14, 8, 25))  # 10:25: the 10:00 weekly check-in was before they paired
    week.tick(utc(2026, 6, 14, 9, 0))
    assert everything(week) == []
    week.tick(utc(2026, 6, 21, 8, 0))  # next Sunday's 10:00 comes
    assert [p["body"] for p in everything(week)] == ["It's time for your weekly check-in."] * 2


@pytest.mark.now("2026-06-11T10:00:00Z")  # Thursday noon in Berlin
def test_no_reminder_for_a_ritual_already_held_that_day(phones):
    week = phones()
    rituals = {e["body"]["type"]: e for e in week.alice.pull_all() if e["kind"] == "ritual"}
    checkin, gratitude = rituals["weekly_checkin"], rituals["nightly_gratitude"]
    sunday = date(2026, 6, 14)
    week.clock.shift_to(berlin(sunday, "09:15"))
    session = {"started_at": berlin(sunday, "09:15").isoformat(), "ended_at": berlin(sunday, "09:40").isoformat()}
    week.alice.put("ritual_session", session, ref_id=checkin["id"], visibility="shared")
    week.tick(berlin(sunday, "10:00"))
    assert everything(week) == []  # held already: neither of them is reminded
    # Bob logs his gratitude (an appreciation) at 18:00: his evening push is the nudge alone; Alice's
    # still names the gratitude.
    week.clock.shift_to(berlin(sunday, "18:00"))
    week.bob.put("appreciation", {"text": "Thank you for today"}, visibility="shared")
    week.tick(berlin(sunday, "18:01"))
    week.tick(berlin(sunday, "20:00"))
    assert "nightly gratitude" in week.got["alice"][-1][1]["body"]
    assert week.got["bob"][-1][1]["type"] == "nudge"
    assert gratitude["body"]["schedule"]["time"] == "21:30"


@pytest.mark.now("2026-06-11T10:00:00Z")
def test_reminders_of_one_evening_and_the_partner_news_come_as_one_push(phones):
    week = phones()
    thursday = date(2026, 6, 11)
    week.clock.shift_to(berlin(thursday, "19:59"))
    week.bob.put("appreciation", {"text": "You made my day"}, visibility="shared")
    week.tick(berlin(thursday, "20:00"))
    [(_, push)] = week.got["alice"][-1:]
    assert push["body"] == "Tonight: nightly gratitude · one small thing to share · Bob shared something"
    assert push["url"] == "/rituals" and len(week.got["alice"]) == 1
    week.tick(berlin(thursday, "21:30"))  # the gratitude came with it: not again
    assert len(week.got["alice"]) == 1


@pytest.mark.now("2026-06-11T10:00:00Z")
def test_a_russian_speaker_gets_the_evening_in_russian(phones):
    week = phones(language="ru")
    week.tick(berlin(date(2026, 6, 11), "20:00"))
    [(_, push)] = week.got["alice"]
    assert push["body"] == "Сегодня вечером: вечернее спасибо · поделиться чем-то маленьким"


@pytest.mark.now(PAIRED)
def test_each_push_opens_the_screen_it_is_about(phones):
    week = phones()
    [check] = [e for e in week.alice.pull_all() if e["kind"] == "ritual" and e["body"]["type"] == "connection_check"]
    week.tick(berlin(date(2026, 6, 30), "19:30"))  # the day before the connection check
    [(_, prepare)] = week.got["alice"]
    assert prepare["url"] == f"/prepare/{check['id']}"
    assert prepare["body"].startswith("Tonight: three questions for tomorrow's connection check · nightly gratitude")
    week.tick(berlin(date(2026, 7, 2), "20:00"))  # an ordinary evening: the gratitude's screen
    assert week.got["alice"][-1][1]["url"] == "/rituals"
    week.alice.client.patch("/api/me", json={"nudge_time": "08:00"})
    week.tick(berlin(date(2026, 7, 3), "08:00"))  # the nudge alone opens the composer
    assert week.got["alice"][-1][1] == {**week.got["alice"][-1][1], "type": "nudge", "url": "/?share=1"}
    week.tick(berlin(date(2026, 7, 3), "21:30"))
    assert week.got["alice"][-1][1]["type"] == "ritual_reminder"
    assert {p["url"] for _, p in week.got["alice"]} <= {"/rituals", "/?share=1", f"/prepare/{check['id']}"}


@pytest.mark.now("2026-06-11T10:00:00Z")
def test_a_nudge_alone_leaves_room_for_the_reminders_still_to_come(phones):
    week = phones(daily_push_budget=1, nudge_time="08:00")
    thursday = date(2026, 6, 11)
    week.tick(berlin(thursday + timedelta(days=1), "08:00"))
    week.tick(berlin(thursday + timedelta(days=1), "21:30"))
    assert [p["type"] for _, p in week.got["alice"]] == ["ritual_reminder"]


# The nudge's words


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_there_are_at_least_30_nudge_texts_all_different(lang):
    texts = list(lookup("push.nudges", lang).values())
    assert len(texts) >= 30
    assert len({" ".join(text.lower().split()) for text in texts}) == len(texts)
    assert set(lookup("push.nudges", lang)) == set(lookup("push.nudges", "en"))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_nudge_text_never_repeats_on_consecutive_days(lang):
    count = len(lookup("push.nudges", lang))
    for user_id in ("a", "b", "5b1c0e8e-1f7a-4d3c-9d59-2a4f0c1e7b11", "x" * 36):
        days = [date(2026, 1, 1) + timedelta(days=n) for n in range(400)]
        texts = [nudge_text(user_id, day, lang) for day in days]
        assert all(a != b for a, b in zip(texts, texts[1:]))
        assert len(set(texts[:count])) == count  # every text once before any comes again
        assert texts == [nudge_text(user_id, day, lang) for day in days]  # the same on every worker
    assert nudge_text("a", date(2026, 1, 1), lang) != nudge_text("b", date(2026, 1, 1), lang)
