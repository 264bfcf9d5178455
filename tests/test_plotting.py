"""gradlab.plotting's explorers: their data, their HTML, and the three the course shows.

The numbers of every explorer are recomputed here from explicit state (the formula inline, or
gradlab's own functions called directly) and compared with the frames and with the JSON the
page carries. Two builds must give the same bytes, so the HTML is compared whole.
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import re
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("agg")

from gradlab import diagnostics, losses, mlp  # noqa: E402
from gradlab.datasets import load_digits  # noqa: E402
from gradlab.plotting import (  # noqa: E402
    Explorer,
    Frame,
    Series,
    Slider,
    explore_gradient_norms,
    explore_momentum,
    explore_sigmoid_chain,
)


def bowl(x: Any, y: Any) -> Any:
    return 0.5 * (x**2 + 20 * y**2)


def bowl_grad(w: np.ndarray) -> np.ndarray:
    return np.array([1.0, 20.0]) * w


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    X, Y, _ = load_digits(200)
    return X, Y


@pytest.fixture(scope="module")
def norms_explorer(digits: tuple[np.ndarray, np.ndarray]) -> Explorer:
    X, Y = digits
    return explore_gradient_norms(X, Y, depths=(2, 8), activations=("sigmoid", "relu"))


@pytest.fixture(scope="module")
def momentum_explorer() -> Explorer:
    return explore_momentum(bowl, bowl_grad, (-4.0, 1.0), lrs=(0.02, 0.05, 0.11))


@pytest.fixture(scope="module")
def chain_explorer() -> Explorer:
    return explore_sigmoid_chain(depths=(3, 10), scales=(0.0, 1.0, 4.0))


def power_explorer(**kwargs: Any) -> Explorer:
    def frame(p: int, shift: float) -> Frame:
        x = np.array([1.0, 2.0, 3.0])
        return Frame([Series(x, x**p + shift, label="x^p")], title=f"p = {p}, shift {shift:g}")

    sliders = [Slider("p", [1, 2, 3], label="power"), Slider("shift", [0.0, 0.5])]
    return Explorer(sliders, frame, **kwargs)


# -- HTML -------------------------------------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <script> and <label>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: dict[str, list[str]] = {"script": [], "label": [], "output": []}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._open = tag if tag in self.text else None
        if self._open:
            self.text[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.text[self._open][-1] += data

    def find(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    elements.close()
    return elements


def test_html_has_labelled_sliders_fallback_image_and_inline_data() -> None:
    explorer = power_explorer(xlabel="x", ylabel="x to the p", caption="Powers of x.")
    html = explorer._repr_html_()
    page = parse(html)
    (figure,) = page.find("figure")
    assert figure["class"] == "gl-explorer"
    assert re.fullmatch(r"gl-explorer-[0-9a-f]{10}", figure["id"])
    inputs = page.find("input")
    assert [i["type"] for i in inputs] == ["range", "range"]
    assert [(i["min"], i["max"], i["step"], i["value"]) for i in inputs] == [
        ("0", "2", "1", "0"),
        ("0", "1", "1", "0"),
    ]
    assert [i["aria-valuetext"] for i in inputs] == ["1", "0"]
    labels = page.find("label")
    assert [label["for"] for label in labels] == [i["id"] for i in inputs]
    assert page.text["label"] == ["power", "shift"]
    assert page.text["output"] == ["1", "0"]
    (img,) = page.find("img")
    assert img["alt"] == "x to the p against x. p = 1, shift 0"
    png = base64.b64decode(img["src"].removeprefix("data:image/png;base64,"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Software" not in png
    (plot,) = [d for d in page.find("div") if d.get("class") == "gl-explorer-plot"]
    assert plot["role"] == "img"
    assert plot["aria-label"] == img["alt"]
    (live,) = [d for d in page.find("div") if d.get("class") == "gl-explorer-live"]
    assert "hidden" in live  # shown by explorer.js only; without it the PNG stays
    (script,) = page.find("script")
    assert script["type"] == "application/json"
    assert page.text["script"] == [explorer.to_json()]
    assert "<figcaption>Powers of x.</figcaption>" in html
    # Nothing is loaded from a URL, and the HTML survives reST's raw-directive indentation.
    assert not re.search(r"""(?:src|href)=["'](?!data:)""", html)
    assert "\n\n" not in html


