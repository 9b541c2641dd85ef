"""The daily question library: its source is content/questions/<theme>.json (one file per theme, plus
earlier.json, the first 35 questions, whose objects name their theme), and the phone loads one file
per language, frontend/locales/questions/<lang>.json, which this module writes:

    .venv/bin/python -m backend.question_library

Each written file holds the library's order, [id, depth, theme] per question (the same in every
language), and the words of that language by id. tests/test_question_library.py fails when the
committed files differ from what this writes, and holds the content rules (ids, depths, themes,
duplicates, counts). The source format: docs of the content helpers, summed up in README's "The
question library". Not served: content/ sits outside frontend/.
"""

import json
import re
import sys
from pathlib import Path

from .i18n import LANGUAGES
from .limits import QUESTION_DEPTHS

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "content" / "questions"
OUT = ROOT / "frontend" / "locales" / "questions"
EARLIER = "earlier"  # the 35 questions asked before the library: their ids are older than the pattern
THEMES = (
    "day",
    "memories",
    "dreams",
    "appreciation",
    "us",
    "feelings",
    "values",
    "play",
    "family",
    "outside_stress",
    "future",
    "friends",
    "growth",
    "home",
)
TEXT_MAX = 160  # characters of a question, in each language
ID = re.compile(r"^q-[a-z0-9_-]+$")


def source_files(folder=SOURCE):
    """earlier.json first, then the themes in THEMES order (a file not named for a theme is an error)."""
    files = {path.stem: path for path in folder.glob("*.json")}
    unknown = set(files) - set(THEMES) - {EARLIER}
    if unknown:
        raise ValueError(f"content/questions: not a theme: {sorted(unknown)}")
    return [files[name] for name in (EARLIER, *THEMES) if name in files]


def load(folder=SOURCE):
    """Every question as {id, depth, theme, en, ru}, in library order; raises ValueError on a broken one."""
    questions, seen = [], set()
    for path in source_files(folder):
        for item in json.loads(path.read_text(encoding="utf-8")):
            theme = item.get("theme") if path.stem == EARLIER else path.stem
            question = {"id": item.get("id"), "depth": item.get("depth"), "theme": theme}
            question |= {lang: item.get(lang) for lang in LANGUAGES}
            problem = _problem(question, path.stem, seen)
            if problem:
                raise ValueError(f"{path.name}: {item.get('id')!r}: {problem}")
            seen.add(question["id"])
            questions.append(question)
    return questions


def _problem(q, stem, seen):
    if not isinstance(q["id"], str) or not ID.match(q["id"]):
        return "an id is q-<theme>-<nnn>"
    if stem != EARLIER and not re.fullmatch(rf"q-{re.escape(stem)}-\d{{3}}", q["id"]):
        return f"an id in {stem}.json is q-{stem}-<nnn>"
    if q["id"] in seen:
        return "the id is taken"
    if q["depth"] not in QUESTION_DEPTHS:
        return f"depth is one of {QUESTION_DEPTHS}"
    if q["theme"] not in THEMES:
        return "theme is one of the 14"
    for lang in LANGUAGES:
        text = q[lang]
        if not isinstance(text, str) or not text.strip():
            return f"no {lang} text"
        if len(text) > TEXT_MAX or not (text.rstrip().endswith("?") or stem == EARLIER):
            # earlier.json keeps its words as they were asked ("Describe a slow Sunday…"): answers name them
            return f"the {lang} text is one question, ending with '?', at most {TEXT_MAX} characters"
    return None


def render(lang, questions):
    """The phone's file for one language: one question per line, so a diff reads as the content's."""
    order = ",\n".join("  " + json.dumps([q["id"], q["depth"], q["theme"]]) for q in questions)
    text = ",\n".join(f"  {json.dumps(q['id'])}: {json.dumps(q[lang], ensure_ascii=False)}" for q in questions)
    return f'{{"order": [\n{order}\n],\n"text": {{\n{text}\n}}}}\n'


def export(folder=SOURCE, out=OUT):
    """Writes every language's file; returns the paths it changed."""
    questions = load(folder)
    out.mkdir(parents=True, exist_ok=True)
    changed = []
    for lang in LANGUAGES:
        path = out / f"{lang}.json"
        text = render(lang, questions)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    written = export()
    for path in written:
        print(f"{path.relative_to(ROOT)}: written", file=sys.stderr)
    if not written:
        print("frontend/locales/questions: already up to date", file=sys.stderr)
