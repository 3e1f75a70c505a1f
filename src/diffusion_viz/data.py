r"""Toy data sets in one dimension whose diffused marginals are exact.

A distribution here knows its own density, CDF and moments, and, through
:meth:`~PiecewiseUniform.diffused`, the exact law of

.. math::

    x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \varepsilon,
    \qquad \varepsilon \sim \mathcal N(0, 1),

with its score :math:`\partial_x \log q_t(x)` and the posterior mean
:math:`\mathbb E[x_0 \mid x_t]`. That is what lets every figure in the book be
checked against theory rather than against another simulation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ._validation import (
    RNGLike,
    Sampler,
    _check_int,
    _check_rng,
    _check_unit_interval,
    _readonly,
)

__all__ = [
    "Diffusable",
    "DiffusedPiecewiseUniform",
    "GaussianMixture",
    "PiecewiseUniform",
    "ToyDistribution",
    "three_bands",
]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


# --------------------------------------------------------------------------
# Numerical helpers (log space)
# --------------------------------------------------------------------------


def _log_phi(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Log of the standard normal density."""
    return np.asarray(-0.5 * z * z - _LOG_SQRT_2PI)


def _phi(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the standard normal density (0 far in the tails, no warning)."""
    with np.errstate(over="ignore"):
        return np.asarray(np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi))


def _log1mexp(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return ``log(1 - exp(a))`` for ``a <= 0`` without cancellation."""
    a = np.asarray(a, dtype=np.float64)
    out = np.empty_like(a)
    small = a > -np.log(2.0)
    with np.errstate(divide="ignore"):
        out[small] = np.log(-np.expm1(a[small]))
        out[~small] = np.log1p(-np.exp(a[~small]))
    return out


def _log_ndtr_diff(
    hi: NDArray[np.float64], lo: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Return ``log(Phi(hi) - Phi(lo))`` for ``hi > lo``, stable in both tails."""
    # Reflect into the lower tail, where log_ndtr keeps full relative precision.
    flip = lo > 0
    h = np.where(flip, -lo, hi)
    lo_ = np.where(flip, -hi, lo)
    lh = special.log_ndtr(h)
    return np.asarray(lh + _log1mexp(special.log_ndtr(lo_) - lh))


def _log_g(z: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Return :math:`\log G(z)` with :math:`G(z) = z\Phi(z) + \varphi(z)`.

    ``G`` is the antiderivative of :math:`\Phi` (the normal "loss function").
    For :math:`z < 0`, :math:`G(z) = \varphi(z)(1 - tR(t))` with
    :math:`t = -z` and Mills ratio :math:`R(t) = \sqrt{\pi/2}\,
    \mathrm{erfcx}(t/\sqrt 2)`; for large ``t`` the bracket is summed from
    its asymptotic series :math:`t^{-2} - 3t^{-4} + 15t^{-6} - \dots` to
    avoid cancellation.
    """
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= -1.0
    zp = z[pos]
    out[pos] = np.log(zp * special.ndtr(zp) + np.exp(_log_phi(zp)))
    t = -z[~pos]
    mid = t < 20.0
    bracket = np.empty_like(t)
    tm = t[mid]
    bracket[mid] = 1.0 - tm * np.sqrt(np.pi / 2.0) * special.erfcx(tm / np.sqrt(2.0))
    tl = t[~mid]
    u = 1.0 / (tl * tl)
    # 1 - t R(t) = sum_k (-1)^k (2k+1)!! t^(-2k-2), asymptotic (Abramowitz & Stegun 7.1.23).
    coeffs = (1.0, -3.0, 15.0, -105.0, 945.0, -10395.0, 135135.0)
    series = np.zeros_like(u)
    for c in reversed(coeffs):
        series = series * u + c
    bracket[~mid] = u * series
    out[~pos] = _log_phi(-t) + np.log(bracket)
    return out


def _logsumexp(a: NDArray[np.float64], axis: int = -1) -> NDArray[np.float64]:
    return np.asarray(special.logsumexp(a, axis=axis))


# --------------------------------------------------------------------------
# Base class
# --------------------------------------------------------------------------


class ToyDistribution(ABC):
    r"""Base class of the package's one-dimensional distributions.

    Subclasses supply :meth:`logpdf`, :meth:`logcdf`, :meth:`logsf`,
    :meth:`sample`, :attr:`mean` and :attr:`var`; this class derives
    :meth:`pdf`, :meth:`cdf`, :meth:`sf`, :attr:`std` and :meth:`ppf`.

    See Also
    --------
    PiecewiseUniform, GaussianMixture, DiffusedPiecewiseUniform

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import ToyDistribution, three_bands
    >>> d = three_bands()
    >>> isinstance(d, ToyDistribution), np.allclose(d.cdf(d.ppf(0.25)), 0.25)
    (True, True)
    """

    @abstractmethod
    def logpdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log density at ``x``."""

    @abstractmethod
    def logcdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log of the cumulative distribution function at ``x``."""

    @abstractmethod
    def logsf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log of the survival function ``1 - cdf`` at ``x``."""

    @abstractmethod
    def sample(self, n: int, rng: RNGLike = None) -> NDArray[np.float64]:
        """Draw ``n`` samples."""

    @property
    @abstractmethod
    def mean(self) -> float:
        """The mean."""

    @property
    @abstractmethod
    def var(self) -> float:
        """The variance."""

    @property
    def std(self) -> float:
        """The standard deviation."""
        return float(np.sqrt(self.var))

    def pdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the density at ``x``.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Density values, same shape as ``x``.
        """
        return np.exp(self.logpdf(x))

    def cdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the cumulative distribution function at ``x``.

        Each tail is computed on its own side (``cdf`` in the left tail,
        ``1 - sf`` in the right), so both tails keep full precision.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            CDF values in [0, 1], same shape as ``x``.
        """
        lc, ls = self._log_cdf_sf(x)
        return np.where(lc < ls, np.exp(lc), -np.expm1(ls))

    def sf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the survival function ``1 - cdf`` at ``x``.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Survival-function values in [0, 1], same shape as ``x``.
        """
        lc, ls = self._log_cdf_sf(x)
        return np.where(ls < lc, np.exp(ls), -np.expm1(lc))

    def ppf(self, q: ArrayLike) -> NDArray[np.float64]:
        """Return the quantile function (inverse CDF) at probabilities ``q``.

        Parameters
        ----------
        q : array_like
            Probabilities in [0, 1].

        Returns
        -------
        ndarray
            Quantiles, same shape as ``q``; ``-inf``/``inf`` at 0 and 1 for
            distributions with unbounded support.

        Raises
        ------
        ValueError
            If a probability is outside [0, 1] or not finite.

        Notes
        -----
        Solved by bisection on the exact CDF to a relative width of about
        ``1e-13`` of the bracket, so it is exact to plotting and testing
        precision for any of the package's distributions.
        """
        qa = np.asarray(q, dtype=np.float64)
        if not np.all(np.isfinite(qa)) or np.any((qa < 0) | (qa > 1)):
            raise ValueError(f"q must be probabilities in [0, 1], got {q!r}")
        lo, hi = self._support_bracket()
        lo_arr = np.full(qa.shape, lo)
        hi_arr = np.full(qa.shape, hi)
        for _ in range(200):
            mid = 0.5 * (lo_arr + hi_arr)
            below = self.cdf(mid) < qa
            lo_arr = np.where(below, mid, lo_arr)
            hi_arr = np.where(below, hi_arr, mid)
            if np.all(hi_arr - lo_arr <= 1e-13 * (hi - lo)):
                break
        out = 0.5 * (lo_arr + hi_arr)
        lo_s, hi_s = self._support()
        out = np.where(qa == 0, lo_s, out)
        return np.asarray(np.where(qa == 1, hi_s, out))

    def _log_cdf_sf(
        self, x: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return ``(logcdf(x), logsf(x))``; subclasses may share the work."""
        return self.logcdf(x), self.logsf(x)

    def _support(self) -> tuple[float, float]:
        return -np.inf, np.inf

    def _support_bracket(self) -> tuple[float, float]:
        lo, hi = self._support()
        m, s = self.mean, self.std
        lo = lo if np.isfinite(lo) else m - 40.0 * s - 1.0
        hi = hi if np.isfinite(hi) else m + 40.0 * s + 1.0
        return float(lo), float(hi)


@runtime_checkable
class Diffusable(Protocol):
    r"""Anything whose diffused marginal :math:`q_t` is known exactly.

    The package's data classes implement it; so can a user's own
    distribution, and every function that needs exact marginals (for
    example :func:`~diffusion_viz.normality_trace`) accepts it.

    See Also
    --------
    PiecewiseUniform.diffused, GaussianMixture.diffused

    Examples
    --------
    >>> from diffusion_viz import Diffusable, three_bands
    >>> isinstance(three_bands(), Diffusable)
    True
    """

    def diffused(self, alpha_bar: float) -> ToyDistribution:
        """Return the exact law of the data diffused to ``alpha_bar``."""
        ...


def _check_weights(weights: ArrayLike | None, k: int) -> NDArray[np.float64]:
    if weights is None:
        return np.full(k, 1.0 / k)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (k,):
        raise ValueError(
            f"weights must have shape ({k},), one per component, got {w.shape}"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"weights must be finite and non-negative, got {w.tolist()!r}")
    total = w.sum()
    if total <= 0:
        raise ValueError(f"weights must not all be zero, got {w.tolist()!r}")
    return np.asarray(w / total, dtype=np.float64)


def _component_counts(
    n: int, weights: NDArray[np.float64], equal: bool
) -> NDArray[np.intp]:
    """Deterministic counts: floor(n w_k) for all but the last, the rest to the last."""
    k = weights.size
    if equal:
        counts = np.full(k, n // k, dtype=np.intp)
    else:
        counts = np.floor(n * weights).astype(np.intp)
    counts[-1] = n - counts[:-1].sum()
    return counts


def _as_float_array(x: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(x, dtype=np.float64)


# --------------------------------------------------------------------------
# Piecewise uniform
# --------------------------------------------------------------------------


class PiecewiseUniform(ToyDistribution):
    r"""A mixture of uniform distributions on intervals.

    Parameters
    ----------
    intervals : array_like, shape (K, 2)
        ``[a_k, b_k]`` with ``a_k < b_k``, finite.
    weights : array_like, shape (K,), optional
        Non-negative mixture weights, normalised to sum to 1. Default: equal.
    stratified : bool, optional
        If True, :meth:`sample` draws deterministic component counts
        (``floor(n w_k)``, with the remainder going to the last component;
        ``n // K`` each for equal weights) component by component, in order,
        as the seed page does. If False (default), it draws iid samples in
        random order.

    Attributes
    ----------
    intervals : ndarray, shape (K, 2)
    weights : ndarray, shape (K,)
    stratified : bool

    Raises
    ------
    ValueError
        If an interval is empty, reversed or infinite, or the weights are
        negative, all zero or of the wrong shape.

    See Also
    --------
    three_bands : The seed page's three-band data set.
    DiffusedPiecewiseUniform : Its exact diffused marginal.

    Notes
    -----
    .. math::

        p(x) = \sum_k \frac{w_k}{b_k - a_k}\,\mathbf 1[a_k \le x < b_k], \qquad
        \mathbb E x = \sum_k w_k \frac{a_k + b_k}{2}, \qquad
        \mathbb E x^2 = \sum_k w_k \frac{a_k^2 + a_k b_k + b_k^2}{3}.

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239 (Eq. 4, the marginal that
       :meth:`diffused` evaluates exactly).

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import PiecewiseUniform
    >>> d = PiecewiseUniform([[0, 1], [2, 4]], weights=[1, 3])
    >>> np.allclose(d.pdf([0.5, 3.0, 5.0]), [0.25, 0.375, 0.0])
    True
    >>> np.allclose(d.cdf([1.0, 3.0]), [0.25, 0.625])
    True
    >>> np.allclose(d.mean, 0.25 * 0.5 + 0.75 * 3.0)
    True
    """

    def __init__(
        self,
        intervals: ArrayLike,
        weights: ArrayLike | None = None,
        *,
        stratified: bool = False,
    ) -> None:
        iv = np.array(intervals, dtype=np.float64)
        if iv.ndim != 2 or iv.shape[1] != 2 or iv.shape[0] == 0:
            raise ValueError(
                f"intervals must have shape (K, 2) with K >= 1, got {iv.shape}"
            )
        if not np.all(np.isfinite(iv)):
            raise ValueError(f"intervals must be finite, got {iv.tolist()!r}")
        bad = iv[:, 0] >= iv[:, 1]
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"intervals must satisfy a < b (non-empty, not reversed), got "
                f"[{float(iv[i, 0])!r}, {float(iv[i, 1])!r}] at index {i}"
            )
        self._equal = weights is None
        self.weights = _readonly(_check_weights(weights, iv.shape[0]))
        self.intervals = _readonly(iv)
        self.stratified = bool(stratified)

    def __repr__(self) -> str:
        return (
            f"PiecewiseUniform(intervals={self.intervals.tolist()}, "
            f"weights={np.round(self.weights, 6).tolist()})"
        )

    @property
    def mean(self) -> float:
        """The mean."""
        a, b = self.intervals.T
        return float(np.sum(self.weights * (a + b) / 2.0))

    @property
    def var(self) -> float:
        """The variance."""
        a, b = self.intervals.T
        m2 = np.sum(self.weights * (a * a + a * b + b * b) / 3.0)
        return float(m2 - self.mean**2)

    def _support(self) -> tuple[float, float]:
        return float(self.intervals[:, 0].min()), float(self.intervals[:, 1].max())

    def logpdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log density at ``x`` (``-inf`` off the support).

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Log density, same shape as ``x``.
        """
        xa = _as_float_array(x)[..., None]
        a, b = self.intervals.T
        inside = (xa >= a) & (xa < b)
        dens = np.sum(np.where(inside, self.weights / (b - a), 0.0), axis=-1)
        with np.errstate(divide="ignore"):
            return np.asarray(np.log(dens))

    def logcdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log CDF at ``x``.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Log CDF, same shape as ``x``.
        """
        with np.errstate(divide="ignore"):
            return np.asarray(np.log(self._cdf_direct(x, upper=False)))

    def logsf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log survival function at ``x``.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Log survival function, same shape as ``x``.
        """
        with np.errstate(divide="ignore"):
            return np.asarray(np.log(self._cdf_direct(x, upper=True)))

    def _cdf_direct(self, x: ArrayLike, *, upper: bool) -> NDArray[np.float64]:
        xa = _as_float_array(x)[..., None]
        a, b = self.intervals.T
        frac = (
            np.clip((b - xa) / (b - a), 0.0, 1.0)
            if upper
            else np.clip((xa - a) / (b - a), 0.0, 1.0)
        )
        return np.asarray(np.sum(self.weights * frac, axis=-1))

    def sample(self, n: int, rng: RNGLike = None) -> NDArray[np.float64]:
        """Draw ``n`` samples.

        Parameters
        ----------
        n : int
            Number of samples, an integer >= 0.
        rng : None, int, numpy.random.Generator or numpy.random.RandomState
            Source of randomness. A ``RandomState`` is used as it is, so
            ``np.random.RandomState(42)`` reproduces code written with
            ``np.random.seed(42)``.

        Returns
        -------
        ndarray, shape (n,)
            Samples. With ``stratified=True`` they come component by
            component, in order; shuffle them if order matters.

        Raises
        ------
        ValueError
            If ``n`` is not an integer >= 0 or ``rng`` is not accepted.

        Examples
        --------
        >>> from diffusion_viz import PiecewiseUniform
        >>> x = PiecewiseUniform([[0, 1], [5, 6]]).sample(1000, rng=0)
        >>> bool(((x < 1) | (x >= 5)).all())
        True
        """
        n = _check_int("n", n, 0)
        gen = _check_rng(rng)
        a, b = self.intervals.T
        if self.stratified:
            counts = _component_counts(n, self.weights, self._equal)
            parts = [gen.uniform(a[k], b[k], size=c) for k, c in enumerate(counts)]
            return np.concatenate(parts).astype(np.float64, copy=False)
        labels = _draw_labels(gen, n, self.weights)
        u = gen.uniform(0.0, 1.0, size=n)
        return np.asarray(a[labels] + (b[labels] - a[labels]) * u, dtype=np.float64)

    def affine(self, scale: float, shift: float = 0.0) -> PiecewiseUniform:
        """Return the exact law of ``scale * x + shift``.

        Parameters
        ----------
        scale : float
            A positive, finite factor.
        shift : float, optional
            A finite offset. Default 0.

        Returns
        -------
        PiecewiseUniform
            Same weights and sampling mode, intervals mapped.

        Raises
        ------
        ValueError
            If ``scale`` is not positive and finite, or ``shift`` is not finite.

        Examples
        --------
        >>> import numpy as np
        >>> from diffusion_viz import three_bands
        >>> d = three_bands()
        >>> z = d.affine(1 / d.std)
        >>> np.allclose([z.mean, z.var], [0.0, 1.0])
        True
        """
        sc, sh = _check_affine(scale, shift)
        return PiecewiseUniform(
            self.intervals * sc + sh,
            None if self._equal else self.weights,
            stratified=self.stratified,
        )

    def diffused(self, alpha_bar: float) -> DiffusedPiecewiseUniform:
        r"""Return the exact law of :math:`\sqrt{\bar\alpha}x_0 + \sqrt{1-\bar\alpha}\varepsilon`.

        Parameters
        ----------
        alpha_bar : float
            :math:`\bar\alpha \in (0, 1]`.

        Returns
        -------
        DiffusedPiecewiseUniform

        Raises
        ------
        ValueError
            If ``alpha_bar`` is outside (0, 1].

        Examples
        --------
        >>> import numpy as np
        >>> from diffusion_viz import three_bands
        >>> q = three_bands().diffused(0.5)
        >>> np.allclose(q.var, 0.5 * three_bands().var + 0.5)
        True
        """
        return DiffusedPiecewiseUniform(self, alpha_bar)


def _check_affine(scale: float, shift: float) -> tuple[float, float]:
    sc, sh = float(scale), float(shift)
    if not (np.isfinite(sc) and sc > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    if not np.isfinite(sh):
        raise ValueError(f"shift must be finite, got {shift!r}")
    return sc, sh


def _draw_labels(
    gen: Sampler, n: int, weights: NDArray[np.float64]
) -> NDArray[np.intp]:
    # Inverse-CDF draw of component labels: works for Generator and RandomState.
    cum = np.cumsum(weights)
    cum[-1] = 1.0
    return np.asarray(
        np.searchsorted(cum, gen.uniform(0.0, 1.0, size=n), side="right"), dtype=np.intp
    ).clip(0, weights.size - 1)


def _check_alpha_bar(alpha_bar: float) -> float:
    return _check_unit_interval("alpha_bar", alpha_bar, low_open=True, high_open=False)


class DiffusedPiecewiseUniform(ToyDistribution):
    r"""The exact marginal :math:`q_t` of a diffused :class:`PiecewiseUniform`.

    Build it with :meth:`PiecewiseUniform.diffused`.

    Parameters
    ----------
    source : PiecewiseUniform
        The data distribution :math:`q_0`.
    alpha_bar : float
        :math:`\bar\alpha_t \in (0, 1]`. At 1 the law is ``source`` itself.

    Attributes
    ----------
    source : PiecewiseUniform
    alpha_bar : float

    Raises
    ------
    ValueError
        If ``alpha_bar`` is outside (0, 1].

    See Also
    --------
    PiecewiseUniform.diffused

    Notes
    -----
    With :math:`s = \sqrt{\bar\alpha}`, :math:`\sigma = \sqrt{1-\bar\alpha}`,
    :math:`z_a = (x - s a)/\sigma` and :math:`z_b = (x - s b)/\sigma`, a
    component :math:`U[a, b]` diffuses into

    .. math::

        p_k(x) = \frac{\Phi(z_a) - \Phi(z_b)}{s (b - a)}, \qquad
        F_k(x) = \frac{\sigma}{s (b - a)}\,\bigl[G(z_a) - G(z_b)\bigr],
        \quad G(z) = z\Phi(z) + \varphi(z).

    The posterior mean of :math:`x_0` within a component is the mean of a
    truncated normal, and Tweedie's formula links it to the score
    (Efron 2011; Ho et al. 2020, Eq. 10):

    .. math::

        \mathbb E[x_0 \mid x_t = x] = \frac{x + \sigma^2\,\partial_x \log q_t(x)}{s},
        \qquad
        \partial_x \log q_t(x) = \frac{1}{\sigma} \sum_k r_k(x)
        \frac{\varphi(z_a) - \varphi(z_b)}{\Phi(z_a) - \Phi(z_b)},

    with :math:`r_k(x)` the posterior probability of component ``k``. Every
    ratio is formed from logarithms (``log_ndtr`` differences), so the
    functions stay finite far in the tails, e.g. at :math:`x = \pm 60`,
    :math:`\bar\alpha = 0.9999`.

    References
    ----------
    .. [1] B. Efron, "Tweedie's Formula and Selection Bias", JASA 106 (2011).
    .. [2] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import three_bands
    >>> q = three_bands().diffused(0.9)
    >>> x = np.linspace(-15, 15, 20001)
    >>> np.allclose(np.trapezoid(q.pdf(x), x), 1.0)
    True
    >>> bool(np.isfinite(three_bands().diffused(0.9999).score([-60.0, 60.0])).all())
    True
    """

    def __init__(self, source: PiecewiseUniform, alpha_bar: float) -> None:
        if not isinstance(source, PiecewiseUniform):
            raise ValueError(f"source must be a PiecewiseUniform, got {source!r}")
        self.source = source
        self.alpha_bar = _check_alpha_bar(alpha_bar)
        self._s = float(np.sqrt(self.alpha_bar))
        self._sigma = float(np.sqrt(1.0 - self.alpha_bar))

    def __repr__(self) -> str:
        return f"DiffusedPiecewiseUniform(source={self.source!r}, alpha_bar={self.alpha_bar!r})"

    @property
    def mean(self) -> float:
        r"""The mean, :math:`\sqrt{\bar\alpha}\,\mathbb E x_0`."""
        return self._s * self.source.mean

    @property
    def var(self) -> float:
        r"""The variance, :math:`\bar\alpha \operatorname{Var} x_0 + 1 - \bar\alpha`."""
        return self.alpha_bar * self.source.var + (1.0 - self.alpha_bar)

    def _support(self) -> tuple[float, float]:
        if self._sigma == 0.0:
            return self.source._support()
        return -np.inf, np.inf

    def _z(self, x: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        xa = _as_float_array(x)[..., None]
        a, b = self.source.intervals.T
        return (xa - self._s * a) / self._sigma, (xa - self._s * b) / self._sigma

    def _log_comp_mass(self, x: ArrayLike) -> NDArray[np.float64]:
        """log(w_k p_k(x)) for every component, shape x.shape + (K,)."""
        za, zb = self._z(x)
        a, b = self.source.intervals.T
        return np.asarray(
            np.log(self.source.weights)
            + _log_ndtr_diff(za, zb)
            - np.log(self._s * (b - a))
        )

    def logpdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log density at ``x``.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Log density, same shape as ``x``.
        """
        if self._sigma == 0.0:
            return self.source.logpdf(x)
        with np.errstate(divide="ignore"):
            return _logsumexp(self._log_comp_mass(x))

    def _log_cdf_sf(
        self, x: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if self._sigma == 0.0:
            return self.source.logcdf(x), self.source.logsf(x)
        za, zb = self._z(x)
        a, b = self.source.intervals.T
        log_scale = np.broadcast_to(np.log(self._sigma / (self._s * (b - a))), za.shape)
        # Each component's own lower tail is accurate on the left of its
        # centre; its upper tail, by the reflection x -> -x, on the right.
        # Evaluate only the accurate one, and get the other as log(1 - .).
        left = za + zb <= 0
        own = np.empty_like(za)
        own[left] = log_scale[left] + _log_diff_g(za[left], zb[left])
        right = ~left
        own[right] = log_scale[right] + _log_diff_g(-zb[right], -za[right])
        other = _log1mexp(np.minimum(own, 0.0))
        lw = np.log(self.source.weights)
        with np.errstate(divide="ignore"):
            lower = _logsumexp(lw + np.where(left, own, other))
            upper = _logsumexp(lw + np.where(left, other, own))
        return lower, upper

    def logcdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log CDF at ``x``, accurate far into the left tail.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Log CDF, same shape as ``x``.
        """
        if self._sigma == 0.0:
            return self.source.logcdf(x)
        return self._log_cdf_sf(x)[0]

    def logsf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log survival function, accurate far into the right tail.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Log survival function, same shape as ``x``.
        """
        if self._sigma == 0.0:
            return self.source.logsf(x)
        return self._log_cdf_sf(x)[1]

    def component_posterior(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Return :math:`P(k \mid x_t = x)`, the probability of each component.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray, shape ``x.shape + (K,)``
            Posterior component probabilities; each row sums to 1.

        Examples
        --------
        >>> import numpy as np
        >>> from diffusion_viz import three_bands
        >>> r = three_bands().diffused(0.5).component_posterior([-7.0, 0.0, 7.0])
        >>> np.allclose(r.sum(axis=-1), 1.0), r.argmax(axis=-1).tolist()
        (True, [0, 1, 2])
        """
        if self._sigma == 0.0:
            xa = _as_float_array(x)[..., None]
            a, b = self.source.intervals.T
            inside = ((xa >= a) & (xa <= b)) * self.source.weights
            tot = inside.sum(axis=-1, keepdims=True)
            near = np.argmin(np.abs(xa - (a + b) / 2.0), axis=-1)
            onehot = np.eye(self.source.weights.size)[near]
            return np.asarray(
                np.where(tot > 0, inside / np.where(tot > 0, tot, 1.0), onehot)
            )
        lm = self._log_comp_mass(x)
        return np.exp(lm - _logsumexp(lm)[..., None])

    def _posterior_and_mills(
        self, x: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        r"""Return :math:`r_k(x)` and :math:`(\varphi(z_a) - \varphi(z_b))/(\Phi(z_a) - \Phi(z_b))`.

        Both come from one evaluation of the log normal-CDF differences, which
        is what the score and the denoiser cost.
        """
        za, zb = self._z(x)
        a, b = self.source.intervals.T
        ld = _log_ndtr_diff(za, zb)
        lm = np.log(self.source.weights) - np.log(self._s * (b - a)) + ld
        r = np.exp(lm - _logsumexp(lm)[..., None])
        mills = np.exp(_log_phi(za) - ld) - np.exp(_log_phi(zb) - ld)
        return r, mills

    def score(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Return the score :math:`\partial_x \log q_t(x)`.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Score, same shape as ``x``. At :math:`\bar\alpha = 1` it is 0 on
            the support and :math:`\pm\infty` (pointing back to the support)
            off it.

        Examples
        --------
        >>> import numpy as np
        >>> from diffusion_viz import three_bands
        >>> q = three_bands().diffused(0.3)
        >>> x, h = 1.3, 1e-5
        >>> fd = (q.logpdf(x + h) - q.logpdf(x - h)) / (2 * h)
        >>> np.allclose(q.score(x), fd, rtol=1e-6)
        True
        """
        if self._sigma == 0.0:
            xa = _as_float_array(x)
            on = np.isfinite(self.source.logpdf(xa))
            mid = self.source.mean
            return np.asarray(np.where(on, 0.0, np.where(xa < mid, np.inf, -np.inf)))
        r, mills = self._posterior_and_mills(x)
        return np.asarray(np.sum(r * mills, axis=-1) / self._sigma)

    def denoise(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Return the posterior mean :math:`\mathbb E[x_0 \mid x_t = x]` (Tweedie).

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Posterior means, same shape as ``x``; always inside the convex
            hull of the support.

        Examples
        --------
        >>> import numpy as np
        >>> from diffusion_viz import three_bands
        >>> q = three_bands().diffused(0.4)
        >>> x = np.array([-3.0, 0.5, 8.0])
        >>> np.allclose(q.denoise(x), (x + 0.6 * q.score(x)) / np.sqrt(0.4))
        True
        """
        if self._sigma == 0.0:
            return _as_float_array(x).copy()
        xa = _as_float_array(x)
        r, mills = self._posterior_and_mills(xa)
        # Truncated-normal mean per component, mixed by the posterior weights.
        per = xa[..., None] / self._s + (self._sigma / self._s) * mills
        a, b = self.source.intervals.T
        per = np.clip(per, a, b)
        return np.asarray(np.sum(r * per, axis=-1))

    def sample(self, n: int, rng: RNGLike = None) -> NDArray[np.float64]:
        """Draw ``n`` samples of :math:`x_t` (``x_0`` iid, then noise).

        Parameters
        ----------
        n : int
            Number of samples, an integer >= 0.
        rng : None, int, numpy.random.Generator or numpy.random.RandomState
            Source of randomness.

        Returns
        -------
        ndarray, shape (n,)

        Raises
        ------
        ValueError
            If ``n`` or ``rng`` is invalid.
        """
        n = _check_int("n", n, 0)
        gen = _check_rng(rng)
        iid = PiecewiseUniform(self.source.intervals, self.source.weights)
        x0 = iid.sample(n, gen)
        return np.asarray(self._s * x0 + self._sigma * gen.standard_normal(n))


def _log_diff_g(
    hi: NDArray[np.float64], lo: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Return ``log(G(hi) - G(lo))`` for ``hi > lo`` (G is increasing)."""
    lh = _log_g(hi)
    return np.asarray(lh + _log1mexp(np.minimum(_log_g(lo) - lh, 0.0)))


# --------------------------------------------------------------------------
# Gaussian mixture
# --------------------------------------------------------------------------


class GaussianMixture(ToyDistribution):
    r"""A mixture of normal distributions; diffusing it gives another one.

    Parameters
    ----------
    means : array_like, shape (K,)
        Component means, finite.
    stds : array_like, shape (K,)
        Component standard deviations, finite and > 0.
    weights : array_like, shape (K,), optional
        Non-negative mixture weights, normalised to sum to 1. Default: equal.
    stratified : bool, optional
        If True, :meth:`sample` draws deterministic component counts,
        component by component (see :class:`PiecewiseUniform`). Default False.

    Attributes
    ----------
    means, stds, weights : ndarray, shape (K,)
    stratified : bool
    alpha_bar : float
        1.0 for data; :math:`\bar\alpha` for a mixture made by :meth:`diffused`.
    source : GaussianMixture or None
        The undiffused mixture, for a mixture made by :meth:`diffused`.

    Raises
    ------
    ValueError
        If ``means`` and ``stds`` differ in length, are empty or not finite,
        a std is not positive, or the weights are invalid.

    See Also
    --------
    PiecewiseUniform

    Notes
    -----
    A component :math:`\mathcal N(\mu_k, \tau_k^2)` diffuses into
    :math:`\mathcal N(s\mu_k, \bar\alpha\tau_k^2 + 1 - \bar\alpha)` with
    :math:`s = \sqrt{\bar\alpha}`, with unchanged weights. The score is
    :math:`\sum_k r_k(x)\,(m_k - x)/v_k` for diffused means :math:`m_k`,
    variances :math:`v_k` and posterior component probabilities
    :math:`r_k(x)`, and the posterior mean of :math:`x_0` is

    .. math::

        \mathbb E[x_0 \mid x_t = x] = \sum_k r_k(x)
        \left(\mu_k + \frac{s\tau_k^2}{v_k}(x - s\mu_k)\right).

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.
    .. [2] B. Efron, "Tweedie's Formula and Selection Bias", JASA 106 (2011).

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import GaussianMixture
    >>> gm = GaussianMixture([-2.0, 2.0], [0.5, 0.5])
    >>> q = gm.diffused(0.25)
    >>> np.allclose(q.means, [-1.0, 1.0]), np.allclose(q.stds**2, 0.25 * 0.25 + 0.75)
    (True, True)
    """

    def __init__(
        self,
        means: ArrayLike,
        stds: ArrayLike,
        weights: ArrayLike | None = None,
        *,
        stratified: bool = False,
    ) -> None:
        mu = np.array(means, dtype=np.float64, ndmin=1)
        sd = np.array(stds, dtype=np.float64, ndmin=1)
        if mu.ndim != 1 or mu.size == 0 or sd.shape != mu.shape:
            raise ValueError(
                "means and stds must be non-empty one-dimensional arrays of equal "
                f"length, got shapes {mu.shape} and {sd.shape}"
            )
        if not np.all(np.isfinite(mu)):
            raise ValueError(f"means must be finite, got {mu.tolist()!r}")
        if not np.all(np.isfinite(sd)) or np.any(sd <= 0):
            raise ValueError(f"stds must be finite and > 0, got {sd.tolist()!r}")
        self._equal = weights is None
        self.weights = _readonly(_check_weights(weights, mu.size))
        self.means = _readonly(mu)
        self.stds = _readonly(sd)
        self.stratified = bool(stratified)
        self.alpha_bar = 1.0
        self.source: GaussianMixture | None = None

    def __repr__(self) -> str:
        extra = "" if self.source is None else f", alpha_bar={self.alpha_bar!r}"
        return (
            f"GaussianMixture(means={self.means.tolist()}, stds={self.stds.tolist()}, "
            f"weights={np.round(self.weights, 6).tolist()}{extra})"
        )

    @property
    def mean(self) -> float:
        """The mean."""
        return float(np.sum(self.weights * self.means))

    @property
    def var(self) -> float:
        """The variance."""
        m2 = np.sum(self.weights * (self.stds**2 + self.means**2))
        return float(m2 - self.mean**2)

    def _z(self, x: ArrayLike) -> NDArray[np.float64]:
        return np.asarray((_as_float_array(x)[..., None] - self.means) / self.stds)

    def _log_comp(self, x: ArrayLike) -> NDArray[np.float64]:
        return np.asarray(
            np.log(self.weights) + _log_phi(self._z(x)) - np.log(self.stds)
        )

    def logpdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log density at ``x``.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Log density, same shape as ``x``.
        """
        with np.errstate(divide="ignore"):
            return _logsumexp(self._log_comp(x))

    def logcdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log CDF at ``x``.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Log CDF, same shape as ``x``.
        """
        with np.errstate(divide="ignore"):
            return _logsumexp(np.log(self.weights) + special.log_ndtr(self._z(x)))

    def logsf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the log survival function at ``x``.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Log survival function, same shape as ``x``.
        """
        with np.errstate(divide="ignore"):
            return _logsumexp(np.log(self.weights) + special.log_ndtr(-self._z(x)))

    def component_posterior(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return the posterior probability of each component given ``x``.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray, shape ``x.shape + (K,)``
            Each row sums to 1.
        """
        lc = self._log_comp(x)
        return np.exp(lc - _logsumexp(lc)[..., None])

    def score(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Return the score :math:`\partial_x \log p(x)`.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Score, same shape as ``x``.

        Examples
        --------
        >>> import numpy as np
        >>> from diffusion_viz import GaussianMixture
        >>> np.allclose(GaussianMixture([1.0], [2.0]).score([3.0]), -0.5)
        True
        """
        xa = _as_float_array(x)
        r = self.component_posterior(xa)
        return np.asarray(
            np.sum(r * (self.means - xa[..., None]) / self.stds**2, axis=-1)
        )

    def denoise(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Return :math:`\mathbb E[x_0 \mid x_t = x]` for a diffused mixture.

        For a mixture that was not diffused this is ``x`` itself.

        Parameters
        ----------
        x : array_like
            Points.

        Returns
        -------
        ndarray
            Posterior means, same shape as ``x``.
        """
        xa = _as_float_array(x)
        if self.source is None:
            return xa.copy()
        src = self.source
        s = np.sqrt(self.alpha_bar)
        r = self.component_posterior(xa)
        # Gaussian conditioning per component: mu + s tau^2 / v (x - s mu).
        per = src.means + s * src.stds**2 / self.stds**2 * (
            xa[..., None] - s * src.means
        )
        return np.asarray(np.sum(r * per, axis=-1))

    def sample(self, n: int, rng: RNGLike = None) -> NDArray[np.float64]:
        """Draw ``n`` samples.

        Parameters
        ----------
        n : int
            Number of samples, an integer >= 0.
        rng : None, int, numpy.random.Generator or numpy.random.RandomState
            Source of randomness.

        Returns
        -------
        ndarray, shape (n,)

        Raises
        ------
        ValueError
            If ``n`` or ``rng`` is invalid.
        """
        n = _check_int("n", n, 0)
        gen = _check_rng(rng)
        if self.stratified:
            counts = _component_counts(n, self.weights, self._equal)
            parts = [
                gen.normal(self.means[k], self.stds[k], size=c)
                for k, c in enumerate(counts)
            ]
            return np.concatenate(parts).astype(np.float64, copy=False)
        labels = _draw_labels(gen, n, self.weights)
        z = gen.standard_normal(n)
        return np.asarray(self.means[labels] + self.stds[labels] * z, dtype=np.float64)

    def affine(self, scale: float, shift: float = 0.0) -> GaussianMixture:
        """Return the exact law of ``scale * x + shift``.

        Parameters
        ----------
        scale : float
            A positive, finite factor.
        shift : float, optional
            A finite offset. Default 0.

        Returns
        -------
        GaussianMixture
            Same weights and sampling mode, components mapped.

        Raises
        ------
        ValueError
            If ``scale`` is not positive and finite, ``shift`` is not finite,
            or this mixture was made by :meth:`diffused`.

        Examples
        --------
        >>> import numpy as np
        >>> from diffusion_viz import GaussianMixture
        >>> g = GaussianMixture([1.0, 3.0], [1.0, 1.0]).affine(2.0, -4.0)
        >>> np.allclose(g.means, [-2.0, 2.0]), np.allclose(g.stds, 2.0)
        (True, True)
        """
        sc, sh = _check_affine(scale, shift)
        if self.source is not None:
            raise ValueError(
                "affine() must be called on the data mixture, not on a mixture "
                f"already diffused to alpha_bar={self.alpha_bar!r}"
            )
        return GaussianMixture(
            self.means * sc + sh,
            self.stds * sc,
            None if self._equal else self.weights,
            stratified=self.stratified,
        )

    def diffused(self, alpha_bar: float) -> GaussianMixture:
        r"""Return the exact law of :math:`\sqrt{\bar\alpha}x_0 + \sqrt{1-\bar\alpha}\varepsilon`.

        Parameters
        ----------
        alpha_bar : float
            :math:`\bar\alpha \in (0, 1]`.

        Returns
        -------
        GaussianMixture
            The diffused mixture; its :meth:`denoise` is Tweedie's posterior
            mean with respect to this mixture.

        Raises
        ------
        ValueError
            If ``alpha_bar`` is outside (0, 1], or this mixture is itself
            already diffused.
        """
        ab = _check_alpha_bar(alpha_bar)
        if self.source is not None:
            raise ValueError(
                "diffused() must be called on the data mixture, not on a mixture "
                f"already diffused to alpha_bar={self.alpha_bar!r}"
            )
        s = np.sqrt(ab)
        out = GaussianMixture(
            s * self.means, np.sqrt(ab * self.stds**2 + (1.0 - ab)), self.weights
        )
        out.alpha_bar = ab
        out.source = self
        return out


def three_bands() -> PiecewiseUniform:
    r"""Return the seed page's data: U[-10, -6], U[-2, 2], U[6, 10], equal weights.

    Returns
    -------
    PiecewiseUniform
        With ``stratified=True``: ``sample(n, rng)`` draws exactly the seed's
        counts ``n // 3``, ``n // 3`` and the rest, band by band in that
        order, so ``np.random.RandomState(42)`` reproduces the seed's array.

    See Also
    --------
    PiecewiseUniform

    Notes
    -----
    The mean is 0 and the variance is :math:`\tfrac{2}{3}\cdot 64 + \tfrac{4}{3} = 44`
    (the spread of the band centres plus the within-band variance 16/12), far
    from the unit scale DDPM assumes.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import three_bands
    >>> d = three_bands()
    >>> np.allclose([d.mean, d.var], [0.0, 128 / 3 + 4 / 3])
    True
    >>> rs = np.random.RandomState(42)
    >>> x = d.sample(10, rs)
    >>> rs = np.random.RandomState(42)
    >>> seed = np.concatenate([rs.uniform(-10, -6, 3), rs.uniform(-2, 2, 3),
    ...                        rs.uniform(6, 10, 4)])
    >>> np.array_equal(x, seed)
    True
    """
    return PiecewiseUniform([[-10.0, -6.0], [-2.0, 2.0], [6.0, 10.0]], stratified=True)
