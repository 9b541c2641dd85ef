"""The server's words, from the same catalogues as the phone's: frontend/locales/<lang>.json.

t("push.partner.title", "ru", name="Сэм") picks the language's text, fills {name} placeholders and,
for a plural entry ({"one": …, "few": …, "many": …, "other": …}), the form that `count` needs.
A request's language is the phone's Accept-Language (the phone sends the language the person chose);
pushes and emails use the recipient's saved language (users.language) instead.
"""

import json
import re
from functools import cache
from pathlib import Path

from flask import has_request_context, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LANGUAGES = ("en", "ru")
DEFAULT = "en"
LOCALES = Path(__file__).resolve().parent.parent / "frontend" / "locales"
_PLACEHOLDER = re.compile(r"\{([a-zA-Z0-9_]+)\}")


@cache
def catalogue(lang):
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def supported(lang):
    """lang if Hearth speaks it, else the default ("ru-RU" → "ru")."""
    base = str(lang or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT


def request_language():
    """The best language of the current request's Accept-Language header, else the default."""
    if not has_request_context():
        return DEFAULT
    return best_language(request.accept_languages)


def header_language(accept_language):
    """The best language of an Accept-Language header's raw value (servers other than Flask's: live)."""
    return best_language(parse_accept_header(accept_language, LanguageAccept))


def best_language(accepted):
    for value, _quality in accepted:  # best first
        base = value.lower().replace("_", "-").split("-")[0]
        if base in LANGUAGES:
            return base
    return DEFAULT


def plural_form(lang, count):
    """CLDR plural category of an integer count (English and Russian rules)."""
    n = abs(int(count))
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    return "one" if n == 1 else "other"


def lookup(key, lang):
    node = catalogue(supported(lang))
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def t(key, lang=None, **values):
    """The text for key in lang (default: the request's language), placeholders filled.
    A key missing from the catalogue raises KeyError: tests/test_i18n.py keeps both languages whole."""
    lang = supported(lang) if lang else request_language()
    value = lookup(key, lang)
    if isinstance(value, dict) and "other" in value:
        value = value.get(plural_form(lang, values.get("count", 0))) or value["other"]
    if not isinstance(value, str):
        raise KeyError(f"{lang}: {key}")
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), value)
