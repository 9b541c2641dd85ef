"""Ids that stored entries carry for Hearth's own content agree between the phone, the server and the
catalogues: a default ritual's template (ritual.default.<id>) and a suggested agreement's starter
(agreements.starter.<id>). Each id has its words in both languages, and the server refuses any other."""

import re
from pathlib import Path

import pytest

from backend.i18n import LANGUAGES, lookup
from backend.schemas.bodies import AGREEMENT_STARTERS, RITUAL_TEMPLATES

ROOT = Path(__file__).resolve().parent.parent


def test_the_phone_offers_the_starters_the_server_knows():
    care = (ROOT / "frontend" / "js" / "care.js").read_text(encoding="utf-8")
    block = re.search(r"export const STARTERS = \[(.*?)\n\];", care, re.S)[1]
    assert tuple(re.findall(r'\["([a-z_]+)", "[a-z_]+"\]', block)) == AGREEMENT_STARTERS


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_id_has_its_words_in_each_language(lang):
    for starter in AGREEMENT_STARTERS:
        assert isinstance(lookup(f"agreements.starter.{starter}", lang), str), starter
    for template in RITUAL_TEMPLATES:
        assert isinstance(lookup(f"ritual.default.{template}.title", lang), str), template
        prompts = lookup(f"ritual.default.{template}.prompts", lang)
        assert prompts and sorted(prompts, key=int) == [str(n) for n in range(1, len(prompts) + 1)], template


def test_an_agreement_names_a_starter_hearth_knows_or_none(app, pair):
    alice, _ = pair(rituals=False)
    body = {"text": "Никаких оскорблений.", "category": "conflict_rule"}
    for starter, status in (("no_name_calling", "applied"), (None, "applied"), ("be_nice", "rejected")):
        response, _ = alice.put("agreement", body | ({"starter": starter} if starter else {}), visibility="shared")
        [result] = response.json["results"]
        assert result["status"] == status, (starter, result)
    assert result["error"]["codes"]["body"]["starter"] == ["not_a_choice"]
