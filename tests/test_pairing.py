"""Pairing: create a couple, invite codes, joining, leaving."""

import re
import threading
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import Couple, Invite, User, utcnow
from backend.services.couples import ALPHABET

ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}
CODE_RE = re.compile(r"^HEARTH-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})$")


def create_couple(person):
    response = person.client.post("/api/couple", json={})
    assert response.status_code == 201, response.json
    return response.json


def join(person, code):
    return person.client.post("/api/couple/join", json={"code": code})


def couple_id_of(app, person):
    with app.app_context():
        return db.session.get(User, person.id).couple_id


def export_texts(person):
    response = person.client.get("/api/export")
    assert response.status_code == 200
    return sorted(e["body"]["text"] for e in response.json["entries"])


def sync_status(person):
    return person.client.post("/api/sync", json={"client_id": str(uuid.uuid4()), "cursor": 0}).status_code


# --- creating a couple and its invite ---------------------------------------------------------


def test_create_couple_answers_201_with_a_readable_40_bit_invite(app, signup):
    alice = signup("Alice")
    body = create_couple(alice)
    invite = body["invite"]
    assert CODE_RE.match(invite["code"])
    assert invite["url"].endswith("/join?code=" + invite["code"])
    assert invite["url"].startswith("http://localhost/")
    expires = datetime.fromisoformat(invite["expires_at"])
    assert abs(expires - (utcnow() + timedelta(hours=48))) < timedelta(minutes=1)
    assert body["couple"]["members"] == [{"id": alice.id, "display_name": "Alice", "question_depth": "light"}]
    with app.app_context():
        stored = db.session.scalar(select(Invite))
        assert len(stored.code) == 8 and set(stored.code) <= set(ALPHABET)
        assert stored.couple_id == body["couple"]["id"] == db.session.get(User, alice.id).couple_id
        assert stored.used_at is None


def test_invite_codes_are_random(signup):
    codes = {create_couple(signup())["invite"]["code"] for _ in range(8)}
    assert len(codes) == 8


def test_crockford_alphabet_has_32_unambiguous_symbols():
    assert len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_create_couple_when_already_in_one_is_409(app, signup):
    alice = signup()
    first = create_couple(alice)["couple"]["id"]
    response = alice.client.post("/api/couple", json={})
    assert response.status_code == 409 and set(response.json) == ERROR_KEYS
    assert couple_id_of(app, alice) == first
    with app.app_context():
        assert len(db.session.scalars(select(Couple)).all()) == 1


# --- joining ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code,
        lambda code: code.lower(),
        lambda code: " " + code.replace("-", " ").lower() + " ",
        lambda code: code[len("HEARTH-") :].replace("-", ""),
        lambda code: code[len("HEARTH-") :].lower().replace("-", " "),
    ],
)
def test_join_accepts_the_code_as_typed(app, signup, typed):
    alice, bob = signup("Alice"), signup("Bob")
    code = create_couple(alice)["invite"]["code"]
    response = join(bob, typed(code))
    assert response.status_code == 200
    couple = response.json["couple"]
    assert [m["display_name"] for m in couple["members"]] == ["Alice", "Bob"]
    assert couple_id_of(app, bob) == couple_id_of(app, alice) == couple["id"]
    with app.app_context():
        invite = db.session.scalar(select(Invite))
        assert invite.used_by == bob.id and invite.used_at is not None
        assert db.session.get(Couple, couple["id"]).paired_at is not None


def test_join_reads_misheard_letters_as_the_digits_they_look_like(app, signup):
    alice, bob = signup(), signup()
    create_couple(alice)
    with app.app_context():
        db.session.scalar(select(Invite)).code = "01AB01CD"
        db.session.commit()
    assert join(bob, "hearth-oiab-olcd").status_code == 200
    assert couple_id_of(app, bob) == couple_id_of(app, alice)


def test_join_with_a_used_code_is_404(app, signup):
    alice, bob, carol = signup(), signup(), signup()
    code = create_couple(alice)["invite"]["code"]
    assert join(bob, code).status_code == 200
    response = join(carol, code)
    assert response.status_code == 404 and set(response.json) == ERROR_KEYS
    assert couple_id_of(app, carol) is None


