"""The gallery images' alt text, from the label of each Matplotlib figure.

Why a scraper: sphinx-gallery's ``matplotlib_scraper`` takes an image's alt text from the
figure's suptitle and axes titles only, and falls back to the image's file name ("plot lr
decay"). The gallery's figures carry no words, because the English and the Korean edition show
the same images, so their titles are symbols ("$\\kappa = 1$") or absent, and neither makes an
alt text. A figure's label does: ``plt.subplots(num="Training loss against epoch ...")`` names
the figure without drawing anything into it (it is Matplotlib's window title, so on a reader's
machine, running the example, it is the title of the figure's window). This scraper reads the
labels of the open figures, lets ``matplotlib_scraper`` save and close them as usual, and puts
each figure's label into its image's ``:alt:`` option. A figure without a label keeps
sphinx-gallery's alt text from its titles or file name.

``conf.py`` names the scraper by string, ``"gradlab_gallery_alt.labelled_matplotlib_scraper"``:
sphinx-gallery imports it (in each worker process too), and a configuration holding a function
object could not be pickled into Sphinx's environment.
"""

from __future__ import annotations

import re
from typing import Any

ALT = re.compile(r"^([ \t]*:alt:)[ \t]*(.*)$", re.MULTILINE)


def _labels(block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> list[str]:
    """The labels of the figures that ``matplotlib_scraper`` will save as images, in order.

    It saves every open pyplot figure in figure-number order, the order of
    ``plt.get_figlabels()``, except a figure that an animation draws when
    ``matplotlib_animations`` is on: that one becomes a video or HTML, with no ``:alt:``.
    """
    import matplotlib.pyplot as plt

    labels: list[str] = plt.get_figlabels()
    animations = gallery_conf.get("matplotlib_animations", (False,))
    if animations and animations[0]:
        from matplotlib.animation import Animation

        example_globals = block_vars.get("example_globals", {}).values()
        animated = {
            id(getattr(value, "_fig", None))  # as sphinx-gallery finds an animation's figure
            for value in example_globals
            if isinstance(value, Animation)
        }
        figures = [plt.figure(num) for num in plt.get_fignums()]
        labels = [
            label
            for label, figure in zip(labels, figures, strict=True)
            if id(figure) not in animated
        ]
    return labels


def with_labels_as_alt(rst: str, labels: list[str]) -> str:
    """``rst`` with the ``:alt:`` of its i-th image replaced by ``labels[i]`` where non-empty.

    Runs of whitespace in a label (a newline would end the option) become one space.
    """
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        label = " ".join(labels[count].split()) if count < len(labels) else ""
        count += 1
        return f"{match.group(1)} {label}" if label else match.group(0)

    return ALT.sub(replace, rst)


def labelled_matplotlib_scraper(
    block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any], **kwargs: Any
) -> str:
    """sphinx-gallery's ``matplotlib_scraper``, with each figure's label as its alt text."""
    from sphinx_gallery.scrapers import matplotlib_scraper

    labels = _labels(block_vars, gallery_conf)  # before the scraper closes the figures
    rst = matplotlib_scraper(block, block_vars, gallery_conf, **kwargs)
    return with_labels_as_alt(rst, labels)
