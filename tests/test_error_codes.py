"""Errors carry stable machine codes (`reason`, and `codes` beside each field's messages) and speak the
request's language; every code the server can send is in both catalogues and in docs/errors.md."""

import re
from pathlib import Path

import pytest
from marshmallow import ValidationError
from marshmallow.validate import Length

from backend import errors
from backend.i18n import t
from backend.schemas.common import String
from samples import entry, only_result

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend"
DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
BAD_SIGNUP = {"email": 5, "password": "short", "timezone": "Mars/Olympus", "extra": True}
SIGNUP_CODES = {
    "email": ["bad_email"],
    "password": ["too_short"],
    "timezone": ["bad_timezone"],
    "display_name": ["required"],
    "extra": ["unknown_field"],
}


def signup_with(client, lang):
    return client.post("/api/auth/signup", json=BAD_SIGNUP, headers={"Accept-Language": lang})


def test_a_422_in_english_names_each_problem_with_a_code(client):
    response = signup_with(client, "en-GB,en;q=0.8")
    assert response.status_code == 422
    body = response.json
    assert body["reason"] == "validation" and body["code"] == 422
    assert body["codes"] == SIGNUP_CODES
    assert body["message"] == "Some details need another look."
    assert body["errors"]["password"] == ["Use at least 10 characters."]
    assert body["errors"]["display_name"] == ["This is needed."]


def test_a_422_speaks_russian_with_accept_language_ru_and_keeps_its_codes(client):
    response = signup_with(client, "ru-RU,ru;q=0.9,en;q=0.5")
    assert response.status_code == 422
    body = response.json
    assert body["reason"] == "validation" and body["codes"] == SIGNUP_CODES
    assert body["message"] == t("error.validation", "ru") == "Кое-что нужно поправить."
    assert body["errors"]["password"] == ["Нужно хотя бы 10 символов."]
    assert body["errors"]["timezone"] == [t("error.field.bad_timezone", "ru")]
    assert body["errors"]["extra"] == ["Неизвестное поле."]


def test_a_language_hearth_does_not_speak_gets_english(client):
    body = signup_with(client, "de-DE").json
    assert body["codes"] == SIGNUP_CODES and body["errors"]["display_name"] == ["This is needed."]


def test_a_rejected_write_in_a_sync_has_codes_and_the_requests_language(pair):
    alice, _bob = pair()
    alice.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ru"
    result = only_result(alice.sync(("put", entry("appreciation", {"text": "x" * 281}))))
    error = result["error"]
    assert result["status"] == "rejected"
    assert error["reason"] == "invalid_entry" and error["code"] == 422
    assert error["codes"] == {"body": {"text": ["too_long"]}}
    assert error["errors"] == {"body": {"text": ["Уложись в 280 символов."]}}
    assert error["message"] == "С этой записью что-то не так."


@pytest.mark.parametrize(
    "lang, message",
    [
        ("en", "That code didn't work. It may be mistyped, used already or expired."),
        ("ru", "Код не подошёл. Возможно, в нём опечатка, им уже воспользовались или срок истёк."),
    ],
)
def test_a_route_error_has_its_reason_and_words(signup, lang, message):
    person = signup()
    response = person.client.post("/api/couple/join", json={"code": "NOPE-NOPE"}, headers={"Accept-Language": lang})
    assert response.status_code == 404
    assert response.json["reason"] == "bad_invite_code" and response.json["message"] == message
    assert response.json["codes"] == {} and response.json["errors"] == {}


def test_the_couple_changed_409_keeps_its_extra_key(pair):
    alice, _bob = pair()
    response = alice.sync(("put", entry("appreciation")), couple_id=None)
    assert response.status_code == 409
    assert response.json["reason"] == "couple_mismatch"
    assert response.json["codes"] == {"couple_id": ["not_your_couple"]}
    assert response.json["couple_id"] == alice.couple_id()


def test_an_unknown_route_and_a_wrong_method_have_reasons(client):
    assert client.get("/api/nothing-here").json["reason"] == "not_found"
    assert client.get("/api/auth/login").json["reason"] == "method_not_allowed"
    assert client.get("/api/me").json["reason"] == "login_required"


def reasons_and_codes_in_the_code():
    """Every reason and field code written in backend/ (fail(…), Rejected(…), error_body(…), Coded(…),
    invalid(…)), the default reason of each status, and the codes given to marshmallow's messages."""
    reasons, codes = set(errors.REASONS.values()) | {"error"}, {"invalid"} | {c for _p, c in errors._BUILTIN}
    for path in BACKEND.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        reasons |= set(re.findall(r'\b(?:fail|Rejected|error_body|error_response)\(\d+, "(\w+)"', text))
        reasons |= {reason for _status, reason in re.findall(r'\((\d{3}), "(\w+)"\)', text)}
        codes |= set(re.findall(r'\b(?:Coded|invalid)\("(\w+)"', text))
    return reasons, codes


