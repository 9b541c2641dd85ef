"""Outgoing email over SMTP (smtplib): plain-text messages, sent off the request thread.

A request that sends mail (a password reset) must neither wait for nor fail with the mail server, and
must take the same time whether or not a message goes out. So `send` only builds the message and hands
it to one background thread per process, which connects with a timeout (SMTP_TIMEOUT), sends, and logs
the outcome; a failure is logged and the person asks again. Messages leave in the order they were
handed over. Nothing is stored: a process that dies with a message queued loses it (at most a few
seconds' worth), which for a reset link costs one more "send me a link".

Without SMTP_HOST nothing is sent: the whole message is written to the server log at WARNING, so a
local `make run` shows the link.
"""

import logging
import os
import smtplib
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls | tls | none
    username: str | None
    password: str | None
    timeout: float
    ca_file: str | None

    @classmethod
    def from_config(cls, config):
        """The SMTP settings, or None when SMTP_HOST is unset (mail goes to the log)."""
        if not config.get("SMTP_HOST"):
            return None
        security = config.get("SMTP_SECURITY", "starttls")
        if security not in DEFAULT_PORTS:
            raise ValueError(f"SMTP_SECURITY must be starttls, tls or none, not {security!r}")
        return cls(
            host=config["SMTP_HOST"],
            port=config.get("SMTP_PORT") or DEFAULT_PORTS[security],
            security=security,
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            timeout=config.get("SMTP_TIMEOUT", 10.0),
            ca_file=config.get("SMTP_CA_FILE"),
        )

    def tls_context(self):
        """Certificates are always verified; SMTP_CA_FILE names a private CA (or a test's own)."""
        return ssl.create_default_context(cafile=self.ca_file)


def build_message(sender, to, subject, text):
    """A well-formed plain-text message: From, To, Subject, Date, Message-ID (in the sender's domain)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    return message


def deliver(settings, message):
    """Connects, secures the connection as configured, logs in when a user is set, sends, quits."""
    if settings.security == "tls":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=settings.tls_context()
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.security == "starttls":
            client.starttls(context=settings.tls_context())  # refuses to go on in the clear
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(message)


def _deliver_logged(settings, message):
    try:
        deliver(settings, message)
    except Exception as exc:  # noqa: BLE001 - a failed mail is logged, never raised into a request
        log.error(
            "mail to %s not sent (%s:%s, %s): %s: %s",
            _masked(message["To"]),
            settings.host,
            settings.port,
            settings.security,
            type(exc).__name__,
            exc,
        )
    else:
        log.info("mail to %s sent (%s)", _masked(message["To"]), message["Message-ID"])


def _masked(to):
    """j…@example.com: enough to follow a delivery in the log without writing the address down."""
    address = parseaddr(str(to))[1]
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


_pool = (None, None)  # (pid, executor): a forked worker process makes its own thread
_pool_lock = threading.Lock()


def _executor():
    global _pool
    with _pool_lock:
        pid, executor = _pool
        if pid != os.getpid():
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hearth-mail")
            _pool = (os.getpid(), executor)
        return executor


def send(config, to, subject, text):
    """Queues one message to `to` and returns at once; never raises (a failure is logged).
    Without SMTP settings the message is written to the log instead."""
    try:
        settings = SmtpSettings.from_config(config)
        if settings is None:
            log.warning(
                "SMTP_HOST is not set, so this mail was not sent; here it is:\nTo: %s\nSubject: %s\n\n%s",
                to,
                subject,
                text,
            )
            return
        message = build_message(config["MAIL_FROM"], to, subject, text)
        _executor().submit(_deliver_logged, settings, message)
    except Exception as exc:  # noqa: BLE001 - the request that asked must not fail (or tell) because of mail
        log.error("mail to %s not sent: %s: %s", _masked(to), type(exc).__name__, exc)


def wait_until_sent(timeout=30):
    """Blocks until every message handed over so far has been tried (tests use it to know nothing is pending)."""
    executor = _pool[1] if _pool[0] == os.getpid() else None
    if executor is not None:
        executor.submit(lambda: None).result(timeout=timeout)
