"""A real SMTP server for the tests (aiosmtpd in a thread): plain, STARTTLS or implicit TLS, with or
without a required login. Every message it accepts lands in `messages` (a queue), parsed."""

import datetime
import email
import email.policy
import ipaddress
import queue
import re
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from servers import free_port


class Inbox:
    """The aiosmtpd handler: keeps each accepted message with its envelope."""

    def __init__(self):
        self.messages = queue.Queue()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.put(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message,
                "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
                "login": getattr(session, "auth_data", None),
            }
        )
        return "250 Message accepted for delivery"


class MailServer:
    """Start with `start()`, read with `next()`, stop with `stop()`. `settings` are the app's SMTP_* values."""

    def __init__(self, security="none", login=None, certificate=None):
        self.inbox = Inbox()
        self.port = free_port()
        self.security, self.login = security, login
        kwargs = {}
        if security != "none":
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate.cert_path, certificate.key_path)
            kwargs["ssl_context" if security == "tls" else "tls_context"] = context
            if security == "starttls":
                kwargs["require_starttls"] = True
        if login:
            kwargs.update(auth_required=True, authenticator=self._authenticate)
            if security == "tls":  # aiosmtpd only counts STARTTLS as TLS for AUTH; this socket is TLS from the start
                kwargs["auth_require_tls"] = False
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.ca_file = certificate.cert_path if certificate else None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        username, password = self.login
        ok = auth_data.login == username.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False, auth_data=username if ok else None)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def settings(self):
        settings = {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": self.port,
            "SMTP_SECURITY": self.security,
            "SMTP_CA_FILE": self.ca_file,
            "SMTP_TIMEOUT": 10.0,
            "MAIL_FROM": "Hearth <hearth@example.org>",
        }
        if self.login:
            settings.update(SMTP_USERNAME=self.login[0], SMTP_PASSWORD=self.login[1])
        return settings

    def next(self, timeout=15):
        """The next message accepted (waits for it: mail leaves on a background thread)."""
        return self.inbox.messages.get(timeout=timeout)

    def empty(self):
        return self.inbox.messages.empty()


LINK = re.compile(r"(https?://\S+/reset#token=([A-Za-z0-9_-]+))")


def reset_link(received):
    """(link, token) from a received password-reset message, or from any text."""
    text = received if isinstance(received, str) else received["message"].get_content()
    match = LINK.search(text)
    assert match, text
    return match.group(1), match.group(2)


class Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost, written to `directory`."""

    def __init__(self, directory):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
        # A fixed validity window around any date the suite may run on (never the real clock).
        start, end = datetime.datetime(2000, 1, 1), datetime.datetime(2099, 12, 31)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        self.cert_path = str(directory / "smtp-cert.pem")
        self.key_path = str(directory / "smtp-key.pem")
        with open(self.cert_path, "wb") as f:
            f.write(certificate.public_bytes(serialization.Encoding.PEM))
        with open(self.key_path, "wb") as f:
            f.write(
                key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
