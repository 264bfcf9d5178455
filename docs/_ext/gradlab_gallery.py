"""Helpers that ``sphinx_gallery_conf`` names by string (strings keep the config picklable).

They make the gallery reproducible: the same gradlab source gives byte-identical figures.
"""

from __future__ import annotations

from typing import Any


def matplotlib_png(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    """sphinx-gallery's matplotlib scraper, writing PNGs without the ``Software`` version tag."""
    from sphinx_gallery.scrapers import matplotlib_scraper

    return matplotlib_scraper(block, block_vars, gallery_conf, metadata={"Software": None})


def seed_numpy(gallery_conf: dict[str, Any], fname: str) -> None:
    """Seed NumPy's legacy global generator before each example.

    Examples should make their own ``np.random.default_rng(seed)``; this only keeps an example
    that forgets from drawing different numbers on every build.
    """
    import numpy as np

    np.random.seed(0)  # noqa: NPY002 (the legacy global generator is the point)
