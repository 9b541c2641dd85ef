"""The push service's answers read as RFC 8030 means them, and the request carries what push services
expect (Content-Type: application/octet-stream for the aes128gcm body). Every tick runs at NOW."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import PushSubscription
from push_service import NOW, add_job, job_row, subscribe, tick

pytestmark = pytest.mark.vapid  # the app has a VAPID key and subject (tests/conftest.py, app)


def kept(app):
    with app.app_context():
        return len(db.session.scalars(select(PushSubscription)).all()) == 1


@pytest.fixture
def device(signup, push_service):
    person = signup()
    return person, subscribe(person, push_service)


@pytest.fixture(autouse=True)
def delivery_log(caplog):
    # migrations/env.py's fileConfig disables loggers that existed before `flask db upgrade` ran.
    logging.getLogger("backend.services.delivery").disabled = False
    return caplog


# status: (job status after the tick, subscription kept, words the log must carry, words it must not)
ANSWERS = {
    400: ("failed", True, "malformed", "VAPID"),
    401: ("failed", True, "VAPID", None),
    403: ("failed", True, "VAPID", None),
    404: ("failed", False, None, None),
    410: ("failed", False, None, None),
    413: ("failed", True, "too large", "VAPID"),
    415: ("failed", True, "refused", "VAPID"),
    301: ("failed", True, "redirect", "VAPID"),
    307: ("failed", True, "redirect", "VAPID"),
}


@pytest.mark.parametrize("status", list(ANSWERS))
def test_each_answer_is_read_as_rfc_8030_means_it(app, device, push_service, delivery_log, status):
    person, phone = device
    job_status, subscription_kept, words, not_words = ANSWERS[status]
    push_service.answer(phone, status, {"Location": "http://127.0.0.1:9/elsewhere"})
    job = add_job(app, person.id)
    tick(app, NOW)
    row = job_row(app, job)
    assert row.status == job_status, row.last_error
    assert str(status) in row.last_error
    assert kept(app) == subscription_kept
    if words:
        assert words in delivery_log.text
    if not_words:
        assert not_words not in delivery_log.text
    tick(app, NOW + timedelta(minutes=30))
    assert len(push_service.for_device(phone)) == 1  # the same request is not sent again


@pytest.mark.parametrize(
    "status, headers, wait",
    [
        (429, {"Retry-After": "120"}, 120),
        (503, {"Retry-After": "300"}, 300),
        (500, {}, None),
    ],
)
def test_429_and_5xx_are_retried_honouring_retry_after(app, device, push_service, status, headers, wait):
    person, phone = device
    push_service.answer(phone, status, headers, times=1)
    job = add_job(app, person.id)
    tick(app, NOW)
    row = job_row(app, job)
    assert row.status == "pending" and kept(app)
    delay = (row.not_before - NOW).total_seconds()
    if wait:
        assert delay == wait
    else:
        assert 0 < delay <= app.config["PUSH_RETRY_BASE"]  # backoff from PUSH_RETRY_BASE
    tick(app, row.not_before)
    assert job_row(app, job).status == "sent"
    assert len(push_service.for_device(phone)) == 2


def test_the_body_goes_as_an_octet_stream(app, device, push_service):
    person, phone = device
    job = add_job(app, person.id)
    tick(app, NOW)
    [request] = push_service.for_device(phone)
    assert request.headers["content-type"] == "application/octet-stream"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert job_row(app, job).status == "sent"
