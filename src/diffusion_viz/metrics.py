r"""How good is a set of generated samples? Distances to the *exact* law.

The package's distributions know their CDF, quantile function and partial
means in closed form, so the 1-D Wasserstein distance between a sample and
the distribution it should follow is computed exactly, without a second
(reference) sample whose own noise would blur the answer.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ._validation import _check_finite_1d, _check_int
from .data import (
    DiffusedPiecewiseUniform,
    GaussianMixture,
    PiecewiseUniform,
    ToyDistribution,
    _phi,
)

__all__ = [
    "SampleQuality",
    "band_posterior_paths",
    "band_proportions",
    "commitment_steps",
    "expected_w1_iid",
    "gap_mass",
    "nearest_band",
    "partial_mean",
    "sample_quality",
    "wasserstein1",
]

FloatArray = NDArray[np.float64]


def _check_dist(dist: object) -> ToyDistribution:
    if not isinstance(
        dist, PiecewiseUniform | GaussianMixture | DiffusedPiecewiseUniform
    ):
        raise ValueError(
            "dist must be a PiecewiseUniform, GaussianMixture or "
            "DiffusedPiecewiseUniform (a law with a closed-form partial mean), "
            f"got {dist!r}"
        )
    return dist


def _check_bands(dist: object) -> PiecewiseUniform:
    if not isinstance(dist, PiecewiseUniform):
        raise ValueError(
            f"dist must be a PiecewiseUniform (a law made of bands), got {dist!r}"
        )
    return dist


def partial_mean(dist: ToyDistribution, x: ArrayLike) -> FloatArray:
    r"""Return the partial mean :math:`M(x) = \mathbb E[X\,\mathbf 1\{X \le x\}]`.

    Parameters
    ----------
    dist : PiecewiseUniform, GaussianMixture or DiffusedPiecewiseUniform
        The law of :math:`X`.
    x : array_like
        Points.

    Returns
    -------
    ndarray
        :math:`M(x)`, same shape as ``x``; it rises from 0 at
        :math:`-\infty` to :math:`\mathbb E X` at :math:`+\infty`.

    Raises
    ------
    ValueError
        If ``dist`` is not one of the supported classes.

    See Also
    --------
    wasserstein1 : Built on it.

    Notes
    -----
    For a band :math:`U[a, b]`,
    :math:`M(x) = (c^2 - a^2) / (2(b - a))` with :math:`c = \min(\max(x, a), b)`.
    For :math:`\mathcal N(\mu, \tau^2)`,
    :math:`M(x) = \mu\Phi(z) - \tau\varphi(z)` with :math:`z = (x - \mu)/\tau`.
    For a diffused band, :math:`M(x) = xF(x) - \int_{-\infty}^x F`, and with
    :math:`F = \frac{\sigma}{s(b-a)}[G(z_a) - G(z_b)]`,
    :math:`G(z) = z\Phi(z) + \varphi(z)`,

    .. math::

        \int_{-\infty}^x F = \frac{\sigma^2}{s(b - a)}\bigl[H(z_a) - H(z_b)\bigr],
        \qquad H(z) = \tfrac12\bigl[(z^2 + 1)\Phi(z) + z\varphi(z)\bigr],

    since :math:`H' = G`. Mixtures add up with their weights.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import PiecewiseUniform, partial_mean
    >>> d = PiecewiseUniform([[0.0, 2.0]])
    >>> np.allclose(partial_mean(d, [-1.0, 1.0, 5.0]), [0.0, 0.25, 1.0])
    True
    """
    d = _check_dist(dist)
    xa = np.asarray(x, dtype=np.float64)
    if isinstance(d, PiecewiseUniform):
        a, b = d.intervals.T
        c = np.clip(xa[..., None], a, b)
        return np.asarray(
            np.sum(d.weights * (c * c - a * a) / (2.0 * (b - a)), axis=-1)
        )
    if isinstance(d, GaussianMixture):
        z = (xa[..., None] - d.means) / d.stds
        per = d.means * special.ndtr(z) - d.stds * _phi(z)
        return np.asarray(np.sum(d.weights * per, axis=-1))
    assert isinstance(d, DiffusedPiecewiseUniform)
    src = d.source
    if d.alpha_bar == 1.0:
        return partial_mean(src, xa)
    s = float(np.sqrt(d.alpha_bar))
    sig = float(np.sqrt(1.0 - d.alpha_bar))
    a, b = src.intervals.T
    za = (xa[..., None] - s * a) / sig
    zb = (xa[..., None] - s * b) / sig

    def h(z: FloatArray) -> FloatArray:
        return np.asarray(0.5 * ((z * z + 1.0) * special.ndtr(z) + z * _phi(z)))

    int_f = np.sum(src.weights * sig**2 / (s * (b - a)) * (h(za) - h(zb)), axis=-1)
    return np.asarray(xa * d.cdf(xa) - int_f)


def wasserstein1(samples: ArrayLike, dist: ToyDistribution) -> float:
    r"""Return the exact 1-Wasserstein distance from a sample to a distribution.

    Parameters
    ----------
    samples : array_like, shape (n,)
        The sample, finite, at least one value.
    dist : PiecewiseUniform, GaussianMixture or DiffusedPiecewiseUniform
        The exact law it should follow (for generated data, the data
        distribution, e.g. :func:`~diffusion_viz.three_bands`).

    Returns
    -------
    float
        :math:`W_1(\hat F_n, F) = \int_0^1 |\hat F_n^{-1}(u) - F^{-1}(u)|\,\mathrm du`,
        in the units of the data.

    Raises
    ------
    ValueError
        If ``samples`` is empty or not a finite 1-D array, or ``dist`` is
        not supported.

    See Also
    --------
    expected_w1_iid : The value to expect from an ideal sampler.
    partial_mean : The closed form it is built on.
    scipy.stats.wasserstein_distance : The same distance between two samples.

    Notes
    -----
    With the sorted sample :math:`x_{(1)} \le \dots \le x_{(n)}`, the
    empirical quantile function is :math:`x_{(i)}` on
    :math:`((i-1)/n, i/n]`, and on that interval the exact quantile
    :math:`Q = F^{-1}` crosses :math:`x_{(i)}` at
    :math:`p_i = F(x_{(i)})` clipped to the interval. With
    :math:`P(u) = \int_0^u Q = M(Q(u))` (the partial mean) each piece is exact:

    .. math::

        \int_{u_0}^{u_1} |x_{(i)} - Q(u)|\,\mathrm du
        = x_{(i)}(2p_i - u_0 - u_1) - 2P(p_i) + P(u_0) + P(u_1).

    The only numerical step is :meth:`~diffusion_viz.ToyDistribution.ppf`
    at the levels :math:`k / n` (bisection to about 1e-13 of the support),
    so the result is exact to about 1e-10. Memory and time are
    :math:`O(n)` and :math:`O(n \log n)`.

    References
    ----------
    .. [1] C. Villani, "Optimal Transport: Old and New", Springer (2009),
       Remark 2.19: in one dimension, :math:`W_1` is the :math:`L^1`
       distance between quantile functions.

    Examples
    --------
    A point mass at 0 is :math:`\mathbb E|X| = 1/4` away from
    :math:`X \sim U[-1/2, 1/2]`:

    >>> import numpy as np
    >>> from diffusion_viz import PiecewiseUniform, wasserstein1
    >>> u = PiecewiseUniform([[-0.5, 0.5]])
    >>> np.allclose(wasserstein1([0.0, 0.0, 0.0], u), 0.25)
    True

    Shifting every value by 3 moves the sample 3 further away:

    >>> n = 1000
    >>> mid = u.ppf((np.arange(n) + 0.5) / n)
    >>> np.allclose(wasserstein1(mid + 3.0, u), 3.0)
    True
    """
    x = np.sort(_check_finite_1d("samples", samples))
    if x.size == 0:
        raise ValueError("samples must hold at least one value, got an empty array")
    d = _check_dist(dist)
    n = x.size
    levels = np.arange(n + 1, dtype=np.float64) / n
    q = d.ppf(levels)
    p_grid = np.empty(n + 1)
    p_grid[0] = 0.0
    p_grid[-1] = d.mean
    p_grid[1:-1] = partial_mean(d, q[1:-1])
    u0, u1 = levels[:-1], levels[1:]
    f = d.cdf(x)
    p = np.clip(f, u0, u1)
    p_at = np.where(
        f <= u0, p_grid[:-1], np.where(f >= u1, p_grid[1:], partial_mean(d, x))
    )
    pieces = x * (2.0 * p - u0 - u1) - 2.0 * p_at + p_grid[:-1] + p_grid[1:]
    # Each piece is an integral of |.|: clip rounding noise below zero.
    return float(np.sum(np.maximum(pieces, 0.0)))


def expected_w1_iid(
    dist: ToyDistribution, n: int, *, grid_size: int = 200_001
) -> float:
    r"""Return :math:`\mathbb E\,W_1` of ``n`` iid draws from ``dist`` itself.

    This is the floor for any sampler measured with :func:`wasserstein1` at
    sample size ``n``: even a perfect sampler's output is that far from the
    exact law on average.

    Parameters
    ----------
    dist : ToyDistribution
        The law.
    n : int
        Sample size, an integer >= 1.
    grid_size : int, optional
        Number of points of the trapezoidal rule over the support, >= 3.
        Default 200,001.

    Returns
    -------
    float
        :math:`\mathbb E\,W_1(\hat F_n, F)`.

    Raises
    ------
    ValueError
        If ``n`` or ``grid_size`` is not an integer in its range.

    See Also
    --------
    wasserstein1

    Notes
    -----
    :math:`W_1 = \int |\hat F_n(x) - F(x)|\,\mathrm dx` and
    :math:`n\hat F_n(x) \sim \mathrm{Binomial}(n, F(x))`, so

    .. math::

        \mathbb E\,W_1 = \frac1n \int \mathbb E\,|B_{n, F(x)} - nF(x)|\,\mathrm dx,
        \qquad
        \mathbb E\,|B_{n,p} - np| = 2\nu\binom{n}{\nu} p^\nu (1 - p)^{n - \nu + 1},
        \quad \nu = \lfloor np \rfloor + 1,

    de Moivre's mean absolute deviation of the binomial (Diaconis and Zabell
    1991). The integral over :math:`x` is a trapezoidal rule on
    ``grid_size`` points spanning the support (or 12 standard deviations
    around the mean for unbounded laws), evaluated in log space.

    References
    ----------
    .. [1] P. Diaconis and S. Zabell, "Closed Form Summation for Classical
       Distributions: Variations on a Theme of De Moivre", Statistical
       Science 6 (1991).

    Examples
    --------
    One draw from :math:`U[0, 1]` is, on average, 1/3 away from it:

    >>> import numpy as np
    >>> from diffusion_viz import PiecewiseUniform, expected_w1_iid
    >>> np.allclose(expected_w1_iid(PiecewiseUniform([[0.0, 1.0]]), 1), 1 / 3)
    True
    """
    n = _check_int("n", n, 1)
    grid_size = _check_int("grid_size", grid_size, 3)
    lo, hi = dist._support()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        lo, hi = dist.mean - 12.0 * dist.std, dist.mean + 12.0 * dist.std
    xs = np.linspace(lo, hi, grid_size)
    p = np.clip(dist.cdf(xs), 0.0, 1.0)
    mad = np.zeros_like(p)
    inner = (p > 0.0) & (p < 1.0)
    pi = p[inner]
    nu = np.minimum(np.floor(n * pi) + 1.0, n)
    log_binom = (
        special.gammaln(n + 1.0)
        - special.gammaln(nu + 1.0)
        - special.gammaln(n - nu + 1.0)
    )
    # De Moivre: E|B - np| = 2 nu C(n, nu) p^nu (1 - p)^(n - nu + 1).
    log_mad = (
        np.log(2.0 * nu) + log_binom + nu * np.log(pi) + (n - nu + 1.0) * np.log1p(-pi)
    )
    mad[inner] = np.exp(log_mad)
    return float(np.trapezoid(mad, xs) / n)


def gap_mass(samples: ArrayLike, dist: PiecewiseUniform) -> float:
    """Return the fraction of samples in the gaps between the bands of ``dist``.

    Parameters
    ----------
    samples : array_like, shape (n,)
        The sample, finite, at least one value.
    dist : PiecewiseUniform
        The bands.

    Returns
    -------
    float
        Fraction of samples strictly between the lowest and the highest band
        edge but in no band. Samples outside the outer edges are not counted
        (see :func:`sample_quality`).

    Raises
    ------
    ValueError
        If ``samples`` is empty or not a finite 1-D array, or ``dist`` is not
        a :class:`~diffusion_viz.PiecewiseUniform`.

    See Also
    --------
    sample_quality, band_proportions

    Examples
    --------
    >>> from diffusion_viz import gap_mass, three_bands
    >>> gap_mass([-8.0, -4.0, 0.0, 4.0, 11.0], three_bands())
    0.4
    """
    x = _check_finite_1d("samples", samples)
    if x.size == 0:
        raise ValueError("samples must hold at least one value, got an empty array")
    d = _check_bands(dist)
    lo, hi = d._support()
    inside_hull = (x > lo) & (x < hi)
    a, b = d.intervals.T
    in_band = np.any((x[:, None] >= a) & (x[:, None] <= b), axis=1)
    return float(np.mean(inside_hull & ~in_band))


def band_proportions(samples: ArrayLike, dist: PiecewiseUniform) -> FloatArray:
    """Return the fraction of samples nearest to each band of ``dist``.

    Parameters
    ----------
    samples : array_like, shape (n,)
        The sample, finite, at least one value.
    dist : PiecewiseUniform
        The bands.

    Returns
    -------
    ndarray, shape (K,)
        Fractions summing to 1; a sample counts for the band nearest to it
        (distance 0 inside a band), so samples in gaps are split at the
        gap's midpoint.

    Raises
    ------
    ValueError
        If ``samples`` is empty or not a finite 1-D array, or ``dist`` is not
        a :class:`~diffusion_viz.PiecewiseUniform`.

    See Also
    --------
    gap_mass, sample_quality

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import band_proportions, three_bands
    >>> np.allclose(band_proportions([-8.0, -4.5, 0.0, 7.0], three_bands()),
    ...             [0.5, 0.25, 0.25])
    True
    """
    x = _check_finite_1d("samples", samples)
    if x.size == 0:
        raise ValueError("samples must hold at least one value, got an empty array")
    d = _check_bands(dist)
    nearest = nearest_band(x, d)
    k = d.weights.size
    return np.asarray(np.bincount(nearest, minlength=k) / x.size, dtype=np.float64)


class SampleQuality(NamedTuple):
    """Quality of a generated sample against the exact band distribution.

    Attributes
    ----------
    w1 : float
        Exact 1-Wasserstein distance (:func:`wasserstein1`).
    gap_mass : float
        Fraction of samples in the gaps between bands (:func:`gap_mass`).
    outside_mass : float
        Fraction of samples beyond the outer band edges.
    band_proportions : ndarray
        Fraction nearest to each band (:func:`band_proportions`).
    n : int
        Sample size.
    """

    w1: float
    gap_mass: float
    outside_mass: float
    band_proportions: FloatArray
    n: int


def sample_quality(samples: ArrayLike, dist: PiecewiseUniform) -> SampleQuality:
    """Measure a sample against the exact band distribution it should follow.

    Parameters
    ----------
    samples : array_like, shape (n,)
        The sample, finite, at least one value.
    dist : PiecewiseUniform
        The exact law, e.g. :func:`~diffusion_viz.three_bands`.

    Returns
    -------
    SampleQuality
        W1, gap mass, mass outside the support's hull, band proportions, n.

    Raises
    ------
    ValueError
        If ``samples`` is empty or not a finite 1-D array, or ``dist`` is not
        a :class:`~diffusion_viz.PiecewiseUniform`.

    See Also
    --------
    wasserstein1, gap_mass, band_proportions

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import sample_quality, three_bands
    >>> q = sample_quality([-8.0, -4.0, 0.0, 11.0], three_bands())
    >>> q.gap_mass, q.outside_mass, q.band_proportions.tolist()
    (0.25, 0.25, [0.5, 0.25, 0.25])
    """
    x = _check_finite_1d("samples", samples)
    d = _check_bands(dist)
    g = gap_mass(x, d)
    lo, hi = d._support()
    return SampleQuality(
        w1=wasserstein1(x, d),
        gap_mass=g,
        outside_mass=float(np.mean((x < lo) | (x > hi))),
        band_proportions=band_proportions(x, d),
        n=int(x.size),
    )


def nearest_band(samples: ArrayLike, dist: PiecewiseUniform) -> NDArray[np.intp]:
    """Return the index of the band nearest to each sample.

    Parameters
    ----------
    samples : array_like, shape (n,)
        The sample, finite.
    dist : PiecewiseUniform
        The bands.

    Returns
    -------
    ndarray of int, shape (n,)
        Band index per sample; distance is 0 inside a band, so a sample in a
        gap goes to the band on its side of the gap's midpoint.

    Raises
    ------
    ValueError
        If ``samples`` is not a finite 1-D array or ``dist`` is not a
        :class:`~diffusion_viz.PiecewiseUniform`.

    See Also
    --------
    band_proportions

    Examples
    --------
    >>> from diffusion_viz import nearest_band, three_bands
    >>> nearest_band([-11.0, -4.5, -3.0, 0.0, 9.0], three_bands()).tolist()
    [0, 0, 1, 1, 2]
    """
    x = _check_finite_1d("samples", samples)
    d = _check_bands(dist)
    a, b = d.intervals.T
    dist_to = np.maximum(np.maximum(a - x[:, None], x[:, None] - b), 0.0)
    return np.asarray(np.argmin(dist_to, axis=1), dtype=np.intp)


class _Run(Protocol):
    @property
    def samples(self) -> FloatArray: ...

    @property
    def alpha_bars(self) -> FloatArray: ...


def band_posterior_paths(result: _Run, dist: PiecewiseUniform) -> FloatArray:
    r"""Return :math:`P(\text{final band} \mid x_t)` along every recorded path.

    Parameters
    ----------
    result : ReverseResult or ForwardResult
        A run whose ``samples[-1]`` are the paths' end points; a reverse run
        ends at :math:`x_0`.
    dist : PiecewiseUniform
        The data distribution, whose bands are the mixture components.

    Returns
    -------
    ndarray, shape (m, n)
        Row ``i`` holds, for each path, the exact posterior probability,
        given the state at ``result.steps[i]``, of the band that path ends
        nearest to (:func:`nearest_band`).

    Raises
    ------
    ValueError
        If ``dist`` is not a :class:`~diffusion_viz.PiecewiseUniform`.

    See Also
    --------
    commitment_steps : When each path decides.

    Notes
    -----
    With :math:`k` the final band, this is the exact
    :math:`r_k(x_t) = w_k q_{t,k}(x_t) / q_t(x_t)` of the diffused mixture
    (:meth:`~diffusion_viz.DiffusedPiecewiseUniform.component_posterior`);
    at :math:`\bar\alpha_t = 0` it is the prior weight :math:`w_k`.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import band_posterior_paths, get_schedule
    >>> from diffusion_viz import sample_reverse, three_bands
    >>> run = sample_reverse(three_bands(), get_schedule("linear", 200), 100,
    ...                      method="ode", steps=10, rng=0)
    >>> post = band_posterior_paths(run, three_bands())
    >>> post.shape, np.allclose(post[0], 1 / 3, atol=0.05), bool(np.all(post[-1] == 1))
    ((11, 100), True, True)
    """
    d = _check_bands(dist)
    samples = np.asarray(result.samples, dtype=np.float64)
    final = nearest_band(samples[-1], d)
    cols = np.arange(final.size)
    out = np.empty_like(samples)
    for i, ab in enumerate(np.asarray(result.alpha_bars, dtype=np.float64)):
        if ab == 0.0:
            out[i] = d.weights[final]
        else:
            post = d.diffused(float(ab)).component_posterior(samples[i])
            out[i] = post[cols, final]
    return out


def commitment_steps(
    result: _Run, dist: PiecewiseUniform, threshold: float = 0.9
) -> NDArray[np.intp]:
    r"""Return, per path, the step from which it stays committed to its band.

    Parameters
    ----------
    result : ReverseResult
        A reverse run (``steps`` decreasing to 0).
    dist : PiecewiseUniform
        The data distribution.
    threshold : float, optional
        Posterior probability, in (0, 1), that counts as committed.
        Default 0.9.

    Returns
    -------
    ndarray of int, shape (n,)
        For each path, the largest recorded step ``t`` such that
        :math:`P(\text{final band} \mid x_s) \ge` ``threshold`` at every
        recorded step ``s <= t``. A path that commits only at the very end
        gets 0.

    Raises
    ------
    ValueError
        If ``dist`` is not a :class:`~diffusion_viz.PiecewiseUniform` or
        ``threshold`` is outside (0, 1).

    See Also
    --------
    band_posterior_paths

    Examples
    --------
    >>> from diffusion_viz import commitment_steps, get_schedule
    >>> from diffusion_viz import sample_reverse, three_bands
    >>> run = sample_reverse(three_bands(), get_schedule("linear", 200), 100,
    ...                      method="ode", steps=10, rng=0)
    >>> t = commitment_steps(run, three_bands())
    >>> bool(((t >= 0) & (t < 200)).all())
    True
    """
    try:
        thr = float(threshold)
    except (TypeError, ValueError):
        thr = float("nan")
    if not 0.0 < thr < 1.0:
        raise ValueError(f"threshold must lie in (0, 1), got {threshold!r}")
    post = band_posterior_paths(result, dist)
    steps = np.asarray(getattr(result, "steps"), dtype=np.intp)  # noqa: B009
    below = post < thr
    # Index of the last recorded row (in time order) where the path was not
    # committed; it commits at the next row.
    m = post.shape[0]
    any_below = below.any(axis=0)
    last_below = m - 1 - np.argmax(below[::-1], axis=0)
    first_ok = np.where(any_below, last_below + 1, 0)
    first_ok = np.minimum(first_ok, m - 1)
    return np.asarray(steps[first_ok], dtype=np.intp)
