"""Get help's lines (frontend/js/help-lines.js, as node imports it): at least ten countries, each with a
crisis line and an emergency number, every line reachable (a number, and a site where it has one), its name
and purpose in both catalogues, sources listed in docs/help-resources.md; and the country guess (the phone's
time zone, then its language's region, else none)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULE = ROOT / "frontend" / "js" / "help-lines.js"
DOC = ROOT / "docs" / "help-resources.md"
# Get help's words: the catalogue's, with the help content file the screen loads beside it.
CATALOGUES = {
    lang: json.loads((ROOT / "frontend" / "locales" / f"{lang}.json").read_text(encoding="utf-8"))
    | {"help": json.loads((ROOT / "frontend" / "content" / f"help.{lang}.json").read_text(encoding="utf-8"))["help"]}
    for lang in ("en", "ru")
}
DIGITS = re.compile(r"^\d{3,15}$")


def node(expression):
    """The value of a JS expression over the module `m`, as JSON."""
    if shutil.which("node") is None:
        pytest.fail("node is needed to read frontend/js/help-lines.js")
    script = f"import({json.dumps(MODULE.as_uri())}).then((m) => console.log(JSON.stringify({expression})))"
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def data():
    return node("{countries: m.COUNTRIES, directory: m.DIRECTORY, directories: m.DIRECTORIES}")


def lines(data):
    return [(code, line) for code, country in data["countries"].items() for line in country["lines"]]


def test_at_least_ten_countries_each_with_a_crisis_line_and_an_emergency_number(data):
    countries = data["countries"]
    assert len(countries) >= 10
    for code, country in countries.items():
        assert re.fullmatch(r"[A-Z]{2}", code)
        assert DIGITS.match(country["emergency"]), code
        assert any(line["for"] == "crisis" for line in country["lines"]), f"{code} has no crisis line"
    assert sum(any(line["for"] == "abuse" for line in c["lines"]) for c in countries.values()) >= 10


def test_every_line_can_be_reached(data):
    ids = [line["id"] for _, line in lines(data)]
    assert len(ids) == len(set(ids)), "line ids are unique"
    for code, line in lines(data):
        assert line["for"] in ("crisis", "abuse"), line
        assert DIGITS.match(line["tel"]), f"{line['id']}: tel must be digits only, as a tel: link dials them"
        assert re.sub(r"\D", "", line["call"]) == line["tel"], f"{line['id']}: the shown number is the dialled one"
        if "sms" in line:
            assert DIGITS.match(line["sms"]), line["id"]
        if "url" in line:
            assert line["url"].startswith("https://"), line["id"]
        assert line["id"].startswith(code.lower() + "_"), line["id"]
    assert data["directory"].startswith("https://")
    assert [d["id"] for d in data["directories"]] == ["eft", "gottman", "imago"]
    assert all(d["url"].startswith("https://") for d in data["directories"])


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_line_is_named_in_both_languages(data, lang):
    help_words = CATALOGUES[lang]["help"]
    for _, line in lines(data):
        assert help_words["line"].get(line["id"], "").strip(), f"{lang}: help.line.{line['id']}"
        assert help_words["for"][line["for"]].strip()
    assert set(help_words["line"]) == {line["id"] for _, line in lines(data)}, f"{lang}: no name without a line"
    for directory in data["directories"]:
        assert help_words["therapy"][directory["id"]]["find"].strip()


def test_every_number_and_site_has_its_source_in_the_docs(data):
    doc = DOC.read_text(encoding="utf-8")
    for _, line in lines(data):
        assert line["call"] in doc, f"{line['id']}: {line['call']} is not in docs/help-resources.md"
        if "url" in line:
            assert line["url"] in doc, f"{line['id']}: {line['url']} is not in docs/help-resources.md"
    for directory in data["directories"]:
        assert directory["url"] in doc


@pytest.mark.parametrize(
    ("tags", "zone", "country"),
    [
        (["en-US"], "Europe/London", "GB"),  # the zone says where the phone is now
        (["ru-RU"], "Europe/Berlin", "DE"),
        (["en-US"], "America/Indiana/Indianapolis", "US"),
        (["en"], "Australia/Perth", "AU"),
        (["en-IE", "en"], "UTC", "IE"),  # no country in the zone: the first known region among the languages
        (["fr", "es-ES"], "Etc/GMT+3", "ES"),
        (["de"], "UTC", None),  # neither: the page asks, and offers the worldwide directory
        (["pt-BR"], "America/Sao_Paulo", None),
    ],
)
def test_the_country_comes_from_the_time_zone_then_the_languages(tags, zone, country):
    assert node(f"m.guessCountry({json.dumps(tags)}, {json.dumps(zone)})") == country
