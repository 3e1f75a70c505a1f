r"""Normality diagnostics for diffused samples, honest about calibration.

The seed page reports, at every step, a Kolmogorov-Smirnov p-value against a
normal whose mean and standard deviation are estimated from the same data.
That p-value is *not* calibrated: estimating the parameters pulls the fitted
CDF towards the data, so the statistic is small and the p-value too large.
This module reports that number under an honest name, next to

* the Lilliefors p-value for the very same statistic (its correct null),
* the KS test against the fixed :math:`\mathcal N(0, 1)` that a DDPM sampler
  actually starts from, and
* the exact population distance :math:`\sup_x |F_t(x) - \Phi(x)|` from the
  closed-form CDF, with the finite-sample KS critical value beside it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special, stats

from ._validation import (
    RNGLike,
    _check_finite_1d,
    _check_int,
    _check_rng,
    _check_unit_interval,
    _readonly,
)
from .data import Diffusable, ToyDistribution, _phi
from .forward import ForwardResult

__all__ = [
    "NormalityTrace",
    "SupDistance",
    "TestResult",
    "TestTrace",
    "exact_ks_distance",
    "ks_critical_value",
    "ks_estimated",
    "ks_prior",
    "lilliefors",
    "lilliefors_null",
    "normality_trace",
]

#: Above this sample size the Lilliefors null is simulated at this size and
#: carried to ``n`` with Stephens' (1974) scaling of the statistic.
_LILLIEFORS_MAX_SIM_N = 10_000


class TestResult(NamedTuple):
    """The outcome of one test: its statistic and its p-value.

    Attributes
    ----------
    statistic : float
        The test statistic, e.g. a Kolmogorov-Smirnov distance.
    pvalue : float
        Its p-value under the test's null hypothesis.

    See Also
    --------
    ks_estimated, ks_prior, lilliefors

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import ks_prior
    >>> stat, p = ks_prior(np.random.default_rng(0).standard_normal(100))
    >>> bool(0 < stat < 1 and 0 <= p <= 1)
    True
    """

    statistic: float
    pvalue: float


TestResult.__test__ = False  # type: ignore[attr-defined]  # not a pytest test class


class SupDistance(NamedTuple):
    r"""A supremum distance between two CDFs and where it is attained.

    Attributes
    ----------
    distance : float
        :math:`\sup_x |F(x) - G(x)|`.
    location : float
        An ``x`` where the supremum is attained.

    See Also
    --------
    exact_ks_distance
    """

    distance: float
    location: float


def _check_sample(x: ArrayLike) -> NDArray[np.float64]:
    arr = _check_finite_1d("x", x)
    if arr.size < 2:
        raise ValueError(f"x must hold at least 2 values, got {arr.size}")
    return arr


def _ks_stat_standardized(z_sorted: NDArray[np.float64]) -> NDArray[np.float64]:
    """Two-sided KS distance to Phi of each row of sorted values."""
    n = z_sorted.shape[-1]
    cdf = special.ndtr(z_sorted)
    i = np.arange(1, n + 1)
    d_plus = np.max(i / n - cdf, axis=-1)
    d_minus = np.max(cdf - (i - 1) / n, axis=-1)
    return np.asarray(np.maximum(d_plus, d_minus))


def ks_estimated(x: ArrayLike) -> TestResult:
    r"""Run the seed page's test: KS against a normal fitted to the same data.

    Parameters
    ----------
    x : array_like, shape (n,)
        Sample, finite, ``n >= 2``.

    Returns
    -------
    TestResult
        ``statistic`` is :math:`D_n = \sup_x |F_n(x) - \Phi((x - \bar x)/s)|`
        with :math:`s` the standard deviation with ``ddof=0`` (as
        ``numpy.std``); ``pvalue`` is the *standard KS* p-value the seed
        prints, which is not calibrated here (see Notes).

    Raises
    ------
    ValueError
        If ``x`` is not finite, not 1-D, or has fewer than 2 values.

    See Also
    --------
    lilliefors : The same statistic with its correct p-value.
    ks_prior : KS against the fixed N(0, 1).

    Notes
    -----
    The standard KS distribution assumes a *fully specified* null CDF. When
    :math:`\mu` and :math:`\sigma` are estimated from the same sample
    (Lilliefors 1967), :math:`D_n` is stochastically smaller, so this p-value
    is far too large: under a true normal null it is not uniform but piles
    up near 1, and the test almost never rejects at its nominal level. Use
    :func:`lilliefors` for a calibrated p-value.

    References
    ----------
    .. [1] H. W. Lilliefors, "On the Kolmogorov-Smirnov Test for Normality
       with Mean and Variance Unknown", JASA 62 (1967), 399-402.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> from diffusion_viz import ks_estimated
    >>> x = np.random.default_rng(0).normal(3.0, 2.0, 500)
    >>> res = ks_estimated(x)
    >>> ref = stats.kstest(x, "norm", args=(x.mean(), x.std()))
    >>> np.allclose([res.statistic, res.pvalue], [ref.statistic, ref.pvalue])
    True
    """
    arr = _check_sample(x)
    m, s = arr.mean(), arr.std()
    if s == 0:
        raise ValueError("x must not be constant: its standard deviation is 0")
    res = stats.kstest(arr, "norm", args=(m, s))
    return TestResult(float(res.statistic), float(res.pvalue))


def ks_prior(x: ArrayLike) -> TestResult:
    r"""Test ``x`` against the fixed standard normal with Kolmogorov-Smirnov.

    This is the distribution a DDPM sampler starts from, so this is the
    question that matters for generation: is :math:`q_T` close to
    :math:`\mathcal N(0, 1)` itself, not just to *some* normal?

    Parameters
    ----------
    x : array_like, shape (n,)
        Sample, finite, ``n >= 2``.

    Returns
    -------
    TestResult
        The KS statistic and its exact (calibrated) p-value.

    Raises
    ------
    ValueError
        If ``x`` is not finite, not 1-D, or has fewer than 2 values.

    See Also
    --------
    ks_estimated, lilliefors

    Notes
    -----
    .. math::

        D_n = \sup_x |F_n(x) - \Phi(x)|,

    whose null distribution is Kolmogorov's, computed by
    :func:`scipy.stats.kstest`.

    References
    ----------
    .. [1] A. N. Kolmogorov, "Sulla determinazione empirica di una legge di
       distribuzione", Giorn. Ist. Ital. Attuari 4 (1933), 83-91.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import ks_prior
    >>> rng = np.random.default_rng(1)
    >>> ks_prior(rng.standard_normal(2000)).pvalue > 0.01
    True
    >>> ks_prior(rng.normal(0.5, 1.0, 2000)).pvalue < 1e-6
    True
    """
    arr = _check_sample(x)
    res = stats.kstest(arr, "norm")
    return TestResult(float(res.statistic), float(res.pvalue))


def _stephens_factor(n: int) -> float:
    # Stephens (1974), Table 1A: D (sqrt(n) - 0.01 + 0.85/sqrt(n)) is nearly
    # free of n for the normal case with estimated parameters.
    r = np.sqrt(n)
    return float(r - 0.01 + 0.85 / r)


def _simulate_lilliefors(
    n: int, n_resamples: int, gen: np.random.Generator | np.random.RandomState
) -> NDArray[np.float64]:
    out = np.empty(n_resamples)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, n_resamples, chunk):
        m = min(chunk, n_resamples - start)
        z = gen.standard_normal((m, n))
        z = (z - z.mean(axis=1, keepdims=True)) / z.std(axis=1, keepdims=True)
        z.sort(axis=1)
        out[start : start + m] = _ks_stat_standardized(z)
    out.sort()
    return out


@functools.lru_cache(maxsize=16)
def _cached_null(n: int, n_resamples: int, seed: int) -> NDArray[np.float64]:
    return _readonly(_simulate_lilliefors(n, n_resamples, np.random.default_rng(seed)))


def lilliefors_null(
    n: int, n_resamples: int = 1000, rng: RNGLike = None
) -> NDArray[np.float64]:
    r"""Simulate the null distribution of the Lilliefors statistic.

    Parameters
    ----------
    n : int
        Sample size, an integer >= 5.
    n_resamples : int, optional
        Number of Monte Carlo samples, an integer >= 1. Default 1000.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of randomness. With an int seed the result is cached.

    Returns
    -------
    ndarray, shape (n_resamples,)
        Sorted null statistics for samples of size
        ``min(n, 10000)`` (see Notes).

    Raises
    ------
    ValueError
        If ``n`` or ``n_resamples`` is too small, or ``rng`` is not accepted.

    See Also
    --------
    lilliefors : Uses this null to compute p-values.

    Notes
    -----
    The statistic :math:`D_n` with estimated mean and standard deviation has
    a null distribution free of :math:`\mu` and :math:`\sigma`, so it can be
    simulated from standard normal samples. For ``n > 10000`` the null is
    simulated at 10000 and :func:`lilliefors` compares Stephens' (1974)
    scaled statistic :math:`D_n(\sqrt n - 0.01 + 0.85/\sqrt n)`, whose
    distribution is nearly independent of ``n``.

    References
    ----------
    .. [1] H. W. Lilliefors, "On the Kolmogorov-Smirnov Test for Normality
       with Mean and Variance Unknown", JASA 62 (1967), 399-402.
    .. [2] M. A. Stephens, "EDF Statistics for Goodness of Fit and Some
       Comparisons", JASA 69 (1974), 730-737.

    Examples
    --------
    Stephens' 5% critical value of the scaled statistic is 0.895:

    >>> import numpy as np
    >>> from diffusion_viz import lilliefors_null
    >>> null = lilliefors_null(200, 4000, rng=0)
    >>> scaled = np.quantile(null, 0.95) * (np.sqrt(200) - 0.01 + 0.85 / np.sqrt(200))
    >>> np.allclose(scaled, 0.895, rtol=0.03)
    True
    """
    n = _check_int("n", n, 5)
    n_resamples = _check_int("n_resamples", n_resamples, 1)
    m = min(n, _LILLIEFORS_MAX_SIM_N)
    if isinstance(rng, int) and not isinstance(rng, bool):
        _check_rng(rng)
        return _cached_null(m, n_resamples, int(rng))
    return _readonly(_simulate_lilliefors(m, n_resamples, _check_rng(rng)))


def _lilliefors_pvalue(stat: float, n: int, null: NDArray[np.float64]) -> float:
    m = min(n, _LILLIEFORS_MAX_SIM_N)
    scaled = stat * _stephens_factor(n) / _stephens_factor(m) if n != m else stat
    exceed = null.size - np.searchsorted(null, scaled, side="left")
    # Monte Carlo p-value with the +1 correction (Davison & Hinkley 1997, Ch. 4).
    return float((exceed + 1) / (null.size + 1))


def lilliefors(
    x: ArrayLike,
    *,
    n_resamples: int = 1000,
    rng: RNGLike = None,
    null: ArrayLike | None = None,
) -> TestResult:
    r"""Test normality with unknown mean and variance (Lilliefors' test).

    Parameters
    ----------
    x : array_like, shape (n,)
        Sample, finite, ``n >= 5``.
    n_resamples : int, optional
        Monte Carlo size of the null when ``null`` is not given.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of randomness for the null.
    null : array_like, optional
        A null distribution from :func:`lilliefors_null` for this ``n``;
        pass it to test many samples of one size without re-simulating.

    Returns
    -------
    TestResult
        ``statistic`` equals :func:`ks_estimated`'s; ``pvalue`` is the Monte
        Carlo p-value :math:`(1 + \#\{D^* \ge D\}) / (1 + M)`.

    Raises
    ------
    ValueError
        If ``x`` is invalid, or ``null`` is not a non-empty 1-D array.

    See Also
    --------
    ks_estimated : The same statistic with the uncalibrated KS p-value.
    lilliefors_null : The simulated null distribution.

    Notes
    -----
    The p-value resolves no finer than :math:`1/(M + 1)`. For a p-value
    based on :func:`scipy.stats.goodness_of_fit` (slower, same idea) use
    ``goodness_of_fit(stats.norm, x, statistic="ks")``.

    References
    ----------
    .. [1] H. W. Lilliefors, "On the Kolmogorov-Smirnov Test for Normality
       with Mean and Variance Unknown", JASA 62 (1967), 399-402.
    .. [2] A. C. Davison and D. V. Hinkley, "Bootstrap Methods and their
       Application", Cambridge University Press (1997).

    Examples
    --------
    Uniform data of size 500 are clearly not normal, yet the seed's
    p-value hides part of that:

    >>> import numpy as np
    >>> from diffusion_viz import ks_estimated, lilliefors
    >>> x = np.random.default_rng(3).uniform(size=500)
    >>> lil = lilliefors(x, n_resamples=2000, rng=0)
    >>> lil.statistic == ks_estimated(x).statistic
    True
    >>> bool(lil.pvalue < ks_estimated(x).pvalue)
    True
    """
    arr = _check_sample(x)
    if arr.size < 5:
        raise ValueError(
            f"x must hold at least 5 values for Lilliefors, got {arr.size}"
        )
    stat = ks_estimated(arr).statistic
    if null is None:
        null_arr = lilliefors_null(arr.size, n_resamples, rng)
    else:
        null_arr = np.sort(_check_finite_1d("null", null))
        if null_arr.size == 0:
            raise ValueError("null must hold at least one simulated statistic")
    return TestResult(stat, _lilliefors_pvalue(stat, arr.size, null_arr))


def ks_critical_value(n: int, alpha: float = 0.05) -> float:
    r"""Return the exact critical value of the one-sample two-sided KS test.

    Parameters
    ----------
    n : int
        Sample size, an integer >= 1.
    alpha : float, optional
        Significance level in (0, 1). Default 0.05.

    Returns
    -------
    float
        :math:`c` with :math:`P(D_n > c) = \alpha` under a fully specified
        null; asymptotically :math:`1.3581/\sqrt n` at 5%.

    Raises
    ------
    ValueError
        If ``n`` or ``alpha`` is invalid.

    See Also
    --------
    exact_ks_distance : The population distance to compare it with.

    Notes
    -----
    Uses the exact finite-``n`` distribution :class:`scipy.stats.kstwo`. A
    population distance :math:`\sup|F_t - \Phi|` well below this value cannot
    be told apart from :math:`\mathcal N(0, 1)` with ``n`` samples.

    References
    ----------
    .. [1] L. H. Miller, "Table of Percentage Points of Kolmogorov
       Statistics", JASA 51 (1956), 111-121.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import ks_critical_value
    >>> np.allclose(ks_critical_value(10), 0.40925, atol=5e-5)
    True
    >>> np.allclose(ks_critical_value(10_000), 1.3581 / 100, rtol=2e-3)
    True
    """
    n = _check_int("n", n, 1)
    a = _check_unit_interval("alpha", alpha, low_open=True, high_open=True)
    return float(stats.kstwo.isf(a, n))


def exact_ks_distance(dist: ToyDistribution) -> SupDistance:
    r"""Return the exact :math:`\sup_x |F(x) - \Phi(x)|` of a distribution.

    Parameters
    ----------
    dist : ToyDistribution
        A distribution with an exact CDF, e.g. ``three_bands().diffused(ab)``.

    Returns
    -------
    SupDistance
        ``distance`` and the ``location`` where it is attained.

    Raises
    ------
    ValueError
        If ``dist`` is not a :class:`~diffusion_viz.ToyDistribution`.

    See Also
    --------
    ks_critical_value : The finite-sample noise level of the same distance.

    Notes
    -----
    The supremum is found on a grid of 4001 points over a range covering
    both distributions, then refined by solving
    :math:`p(x) = \varphi(x)` (where :math:`F - \Phi` is stationary) by
    Brent's method between the best grid point's neighbours. It is the
    population value of the KS statistic (Kolmogorov 1933): a sample of
    size ``n`` from ``dist`` has :math:`D_n \to` this distance.

    References
    ----------
    .. [1] A. N. Kolmogorov, "Sulla determinazione empirica di una legge di
       distribuzione", Giorn. Ist. Ital. Attuari 4 (1933), 83-91.

    Examples
    --------
    For :math:`\mathcal N(m, 1)` the distance is :math:`2\Phi(|m|/2) - 1`:

    >>> import numpy as np
    >>> from scipy.special import ndtr
    >>> from diffusion_viz import GaussianMixture, exact_ks_distance
    >>> d = exact_ks_distance(GaussianMixture([1.2], [1.0]))
    >>> np.allclose(d.distance, 2 * ndtr(0.6) - 1), np.allclose(d.location, 0.6)
    (True, True)
    """
    if not isinstance(dist, ToyDistribution):
        raise ValueError(f"dist must be a ToyDistribution, got {dist!r}")
    m, s = dist.mean, dist.std
    lo = min(-10.0, m - 12.0 * s)
    hi = max(10.0, m + 12.0 * s)
    grid = np.linspace(lo, hi, 4001)
    diff = np.abs(dist.cdf(grid) - special.ndtr(grid))
    i = int(np.argmax(diff))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]

    def slope(x: float) -> float:
        # d/dx (F - Phi) = density - phi: zero where |F - Phi| peaks inside.
        return float(dist.pdf(x) - _phi(np.asarray(x)))

    best = SupDistance(float(diff[i]), float(grid[i]))
    if slope(a) * slope(b) < 0:
        x_star = float(optimize.brentq(slope, a, b, xtol=1e-14))
        d_star = float(abs(dist.cdf(x_star) - special.ndtr(x_star)))
        if d_star >= best.distance:
            best = SupDistance(d_star, x_star)
    return best


@dataclass(frozen=True)
class TestTrace:
    """A test's statistic and p-value at every recorded step.

    Attributes
    ----------
    statistic : ndarray, shape (m,)
        The test statistic per recorded step.
    pvalue : ndarray, shape (m,)
        Its p-value per recorded step.

    See Also
    --------
    NormalityTrace, normality_trace
    """

    __test__ = False  # not a pytest test class

    statistic: NDArray[np.float64]
    pvalue: NDArray[np.float64]


@dataclass(frozen=True)
class NormalityTrace:
    r"""Normality diagnostics along a forward run.

    Attributes
    ----------
    steps : ndarray of int
        The recorded steps.
    n : int
        Sample size per step.
    ks_estimated : TestTrace
        The seed's KS with estimated parameters (uncalibrated p-value).
    lilliefors : TestTrace
        The same statistic with the Lilliefors p-value.
    ks_prior : TestTrace
        KS against the fixed :math:`\mathcal N(0, 1)`.
    exact_distance : ndarray or None
        :math:`\sup_x |F_t(x) - \Phi(x)|` from the closed form, when the data
        distribution was given.
    critical_value : float
        The KS critical value at the chosen ``alpha`` for ``n`` samples.
    alpha : float
        The significance level of ``critical_value``.

    See Also
    --------
    normality_trace : Produces it.
    TestTrace : The per-test arrays.
    """

    steps: NDArray[np.intp]
    n: int
    ks_estimated: TestTrace
    lilliefors: TestTrace
    ks_prior: TestTrace
    exact_distance: NDArray[np.float64] | None
    critical_value: float
    alpha: float


def normality_trace(
    result: ForwardResult,
    data: Diffusable | None = None,
    *,
    n_resamples: int = 1000,
    alpha: float = 0.05,
    rng: RNGLike = None,
) -> NormalityTrace:
    r"""Run every normality diagnostic at every recorded step of a run.

    Parameters
    ----------
    result : ForwardResult
        Output of :func:`~diffusion_viz.diffuse`.
    data : ToyDistribution, optional
        The distribution ``x_0`` was drawn from, with an exact ``diffused``;
        when given, the exact distance to :math:`\Phi` is added.
    n_resamples : int, optional
        Monte Carlo size of the Lilliefors null (simulated once, shared by
        all steps).
    alpha : float, optional
        Level of the reported KS critical value.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of randomness for the Lilliefors null.

    Returns
    -------
    NormalityTrace

    Raises
    ------
    ValueError
        If ``result`` is not a :class:`~diffusion_viz.ForwardResult`, holds
        fewer than 5 samples per step, or ``data`` lacks ``diffused``.

    See Also
    --------
    ks_estimated, lilliefors, ks_prior, exact_ks_distance

    Notes
    -----
    Early steps of the seed's data are far from normal, and the three
    p-values agree that they are. Late steps are where they part: the
    estimated-parameter KS p-value sits near 1 even while the Lilliefors
    p-value and, more to the point, the fixed-prior KS p-value can still
    reject. Only the fixed-prior test asks whether :math:`x_T` looks like
    the :math:`\mathcal N(0, 1)` that sampling starts from.

    References
    ----------
    .. [1] H. W. Lilliefors, "On the Kolmogorov-Smirnov Test for Normality
       with Mean and Variance Unknown", JASA 62 (1967), 399-402.
    .. [2] A. N. Kolmogorov, "Sulla determinazione empirica di una legge di
       distribuzione", Giorn. Ist. Ital. Attuari 4 (1933), 83-91.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import diffuse, get_schedule, normality_trace, three_bands
    >>> data = three_bands()
    >>> run = diffuse(data.sample(2000, rng=0), get_schedule("linear", 200),
    ...               rng=1, record=[0, 200])
    >>> tr = normality_trace(run, data, rng=2)
    >>> bool(tr.ks_prior.pvalue[0] < 1e-10), bool(tr.exact_distance[-1] < tr.critical_value)
    (True, True)
    """
    if not isinstance(result, ForwardResult):
        raise ValueError(
            f"result must be a ForwardResult from diffuse(), got {result!r}"
        )
    n = result.samples.shape[1]
    if n < 5:
        raise ValueError(f"result must hold at least 5 samples per step, got {n}")
    if data is not None and not isinstance(data, Diffusable):
        raise ValueError(
            f"data must have an exact diffused(alpha_bar) method, got {data!r}"
        )
    crit = ks_critical_value(n, alpha)
    null = lilliefors_null(n, n_resamples, rng)
    k = result.steps.size
    est = np.empty((2, k))
    lil = np.empty(k)
    pri = np.empty((2, k))
    for i, x in enumerate(result.samples):
        e = ks_estimated(x)
        est[:, i] = e
        lil[i] = _lilliefors_pvalue(e.statistic, n, null)
        pri[:, i] = ks_prior(x)
    exact = None
    if data is not None:
        exact = np.array(
            [exact_ks_distance(data.diffused(ab)).distance for ab in result.alpha_bars]
        )
    return NormalityTrace(
        steps=result.steps,
        n=n,
        ks_estimated=TestTrace(_readonly(est[0].copy()), _readonly(est[1].copy())),
        lilliefors=TestTrace(_readonly(est[0].copy()), _readonly(lil)),
        ks_prior=TestTrace(_readonly(pri[0].copy()), _readonly(pri[1].copy())),
        exact_distance=None if exact is None else _readonly(exact),
        critical_value=crit,
        alpha=float(alpha),
    )
