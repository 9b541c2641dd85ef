"""The invite QR code: frontend/js/qr.js must produce exactly what a reference encoder produces.

qr_vectors.json was made with python-qrcode (byte mode, level M, each mask forced) for versions 1–10.
When python-qrcode is installed, fresh strings are cross-checked live as well.
"""

import json
import random
import string
from pathlib import Path

import pytest

from .e2e_support import wait_until

pytestmark = pytest.mark.e2e
VECTORS = json.loads((Path(__file__).parent / "qr_vectors.json").read_text())["vectors"]
ENCODE = """async ([text, mask]) => {
    const { encode } = await import('/frontend/js/qr.js');
    const qr = encode(text, mask === null ? {} : { mask });
    return { version: qr.version, mask: qr.mask, rows: qr.modules.map((r) => r.map((d) => (d ? '1' : '0')).join('')) };
  }"""


@pytest.fixture
def page(new_context):
    page = new_context().new_page()
    page.goto("/")
    wait_until(page, "() => document.readyState === 'complete'")
    return page


def test_matches_reference_vectors(page):
    assert {v["version"] for v in VECTORS} == set(range(1, 11))
    for vector in VECTORS:
        got = page.evaluate(ENCODE, [vector["text"], vector["mask"]])
        assert got["version"] == vector["version"], vector["text"][:20]
        assert got["rows"] == vector["rows"], (vector["text"][:20], vector["mask"])


def test_matches_python_qrcode_on_fresh_links(page):
    qrcode = pytest.importorskip("qrcode")
    from qrcode.util import MODE_8BIT_BYTE, QRData

    rng = random.Random(7)
    for length in (5, 40, 77, 120, 200):
        text = "https://h.example/join?code=" + "".join(rng.choice(string.ascii_letters) for _ in range(length))
        text = text[:213]
        got = page.evaluate(ENCODE, [text, None])  # the encoder's own mask choice
        ref = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=got["mask"])
        ref.add_data(QRData(text.encode(), mode=MODE_8BIT_BYTE), optimize=0)
        ref.make(fit=True)
        assert got["rows"] == ["".join("1" if x else "0" for x in row) for row in ref.modules], length


def test_too_long_text_is_refused(page):
    message = page.evaluate("""async () => {
        const { encode } = await import('/frontend/js/qr.js');
        try { encode('x'.repeat(214)); return 'no error'; } catch (err) { return err.message; }
      }""")
    assert "too long" in message
