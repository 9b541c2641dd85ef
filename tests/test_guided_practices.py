"""The stress-reducing conversation and the aftermath of a fight (issue 14, item 8): default rituals a new
couple gets at pairing, and couples paired before them get once (migration f14p8a), in the words of the
partner who paired, pulled by both phones from where their cursors stood; a second run adds nothing."""

import importlib.util
from datetime import UTC, datetime

from sqlalchemy import delete, select

from backend import limits as L
from backend.config import ROOT
from backend.extensions import db
from backend.models import Couple, Entry, User
from backend.services.rituals import default_bodies

PRACTICES = ("stress_talk", "aftermath")
NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)


def _migration():
    path = ROOT / "migrations" / "versions" / "f14p8a_practices_for_paired_couples.py"
    spec = importlib.util.spec_from_file_location("f14p8a", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MIGRATION = _migration()


def _run(app):
    """The migration's step on the app's database, as `flask db upgrade` runs it (one transaction)."""
    with app.app_context(), db.engine.begin() as conn:
        return MIGRATION.add_missing(conn, NOW)


def _practices(changes):
    return [e for e in changes if e["kind"] == "ritual" and e["body"]["type"] in PRACTICES]


def _paired(signup, joiner_language="en"):
    alice, bob = signup("Alice"), signup("Bob")
    assert bob.client.patch("/api/me", json={"language": joiner_language}).status_code == 200
    code = alice.client.post("/api/couple", json={}).json["invite"]["code"]
    assert bob.client.post("/api/couple/join", json={"code": code}).status_code == 200
    return alice, bob


def _as_if_paired_before(app, person):
    """The couple as one paired before the practices existed: its other defaults, not these two."""
    with app.app_context():
        couple_id = db.session.get(User, person.id).couple_id
        db.session.execute(
            delete(Entry).where(
                Entry.couple_id == couple_id,
                Entry.kind == "ritual",
                Entry.body["type"].as_string().in_(PRACTICES),
            )
        )
        db.session.commit()
        return couple_id


def test_a_new_couple_gets_both_practices_at_pairing(app, signup):
    alice, bob = _paired(signup)

    for person in (alice, bob):
        found = {e["body"]["type"]: e for e in _practices(person.pull_all())}
        assert set(found) == set(PRACTICES)
        for type_, entry in found.items():
            body = entry["body"]
            assert entry["visibility"] == "shared" and entry["author_id"] == bob.id
            assert body["template"] == type_ and body["schedule"]["freq"] == "anytime" and body["enabled"]
        assert found["stress_talk"]["body"]["duration_min"] == 2 * L.STRESS_TURN_MAX_MINUTES
        # One agenda line per step of frontend/js/practices.js: prepare, two turns, close; the aftermath's
        # calm start, then feelings, versions, triggers, each one's part and one plan, each partner in turn.
        assert len(found["stress_talk"]["body"]["prompts"]) == 4
        assert len(found["aftermath"]["body"]["prompts"]) == 1 + 5 * 2


def test_the_migration_writes_what_pairing_writes():
    for lang in MIGRATION.LANGUAGES:
        now = {b["type"]: b for b in default_bodies(NOW.date(), lang) if b["type"] in PRACTICES}
        assert MIGRATION.BODIES[lang] == now


def test_a_couple_paired_before_gets_them_once_in_the_joiners_words(app, signup):
    alice, bob = _paired(signup, joiner_language="ru")
    couple_id = _as_if_paired_before(app, bob)
    alice.pull_all(), bob.pull_all()  # both phones are up to date
    with app.app_context():
        seq_before = db.session.get(Couple, couple_id).seq

    assert _run(app) == 2

    for person in (alice, bob):
        found = {e["body"]["type"]: e for e in _practices(person.pull_all())}  # from where the cursor stood
        assert set(found) == set(PRACTICES)
        assert found["aftermath"]["body"]["title"] == "После ссоры" and found["aftermath"]["author_id"] == bob.id
        assert found["stress_talk"]["body"]["template"] == "stress_talk"
    with app.app_context():
        assert db.session.get(Couple, couple_id).seq == seq_before + 2

    # Again (a second upgrade, or both phones syncing): nothing more, for either of them.
    assert _run(app) == 0
    assert _practices(alice.pull_all()) == [] and _practices(bob.pull_all()) == []
    alice.cursor = bob.cursor = 0
    for person in (alice, bob):
        assert sorted(e["body"]["type"] for e in _practices(person.pull_all())) == sorted(PRACTICES)


def test_a_practice_turned_off_stays_off(app, signup):
    alice, bob = _paired(signup)
    entries = {e["body"]["type"]: e for e in _practices(bob.pull_all())}
    off = {**entries["stress_talk"]["body"], "enabled": False}
    response = bob.sync(("put", {"id": entries["stress_talk"]["id"], "kind": "ritual", "body": off, "base_rev": 1}))
    assert [r["status"] for r in response.json["results"]] == ["applied"], response.json

    assert _run(app) == 0

    alice.cursor = 0
    found = sorted((e["body"]["type"], e["body"]["enabled"]) for e in _practices(alice.pull_all()))
    assert found == [("aftermath", True), ("stress_talk", False)]


def test_only_couples_paired_now_get_them(app, signup):
    alice, bob = _paired(signup)
    _as_if_paired_before(app, bob)
    assert alice.client.post("/api/couple/leave", json={}).status_code == 204
    carol = signup("Carol")
    assert carol.client.post("/api/couple", json={}).status_code == 201  # waiting for a partner

    assert _run(app) == 0

    with app.app_context():
        kinds = db.session.scalars(select(Entry.body).where(Entry.kind == "ritual")).all()
        assert not [b for b in kinds if b["type"] in PRACTICES]


def test_several_couples_each_get_their_own(app, signup):
    pairs = [_paired(signup, lang) for lang in ("en", "ru", "en")]
    for _, bob in pairs:
        _as_if_paired_before(app, bob)

    assert _run(app) == 6

    with app.app_context():
        rows = db.session.execute(
            select(Entry.couple_id, Entry.author_id, Entry.body, Entry.seq).where(Entry.kind == "ritual")
        ).all()
        for _, bob in pairs:
            couple_id = db.session.get(User, bob.id).couple_id
            mine = [r for r in rows if r.couple_id == couple_id and r.body["type"] in PRACTICES]
            assert len(mine) == 2 and {r.author_id for r in mine} == {bob.id}
            seqs = [r.seq for r in rows if r.couple_id == couple_id]
            assert len(seqs) == len(set(seqs))  # each took its own place on the couple's stream
