"""Argument checks written once, with errors that speak to the reader.

Every public function of gradlab funnels its arguments through these helpers, so that bad
input is rejected at the door with a message naming the argument and the expectation, never
with a NumPy traceback from deep inside and never with a silently mangled result.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

T = TypeVar("T")

FloatArray = NDArray[np.floating[Any]]


def as_float_array(x: ArrayLike, name: str, *, allow_nonfinite: bool = False) -> FloatArray:
    """Return ``x`` as a floating ndarray, rejecting non-numeric and non-finite input.

    Floating input keeps its precision (float32 stays float32, so underflow can be studied);
    integers and booleans become float64.
    """
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except Exception as exc:  # ragged lists and the like
            raise TypeError(f"{name} must be array-like of real numbers ({exc})") from None
        if arr.dtype.kind in "biu":
            arr = arr.astype(np.float64)
        elif arr.dtype.kind != "f":
            raise TypeError(f"{name} must contain real numbers, got an array of dtype {arr.dtype}")
    if not allow_nonfinite and not np.isfinite(arr).all():
        n_bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {n_bad} non-finite value(s) (NaN or inf)")
    return arr


def check_matrix(
    x: ArrayLike, name: str, n_columns: int | None = None, *, owner: str = ""
) -> FloatArray:
    """Return ``x`` as a finite 2-D float array with ``n_columns`` columns."""
    arr = as_float_array(x, name)
    who = f"{owner} expected" if owner else f"{name} must be"
    if arr.ndim != 2:
        raise ValueError(
            f"{who} a 2-D array of shape (n_samples, {n_columns if n_columns else 'n_features'})"
            f" for {name}, got {arr.ndim}-D input of shape {arr.shape}"
        )
    if n_columns is not None and arr.shape[1] != n_columns:
        raise ValueError(f"{who} input with {n_columns} features, got {name} of shape {arr.shape}")
    return arr


def check_same_shape(a: FloatArray, b: FloatArray, names: tuple[str, str]) -> None:
    """Raise if two arrays differ in shape (no silent broadcasting of predictions)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and {b.shape}"
        )


def check_real(value: Any, name: str) -> float:
    """Return ``value`` as a finite Python float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def check_positive(value: Any, name: str) -> float:
    """Return ``value`` if it is a finite number > 0."""
    value = check_real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def check_nonnegative(value: Any, name: str) -> float:
    """Return ``value`` if it is a finite number >= 0."""
    value = check_real(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def check_unit_interval(value: Any, name: str) -> float:
    """Return ``value`` if it lies in [0, 1) (decay rates such as betas, rho, alpha)."""
    value = check_real(value, name)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


def check_count(value: Any, name: str) -> int:
    """Return ``value`` if it is an integer >= 1 (fans, sizes, steps)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (>= 1), got {value}")
    return int(value)


def lookup(name: Any, table: Mapping[str, T], kind: str) -> T:
    """Return ``table[name]`` or raise listing the known names."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} must be given by name (str), got {type(name).__name__}")
    try:
        return table[name]
    except KeyError:
        known = ", ".join(repr(k) for k in table)
        raise ValueError(f"unknown {kind} {name!r}; known: {known}") from None


def as_generator(rng: object) -> np.random.Generator:
    """Turn ``rng`` (None, an int seed, or a Generator) into a ``numpy.random.Generator``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng must be a non-negative int seed, got {int(rng)}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__}"
    )


def check_callable(value: Any, name: str) -> Callable[..., Any]:
    """Return ``value`` if it is callable."""
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")
    return value


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is a bool (or NumPy bool); strings such as "no" are refused."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_str(value: Any, name: str) -> str:
    """Return ``value`` if it is a str."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def check_float_dtype(dtype: Any, name: str = "dtype") -> np.dtype[Any]:
    """Return ``dtype`` as a floating NumPy dtype (float16, float32, float64)."""
    if isinstance(dtype, bool) or dtype is None:
        raise TypeError(f"{name} must be a floating dtype such as np.float32, got {dtype!r}")
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"{name} must be a floating dtype such as np.float32, got {dtype!r}"
        ) from None
    if resolved.kind != "f":
        raise TypeError(f"{name} must be a floating dtype such as np.float32, got {resolved}")
    return resolved


def as_real_array(x: ArrayLike, name: str, *, allow_nonfinite: bool = False) -> FloatArray:
    """Like :func:`as_float_array`, but refuse booleans, None and strings, naming ``name``.

    A bool where a number belongs (``[True, False]`` as predictions) is a mistake more often
    than a choice: it is refused with a hint to convert it explicitly.
    """
    if not isinstance(x, np.ndarray):
        if x is None or isinstance(x, str | bytes):
            raise TypeError(
                f"{name} must be array-like of real numbers, got {type(x).__name__} {x!r:.40}"
            )
        try:
            x = np.asarray(x)
        except (TypeError, ValueError) as exc:  # ragged lists and the like
            raise TypeError(f"{name} must be array-like of real numbers ({exc})") from None
    if x.dtype.kind == "b":
        raise TypeError(
            f"{name} must hold numbers, got booleans (dtype bool); convert with .astype(float)"
        )
    return as_float_array(x, name, allow_nonfinite=allow_nonfinite)
