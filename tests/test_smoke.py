def test_healthz_answers_once_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_pair_fixture_puts_both_in_one_couple(pair):
    alice, bob = pair()
    a = alice.client.get("/api/me").json["couple"]
    b = bob.client.get("/api/me").json["couple"]
    assert a["id"] == b["id"]
    assert {m["display_name"] for m in a["members"]} == {"Alice", "Bob"}
