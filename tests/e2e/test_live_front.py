"""The live_front harness (tests/e2e/conftest.py): one origin serves the app through the live service's
proxy and /api/live itself, so a page's EventSource hears its partner's shared writes."""

import pytest

from conftest import PASSWORD

from .e2e_support import wait_until

pytestmark = pytest.mark.e2e

FIRST_CURSOR = """() => new Promise((resolve, reject) => {
  const source = new EventSource("/api/live");
  window.liveCursors = [];
  source.addEventListener("changed", (event) => {
    window.liveCursors.push(JSON.parse(event.data).cursor);
    resolve(window.liveCursors[0]);
  });
  source.onerror = () => reject(new Error("the stream failed"));
})"""


def test_one_origin_serves_the_app_and_the_live_stream(browser, live_front, live_server):
    context = browser.new_context(base_url=live_front.url)
    try:
        page = context.new_page()
        signed = context.request.post(
            "/api/auth/signup",
            data={"email": "front@example.com", "password": PASSWORD, "display_name": "Front", "timezone": "UTC"},
        )
        assert signed.status == 201, signed.text()  # through the proxy, with its Set-Cookie
        assert context.request.get("/api/me").json()["user"]["email"] == "front@example.com"
        page.goto("/")
        assert page.evaluate(FIRST_CURSOR) == "0.0"
        entry = {"id": "5d1c9f5e-6c1e-4a57-9d36-0c5d5d3b1a11", "kind": "journal", "body": {"text": "x", "feelings": []}}
        synced = context.request.post(
            "/api/sync",
            data={
                "client_id": "0b8e4a52-3c55-4c8a-8a0a-5d9c2e1f7a10",
                "cursor": 0,
                "couple_id": None,
                "mutations": [{"mid": 1, "op": "put", "entry": entry}],
            },
        )
        assert synced.status == 200, synced.text()
        wait_until(page, "() => window.liveCursors.includes('0.1')", timeout=5_000)
    finally:
        context.close()
