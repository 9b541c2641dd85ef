"""The SMTP client behind password resets (services/mail.py) against a real local server: verified
STARTTLS and implicit TLS with a login, failures logged and never raised into a request, the log
instead of mail when SMTP_HOST is unset, and `flask mail test`. Runs on SQLite and PostgreSQL."""

import logging

import pytest
from test_password_reset import SENT, ask, confirm, reset_rows, smtp  # noqa: F401 - smtp is a fixture

from backend.services import mail
from conftest import Person
from mail_server import Certificate, MailServer, reset_link
from servers import free_port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return Certificate(tmp_path_factory.mktemp("smtp-tls"))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd misreads implicit TLS
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_verified_tls_with_a_login(make_app, certificate, security):
    server = MailServer(security=security, login=("hearth", "mail secret"), certificate=certificate).start()
    try:
        app = make_app(**server.settings)
        Person(app, "alice@example.com", "Alice")
        assert ask(app).status_code == 202
        received = server.next()
        assert received["tls"] and received["login"] == "hearth"
        _, token = reset_link(received)
        assert confirm(app, token).status_code == 200
    finally:
        mail.wait_until_sent()
        server.stop()


def test_an_untrusted_certificate_is_refused_and_logged(make_app, certificate, caplog):
    server = MailServer(security="starttls", certificate=certificate).start()
    try:
        app = make_app(**{**server.settings, "SMTP_CA_FILE": None})  # the system CAs do not know it
        Person(app, "alice@example.com", "Alice")
        assert ask(app).status_code == 202
        mail.wait_until_sent()
        assert server.empty()
        assert "CERTIFICATE_VERIFY_FAILED" in caplog.text and "a…@example.com" in caplog.text
    finally:
        server.stop()


def test_a_mail_server_that_is_down_never_fails_the_request(make_app, caplog):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none", SMTP_TIMEOUT=2.0)
    Person(app, "alice@example.com", "Alice")
    assert ask(app).json == SENT
    mail.wait_until_sent()
    assert "not sent" in caplog.text and "ConnectionRefusedError" in caplog.text
    assert len(reset_rows(app)) == 1  # the link exists; asking again sends another


def test_a_wrong_smtp_security_setting_is_logged_not_silently_weakened(make_app, caplog):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_SECURITY="startls")
    Person(app, "alice@example.com", "Alice")
    assert ask(app).status_code == 202
    assert "SMTP_SECURITY must be starttls, tls or none" in caplog.text


def test_without_smtp_the_link_goes_to_the_log(make_app, caplog):
    app = make_app(SMTP_HOST=None)
    Person(app, "alice@example.com", "Alice")
    with caplog.at_level(logging.WARNING, logger="backend.services.mail"):
        assert ask(app).json == SENT
    [record] = [r for r in caplog.records if r.name == "backend.services.mail"]
    assert record.levelno == logging.WARNING
    link, token = reset_link(record.getMessage())
    assert link.startswith("http://localhost/reset#token=")
    assert confirm(app, token).status_code == 200


def test_flask_mail_test_sends_one_message_in_the_foreground(make_app, smtp):
    app = make_app(**smtp.settings)
    result = app.test_cli_runner().invoke(args=["mail", "test", "ops@example.org"])
    assert result.exit_code == 0, result.output
    assert f"sent to ops@example.org through 127.0.0.1:{smtp.port} (none)" in result.output
    received = smtp.next(timeout=1)  # already there: the command waited for the server's answer
    assert received["to"] == ["ops@example.org"] and received["message"]["Subject"] == "Hearth can send email"


@pytest.mark.parametrize(
    "settings, says",
    [
        ({"SMTP_HOST": None}, "SMTP_HOST is not set"),
        ({"SMTP_HOST": "127.0.0.1", "SMTP_SECURITY": "ssl"}, "SMTP_SECURITY must be starttls, tls or none"),
        ({"SMTP_HOST": "127.0.0.1", "SMTP_SECURITY": "none", "SMTP_TIMEOUT": 2.0}, "ConnectionRefusedError"),
    ],
)
def test_flask_mail_test_says_what_is_wrong(make_app, settings, says):
    app = make_app(SMTP_PORT=free_port(), **settings)
    result = app.test_cli_runner().invoke(args=["mail", "test", "ops@example.org"])
    assert result.exit_code == 1 and says in result.output