def test_every_reason_and_code_is_in_the_catalogue_and_in_docs_errors_md():
    reasons, codes = reasons_and_codes_in_the_code()
    assert {"couple_mismatch", "invalid_entry", "wrong_password", "reset_link_used"} <= reasons
    assert {"too_long", "blank", "due_too_late", "bad_timezone"} <= codes
    for lang in ("en", "ru"):
        for reason in reasons:
            assert t(f"error.{reason}", lang)
        for code in codes:
            assert t(f"error.field.{code}", lang, min=1, max=2, days=7)
    documented = set(re.findall(r"^\| `(\w+)` \|", DOC, re.M))
    assert reasons | codes <= documented, sorted((reasons | codes) - documented)


def test_only_errors_py_builds_the_error_shape():
    for path in BACKEND.rglob("*.py"):
        if path.name != "errors.py":
            assert '"errors":' not in path.read_text(encoding="utf-8"), path


# A schema's own sentence (ValidationError("…"), error="…") reaches people in English only, with the code
# "invalid": every message goes through a code (errors.invalid) and the catalogues instead.
OWN_SENTENCE = re.compile(r"""(?:ValidationError\(\s*|\berror=)["'f]""")
# Operator-facing: names the accepted push hosts and PUSH_ENDPOINT_HOSTS; the phone never shows it.
OWN_SENTENCE_OK = {"schemas/push.py"}


def test_no_schema_writes_a_sentence_of_its_own():
    found = [
        str(path.relative_to(BACKEND))
        for path in sorted(BACKEND.rglob("*.py"))
        if OWN_SENTENCE.search(path.read_text(encoding="utf-8"))
        and str(path.relative_to(BACKEND)) not in OWN_SENTENCE_OK
    ]
    assert found == []


@pytest.mark.parametrize(
    "lang, texts",
    [
        (
            "en",
            ["Keep it to 1 character or fewer.", "Keep it to 254 characters or fewer.", "Use at least 22 characters."],
        ),
        ("ru", ["Уложись в 1 символ.", "Уложись в 254 символа.", "Нужно хотя бы 22 символа."]),
    ],
)
def test_a_number_that_governs_a_noun_takes_its_plural(lang, texts):
    """Hearth's own coded messages and marshmallow's recognised ones alike (EMAIL_MAX is 254)."""
    builtin = String(validate=Length(min=22))
    try:
        builtin.deserialize("short")
    except ValidationError as err:
        too_short = err.messages
    messages = {"a": [errors.Coded("too_long", max=1)], "b": [errors.Coded("too_long", max=254)], "c": too_short}
    assert errors.split(messages, lang)[0] == {"a": [texts[0]], "b": [texts[1]], "c": [texts[2]]}


def test_protocol_mistakes_have_codes_and_words_in_both_languages(pair):
    alice, _bob = pair(rituals=False)
    body = {"client_id": "not-a-uuid", "cursor": "x", "mutations": [{"mid": 2, "op": "put", "entry": {}}] * 2}
    for lang in ("en", "ru"):
        response = alice.client.post("/api/sync", json=body, headers={"Accept-Language": lang})
        assert response.status_code == 422
        codes = response.json["codes"]
        assert codes["client_id"] == ["not_a_uuid"] and codes["cursor"] == ["bad_cursor"]
        assert codes["mutations"] == ["mids_out_of_order"]
        assert response.json["errors"]["cursor"] == [t("error.field.bad_cursor", lang)]
    unnamed = {"client_id": alice.client_id, "cursor": 0, "mutations": [{"mid": 1, "op": "put", "entry": {}}]}
    response = alice.client.post("/api/sync", json=unnamed, headers={"Accept-Language": "ru"})
    assert response.json["codes"] == {"couple_id": ["couple_id_needed"]}
    assert response.json["errors"]["couple_id"] == [t("error.field.couple_id_needed", "ru")]
    too_many = {"client_id": alice.client_id, "cursor": 0, "couple_id": None}
    mutations = [{"mid": n, "op": "put", "entry": {}} for n in range(1, 102)]
    response = alice.client.post("/api/sync", json={**too_many, "mutations": mutations})
    assert response.json["codes"]["mutations"] == ["too_many"]
    assert response.json["errors"]["mutations"] == ["At most 100 of these."]


@pytest.mark.parametrize(
    "lang, minutes, hours, text",
    [
        ("en", 20, 24, "Come back between 20 minutes and 24 hours from now."),
        ("en", 1, 1, "Come back between 1 minute and 1 hour from now."),
        ("ru", 20, 24, "Вернись к разговору не раньше чем через 20 минут и не позже чем через 24 часа."),
        ("ru", 21, 5, "Вернись к разговору не раньше чем через 21 минуту и не позже чем через 5 часов."),
    ],
)
def test_spans_of_time_in_a_message_are_written_out_with_their_plural(lang, minutes, hours, text):
    messages = {"return_at": [errors.Coded("timeout_range", min=minutes, max=hours)]}
    assert errors.split(messages, lang) == ({"return_at": [text]}, {"return_at": ["timeout_range"]})
