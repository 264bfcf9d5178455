"""gradlab.datasets: the shipped digits and the two toy problems, checked by value.

scikit-learn, where it is installed, is a cross-check only: the data come with gradlab.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from importlib import resources

import numpy as np
import pytest

from gradlab.datasets import DIGITS_FILE, load_digits, make_circles, make_moons

# The first image of the file (a 0), as 8 rows of 8 pixels (0-16).
FIRST_DIGIT = [
    [0, 0, 5, 13, 9, 1, 0, 0],
    [0, 0, 13, 15, 10, 15, 5, 0],
    [0, 3, 15, 2, 0, 11, 8, 0],
    [0, 4, 12, 0, 0, 8, 8, 0],
    [0, 5, 8, 0, 0, 9, 8, 0],
    [0, 4, 11, 0, 1, 12, 7, 0],
    [0, 2, 14, 5, 10, 12, 0, 0],
    [0, 0, 6, 13, 10, 0, 0, 0],
]
# Images per digit 0-9 in the UCI test set.
COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
DIGITS_SHA256 = "e31b7ccbf8cc2b158de948b1bb7a67bf39a856fb064b3aa8ef489f12a2dc4b63"


def test_the_shipped_file_is_the_documented_one() -> None:
    data = resources.files("gradlab").joinpath(DIGITS_FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == DIGITS_SHA256
    readme = resources.files("gradlab").joinpath("data/README.md").read_text(encoding="utf-8")
    assert DIGITS_SHA256 in readme
    assert "CC BY 4.0" in readme
    assert "10.24432/C50P49" in readme


def test_digits_values() -> None:
    X, Y, labels = load_digits()
    assert X.shape == (1797, 64)
    assert Y.shape == (1797, 10)
    assert labels.shape == (1797,)
    assert X.dtype == np.float64
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(X[0].reshape(8, 8) * 16, FIRST_DIGIT)
    assert np.bincount(labels).tolist() == COUNTS
    assert labels[:10].tolist() == list(range(10))
    np.testing.assert_array_equal(Y.argmax(axis=1), labels)
    assert Y.sum() == 1797
    assert X.min() == 0.0
    assert X.max() == 1.0
    assert set(np.unique(X * 16)) <= set(range(17))


def test_first_n_digits() -> None:
    X, Y, labels = load_digits(5)
    X_all, _, _labels_all = load_digits()
    np.testing.assert_array_equal(X, X_all[:5])
    np.testing.assert_array_equal(labels, [0, 1, 2, 3, 4])
    assert Y.shape == (5, 10)
    assert load_digits(1797)[0].shape == (1797, 64)


@pytest.mark.parametrize(
    ("n_samples", "error"),
    [(0, ValueError), (1798, ValueError), (2.0, TypeError), (True, TypeError)],
)
def test_digits_refuses_bad_counts(n_samples: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="n_samples"):
        load_digits(n_samples)  # type: ignore[arg-type]


def test_digits_need_no_scikit_learn() -> None:
    """With scikit-learn unimportable, the digits still load: the data ship with gradlab."""
    code = (
        "import sys; sys.modules['sklearn'] = None\n"
        "from gradlab.datasets import load_digits\n"
        "print(load_digits()[0].shape)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(1797, 64)"


def test_moons_values() -> None:
    X, labels = make_moons(6, seed=0)
    # Without noise: three points on each half circle, evenly spaced in angle, shuffled.
    points = sorted(zip(labels.tolist(), np.round(X, 12).tolist(), strict=True))
    assert points == [
        (0, [-1.0, 0.0]), (0, [0.0, 1.0]), (0, [1.0, 0.0]),
        (1, [0.0, 0.5]), (1, [1.0, -0.5]), (1, [2.0, 0.5]),
    ]  # fmt: skip
    X_noisy, labels_noisy = make_moons(6, noise=0.1, seed=0)
    np.testing.assert_array_equal(labels_noisy, labels)
    assert 0 < np.abs(X_noisy - X).max() < 0.5
    again = make_moons(300, noise=0.2, seed=0)
    first = make_moons(300, noise=0.2, seed=0)
    np.testing.assert_array_equal(again[0], first[0])
    assert int(first[1].sum()) == 150
    assert not np.array_equal(make_moons(300, noise=0.2, seed=1)[0], first[0])


def test_circles_values() -> None:
    X, labels = make_circles(8, factor=0.5)
    radii = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radii, np.where(labels == 1, 0.5, 1.0), rtol=0, atol=1e-15)
    angles = np.sort(np.round(np.degrees(np.arctan2(X[:, 1], X[:, 0])) % 360, 9)[labels == 0])
    np.testing.assert_array_equal(angles, [0.0, 90.0, 180.0, 270.0])
    assert labels.tolist().count(1) == 4


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"n_samples": 1}, ValueError, "n_samples"),
        ({"n_samples": 10.0}, TypeError, "n_samples"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"noise": "0.1"}, TypeError, "noise"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 2**32}, ValueError, "seed"),
        ({"seed": None}, TypeError, "seed"),
        ({"seed": True}, TypeError, "seed"),
    ],
)
def test_toy_problems_refuse_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], name: str
) -> None:
    for make in (make_moons, make_circles):
        with pytest.raises(error, match=name):
            make(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("factor", [1.0, -0.1, 1.5])
def test_circles_refuse_bad_factor(factor: float) -> None:
    with pytest.raises(ValueError, match="factor"):
        make_circles(factor=factor)


# -- cross-checks with scikit-learn (the tests session installs it) ---------------------------


@pytest.fixture(scope="module")
def sklearn_datasets():  # type: ignore[no-untyped-def]
    return pytest.importorskip("sklearn.datasets")


def test_digits_equal_scikit_learns(sklearn_datasets) -> None:  # type: ignore[no-untyped-def]
    theirs = sklearn_datasets.load_digits()
    X, _, labels = load_digits()
    np.testing.assert_array_equal(X, theirs.data / 16.0)
    np.testing.assert_array_equal(labels, theirs.target)


@pytest.mark.parametrize(
    ("n_samples", "noise", "seed"), [(300, 0.2, 0), (301, 0.05, 7), (2, 0.0, 0)]
)
def test_toy_problems_equal_scikit_learns(  # type: ignore[no-untyped-def]
    sklearn_datasets, n_samples: int, noise: float, seed: int
) -> None:
    ours = make_moons(n_samples, noise=noise, seed=seed)
    theirs = sklearn_datasets.make_moons(n_samples, noise=noise, random_state=seed)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])
    ours = make_circles(n_samples, noise=noise, factor=0.5, seed=seed)
    theirs = sklearn_datasets.make_circles(n_samples, noise=noise, factor=0.5, random_state=seed)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])
