"""Schemathesis against /api/openapi.json on the WSGI app: no 5xx, every answer documented and shaped as documented.

A small, derandomized run is part of `make test`; `make fuzz` runs the same tests with many more examples
(FUZZ_EXAMPLES=300) and the coverage phase (boundary values, every wrong type, unexpected methods).
Stateful runs (links between operations) are not set up: each operation gets its own fresh database.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend import create_app
from backend.config import TestConfig
from push_service import new_vapid_pem

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)


def config(security_parameters):
    return SchemathesisConfig.from_dict(
        {
            "seed": 20260501,
            "generation": {
                "max-examples": EXAMPLES,
                "deterministic": True,
                "database": "none",
                "mode": "all",
                "with-security-parameters": security_parameters,
            },
            # The coverage phase alone sends hundreds of requests per operation: `make fuzz` only.
            "phases": {"coverage": {"enabled": EXAMPLES > 20}, "stateful": {"enabled": False}},
        }
    )


@pytest.fixture
def app(make_app):
    """With push keys, so GET /api/push/key answers 200 (its 503 is tested in test_push_api.py), and without
    rate limits, so logins and invite codes are fuzzed past the first 429 (limits: test_rate_limits.py)."""
    return make_app(VAPID_PRIVATE_KEY=new_vapid_pem(), RATELIMIT_ENABLED=False)


@pytest.fixture
def alice_cookie(pair):
    """A paired user's session cookie: with a couple, sync and stats answer 200 rather than 409."""
    alice, _bob = pair()
    return {"hearth_session": alice.client.get_cookie("hearth_session").value}


def load(security_parameters):
    """The document is the same for every app, so it is read once, at collection, from a throwaway app;
    each test sends its cases to its own app (fresh database) with app=...
    (schemathesis.pytest.from_fixture does not run on pytest 9)."""
    document = create_app(TestConfig).test_client().get("/api/openapi.json").json
    return schemathesis.openapi.from_dict(document, config=config(security_parameters))


# Anonymous cases carry made-up session cookies generated from the security scheme.
anonymous = load(security_parameters=True)
logged_in = load(security_parameters=False)


@anonymous.parametrize()
@FUZZ_SETTINGS
def test_anonymous_requests_get_documented_answers(case, app):
    case.call_and_validate(checks=CHECKS, app=app)


@logged_in.parametrize()
@FUZZ_SETTINGS
def test_logged_in_requests_get_documented_answers(case, app, alice_cookie):
    case.call_and_validate(checks=CHECKS, app=app, cookies=alice_cookie)
