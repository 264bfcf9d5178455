"""The course's PyTorch listings print exactly what the pages show.

The site is built without PyTorch, so its comparisons with PyTorch are listings: a script in
``docs/**/listings/NAME.py`` and its output in ``NAME.txt``, both included in a chapter with
``literalinclude``. Here each script runs with PyTorch 2.13 (the ``oracle`` session) in a fresh
interpreter of its own, as a reader would run it (not in this process: the other oracle tests
change torch's defaults, such as the default dtype), all of them at once, and must exit 0 (its
own asserts hold) and print ``NAME.txt`` character for character. After a change that alters
an output on purpose, rewrite it with ``python NAME.py > NAME.txt`` in that session's
environment.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[2] / "docs"
SCRIPTS = sorted(p for p in DOCS.rglob("listings/*.py") if "_build" not in p.parts)


def test_there_are_listings() -> None:
    assert len(SCRIPTS) >= 5, SCRIPTS
    for script in SCRIPTS:
        assert "import torch" in script.read_text(encoding="utf-8"), script.name


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, tuple[int, str, str]]:
    """Every listing run at once, each in its own folder: (exit code, stdout, stderr)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
    runs = {
        script: subprocess.Popen(
            [sys.executable, str(script)],
            cwd=tmp_path_factory.mktemp(script.stem),  # what a listing writes stays out
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for script in SCRIPTS
    }
    results = {}
    for script, process in runs.items():
        try:
            out, err = process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        results[script] = (process.returncode, out, err)
    return results


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_listing_prints_what_the_page_shows(
    script: Path, printed: dict[Path, tuple[int, str, str]]
) -> None:
    code, out, err = printed[script]
    assert code == 0, f"{script.name} failed ({code}):\n{out}\n{err}"
    shown = script.with_suffix(".txt").read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            shown.splitlines(keepends=True),
            out.splitlines(keepends=True),
            fromfile=f"{script.stem}.txt (the page)",
            tofile=f"python {script.name}",
        )
    )
    assert out == shown, f"the page shows another output:\n{diff}"
