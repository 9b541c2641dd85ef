"""A person's words in an entry body: the plaintext as before, or an envelope (docs/encryption.md).

Every body field that holds what someone wrote is a `Words` field, and backend/kinds.py names it in
its kind's `words` (the one list of what the phone encrypts). A Words field takes either

- the plaintext, under exactly Text's rules (blank, too_long and the rest, unchanged), or
- an envelope: `e1.<key_id>.` + base64url(iv (12) || AES-GCM ciphertext and tag), the text padded on
  the phone to a multiple of 32 bytes. The server cannot read it; it checks the form, that the size
  is one the padding makes (28 + a multiple of 32 bytes), and caps it by the field's own plaintext
  limit: max chars x 4 UTF-8 bytes, the 0x80 marker, padded to 32, + 28. No second number to keep in step.

A value that starts with `e1.` and holds no whitespace is read as an envelope (and refused when it is
not a well-formed one); anything else is plaintext. Text that a person typed rarely looks like that,
and the phone that encrypts never sends plaintext in this shape.

The entry-level rules (one key id per entry; a `c` key for what the partner may read, a `p` key for
what only the author sees) live where visibility is known: services/entries.py.
"""

import base64
import binascii
import re

from ..errors import invalid
from .common import String, check_text

PREFIX = "e1."
ENVELOPE = re.compile(r"^e1\.([cp][1-9][0-9]{0,8})\.([A-Za-z0-9_-]{59,})$")
IV_BYTES, TAG_BYTES, BLOCK = 12, 16, 32
OVERHEAD = IV_BYTES + TAG_BYTES


def looks_like_envelope(value):
    """Whether a Words value is to be read as an envelope rather than plaintext."""
    return isinstance(value, str) and value.startswith(PREFIX) and not any(c.isspace() for c in value)


def is_envelope(value):
    """Whether value is a well-formed envelope (form only: the server never holds the key)."""
    return isinstance(value, str) and ENVELOPE.match(value) is not None


def key_id(value):
    """The key id an envelope names (`c3`, `p1`), or None for plaintext."""
    found = ENVELOPE.match(value) if isinstance(value, str) else None
    return found.group(1) if found else None


def envelope_cap(max_chars):
    """The largest decoded envelope (iv + ciphertext + tag, bytes) a field of max_chars characters allows."""
    padded = -(-(max_chars * 4 + 1) // BLOCK) * BLOCK
    return padded + OVERHEAD


def check_envelope(value, max_chars):
    found = ENVELOPE.match(value)
    if found is None:
        raise invalid("bad_envelope")
    data = found.group(2)
    if len(data) > -(-envelope_cap(max_chars) * 4 // 3):  # too long to decode to anything allowed
        raise invalid("envelope_too_big")
    try:
        size = len(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (binascii.Error, ValueError):
        raise invalid("bad_envelope") from None
    if len(data) != -(-size * 4 // 3):  # not the unpadded base64url the phone writes
        raise invalid("bad_envelope")
    if size < OVERHEAD + BLOCK or (size - OVERHEAD) % BLOCK:
        raise invalid("bad_envelope")
    if size > envelope_cap(max_chars):
        raise invalid("envelope_too_big")


class WordsField(String):
    """A String for a person's words: Text's rules for plaintext, check_envelope for an envelope."""

    def __init__(self, max_len, min_len=1, **kwargs):
        self.max_chars, self.min_chars = max_len, min_len
        super().__init__(validate=[self._check], **kwargs)

    def _check(self, value):
        if looks_like_envelope(value):
            check_envelope(value, self.max_chars)
        else:
            check_text(value, self.max_chars, self.min_chars)


def Words(max_len, min_len=1, **kwargs):
    """A field holding a person's words, plaintext or envelope (max_len: the plaintext's limit)."""
    return WordsField(max_len, min_len, **kwargs)


def at(body, path):
    """(concrete path, value) for each value a words path names in a loaded body: "answers.*.text"
    gives ("answers.0.text", …), ("answers.1.text", …); a concrete path ("answers.0.text") gives
    that one value; missing parts give nothing."""
    found = [("", body)]
    for part in path.split("."):
        step = []
        for where, node in found:
            if part == "*":
                if isinstance(node, list):
                    step += [(f"{where}{n}.", item) for n, item in enumerate(node)]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                step.append((f"{where}{part}.", node[int(part)]))
            elif isinstance(node, dict) and node.get(part) is not None:
                step.append((f"{where}{part}.", node[part]))
        found = step
    return [(where[:-1], value) for where, value in found]


def envelopes(body, paths):
    """(concrete path, key id) of every envelope among the words paths of a loaded body."""
    return [(where, key_id(value)) for path in paths for where, value in at(body, path) if is_envelope(value)]


def said(value):
    """Whether a field says something, as a rule across a body's fields reads it: text that is not blank
    (an envelope always is: once sealed, only the phone can tell spaces from words), or true."""
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def check_across(rules, data):
    """Raises the first of `rules` whose conditions all hold: each rule is (code, field, conditions), each
    condition (fields, whether any of them says something). Written as data so that backend/limits.py can
    hand the same table to the phone (word-limits.js), which checks it before sealing (docs/encryption.md)."""
    for code, field, conditions in rules:
        if all(any(said(data.get(name)) for name in names) == wanted for names, wanted in conditions):
            raise invalid(code, field)
