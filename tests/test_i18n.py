"""The catalogues (frontend/locales/<lang>.json, plus the content files frontend/content/*.<lang>.json): both
languages have every key, plurals have the forms
their language needs, placeholders agree, every key the code names exists, and no view writes a
sentence of its own (a scan: words belong in the catalogue, not in the JavaScript)."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "frontend" / "locales"
JS = ROOT / "frontend" / "js"
LANGUAGES = ("en", "ru")
# CLDR plural categories for integers and fractions, per language.
PLURAL_FORMS = {"en": {"one", "other"}, "ru": {"one", "few", "many", "other"}}
PLACEHOLDER = re.compile(r"\{([a-zA-Z0-9_]+)\}")


CONTENT = ROOT / "frontend" / "content"  # long content loaded when first needed (i18n.js moreWords): same rules


def merge(into, words):
    for key, value in words.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            assert key not in into, f"{key} is both in a catalogue and in a content file"
            into[key] = value
    return into


def load(lang):
    catalogue = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    for path in sorted(CONTENT.glob(f"*.{lang}.json")):
        merge(catalogue, json.loads(path.read_text(encoding="utf-8")))
    return catalogue


def is_plural(value):
    return isinstance(value, dict) and value and set(value) <= {"zero", "one", "two", "few", "many", "other"}


def flatten(node, prefix=""):
    """key → string, or key → {form: string} for a plural."""
    out = {}
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and not is_plural(value):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


CATALOGUES = {lang: flatten(load(lang)) for lang in LANGUAGES}


def texts(value):
    return list(value.values()) if isinstance(value, dict) else [value]


def test_both_languages_have_the_same_keys():
    en, ru = (set(CATALOGUES[lang]) for lang in LANGUAGES)
    assert sorted(en - ru) == [], "missing in Russian"
    assert sorted(ru - en) == [], "missing in English"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_value_is_filled_text(lang):
    for key, value in CATALOGUES[lang].items():
        for text in texts(value):
            assert isinstance(text, str) and text.strip(), f"{lang}: {key} is empty or not text"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plurals_have_the_forms_of_their_language(lang):
    plurals = {key: value for key, value in CATALOGUES[lang].items() if isinstance(value, dict)}
    for key, value in plurals.items():
        assert PLURAL_FORMS[lang] <= set(value), f"{lang}: {key} lacks {PLURAL_FORMS[lang] - set(value)}"
        other = CATALOGUES["en" if lang == "ru" else "ru"][key]
        assert isinstance(other, dict), f"{key} is a plural in {lang} only"


def test_placeholders_agree_between_languages():
    for key, value in CATALOGUES["en"].items():
        want = set().union(*(PLACEHOLDER.findall(text) for text in texts(value)))
        other = CATALOGUES["ru"].get(key)
        if other is None:
            continue
        for text in texts(other):
            got = set(PLACEHOLDER.findall(text))
            assert got <= want | {"count"}, f"ru: {key} names {got - want}"
        got = set().union(*(PLACEHOLDER.findall(text) for text in texts(other)))
        assert want - {"count"} <= got, f"ru: {key} drops {want - got}"


def js_files():
    return sorted(p for p in JS.rglob("*.js"))


# t("key") / tp("key") / data-i18n="key" with a literal key.
KEY_USE = re.compile(r"""\b(?:t|tp|has|entry)\(\s*["']([a-z0-9_]+(?:\.[a-zA-Z0-9_-]+)+)["']""")
STATIC_USE = re.compile(r"""data-i18n(?:-label|-content)?="([^"]+)\"""")


def test_every_key_the_code_names_exists():
    missing = []
    for path in js_files():
        for key in KEY_USE.findall(COMMENT.sub("", path.read_text(encoding="utf-8"))):
            if key not in CATALOGUES["en"] and not any(k.startswith(key + ".") for k in CATALOGUES["en"]):
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    html = (ROOT / "frontend" / "index.html").read_text(encoding="utf-8")
    missing += [f"index.html: {key}" for key in STATIC_USE.findall(html) if key not in CATALOGUES["en"]]
    assert missing == []


# --- The scan: sentences written in a view instead of the catalogue --------------------------------

STRING = re.compile(r"""(?<![\w$])(["'`])((?:\\.|(?!\1)[^\\\n])*)\1""")
COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
# A sentence or label: starts with a capital letter and a lower-case word, or holds two words and
# ends like a sentence. Single capitalised words that are identifiers (keys, headers) are allowed below.
SENTENCE = re.compile(r"^[\s‹«“\"(]*[A-Z][a-z’']+(?:[\s,.:;!?…’'-]|$)")
PHRASE = re.compile(r"[A-Za-z]{2,}[’']?[a-z]*\s+[A-Za-z]{2,}.*[.!?…:]$")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Literals that look like words but are identifiers: key names, HTTP, event and storage names.
IDENTIFIERS = {
    "Enter",
    "Escape",
    "Tab",
    "Backspace",
    "Space",
    "Home",
    "End",
    "Authorization",
    "Accept",
    "Allow",
    "Hearth",
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "Content-Type",
    "Accept-Language",
    "Retry-After",
    "If-Match",
    "Service-Worker-Navigation-Preload",
    "Etag",
    "ETag",
    "Date",
    "Infinity",
    "NaN",
    "Z",
    "UTC",
    "NotAllowedError",
    "AbortError",
    "QuotaExceededError",
    "TimeoutError",
    "TypeError",
    "InvalidStateError",
    "ConstraintError",
    "NotFoundError",
    "DataError",
    "SecurityError",
    "Error",
    "Object",
    "Array",
}
# Where a literal may be English on purpose, one line at a time: `// i18n-ok: why`.
ALLOW_MARK = "i18n-ok"


def suspicious(text):
    if "${" in text:
        text = re.sub(r"\$\{[^}]*\}", "", text)
    bare = text.strip()
    if not bare or bare in IDENTIFIERS:
        return False
    if CYRILLIC.search(bare):
        return True
    if bare.startswith(("/", "./", "../", "#", ".", "[", "data:", "http", "hearth", "aes", "application/")):
        return False
    return bool(SENTENCE.match(bare) or PHRASE.search(bare))


def hard_coded(path):
    found = []
    source = path.read_text(encoding="utf-8")
    for number, line in enumerate(source.splitlines(), 1):
        if ALLOW_MARK in line or line.lstrip().startswith(("import ", "export {", "*", "//", "/*")):
            continue
        code = COMMENT.sub("", line)
        if re.search(r"console\.|new Error\(|throw |querySelector|\.closest\(", code):
            continue
        for match in STRING.finditer(code):
            if suspicious(match.group(2)):
                found.append(f"{path.name}:{number}: {match.group(0)[:80]}")
    return found


@pytest.mark.parametrize("path", js_files(), ids=lambda p: p.relative_to(JS).as_posix())
def test_no_view_writes_its_own_sentences(path):
    assert hard_coded(path) == []


def test_the_scan_finds_a_sentence_and_lets_keys_pass(tmp_path):
    sample = tmp_path / "view.js"
    sample.write_text(
        'h("p", {}, "Shared with your partner.");\n'
        'button.textContent = "Save";\n'
        'h("p", {}, t("feed.empty"));\n'
        'if (event.key === "Enter") go();\n'
        'h("span", { class: "btn ghost" }, "—");\n'
        'say(line, "Готово");\n',
        encoding="utf-8",
    )
    found = hard_coded(sample)
    assert [item.split(":")[1] for item in found] == ["1", "2", "6"]


# --- Plurals: a count in a sentence picks its form ("1 day", "2 дня", "5 дней"), never "1 days" -----------

PLURAL_KEYS = {key for key, value in CATALOGUES["en"].items() if isinstance(value, dict)}
CALL = re.compile(r"""\b(?:t|tp|say)\(\s*(["'`])([a-z0-9_.${}\-]+)\1""")


def call_text(source, start):
    """The whole call starting at `start` (up to its closing parenthesis)."""
    depth = 0
    for end in range(source.index("(", start), len(source)):
        depth += {"(": 1, ")": -1}.get(source[end], 0)
        if depth == 0:
            return source[start : end + 1]
    return source[start:]


def plural_calls_without_count(source):
    found = []
    source = COMMENT.sub("", source)
    for match in CALL.finditer(source):
        key = match.group(2)
        pattern = re.compile(re.sub(r"\\\$\\\{[^}]*\\\}", r"[^.]+", re.escape(key)) + r"\Z")
        if any(pattern.match(plural) for plural in PLURAL_KEYS) and "count" not in call_text(source, match.start()):
            found.append(key)
    return found


@pytest.mark.parametrize("path", js_files(), ids=lambda p: p.relative_to(JS).as_posix())
def test_every_plural_is_asked_for_with_its_count(path):
    """A plural key called without `count` always shows one form (count 0: "0 days", "1 days")."""
    assert plural_calls_without_count(path.read_text(encoding="utf-8")) == []


def test_the_plural_scan_finds_a_call_without_count():
    source = 't("us.mutual.days", { days: 1 });\nt("us.mutual.days", { count: n });\nt(`us.weeks`, {});\n'
    assert plural_calls_without_count(source) == ["us.mutual.days", "us.weeks"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_sentence_with_a_count_in_it_is_a_plural(lang):
    """ "{count} days" as plain text reads "1 days": a placeholder right before a counted noun must be a plural."""
    nouns = {
        "en": r"(?:day|week|minute|hour|time|entr|thing|word|bid|talk|prompt|change)\w*",
        "ru": r"(?:д[ен]|недел|минут|час|раз|запис|слов|отклик|разговор|вопрос|изменени)\w*",
    }[lang]
    counted = re.compile(r"\{(?:count|n|days|minutes|hours)\} " + nouns)
    plain = [key for key, value in CATALOGUES[lang].items() if isinstance(value, str) and counted.search(value)]
    assert plain == []
