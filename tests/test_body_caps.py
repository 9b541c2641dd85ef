"""Every body has a cap: a sync may carry up to MAX_CONTENT_LENGTH, every other route MAX_SMALL_BODY, and
docs/limits.md lists every route with its request and response caps."""

import re

import pytest

from backend.config import ROOT, Config
from conftest import Person

ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}
TABLE_ROW = re.compile(r"^\| `(GET|POST|PATCH|PUT|DELETE) (/\S*)` \|", re.MULTILINE)
SMALL_ROUTES = [
    ("post", "/api/auth/signup"),
    ("post", "/api/auth/login"),
    ("patch", "/api/me"),
    ("delete", "/api/me"),
    ("post", "/api/me/password"),
    ("post", "/api/couple/join"),
    ("post", "/api/push/subscriptions"),
    ("delete", "/api/push/subscriptions"),
]


def test_the_small_body_cap_is_sixteen_kibibytes_by_default():
    assert Config.MAX_SMALL_BODY == 16 * 1024 <= Config.MAX_CONTENT_LENGTH


@pytest.mark.parametrize("method, path", SMALL_ROUTES)
def test_a_body_over_the_small_cap_is_413_on_every_route_but_sync(app, method, path):
    alice = Person(app, "alice@example.com", "Alice")
    response = getattr(alice.client, method)(path, json={"padding": "x" * (16 * 1024 + 1)})
    assert response.status_code == 413
    assert set(response.json) == ERROR_KEYS and response.json["code"] == 413


def test_a_sync_body_may_be_larger_than_the_small_cap(app, pair):
    alice, _ = pair(rituals=False)
    mutations = [
        {
            "mid": n,
            "op": "put",
            "entry": {
                "id": f"00000000-0000-4000-8000-{n:012d}",
                "kind": "journal",
                "visibility": "private",
                "body": {"text": "x" * 499},
            },
        }
        for n in range(1, 101)
    ]
    couple_id = alice.client.get("/api/me").json["couple"]["id"]
    response = alice.client.post(
        "/api/sync", json={"client_id": alice.client_id, "couple_id": couple_id, "cursor": 0, "mutations": mutations}
    )
    assert response.status_code == 200
    assert {r["status"] for r in response.json["results"]} == {"applied"}


def test_every_route_has_a_row_in_the_caps_table(client):
    documented = set(TABLE_ROW.findall((ROOT / "docs" / "limits.md").read_text()))
    paths = client.get("/api/openapi.json").json["paths"]
    routes = {
        (method.upper(), path)
        for path, ops in paths.items()
        for method in ops
        if method in {"get", "post", "patch", "put", "delete"}
    }
    assert routes - documented == set(), "add these routes to docs/limits.md's body table"
    assert documented - routes == set(), "docs/limits.md lists routes that do not exist"
