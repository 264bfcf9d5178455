"""Shared test set-up: the helper module on sys.path, hypothesis without deadlines.

pytest runs with ``--import-mode=importlib`` (pyproject.toml), which does not put the test
directory on ``sys.path``; a helper module next to the tests needs it there.
"""

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

# No timed assertions: hypothesis' per-example deadline (200 ms) turns a loaded machine's pause
# into a failure ("Unreliable test timings"). Speed is measured by `nox -s bench` instead.
from hypothesis import settings  # noqa: E402

settings.register_profile("gradlab", deadline=None)
settings.load_profile("gradlab")
