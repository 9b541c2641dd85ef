"""Every name a module of the PWA imports is exported by the module it names.

A browser refuses the whole module graph for one missing export (the page stays blank and the service
worker never takes control), and no linter here follows imports across files: two branches that each
renamed or used a helper merge cleanly into a page that cannot start. This reads the sources, no browser.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "frontend" / "js").rglob("*.js")) + [ROOT / "service-worker.js"]

IMPORT = re.compile(r"""^\s*import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']""", re.M)
EXPORT_NAMED = re.compile(r"^\s*export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)", re.M)
EXPORT_LIST = re.compile(r"^\s*export\s*\{([^}]*)\}", re.M)


def exports(path):
    source = path.read_text(encoding="utf-8")
    names = set(EXPORT_NAMED.findall(source))
    for group in EXPORT_LIST.findall(source):
        for item in group.split(","):
            if item.strip():
                names.add(item.split(" as ")[-1].strip())
    return names


def imports(path):
    for names, spec in IMPORT.findall(path.read_text(encoding="utf-8")):
        if not spec.startswith("."):
            continue
        for item in names.split(","):
            if item.strip():
                yield item.split(" as ")[0].strip(), (path.parent / spec).resolve()


def test_every_imported_name_is_exported():
    missing = []
    for path in SOURCES:
        for name, target in imports(path):
            if not target.is_file():
                missing.append(f"{path.relative_to(ROOT)}: {target.name} does not exist")
            elif name not in exports(target):
                missing.append(f"{path.relative_to(ROOT)}: {target.relative_to(ROOT)} has no export {name}")
    assert not missing, "\n".join(missing)


def test_the_check_sees_the_imports():
    # A reader that found nothing would pass above: it must see cards.js's exports and main.js's imports.
    assert {"partnerName", "toastSent"} <= exports(ROOT / "frontend" / "js" / "parts" / "cards.js")
    assert len(list(imports(ROOT / "frontend" / "js" / "main.js"))) >= 3
