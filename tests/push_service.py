"""A loopback Web Push service for the push tests: a real HTTP server on 127.0.0.1 that receives
pywebpush's requests, and subscriber devices that hold their own keys and decrypt what arrives; helpers
that subscribe, queue jobs and run a worker pass. The fixtures (`push_service`, `vapid_pem`, and the
`app` with a VAPID key under @pytest.mark.vapid) are in tests/conftest.py.

Nothing is mocked: the app encrypts and signs for real, the server checks what a push service would.
"""

import base64
import json
import os
import threading
import time
from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy import update

from backend.extensions import db
from backend.models import PushJob, PushSubscription, utcnow
from backend.services import nudges
from backend.services.delivery import Sender
from backend.services.push import load_vapid

SUBJECT = "mailto:ops@hearth.test"


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_vapid_pem():
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class Received:
    """One request as the push service saw it."""

    def __init__(self, path, headers, body):
        self.path, self.headers, self.body = path, headers, body
        self.at = time.monotonic()  # when it arrived (the wake tests measure to it)
        self.device_id = path.rsplit("/", 1)[-1]


class PushService:
    def __init__(self):
        self.received = []
        self.answers = defaultdict(deque)  # device id -> queued (status, headers)
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                status, headers = service._answer(request)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def _answer(self, request):
        with self.lock:
            self.received.append(request)
            if request.body and request.headers.get("content-type") != "application/octet-stream":
                return 400, {}  # as a strict push service (or emulator) does: the body is an opaque octet stream
            queue = self.answers[request.device_id]
            if queue:
                status, headers, times, device, types = queue[0]
                if types and device.decrypt(request)["type"] not in types:
                    return 201, {}
                if times is not None:
                    times -= 1
                    if times <= 0:
                        queue.popleft()
                    else:
                        queue[0] = (status, headers, times, device, types)
                return status, headers
        return 201, {}

    def answer(self, device, status, headers=None, times=None, types=()):
        """Answer this device's next `times` requests (None: all of them) with `status`; with `types`,
        only requests whose payload is of one of those types (a reminder due at the test's instant
        then takes the usual 201 and leaves the planned answer for the message under test)."""
        with self.lock:
            self.answers[device.id].append((status, headers or {}, times, device, tuple(types)))

    def for_device(self, device):
        with self.lock:
            return [r for r in self.received if r.device_id == device.id]

    def clear(self):
        with self.lock:
            self.received.clear()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Device:
    """A browser's push subscription: its own P-256 key pair and auth secret."""

    def __init__(self, service):
        self.id = b64url(os.urandom(9))
        self.endpoint = f"{service.origin}/push/{self.id}"
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.service = service

    @property
    def p256dh(self):
        return b64url(
            self.key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def subscription(self):
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)}}

    def decrypt(self, request):
        assert request.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(request.body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        return json.loads(plain)

    def pushes(self, *types):
        """Requests this device received, of these payload types only when any are given (pairing may
        seed default rituals whose reminders come too: tests count what they are about)."""
        received = self.service.for_device(self)
        return [r for r in received if not types or self.decrypt(r)["type"] in types]

    def messages(self, *types):
        return [self.decrypt(r) for r in self.pushes(*types)]


def check_vapid(request, public_key, origin, subject=SUBJECT):
    """The Authorization header is `vapid t=<JWT>, k=<key>`, signed by the server's key, for this origin."""
    scheme, _, params = request.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    assert parts["k"] == public_key
    header, claims, signature = parts["t"].split(".")
    raw = unb64url(signature)
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
    try:
        point.verify(
            encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
            f"{header}.{claims}".encode(),
            ec.ECDSA(hashes.SHA256()),
        )
    except InvalidSignature:
        pytest.fail("VAPID JWT signature does not verify")
    assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
    body = json.loads(unb64url(claims))
    assert body["aud"] == origin
    assert body["sub"] == subject
    assert time.time() < body["exp"] <= time.time() + 24 * 3600
    return body


def subscribe(person, service):
    device = Device(service)
    response = person.client.post("/api/push/subscriptions", json=device.subscription())
    assert response.status_code == 201, response.json
    return device


def tick(app, now=None):
    """One worker pass as if at `now`, through the real Sender (thread pool, sessions, pywebpush)."""
    with app.app_context():
        vapid, _ = load_vapid()
        with Sender(vapid, app.config["VAPID_SUBJECT"], timeout=5, threads=4) as sender:
            return nudges.tick(now or utcnow(), sender)


# An instant the tests choose (a Wednesday, 13:00 in Berlin): no default ritual or nudge is due then.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def add_job(app, user_id, now=NOW, payload=None, type="nudge"):
    """A scheduled push job due at `now`, written straight into the database (no input rules on the way)."""
    payload = payload or {"type": type, "title": "Hearth", "body": "One small thing?", "url": "/", "tag": type}
    with app.app_context():
        job = PushJob(
            user_id=user_id,
            type=type,
            data={"payload": payload},
            not_before=now,
            created_at=now,
            expires_at=now + timedelta(hours=1),
        )
        db.session.add(job)
        db.session.commit()
        return job.id


def due_at(app, now=NOW):
    """Moves every pending job (written by a sync at the real time) to `now`, as if made then."""
    with app.app_context():
        db.session.execute(
            update(PushJob).where(PushJob.status == "pending").values(not_before=now, created_at=now, expires_at=None)
        )
        db.session.commit()


def add_subscription(app, user_id, endpoint):
    """A subscription row written straight into the database, as if the API had let it in."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    p256dh = b64url(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    with app.app_context():
        sub = PushSubscription(user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=b64url(os.urandom(16)))
        db.session.add(sub)
        db.session.commit()
        return sub.id


def job_row(app, job_id):
    with app.app_context():
        return db.session.get(PushJob, job_id)