def test_the_json_reader_sees_every_frame_in_slider_order() -> None:
    explorer = power_explorer(ylog=True)
    data = json.loads(explorer.to_json())
    assert [s["name"] for s in data["sliders"]] == ["p", "shift"]
    assert [s["values"] for s in data["sliders"]] == [["1", "2", "3"], ["0", "0.5"]]
    # explorer.js's index: flat = flat * len(values) + position, slider by slider
    for (i, p), (j, shift) in itertools.product(enumerate([1, 2, 3]), enumerate([0.0, 0.5])):
        frame = data["frames"][i * 2 + j]
        assert frame["title"] == f"p = {p}, shift {shift:g}"
        assert frame["series"][0]["y"] == [1.0**p + shift, 2.0**p + shift, 3.0**p + shift]
        assert explorer.frame(p=p, shift=shift) is explorer.frames[i * 2 + j]
    assert data["ylim"] == [1.0, 100.0]  # whole decades around 1 ... 27.5


def test_json_is_compact_sorted_rounded_and_safe_in_a_script_element() -> None:
    def frame(k: int) -> Frame:
        return Frame(
            [Series([0.0, 1.0, 2.0, 3.0], [math.pi * 10**k, np.nan, np.inf, -0.0])],
            title="</script><b>&",
        )

    explorer = Explorer([Slider("k", [-7, 0, 7])], frame, ylim=(-1.0, 1.0))
    text = explorer.to_json()
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    data = json.loads(text)
    assert data["frames"][0]["title"] == "</script><b>&"
    # a linear axis spanning 2: resolution 1/10,000 of it; NaN and inf are null; -0 is 0
    assert [f["series"][0]["y"] for f in data["frames"]] == [
        [0, None, None, 0],
        [3.1416, None, None, 0],
        [31415926.5359, None, None, 0],
    ]
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":")).replace(
        "<", "\\u003c"
    ).replace(">", "\\u003e").replace("&", "\\u0026")
    log = Explorer([Slider("k", [-7, 0, 7])], frame, ylog=True)
    ys = [f["series"][0]["y"][0] for f in json.loads(log.to_json())["frames"]]
    assert ys == [3.142e-07, 3.142, 31420000]  # 4 significant digits on a log axis


@pytest.mark.parametrize("build", ["norms", "momentum", "chain"])
def test_two_builds_give_the_same_bytes(build: str, digits: tuple[np.ndarray, np.ndarray]) -> None:
    def make() -> Explorer:
        if build == "norms":
            return explore_gradient_norms(*digits, depths=(2, 4), activations=("tanh",))
        if build == "momentum":
            return explore_momentum(bowl, bowl_grad, (-4.0, 1.0), lrs=(0.05, 0.11))
        return explore_sigmoid_chain(depths=(3, 6), scales=(0.5, 2.0))

    first, second = make(), make()
    assert first.to_json() == second.to_json()
    assert first._repr_html_() == second._repr_html_()


# -- the three explorers against gradlab's own computation --------------------------------------


