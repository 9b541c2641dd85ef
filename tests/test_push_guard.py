"""No server-side request forgery through push endpoints: only the push services browsers use (plus
PUSH_ENDPOINT_HOSTS), checked when a subscription is posted AND when the worker sends; names resolved
at send time and the socket connected to the very address that was checked; redirects never followed."""

import ipaddress
import os
import socket

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from backend.extensions import db
from backend.models import PushSubscription
from backend.services import outbound
from push_service import NOW, Device, PushService, add_job, add_subscription, b64url, job_row, subscribe, tick

pytestmark = pytest.mark.vapid  # the app has a VAPID key and subject (tests/conftest.py, app)

# Hosts that reach this machine, its network or a cloud metadata service, in every spelling the
# resolver accepts; {port} is a loopback push service's port, so a request that got out would be seen.
HOSTILE = [
    "https://2130706433:{port}/push/x",  # 127.0.0.1 in decimal
    "https://0x7f000001:{port}/push/x",  # … in hex
    "https://0x7f.1:{port}/push/x",  # … hex, two parts
    "https://017700000001:{port}/push/x",  # … in octal
    "https://0177.0.0.01:{port}/push/x",  # … octal parts
    "https://127.1:{port}/push/x",  # … two parts
    "https://127.0.1:{port}/push/x",  # … three parts
    "https://0:{port}/push/x",  # 0.0.0.0
    "https://0.0.0.0:{port}/push/x",
    "https://localhost.:{port}/push/x",  # a trailing dot is still localhost
    "http://localhost.:{port}/push/x",
    "http://127.0.0.2:{port}/push/x",  # loopback, but not the exact local-dev names
    "http://2130706433:{port}/push/x",
    "http://127.1:{port}/push/x",
    "https://2852039166/latest/meta-data/",  # 169.254.169.254 in decimal
    "https://169.254.169.254/latest/meta-data/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://10.0.0.7/push",
    "https://172.16.0.1/push",
    "https://192.168.1.1/push",
    "https://100.64.0.1/push",  # CGNAT shared space
    "https://198.18.0.1/push",  # benchmarking
    "https://224.0.1.1/push",  # multicast
    "https://[::1]:{port}/push/x",
    "http://[::1]:{port}/push/x",
    "https://[fe80::1]/push",
    "https://[fe80::1%25eth0]/push",
    "https://[fc00::1]/push",
    "https://[::ffff:127.0.0.1]:{port}/push/x",  # IPv4-mapped
    "https://[::ffff:7f00:1]:{port}/push/x",
    "https://[::127.0.0.1]:{port}/push/x",  # IPv4-compatible
    "https://[64:ff9b::7f00:1]/push",  # NAT64 of 127.0.0.1
    "https://[64:ff9b::a9fe:a9fe]/push",  # NAT64 of 169.254.169.254
    "https://[2002:7f00:1::]/push",  # 6to4 of 127.0.0.1
    "https://[::]/push",
    "https://internal.example.com/push",  # any name not a push service (never resolved)
    "https://fcm.googleapis.com.evil.example/push",
    "https://evilfcm.googleapis.com/push",
    "https://user@fcm.googleapis.com/fcm/send/x",
]


def keys():
    device = Device.__new__(Device)
    device.key, device.auth = ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    return {"p256dh": device.p256dh, "auth": b64url(device.auth)}


@pytest.mark.parametrize("endpoint", HOSTILE)
def test_internal_endpoints_are_refused_at_subscribe(signup, push_service, endpoint):
    alice = signup()
    url = endpoint.format(port=push_service.server.server_port)
    response = alice.client.post("/api/push/subscriptions", json={"endpoint": url, "keys": keys()})
    assert response.status_code == 422, (url, response.json)
    assert "endpoint" in response.json["errors"]


def test_the_refusal_says_which_hosts_are_accepted_and_how_to_allow_a_local_one(make_app, vapid_pem):
    from conftest import Person

    production = make_app(TESTING=False, DEBUG=False, VAPID_PRIVATE_KEY=vapid_pem, RATELIMIT_ENABLED=False)
    alice = Person(production, "prod@example.com", "Alice")
    response = alice.client.post(
        "/api/push/subscriptions", json={"endpoint": "http://127.0.0.1:8080/push/1", "keys": keys()}
    )
    assert response.status_code == 422
    [message] = response.json["errors"]["endpoint"]
    assert "https" in message and "PUSH_ENDPOINT_HOSTS" in message and "FLASK_DEBUG=1" in message
    response = alice.client.post(
        "/api/push/subscriptions", json={"endpoint": "https://push.example.net/push/1", "keys": keys()}
    )
    [message] = response.json["errors"]["endpoint"]
    assert "fcm.googleapis.com" in message and "updates.push.services.mozilla.com" in message
    assert "PUSH_ENDPOINT_HOSTS" in message and "FLASK_DEBUG=1" in message


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
        "https://web.push.apple.com/QAbc",
        "http://127.0.0.1:8080/push/1",  # the loopback exception, in TESTING
        "http://localhost:8080/push/1",
    ],
)
def test_browser_push_services_are_accepted(signup, endpoint):
    alice = signup()
    response = alice.client.post("/api/push/subscriptions", json={"endpoint": endpoint, "keys": keys()})
    assert response.status_code == 201, response.json


def test_push_endpoint_hosts_adds_a_self_hosted_push_service(make_app, vapid_pem):
    from conftest import Person

    app = make_app(VAPID_PRIVATE_KEY=vapid_pem, PUSH_ENDPOINT_HOSTS=("push.example.org",))
    alice = Person(app, "self@example.com", "Alice")
    for endpoint in ("https://push.example.org/x", "https://eu.push.example.org/x", "https://fcm.googleapis.com/x"):
        response = alice.client.post("/api/push/subscriptions", json={"endpoint": endpoint, "keys": keys()})
        assert response.status_code == 201, response.json


