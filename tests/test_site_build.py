"""How the site's editions are built together (tests/browser/sitecheck.py, ``build_editions``).

The builds here are stand-ins for Sphinx: small Python processes that take ``sitecheck``'s
arguments, create the writing signal when told to (as docs/_ext/gradlab_editions.py does when
Sphinx resolves its first page to write), and record when they start and end. The real signal
of a real Sphinx build is checked in tests/test_docs_editions.py, and every ``nox -s docs``
and ``nox -s repro`` builds the site this way.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "browser"))

from sitecheck import EDITIONS, WRITING_SIGNAL, build_editions

FIRST, SECOND = list(EDITIONS)

# A stand-in for `python -m sphinx`: its behaviour per language comes from FAKE_<language>,
# "read,signal,write,exit" seconds and actions; it records its start and end in the outdir.
FAKE_BUILD = r"""
import json, os, sys, time
from pathlib import Path
args = sys.argv[1:]
language = args[args.index("-D") + 1].split("=", 1)[1]
out = Path(args[-1])
out.mkdir(parents=True, exist_ok=True)
plan = json.loads(os.environ["FAKE_" + language])
record = {"start": time.time(), "signal_env": os.environ.get("GRADLAB_WRITING_SIGNAL")}
print(f"reading {language}", flush=True)
time.sleep(plan["read"])
if plan["signal"] and os.environ.get("GRADLAB_WRITING_SIGNAL"):
    Path(os.environ["GRADLAB_WRITING_SIGNAL"]).touch()
print(f"writing {language}", flush=True)
time.sleep(plan["write"])
record["end"] = time.time()
(out / "record.json").write_text(json.dumps(record))
sys.exit(plan["exit"])
"""


def plan(read: float = 0.2, signal: bool = True, write: float = 0.2, exit: int = 0) -> str:
    return json.dumps({"read": read, "signal": signal, "write": write, "exit": exit})


def build(tmp_path: Path, plans: dict[str, str], timeout: float | None = None) -> tuple:
    script = tmp_path / "fake_sphinx.py"
    script.write_text(FAKE_BUILD, encoding="utf-8")
    env = {**os.environ, **{f"FAKE_{language}": p for language, p in plans.items()}}
    env[WRITING_SIGNAL] = str(tmp_path / "inherited")  # the caller's own is never passed on
    log = tmp_path / "build.log"
    with log.open("wb") as output:
        started = time.time()
        code = build_editions(
            [sys.executable, str(script)], tmp_path / "docs", tmp_path / "html",
            tmp_path / "doctrees", env=env, cwd=tmp_path, log=output, timeout=timeout,
        )  # fmt: skip
        took = time.time() - started
    records = {}
    for language in EDITIONS:
        path = tmp_path / "html" / language / "record.json"
        records[language] = json.loads(path.read_text()) if path.is_file() else None
    return code, records, log.read_text(encoding="utf-8").splitlines(), took


def test_the_second_edition_is_built_while_the_first_writes(tmp_path: Path) -> None:
    code, records, lines, _ = build(
        tmp_path, {FIRST: plan(read=0.3, write=2.0), SECOND: plan(write=0.1)}
    )
    assert code == 0
    first, second = records[FIRST], records[SECOND]
    assert first["start"] + 0.3 <= second["start"] < first["end"]  # after reading, while writing
    assert first["signal_env"]
    assert first["signal_env"] != str(tmp_path / "inherited")
    assert second["signal_env"] is None  # only the first build signals
    assert not Path(first["signal_env"]).exists()  # the signal's folder is gone
    assert f"reading {FIRST}" in lines
    assert f"writing {FIRST}" in lines
    assert f"[{SECOND}] reading {SECOND}" in lines  # its output, marked with its language
    assert f"[{SECOND}] writing {SECOND}" in lines


def test_a_first_build_that_writes_nothing_is_followed_when_it_ends(tmp_path: Path) -> None:
    code, records, _, _ = build(tmp_path, {FIRST: plan(signal=False), SECOND: plan()})
    assert code == 0
    assert records[SECOND]["start"] >= records[FIRST]["end"]


def test_a_first_build_that_fails_before_writing_starts_no_other(tmp_path: Path) -> None:
    code, records, lines, _ = build(tmp_path, {FIRST: plan(signal=False, exit=3), SECOND: plan()})
    assert code == 3
    assert records[SECOND] is None
    assert not any(line.startswith(f"[{SECOND}]") for line in lines)


@pytest.mark.parametrize("failing", [FIRST, SECOND])
def test_the_first_failure_in_edition_order_is_the_result(tmp_path: Path, failing: str) -> None:
    plans = {FIRST: plan(write=0.5), SECOND: plan()}
    plans[failing] = plan(write=0.5, exit=5)
    code, records, _, _ = build(tmp_path, plans)
    assert code == 5
    assert records[FIRST] is not None
    assert records[SECOND] is not None


def test_a_timeout_stops_every_build(tmp_path: Path) -> None:
    code, records, _, took = build(
        tmp_path, {FIRST: plan(write=30), SECOND: plan(write=30)}, timeout=1.5
    )
    assert code == -1
    assert took < 10
    assert records[FIRST] is None
    assert records[SECOND] is None