def test_gradient_norms_are_those_of_diagnostics(
    norms_explorer: Explorer, digits: tuple[np.ndarray, np.ndarray]
) -> None:
    X, Y = digits
    data = json.loads(norms_explorer.to_json())
    assert [s["name"] for s in data["sliders"]] == ["depth", "activation", "init"]
    assert data["sliders"][2]["values"] == ["N(0, 1)", "Xavier", "He"]
    assert data["ylog"] is True
    names = {"normal": "N(0, 1)", "xavier_uniform": "Xavier", "he_normal": "He"}
    combos = itertools.product((2, 8), ("sigmoid", "relu"), names)
    for flat, (depth, activation, init) in enumerate(combos):
        net = mlp([64, *[32] * depth, 10], activation=activation, init=init, rng=0)
        net.backward(losses.cross_entropy.derivative(net.forward(X), Y))
        expected = diagnostics.gradient_norms(net)
        series = norms_explorer.frame(depth=depth, activation=activation, init=init).series[0]
        np.testing.assert_array_equal(series.x, np.arange(1, depth + 2))
        np.testing.assert_array_equal(series.y, expected)
        in_json = data["frames"][flat]["series"][0]["y"]
        assert in_json == [float(f"{v:.4g}") for v in expected]
        ratio = expected[0] / expected[-1]
        last = {2: "³", 8: "⁹"}[depth]  # the output layer: depth + 1
        assert data["frames"][flat]["title"] == (
            f"{activation if activation == 'sigmoid' else 'ReLU'}, {names[init]}: "
            f"‖∂L/∂W⁽¹⁾‖ / ‖∂L/∂W⁽{last}⁾‖ = {ratio:.2g}"
        )
    # the slider starts at 8 hidden layers of sigmoid with Xavier's weights: the chapter's case
    assert [s["start"] for s in data["sliders"]] == [1, 0, 1]


def test_momentum_paths_follow_the_update_rule(momentum_explorer: Explorer) -> None:
    for lr, mu in itertools.product((0.02, 0.05), (0.0, 0.5, 0.8, 0.9, 0.95)):
        w, b = np.array([-4.0, 1.0]), np.zeros(2)
        expected = [w.copy()]
        for t in range(100):
            g = np.array([1.0, 20.0]) * w
            b = g if t == 0 else mu * b + g
            w = w - lr * b
            expected.append(w.copy())
        path = np.array(expected)
        series = momentum_explorer.frame(lr=lr, momentum=mu).series[0]
        np.testing.assert_allclose(series.x, path[:, 0], rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(series.y, path[:, 1], rtol=1e-12, atol=1e-300)
        cost = 0.5 * (path[-1, 0] ** 2 + 20 * path[-1, 1] ** 2)
        title = momentum_explorer.frame(lr=lr, momentum=mu).title
        assert title == f"η = {lr:g}, μ = {mu:g}: f(x₁₀₀, y₁₀₀) = {cost:.2g}"


def test_a_diverging_path_ends_where_a_weight_passes_ten_times_the_picture(
    momentum_explorer: Explorer,
) -> None:
    # Plain gradient descent with eta = 0.11: y is multiplied by 1 - 0.11 * 20 = -1.2 per step
    frame = momentum_explorer.frame(lr=0.11, momentum=0.0)
    y = frame.series[0].y
    step = math.ceil(math.log(45) / math.log(1.2))  # the first |y| = 1.2^t beyond 45
    assert len(y) == step + 1
    assert abs(y[-1]) > 45 > np.max(np.abs(y[:-1]))
    np.testing.assert_allclose(y, (-1.2) ** np.arange(step + 1), rtol=1e-12)
    assert step == 21
    assert frame.title == "η = 0.11, μ = 0: |y₂₁| > 45"
    assert momentum_explorer.ylim == (-1.5, 1.5)  # the drawn area stays the given one


def test_momentum_contours_are_level_sets_of_the_cost(momentum_explorer: Explorer) -> None:
    (contours,) = momentum_explorer.background
    points = ~np.isnan(contours.x)
    levels = bowl(contours.x[points], contours.y[points])
    top = bowl(np.array([-4.5, 2.5]), np.array([1.5, 1.5])).max()
    expected = np.geomspace(top * 1e-3, top, 10, endpoint=False)
    # every point lies on one of the ten levels, up to the linear interpolation of a 60 x 60
    # grid (coarse for the innermost ellipse, 0.26 x 0.06 against a grid step of 0.12 x 0.05)
    nearest = np.min(np.abs(levels[:, None] / expected[None, :] - 1), axis=1)
    assert contours.muted
    assert np.median(nearest) < 0.01
    assert nearest.max() < 0.25
    assert np.isnan(contours.x).sum() >= 10  # the lines are separated by gaps


def test_sigmoid_chain_is_the_product_of_the_slopes(chain_explorer: Explorer) -> None:
    eps = np.random.default_rng(0).standard_normal(10)
    for depth, s in itertools.product((3, 10), (0.0, 1.0, 4.0)):
        z = s * eps[:depth]
        sig = 1 / (1 + np.exp(-z))
        slopes = sig * (1 - sig)
        expected = np.array([np.prod(slopes[layer:]) for layer in range(depth)])
        series, bound = chain_explorer.frame(depth=depth, scale=s).series
        np.testing.assert_allclose(series.y, expected, rtol=1e-12)
        np.testing.assert_array_equal(bound.y, 0.25 ** np.arange(depth, 0, -1))
        assert np.all(series.y <= bound.y * (1 + 1e-12))
        assert bound.muted
        assert bound.style == "dashed"
    assert chain_explorer.frame(depth=3, scale=0.0).series[0].y[0] == 0.25**3
    # the larger the pre-activations, the less reaches the first unit (the gallery's lines)
    for depth in (3, 10):
        first = [chain_explorer.frame(depth=depth, scale=s).series[0].y[0] for s in (0, 1, 4)]
        assert first[0] > first[1] > first[2]
    frame = chain_explorer.frame(depth=3, scale=0.0)
    assert frame.title == "L = 3, s = 0: ∂a_L/∂z₁ = 0.016 ≤ (1/4)^L = 0.016"


# -- the text drawn in the figures ------------------------------------------------------------

#: Runs of two or more Latin letters that may stand in a figure of the English and the Korean
#: edition: names the same in both, and the operators and function names of the notation.
NAMES = {"ReLU", "sigmoid", "tanh", "Xavier", "He", "SGD", "MSE", "max", "ln", "log", "exp"}


def words(text: str) -> set[str]:
    """The runs of Latin letters in ``text`` that are words, not symbols or names."""
    text = re.sub(r"\\[A-Za-z]+", " ", text)  # TeX commands: \partial, \sigma, \mathrm
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in NAMES}