def test_join_with_an_expired_code_is_404(app, signup):
    alice, bob = signup(), signup()
    code = create_couple(alice)["invite"]["code"]
    with app.app_context():
        db.session.scalar(select(Invite)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert join(bob, code).status_code == 404
    assert couple_id_of(app, bob) is None


@pytest.mark.parametrize("code", ["HEARTH-0000-0000", "garbage", "HEARTH-ABCD-EFG", "12345678901234", "----"])
def test_join_with_a_garbage_code_is_404(app, signup, code):
    alice, bob = signup(), signup()
    create_couple(alice)
    response = join(bob, code)
    assert response.status_code == 404 and response.json["code"] == 404
    assert couple_id_of(app, bob) is None


@pytest.mark.parametrize("code", ["", "x" * 41])
def test_join_with_an_empty_or_overlong_code_is_422(signup, code):
    response = join(signup(), code)
    assert response.status_code == 422 and "code" in response.json["errors"]


def test_join_when_already_paired_is_409(app, pair, signup):
    alice, bob = pair(rituals=False)
    carol = signup()
    code = create_couple(carol)["invite"]["code"]
    response = join(bob, code)
    assert response.status_code == 409 and set(response.json) == ERROR_KEYS
    assert couple_id_of(app, bob) == couple_id_of(app, alice)
    with app.app_context():
        assert db.session.scalar(select(Invite).where(Invite.couple_id == couple_id_of(app, carol))).used_at is None


def test_join_with_your_own_code_is_409(app, signup):
    alice = signup()
    code = create_couple(alice)["invite"]["code"]
    assert join(alice, code).status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Invite)).used_at is None


def test_joining_a_couple_whose_creator_left_is_404(app, signup):
    alice, bob = signup(), signup()
    code = create_couple(alice)["invite"]["code"]
    assert alice.client.post("/api/couple/leave", json={}).status_code == 204
    assert join(bob, code).status_code == 404
    assert couple_id_of(app, bob) is None


# --- fresh invites ----------------------------------------------------------------------------


def test_a_fresh_invite_while_alone_is_201(app, signup):
    alice = signup()
    first = create_couple(alice)["invite"]["code"]
    response = alice.client.post("/api/couple/invite", json={})
    assert response.status_code == 201
    assert CODE_RE.match(response.json["invite"]["code"]) and response.json["invite"]["code"] != first
    with app.app_context():
        assert len(db.session.scalars(select(Invite)).all()) == 2


def test_a_fresh_invite_once_the_partner_joined_is_409(app, pair):
    alice, bob = pair(rituals=False)
    for person in (alice, bob):
        response = person.client.post("/api/couple/invite", json={})
        assert response.status_code == 409 and set(response.json) == ERROR_KEYS
    with app.app_context():
        assert len(db.session.scalars(select(Invite)).all()) == 1


def test_a_fresh_invite_without_a_couple_is_404(signup):
    assert signup().client.post("/api/couple/invite", json={}).status_code == 404


def test_once_one_invite_is_used_the_couples_other_invites_are_dead(app, signup):
    alice, bob, carol = signup(), signup(), signup()
    first = create_couple(alice)["invite"]["code"]
    second = alice.client.post("/api/couple/invite", json={}).json["invite"]["code"]
    assert join(bob, second).status_code == 200
    assert join(carol, first).status_code == 404
    assert couple_id_of(app, carol) is None
    with app.app_context():
        assert all(i.used_at is not None for i in db.session.scalars(select(Invite)))


# --- leaving ----------------------------------------------------------------------------------


def test_leave_unpairs_both_partners(app, pair):
    alice, bob = pair(rituals=False)
    couple_id = couple_id_of(app, alice)
    assert bob.client.post("/api/couple/leave", json={}).status_code == 204
    for person in (alice, bob):
        assert person.client.get("/api/me").json["couple"] is None
        assert couple_id_of(app, person) is None
    with app.app_context():
        assert db.session.get(Couple, couple_id).ended_at is not None


def test_after_leaving_neither_partner_can_sync_writes_queued_for_the_couple(pair):
    alice, bob = pair(rituals=False)
    couple_id = alice.couple_id()
    assert sync_status(alice) == sync_status(bob) == 200
    alice.client.post("/api/couple/leave", json={})
    for person in (alice, bob):
        response = person.client.post(
            "/api/sync",
            json={
                "client_id": str(uuid.uuid4()),
                "cursor": 0,
                "couple_id": couple_id,
                "mutations": [
                    {
                        "mid": 1,
                        "op": "put",
                        "entry": {"id": str(uuid.uuid4()), "kind": "appreciation", "body": {"text": "Thank you"}},
                    }
                ],
            },
        )
        assert response.status_code == 409 and set(response.json) == ERROR_KEYS | {"couple_id"}
        assert response.json["couple_id"] is None
        assert sync_status(person) == 200  # a pull for no couple: their own entries


