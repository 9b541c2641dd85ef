"""Nobody can lock a user out by guessing (OWASP's device cookies): a browser that logged in to an account
before keeps its own allowance of attempts, while attempts from anywhere else share the account's
untrusted allowance and the per-IP limit."""

from test_rate_limits import assert_429, login

from conftest import PASSWORD, Person

NEW_PASSWORD = "a brand new passphrase"


def hammer(app, email, times, ip="203.0.113.66"):
    """An attacker's browser (no device cookie for the account) guessing from one address."""
    attacker = app.test_client()
    return [login(attacker, email, ip=ip).status_code for _ in range(times)]


def device_cookie(response):
    return next((h for h in response.headers.getlist("Set-Cookie") if h.startswith("hearth_device=")), None)


def test_owner_keeps_logging_in_on_a_known_browser_while_the_account_is_hammered(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    alice = Person(app, "alice@example.com", "Alice")  # her phone signed up: it holds a device cookie
    statuses = hammer(app, alice.email, 10)
    assert statuses[:3] == [401] * 3 and set(statuses[3:]) == {429}
    assert login(alice.client, alice.email, PASSWORD).status_code == 200
    assert login(alice.client, alice.email, PASSWORD, ip="198.51.100.7").status_code == 200
    # A browser that never logged in to her account shares the exhausted untrusted allowance.
    assert_429(login(app.test_client(), alice.email, PASSWORD))


def test_device_cookie_is_signed_httponly_strict_long_lived_and_only_sent_to_the_login_routes(make_app):
    app = make_app()
    alice = Person(app, "alice@example.com", "Alice")
    cookie = device_cookie(login(app.test_client(), alice.email, PASSWORD))
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert "httponly" in attributes and attributes["samesite"] == "SameSite=Strict"
    assert attributes["path"] == "Path=/api/auth"
    assert int(attributes["max-age"].split("=")[1]) >= 365 * 86400
    assert alice.email not in cookie and alice.id not in cookie
    assert device_cookie(login(app.test_client(), alice.email)) is None  # a failed login earns none


def test_a_forged_or_altered_device_cookie_earns_no_trust(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    alice = Person(app, "alice@example.com", "Alice")
    value = alice.client.get_cookie("hearth_device", path="/api/auth").value
    nonce, signature = value.split(".")
    forged = app.test_client()
    forged.set_cookie("hearth_device", f"{nonce}.{signature[::-1]}", path="/api/auth")
    hammer(app, alice.email, 3)
    assert_429(login(forged, alice.email, PASSWORD))


def test_a_device_cookie_for_one_account_gives_no_trust_for_another(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    alice = Person(app, "alice@example.com", "Alice")
    mallory = Person(app, "mallory@example.com", "Mallory")  # holds a valid cookie, for her own account
    assert [login(mallory.client, alice.email).status_code for _ in range(3)] == [401] * 3
    assert_429(login(mallory.client, alice.email, PASSWORD))
    assert login(alice.client, alice.email, PASSWORD).status_code == 200


def test_a_known_browser_has_its_own_allowance_and_spends_no_one_elses(make_app):
    app = make_app(LOGIN_LIMIT_PER_DEVICE="3 per minute", LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    alice = Person(app, "alice@example.com", "Alice")
    laptop = app.test_client()
    assert login(laptop, alice.email, PASSWORD).status_code == 200
    assert [login(alice.client, alice.email).status_code for _ in range(3)] == [401] * 3
    assert_429(login(alice.client, alice.email, PASSWORD))  # this browser's allowance is spent
    assert login(laptop, alice.email, PASSWORD).status_code == 200  # her other browser's is not
    assert login(app.test_client(), alice.email, PASSWORD).status_code == 200  # nor the untrusted one


def test_a_known_browser_is_not_held_by_the_per_ip_limit_an_attacker_shares(make_app):
    app = make_app(LOGIN_LIMIT_PER_IP="3 per minute")
    alice = Person(app, "alice@example.com", "Alice")
    shared_ip = "192.0.2.10"  # one carrier NAT for the attacker and the owner
    assert [login(app.test_client(), f"x{i}@example.com", ip=shared_ip).status_code for i in range(3)] == [401] * 3
    assert_429(login(app.test_client(), alice.email, PASSWORD, ip=shared_ip))
    assert login(alice.client, alice.email, PASSWORD, ip=shared_ip).status_code == 200


def test_changing_the_password_ends_the_trust_of_cookies_minted_before(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    alice = Person(app, "alice@example.com", "Alice")
    old_browser = app.test_client()
    assert login(old_browser, alice.email, PASSWORD).status_code == 200
    assert (
        alice.client.post(
            "/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        ).status_code
        == 204
    )
    hammer(app, alice.email, 3)
    assert_429(login(old_browser, alice.email, NEW_PASSWORD))


def test_partners_sharing_a_browser_each_keep_their_trust(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    alice, bob = Person(app, "alice@example.com", "Alice"), Person(app, "bob@example.com", "Bob")
    tablet = app.test_client()
    for person in (alice, bob):
        assert login(tablet, person.email, PASSWORD).status_code == 200
    for person in (alice, bob):
        hammer(app, person.email, 3)
        assert login(tablet, person.email, PASSWORD).status_code == 200