def test_figure_text_is_symbols_and_names(
    norms_explorer: Explorer, momentum_explorer: Explorer, chain_explorer: Explorer
) -> None:
    """The same figures are shown in the English and the Korean edition: no English words."""
    from gradlab.plotting import plot_gradient_norms, plot_losses

    plt = matplotlib.pyplot
    fig, (bars, lines, curves) = plt.subplots(3)
    try:
        plot_gradient_norms([1e-3, 1e-2, 1.0], ax=bars)
        plot_gradient_norms([[1e-3, 1e-2], [2e-3, 1e-2]], ax=lines)
        plot_losses({"SGD": [1.0, 0.5], "Adam": [1.0, 0.2]}, ax=curves)
        assert [t.get_text() for t in bars.get_xticklabels()] == ["1", "2", "3"]
        assert (bars.get_xlabel(), bars.get_ylabel()) == (
            "$l$",
            r"$\|\partial L / \partial W^{(l)}\|$",
        )
        assert [line.get_label() for line in lines.get_lines()] == ["$l = 1$", "$l = 2$"]
        assert (lines.get_xlabel(), lines.get_ylabel()) == ("$t$", bars.get_ylabel())
        assert (curves.get_xlabel(), curves.get_ylabel()) == ("$t$", "$L$")
    finally:
        plt.close(fig)
    for explorer in (norms_explorer, momentum_explorer, chain_explorer):
        drawn = [explorer.xlabel, explorer.ylabel]
        for frame in explorer.frames:
            drawn += [frame.title, *(s.label for s in [*explorer.background, *frame.series])]
        assert set().union(*map(words, drawn)) == set(), explorer
    assert chain_explorer.xlabel == norms_explorer.xlabel == "l"
    assert chain_explorer.ylabel == "∂a_L/∂z_l"


