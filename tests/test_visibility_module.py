"""One module decides who sees what (issue 10, item 4): services/visibility.py. Every other module asks
it; none spells the rule out again (a comparison of `visibility` with "shared"/"private", a
membership test of the always-private kinds, its own can_see)."""

import pathlib
import re

BACKEND = pathlib.Path(__file__).resolve().parent.parent / "backend"
HOME = BACKEND / "services" / "visibility.py"
RULE = re.compile(r"""visibility\w*\s*[!=]=\s*["'](shared|private)|in\s+ALWAYS_PRIVATE|def\s+(can_see|visible\w*)\(""")


def test_only_the_visibility_module_spells_out_who_sees_what():
    spelled = [
        f"{path.relative_to(BACKEND)}:{n}: {line.strip()}"
        for path in sorted(BACKEND.rglob("*.py"))
        if path != HOME
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if RULE.search(line)
    ]
    assert spelled == []


def test_pull_export_stats_pushes_and_reveal_ask_the_visibility_module():
    for name in ("sync.py", "export.py", "stats.py", "us.py", "push_plan.py", "nudges.py", "entries.py"):
        assert "visibility." in (BACKEND / "services" / name).read_text(), name
