"""Private helpers that validate arguments and normalise random generators."""

from __future__ import annotations

import numbers
from typing import Any, TypeAlias, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__: list[str] = []

RNGLike: TypeAlias = int | np.random.Generator | np.random.RandomState | None
"""Anything accepted as ``rng``: None, an int seed, a Generator or a RandomState."""

Sampler: TypeAlias = np.random.Generator | np.random.RandomState


def _check_rng(rng: object) -> Sampler:
    """Return a generator for ``rng``; a RandomState is kept as it is.

    Keeping a legacy ``RandomState`` (instead of wrapping it) is what makes
    code driven by ``np.random.seed`` reproducible bit for bit: both classes
    have ``standard_normal`` and ``uniform`` with the same signatures.
    """
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator | np.random.RandomState):
        return rng
    if isinstance(rng, int | np.integer) and type(rng) is not bool:
        if int(rng) < 0:
            raise ValueError(f"rng must be a non-negative integer seed, got {rng!r}")
        return np.random.default_rng(int(rng))
    raise ValueError(
        "rng must be None, a non-negative int, a numpy Generator or a numpy "
        f"RandomState, got {rng!r} of type {type(rng).__name__}"
    )


def _check_int(name: str, value: object, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= minimum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_finite_1d(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """Return ``values`` as a finite, one-dimensional float64 array."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional, got an array of shape {arr.shape}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} must be finite, got {float(arr[idx])!r} at index {idx} "
            f"({int(bad.sum())} non-finite values in all)"
        )
    return arr


def _check_unit_interval(
    name: str, value: float, *, low_open: bool, high_open: bool
) -> float:
    """Return ``value`` as a float, or raise if it is outside the unit interval."""
    try:
        val = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    lo_ok = val > 0.0 if low_open else val >= 0.0
    hi_ok = val < 1.0 if high_open else val <= 1.0
    if not (np.isfinite(val) and lo_ok and hi_ok):
        interval = ("(" if low_open else "[") + "0, 1" + (")" if high_open else "]")
        raise ValueError(f"{name} must lie in {interval}, got {val!r}")
    return val


_ArrayT = TypeVar("_ArrayT", bound=np.ndarray[Any, Any])


def _readonly(arr: _ArrayT) -> _ArrayT:
    """Mark ``arr`` read-only and return it."""
    arr.setflags(write=False)
    return arr
