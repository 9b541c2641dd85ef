"""Runs a script on the phone's own ES modules in node (from the project's root, so it imports
"./frontend/js/…") and returns what it printed as JSON: for tests of the phone's pure modules."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def phone(script, timeout=30):
    if shutil.which("node") is None:
        pytest.fail("node is needed to run the phone's modules")
    done = subprocess.run(
        ["node", "--no-warnings", "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout)
