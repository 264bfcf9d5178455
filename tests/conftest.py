"""Make the tests' helper module importable as ``from gallery import example_functions``.

pytest runs with ``--import-mode=importlib`` (pyproject.toml), which does not put the test
directory on ``sys.path``; a helper module next to the tests needs it there.
"""

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