def test_after_leaving_each_keeps_only_their_own_entries(pair):
    alice, bob = pair(rituals=False)
    alice.put("appreciation", {"text": "from alice"})
    alice.put("journal", {"text": "alice private"}, visibility="private")
    bob.put("appreciation", {"text": "from bob"})
    assert export_texts(alice) == ["alice private", "from alice", "from bob"]
    alice.client.post("/api/couple/leave", json={})
    assert export_texts(alice) == ["alice private", "from alice"]
    assert export_texts(bob) == ["from bob"]


def test_leave_without_a_couple_is_404(signup):
    response = signup().client.post("/api/couple/leave", json={})
    assert response.status_code == 404 and set(response.json) == ERROR_KEYS


def test_former_partners_can_pair_again_as_a_new_couple(app, pair):
    alice, bob = pair(rituals=False)
    old = couple_id_of(app, alice)
    alice.client.post("/api/couple/leave", json={})
    code = create_couple(bob)["invite"]["code"]
    response = join(alice, code)
    assert response.status_code == 200
    new = response.json["couple"]["id"]
    assert new != old and couple_id_of(app, alice) == couple_id_of(app, bob) == new
    assert sync_status(alice) == 200
    with app.app_context():
        assert db.session.get(Couple, old).ended_at is not None


def race(*calls):
    """Runs the calls at the same instant in threads; returns their responses in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_people_racing_for_one_code_pair_only_one(app, signup):
    alice, bob, carol = signup(), signup(), signup()
    code = create_couple(alice)["invite"]["code"]
    responses = race(lambda: join(bob, code), lambda: join(carol, code))
    assert sorted(r.status_code for r in responses) == [200, 404]
    with app.app_context():
        members = db.session.scalars(select(User).where(User.couple_id == couple_id_of(app, alice))).all()
        assert len(members) == 2


def test_one_person_racing_into_two_couples_ends_up_in_one(app, signup):
    alice, bob, carol = signup(), signup(), signup()
    code_a = create_couple(alice)["invite"]["code"]
    code_c = create_couple(carol)["invite"]["code"]
    responses = race(lambda: join(bob, code_a), lambda: join(bob, code_c))
    assert sorted(r.status_code for r in responses) == [200, 409]
    with app.app_context():
        couples = db.session.scalars(select(Couple)).all()
        assert sorted(c.paired_at is not None for c in couples) == [False, True]
        used = db.session.scalars(select(Invite).where(Invite.used_by == bob.id)).all()
        assert len(used) == 1 and used[0].couple_id == db.session.get(User, bob.id).couple_id


def test_double_tapping_create_couple_makes_one_couple(app, signup):
    alice = signup()
    responses = race(
        lambda: alice.client.post("/api/couple", json={}), lambda: alice.client.post("/api/couple", json={})
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    with app.app_context():
        assert len(db.session.scalars(select(Couple)).all()) == 1


# --- the default rituals speak the language of the partner who pairs ------------------------------


@pytest.mark.parametrize(
    "joiner_language, title, first_prompt",
    [
        ("ru", "Разговор недели", "Телефоны в сторону, лучше в другую комнату. Что у нас получилось на этой неделе?"),
        ("en", "Weekly check-in", "Phones away, in another room if you can. What went well for us this week?"),
    ],
)
def test_default_rituals_are_written_in_the_joiners_language(app, signup, joiner_language, title, first_prompt):
    alice, bob = signup("Alice"), signup("Bob")
    alice.client.patch("/api/me", json={"language": "en" if joiner_language == "ru" else "ru"})
    bob.client.patch("/api/me", json={"language": joiner_language})
    code = create_couple(alice)["invite"]["code"]
    assert join(bob, code).status_code == 200
    rituals = {e["body"]["type"]: e["body"] for e in bob.pull_all() if e["kind"] == "ritual"}
    assert (rituals["weekly_checkin"]["title"], rituals["weekly_checkin"]["prompts"][0]) == (title, first_prompt)
    assert len(rituals["weekly_checkin"]["prompts"]) == 5 and len(rituals["story"]["prompts"]) == 2


def test_no_english_in_a_russian_speakers_default_rituals(app, signup):
    alice, bob = signup("Alice"), signup("Bob")
    bob.client.patch("/api/me", json={"language": "ru"})
    assert join(bob, create_couple(alice)["invite"]["code"]).status_code == 200
    words = [
        text for e in bob.pull_all() if e["kind"] == "ritual" for text in (e["body"]["title"], *e["body"]["prompts"])
    ]
    assert len(words) == 9 + 27 + 4 + 11  # titles and prompts (the two practices: 4 and 11)
    assert [w for w in words if re.search(r"\b(the|you|and|of)\b", w)] == []
