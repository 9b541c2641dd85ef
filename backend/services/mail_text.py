"""The words of every email Hearth sends: the catalogue's email.<message>.subject and .body.

`render` fills their {placeholders} in the recipient's language (users.language).
"""

from ..i18n import t


def render(key, language=None, **values):
    """(subject, body) of message `key` in `language` (English when none is given)."""
    language = language or "en"
    return t(f"email.{key}.subject", language, **values), t(f"email.{key}.body", language, **values)