# -- arguments --------------------------------------------------------------------------------


def test_frame_and_plot_take_values_by_slider_name() -> None:
    explorer = power_explorer()
    assert explorer.frame().title == "p = 1, shift 0"
    assert explorer.frame(shift=0.5).title == "p = 1, shift 0.5"
    ax = explorer.plot(p=3)
    assert ax.get_title() == "p = 3, shift 0"
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [1.0, 8.0, 27.0])
    assert ax.get_xlim() == explorer.xlim
    matplotlib.pyplot.close(ax.figure)
    with pytest.raises(TypeError, match="no slider named 'q'"):
        explorer.frame(q=1)
    with pytest.raises(ValueError, match="p must be one of 1, 2, 3; got 4"):
        explorer.frame(p=4)
    with pytest.raises(ValueError, match="p must be one of"):
        explorer.frame(p=True)  # True == 1, but it is not the slider's value


def test_slider_refuses_bad_values() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        Slider("p", [])
    with pytest.raises(TypeError, match="values must be a sequence or a mapping"):
        Slider("p", "abc")
    with pytest.raises(ValueError, match="shown differently"):
        Slider("p", [1, 1.0])
    with pytest.raises(ValueError, match="start must be one of the values"):
        Slider("p", [1, 2], start=3)
    with pytest.raises(ValueError, match="identifier"):
        Slider("learning rate", [1, 2])
    slider = Slider("init", {"N(0, 1)": "normal", "He": "he_normal"}, start="he_normal")
    assert (slider.values, slider.names, slider.start, slider.label) == (
        ("normal", "he_normal"),
        ("N(0, 1)", "He"),
        1,
        "init",
    )


def test_series_frame_and_explorer_refuse_bad_arguments() -> None:
    with pytest.raises(ValueError, match="same length"):
        Series([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="style must be one of"):
        Series([1], [1], style="bars")
    with pytest.raises(TypeError, match="muted must be True or False"):
        Series([1], [1], muted="yes")
    with pytest.raises(ValueError, match="at least one Series"):
        Frame([])
    with pytest.raises(TypeError, match="series must hold Series only"):
        Frame([([1], [2])])  # type: ignore[list-item]
    slider = Slider("p", [1, 2])

    def frame(p: int) -> Frame:
        return Frame([Series([1, 2], [p, -p])])

    with pytest.raises(TypeError, match="frame must return a Frame"):
        Explorer([slider], lambda p: [Series([1], [p])])
    with pytest.raises(ValueError, match="different names"):
        Explorer([slider, slider], frame)
    with pytest.raises(TypeError, match="non-empty sequence of Slider"):
        Explorer([], frame)
    with pytest.raises(ValueError, match="ylim must have 0 < low < high on a log axis"):
        Explorer([slider], frame, ylog=True, ylim=(0.0, 1.0))
    with pytest.raises(ValueError, match="xlim must have low < high"):
        Explorer([slider], frame, xlim=(2.0, 1.0))
    with pytest.raises(ValueError, match="no frame has a finite y value"):
        Explorer([slider], lambda p: Frame([Series([1], [-1.0])]), ylog=True)


def test_explorer_builders_refuse_bad_arguments(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, Y = digits
    with pytest.raises(ValueError, match="X and Y must have as many rows"):
        explore_gradient_norms(X, Y[:10])
    with pytest.raises(ValueError, match="depths"):
        explore_gradient_norms(X, Y, depths=(0,))
    with pytest.raises(ValueError, match="start must be two numbers"):
        explore_momentum(bowl, bowl_grad, (1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="momenta"):
        explore_momentum(bowl, bowl_grad, (1.0, 2.0), momenta=(1.0,))
    with pytest.raises(ValueError, match="extent must have x_min < x_max"):
        explore_momentum(bowl, bowl_grad, (1.0, 2.0), extent=(1, 0, 0, 1))
    with pytest.raises(ValueError, match="scales"):
        explore_sigmoid_chain(scales=(-1.0,))
