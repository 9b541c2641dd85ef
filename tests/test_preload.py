"""index.html asks for every module the app starts with at once (<link rel="modulepreload">), so a
phone on a slow network waits one round trip for them instead of one per import level (issue 13,
item 7: Lighthouse on Today). The list must stay the static import graph of main.js, no more, no less."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORT = re.compile(r"""^\s*import\s+(?:[^"']*?from\s+)?["'](\.[^"']+)["']""", re.M)
PRELOAD = re.compile(r'<link rel="modulepreload" href="(/frontend/js/[^"]+)">')


def static_graph(start):
    seen, todo = [], [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.append(path)
        todo += [(path.parent / found).resolve() for found in IMPORT.findall(path.read_text(encoding="utf-8"))]
    return seen


def test_index_preloads_exactly_the_modules_main_imports():
    graph = {
        "/" + p.relative_to(ROOT).as_posix() for p in static_graph((ROOT / "frontend" / "js" / "main.js").resolve())
    }
    graph.discard("/frontend/js/main.js")
    preloaded = PRELOAD.findall((ROOT / "frontend" / "index.html").read_text(encoding="utf-8"))
    assert len(preloaded) == len(set(preloaded))
    assert set(preloaded) == graph


def test_the_graph_reader_follows_imports_and_skips_lazy_ones(tmp_path):
    (tmp_path / "a.js").write_text('import { x } from "./b.js";\nimport "./c.js";\nconst l = () => import("./d.js");\n')
    (tmp_path / "b.js").write_text('import * as c from "./c.js";\n')
    (tmp_path / "c.js").write_text("export const c = 1;\n")
    found = {Path(p).name for p in static_graph(tmp_path / "a.js")}
    assert found == {"a.js", "b.js", "c.js"}