@pytest.mark.parametrize(
    "host, address",
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("2852039166", "169.254.169.254"),
        ("169.254.43518", "169.254.169.254"),
        ("127.1.", "127.0.0.1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("fe80::1%eth0", "fe80::1"),
        ("fcm.googleapis.com", None),
        ("1.2.3.4.5", None),
        ("08", None),
        ("256.1.1.1", None),
        ("example", None),
    ],
)
def test_hosts_are_read_as_the_resolver_reads_them(host, address):
    ip = outbound.ip_of(host)
    assert (str(ip) if ip else None) == address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "100.64.0.1",
        "198.18.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.1.1",
        "255.255.255.255",
        "192.88.99.1",
        "192.0.2.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::127.0.0.1",
        "64:ff9b::a00:1",
        "64:ff9b:1::1",
        "2002:a00:1::",
        "2001:db8::1",
        "::",
    ],
)
def test_non_global_addresses_are_not_public(address):
    assert not outbound.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "2a00:1450:4001:80b::200a", "64:ff9b::5db8:d822", "2002:5db8:d822::"]
)
def test_global_addresses_are_public(address):
    assert outbound.is_public(ipaddress.ip_address(address))


def stored(app):
    with app.app_context():
        return db.session.scalars(select(PushSubscription.endpoint)).all()


@pytest.mark.parametrize("endpoint", HOSTILE)
def test_internal_endpoints_are_refused_at_send(app, signup, push_service, endpoint):
    """A row that got in anyway (older rules, a database edit): the worker sends nothing to it."""
    alice = signup()
    url = endpoint.format(port=push_service.server.server_port)
    add_subscription(app, alice.id, url)
    job = add_job(app, alice.id)
    tick(app, NOW)
    row = job_row(app, job)
    assert row.status == "failed", (url, row.status, row.last_error)
    assert "refused" in row.last_error
    assert push_service.received == []
    assert stored(app) == [url]  # never deleted on the strength of an answer from inside


@pytest.fixture
def self_hosted(make_app, vapid_pem):
    return make_app(VAPID_PRIVATE_KEY=vapid_pem, PUSH_ENDPOINT_HOSTS=("push.hearth.test",))


@pytest.mark.parametrize(
    "answer",
    [
        [(socket.AF_INET, "10.0.0.5")],
        [(socket.AF_INET, "169.254.169.254")],
        [(socket.AF_INET6, "::ffff:127.0.0.1")],
        [(socket.AF_INET, "93.184.216.34"), (socket.AF_INET, "127.0.0.1")],  # one bad address spoils the name
    ],
)
def test_a_name_resolving_to_a_private_address_is_refused_at_send(self_hosted, monkeypatch, answer):
    from conftest import Person

    app = self_hosted
    alice = Person(app, "dns@example.com", "Alice")
    endpoint = "https://push.hearth.test/push/x"
    assert alice.client.post("/api/push/subscriptions", json={"endpoint": endpoint, "keys": keys()}).status_code == 201
    asked, connected = [], []
    monkeypatch.setattr(outbound, "resolve", lambda host, port: asked.append((host, port)) or answer)
    monkeypatch.setattr(outbound.connection, "create_connection", lambda *a, **k: connected.append(a) or 1 / 0)
    job = add_job(app, alice.id)
    tick(app, NOW)
    row = job_row(app, job)
    assert asked == [("push.hearth.test", 443)]  # resolved when sending
    assert connected == []
    assert row.status == "failed" and "not a public address" in row.last_error
    assert stored(app) == [endpoint]


def test_the_socket_goes_to_the_checked_address_and_the_request_keeps_the_name(monkeypatch, push_service):
    """The guard's own connection: resolve once, check, connect to that IP; Host still names the service."""
    asked, real_getaddrinfo = [], socket.getaddrinfo

    def numeric_only(host, *args, **kwargs):  # the connect path may look up the IP literal, never the name
        assert host != "push.hearth.test", "a second lookup of the name, after the check"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", numeric_only)
    monkeypatch.setattr(outbound, "resolve", lambda host, port: asked.append(host) or [(socket.AF_INET, "127.0.0.1")])
    monkeypatch.setattr(outbound, "is_public", lambda ip: True)  # let loopback stand in for a public address
    port = push_service.server.server_port
    session = outbound.GuardedSession(outbound.Guard(("push.hearth.test",)))
    response = session.post(
        f"http://push.hearth.test:{port}/push/dev", data=b"x", headers={"Content-Type": "application/octet-stream"}
    )
    assert response.status_code == 201
    assert asked == ["push.hearth.test"]
    [request] = push_service.received
    assert request.headers["host"] == f"push.hearth.test:{port}"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed(app, signup, push_service, status):
    """The loopback exception is on (TESTING): still, a 3xx is a failed send, not a second request."""
    inside = PushService()
    try:
        alice = signup()
        device = subscribe(alice, push_service)
        inside.answer(device, 404)  # today's worker then deleted the row: visible in the attacker's export
        push_service.answer(device, status, {"Location": f"{inside.origin}/push/{device.id}"})
        job = add_job(app, alice.id)
        tick(app, NOW)
        assert inside.received == []
        row = job_row(app, job)
        assert row.status == "failed" and "redirect" in row.last_error, row.last_error
        assert stored(app) == [device.endpoint]
        tick(app, NOW.replace(hour=13))
        assert len(push_service.for_device(device)) == 1  # not retried either
    finally:
        inside.close()
