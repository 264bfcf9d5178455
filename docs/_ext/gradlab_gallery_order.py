"""The gallery's examples in course order, as each section's README lists them.

Why an extension: sphinx-gallery orders the examples of a section by a sort key
(``FileNameSortKey``, ``NumberOfCodeLinesSortKey``, ...); ``ExplicitOrder`` sorts sections only.
A course needs an order that is neither alphabetical nor by size (the vanishing section opens
with vanishing, not exploding), and a sort key must be named by string so that Sphinx can cache
the configuration. Each ``examples/<section>/README.rst`` lists its files in an invisible
comment, ``.. course-order:``, one per indented line; files it does not list come last, by name.
"""

from __future__ import annotations

import re
from pathlib import Path

COURSE_ORDER = re.compile(r"^\.\. course-order:.*?$((?:\n(?:[ \t]+.*)?$)*)", re.MULTILINE)


def course_order(readme: str) -> list[str]:
    """The example file names a README's ``.. course-order:`` comment lists, in order."""
    match = COURSE_ORDER.search(readme)
    if not match:
        return []
    return re.findall(r"^[ \t]+(plot_\w+\.py)[ \t]*$", match.group(1), re.MULTILINE)


class CourseOrder:
    """Sort key: a section's examples in the order its README lists them, unlisted ones last."""

    def __init__(self, src_dir: str) -> None:
        readme = Path(src_dir, "README.rst")
        listed = course_order(readme.read_text("utf-8")) if src_dir and readme.is_file() else []
        self.rank = {name: i for i, name in enumerate(listed)}

    def __call__(self, filename: str) -> tuple[int, str]:
        return (self.rank.get(Path(filename).name, len(self.rank)), str(filename))

    def __repr__(self) -> str:
        return "<CourseOrder>"
