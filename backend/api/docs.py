"""Documents the error answers every route shares, so the OpenAPI document lists each status a route can give.

An apispec plugin adds them to each operation as it is registered, from what the route is:
- every route: 500 (no details);
- a login-required route: 401 (and the session cookie as its security requirement);
- a write under /api (POST, PATCH, DELETE): 403 (another origin), 415 (not JSON), 413 (body too large),
  and a JSON body, {} when the route takes no input;
- a route that reads a JSON body: 400 (malformed JSON) and 422 (invalid input).
A route's own answers (404, 409, 410, 429, 503 ...) stay on the route as @bp.alt_response.
There is no catch-all "default" response (see extensions.py): an undocumented status is a defect.
"""

from copy import deepcopy
from http import HTTPStatus

from apispec import BasePlugin

from ..security import WRITE_METHODS, login_required

SESSION_SCHEME = "session"
ERROR_SCHEMA = "Error"  # flask-smorest's {code, status, message, errors}
# Writes must be JSON even without input (security.guard_writes): the document says so, so clients send {}.
EMPTY_BODY = {
    "required": True,
    "description": "Send {} (anything in it is ignored).",
    "content": {"application/json": {"schema": {"type": "object"}}},
}
_LOGIN_WRAPPER = login_required(lambda: None).__code__


def needs_login(view):
    """True when login_required is anywhere in the view's chain of decorators (each keeps __wrapped__)."""
    while view is not None:
        if getattr(view, "__code__", None) is _LOGIN_WRAPPER:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def shared_errors(method, path, operation, view):
    codes = {500}
    if needs_login(view):
        codes.add(401)
    if method.upper() in WRITE_METHODS and path.startswith("/api/"):
        codes |= {403, 413, 415}
    if "requestBody" in operation:
        codes |= {400, 422}
    if any(p.get("in") == "query" for p in operation.get("parameters", ()) if isinstance(p, dict)):
        codes.add(422)
    return codes


class SharedErrors(BasePlugin):
    def __init__(self, app):
        self.app = app

    def init_spec(self, spec):
        spec.components.security_scheme(
            SESSION_SCHEME,
            {
                "type": "apiKey",
                "in": "cookie",
                "name": self.app.config["SESSION_COOKIE_NAME"],
                "description": "The session cookie set by signup and login (httpOnly, SameSite=Lax).",
            },
        )

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            for code in shared_errors(method, rule.rule if rule is not None else path, operation, view):
                if code not in responses and str(code) not in responses:
                    responses[code] = {"description": HTTPStatus(code).phrase}
            if method.upper() in WRITE_METHODS and "requestBody" not in operation:
                operation["requestBody"] = deepcopy(EMPTY_BODY)
            for code, response in responses.items():
                if int(code) >= 400 and isinstance(response, dict):
                    error_body(int(code), response)
            if needs_login(view):
                operation.setdefault("security", [{SESSION_SCHEME: []}])


def error_body(code, response):
    """Every error has the one JSON shape; a 429 says when to come back."""
    response.setdefault("content", {"application/json": {"schema": ERROR_SCHEMA}})
    if code == 429:
        response.setdefault("headers", {})["Retry-After"] = {
            "description": "Seconds to wait before trying again.",
            "schema": {"type": "integer"},
        }


def register(api, app):
    plugin = SharedErrors(app)
    plugin.init_spec(api.spec)
    api.spec.plugins.append(plugin)
