r"""The forward (noising) process: the iterated chain and its closed form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ._validation import (
    RNGLike,
    _check_finite_1d,
    _check_int,
    _check_rng,
    _check_unit_interval,
    _readonly,
)
from .data import ToyDistribution
from .schedules import NoiseSchedule, _check_schedule, _check_steps

__all__ = ["ForwardResult", "KSBounds", "diffuse", "sample_marginal"]


class KSBounds(NamedTuple):
    """An exact enclosure ``lower <= D <= upper`` of KS statistics, per step.

    Attributes
    ----------
    lower, upper : ndarray, shape (m,)
        Bounds on the KS distance at each recorded step.

    See Also
    --------
    diffuse : Computes them with ``ks_prior=True``.
    """

    lower: NDArray[np.float64]
    upper: NDArray[np.float64]


@dataclass(frozen=True)
class ForwardResult:
    r"""Recorded states of a forward diffusion run.

    Attributes
    ----------
    steps : ndarray of int, shape (m,)
        The recorded steps, increasing, in ``0..T``.
    schedule : NoiseSchedule
        The schedule that was run.
    n : int
        Number of particles.
    means, stds : ndarray, shape (m,)
        Mean and standard deviation (``ddof=0``) of the particles at each
        recorded step, accumulated exactly across chunks (Chan et al. 1979).
    bin_edges : ndarray or None
        The histogram edges passed to :func:`diffuse` as ``bins``.
    counts : ndarray of int64, shape (m, len(bin_edges) - 1), or None
        Histogram counts per recorded step, in half-open bins
        ``[e_j, e_{j+1})``.
    underflow, overflow : ndarray of int64, shape (m,), or None
        Particles below the first and above the last edge.
    ks_prior : KSBounds or None
        With ``ks_prior=True``: bounds on :math:`\sup_x|F_n(x) - \Phi(x)|`
        per step, computed on the fly without keeping the samples.

    See Also
    --------
    diffuse : Produces it.

    Examples
    --------
    >>> from diffusion_viz import diffuse, get_schedule
    >>> run = diffuse([0.0, 1.0, 2.0], get_schedule("linear", 10), rng=0, record=[0, 10])
    >>> run.steps.tolist(), run.samples.shape, float(run.means[0])
    ([0, 10], (2, 3), 1.0)
    """

    steps: NDArray[np.intp]
    schedule: NoiseSchedule
    n: int
    means: NDArray[np.float64]
    stds: NDArray[np.float64]
    bin_edges: NDArray[np.float64] | None = None
    counts: NDArray[np.int64] | None = None
    underflow: NDArray[np.int64] | None = None
    overflow: NDArray[np.int64] | None = None
    ks_prior: KSBounds | None = None
    kept: NDArray[np.float64] | None = field(default=None, repr=False)

    @property
    def samples(self) -> NDArray[np.float64]:
        """Particles, shape (m, n): ``samples[i]`` is step ``steps[i]``.

        Raises
        ------
        ValueError
            If the run was made with ``keep_samples=False``.
        """
        if self.kept is None:
            raise ValueError(
                "samples were not kept: this run was made with keep_samples=False; "
                "use .histograms, .means and .stds, or rerun with keep_samples=True"
            )
        return self.kept

    @property
    def histograms(self) -> NDArray[np.float64]:
        """Histogram densities, shape (m, len(bin_edges) - 1).

        Normalised as ``numpy.histogram(..., density=True)``: over the
        particles inside the edges. A row with no particle inside is 0.

        Raises
        ------
        ValueError
            If the run was made without ``bins``.
        """
        if self.counts is None or self.bin_edges is None:
            raise ValueError("histograms need bins: rerun diffuse(..., bins=edges)")
        widths = np.diff(self.bin_edges)
        inside = self.counts.sum(axis=1, keepdims=True)
        dens = self.counts / (np.maximum(inside, 1) * widths)
        return np.asarray(dens, dtype=np.float64)

    @property
    def alpha_bars(self) -> NDArray[np.float64]:
        r""":math:`\bar\alpha_t` at each recorded step (1 at step 0)."""
        return self.schedule.alpha_bar_at(self.steps)

    def at(self, step: int) -> NDArray[np.float64]:
        """Return the particles recorded at ``step``.

        Parameters
        ----------
        step : int
            A recorded step.

        Returns
        -------
        ndarray, shape (n,)

        Raises
        ------
        ValueError
            If ``step`` was not recorded, or samples were not kept.
        """
        hit = np.flatnonzero(self.steps == step)
        if hit.size == 0:
            raise ValueError(
                f"step must be one of the recorded steps "
                f"({self.steps[0]}..{self.steps[-1]}, {self.steps.size} in all), got {step!r}"
            )
        return np.asarray(self.samples[int(hit[0])], dtype=np.float64)


def _check_record(record: ArrayLike | None, T: int) -> NDArray[np.intp]:
    if record is None:
        return np.arange(T + 1, dtype=np.intp)
    steps = np.atleast_1d(_check_steps(record, T))
    if steps.ndim != 1 or steps.size == 0:
        raise ValueError(
            f"record must be a non-empty 1-D list of steps in 0..{T}, got {record!r}"
        )
    if np.any(np.diff(steps) <= 0):
        raise ValueError(f"record must be strictly increasing, got {record!r}")
    return steps


def _check_bins(bins: ArrayLike | None) -> NDArray[np.float64] | None:
    if bins is None:
        return None
    edges = _check_finite_1d("bins", bins)
    if edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(
            "bins must be at least 2 strictly increasing finite edges, got "
            f"{edges.size} edges"
        )
    return edges


class _Histogrammer:
    """Count particles into fixed edges, with the tails counted apart.

    Bins are half-open, ``[e_j, e_{j+1})``. For equally spaced edges the bin
    index is computed arithmetically (one pass and a ``bincount``), so a
    value within rounding of an edge may land on either side of it.
    """

    def __init__(self, edges: NDArray[np.float64]) -> None:
        self.edges = edges
        self.k = edges.size - 1
        lo, hi = float(edges[0]), float(edges[-1])
        self.uniform = bool(np.allclose(np.diff(edges), (hi - lo) / self.k, rtol=1e-12))
        self.scale = self.k / (hi - lo)
        self.shift = 1.0 - lo * self.scale

    def __call__(self, x: NDArray[np.float64]) -> tuple[NDArray[np.int64], int, int]:
        if self.uniform:
            # Shift by one bin so that truncation toward zero is a floor.
            t = x * self.scale
            t += self.shift
            np.clip(t, 0.0, self.k + 1.0, out=t)
            idx = t.astype(np.intp)
        else:
            idx = np.searchsorted(self.edges, x, side="right")
        full = np.bincount(idx, minlength=self.k + 2).astype(np.int64, copy=False)
        return full[1:-1], int(full[0]), int(full[-1])


#: Fine grid on which KS bounds against N(0, 1) are accumulated.
_KS_HALF_WIDTH = 12.0
_KS_CELLS = 1 << 18


class _PriorKSGrid:
    r"""Exact streaming bounds on :math:`\sup_x |F_n(x) - \Phi(x)|`.

    Particles are counted into ``B`` equal cells on ``[-12, 12]`` plus two
    tails. At each edge :math:`F_n` is known exactly; inside a cell both
    :math:`F_n` and :math:`\Phi` are non-decreasing, so the largest gap in
    the cell lies between the differences at its corners.
    """

    def __init__(self, cells: int) -> None:
        self.cells = cells
        self.edges = np.linspace(-_KS_HALF_WIDTH, _KS_HALF_WIDTH, cells + 1)
        self.phi = special.ndtr(self.edges)
        self.scale = cells / (2.0 * _KS_HALF_WIDTH)

    def count(self, x: NDArray[np.float64]) -> NDArray[np.int64]:
        """Count ``x`` into [tail below, cells..., tail above] (cells + 2 bins)."""
        # Shift by one cell so that truncation toward zero is a floor: values
        # below the grid land in [0, 1) (the lower tail), and clipping puts
        # values above it in the last bin.
        t = x * self.scale
        t += _KS_HALF_WIDTH * self.scale + 1.0
        np.clip(t, 0.0, self.cells + 1.0, out=t)
        idx = t.astype(np.intp)
        return np.bincount(idx, minlength=self.cells + 2).astype(np.int64, copy=False)

    def bounds(self, counts: NDArray[np.int64]) -> tuple[float, float]:
        n = counts.sum()
        # F_n just before each edge (ties have probability zero).
        fn = np.cumsum(counts)[:-1] / n  # F_n at edges 0..cells
        at_edges = np.abs(fn - self.phi)
        lower = float(at_edges.max())
        # Inside cell j: F_n in [fn[j], fn[j+1]], Phi in [phi[j], phi[j+1]].
        upper_cells = np.maximum(fn[1:] - self.phi[:-1], self.phi[1:] - fn[:-1])
        # Tails: below the grid F_n in [0, fn[0]] and Phi in [0, phi[0]].
        tails = max(fn[0], self.phi[0], 1.0 - fn[-1], 1.0 - self.phi[-1])
        upper = float(max(upper_cells.max(), tails, lower))
        return lower, upper


def _normal(
    gen: np.random.Generator | np.random.RandomState,
    size: int,
    buf: NDArray[np.float64] | None,
) -> NDArray[np.float64]:
    """Draw standard normals, into ``buf`` when the generator supports ``out``."""
    if buf is not None and isinstance(gen, np.random.Generator):
        return gen.standard_normal(out=buf)
    return np.asarray(gen.standard_normal(size), dtype=np.float64)


def _combine_moments(
    n_a: int, mean_a: float, m2_a: float, n_b: int, mean_b: float, m2_b: float
) -> tuple[int, float, float]:
    # Chan, Golub & LeVeque (1979): pairwise update of count, mean and M2.
    n = n_a + n_b
    delta = mean_b - mean_a
    mean = mean_a + delta * n_b / n
    m2 = m2_a + m2_b + delta * delta * n_a * n_b / n
    return n, mean, m2


def diffuse(
    x0: ArrayLike | ToyDistribution,
    schedule: NoiseSchedule,
    *,
    rng: RNGLike = None,
    record: ArrayLike | None = None,
    bins: ArrayLike | None = None,
    keep_samples: bool = True,
    jumps: bool = False,
    n: int | None = None,
    chunk_size: int | None = None,
    ks_prior: bool = False,
) -> ForwardResult:
    r"""Run the forward process and record chosen steps.

    Parameters
    ----------
    x0 : array_like, shape (n,), or ToyDistribution
        The data, finite; or a distribution to draw ``n`` data points from,
        chunk by chunk, so that ``n`` can exceed memory.
    schedule : NoiseSchedule
        The betas to apply, step 1 to ``T``.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of the noise. A ``RandomState`` is used as it is (see Notes).
    record : array_like of int, optional
        Strictly increasing steps in ``0..T`` to keep. Default: all of them.
    bins : array_like, optional
        Histogram edges; when given, per-step counts are streamed into
        ``.counts`` and ``.histograms``.
    keep_samples : bool, optional
        Keep the particles in ``.samples`` (default). With False only the
        histograms, moments and (optionally) KS bounds are kept, and memory
        no longer grows with the number of recorded steps times ``n``.
    jumps : bool, optional
        If True, move between recorded steps ``s < t`` in one draw from the
        exact transition :math:`q(x_t \mid x_s)`; the joint law at the
        recorded steps is unchanged, and a run costs one normal draw per
        recorded step instead of one per step. Consecutive steps use the
        one-step formula, so with every step recorded the result is the
        chain's, bit for bit. Default False: the step-by-step chain.
    n : int, optional
        Number of particles when ``x0`` is a distribution.
    chunk_size : int, optional
        Particles processed at a time. Default: all at once when samples are
        kept (as the seed page does), else :math:`2^{20}`. Results for a
        given seed depend on it.
    ks_prior : bool, optional
        Also bound :math:`\sup_x |F_n(x) - \Phi(x)|` at every recorded step
        without keeping samples (see Notes). Default False.

    Returns
    -------
    ForwardResult
        ``.steps``, ``.samples`` (if kept), ``.means``, ``.stds``, and
        ``.histograms`` if ``bins`` was given.

    Raises
    ------
    ValueError
        If ``x0`` is not a finite 1-D array (or a distribution with a valid
        ``n``), ``schedule`` is not a :class:`NoiseSchedule`, ``record`` is
        not a strictly increasing list of steps in ``0..T``, ``bins`` are
        not increasing edges, ``chunk_size`` is not a positive integer, or
        ``rng`` is not accepted.

    See Also
    --------
    sample_marginal : Jump straight to step ``t`` with the closed form.

    Notes
    -----
    Each step applies (Ho et al. 2020, Eq. 2)

    .. math::

        x_t = \sqrt{1 - \beta_t}\, x_{t-1} + \sqrt{\beta_t}\, \varepsilon_t ,

    and a jump from step :math:`s` to :math:`t` applies the composed
    transition :math:`x_t = \sqrt{\bar\alpha_t/\bar\alpha_s}\,x_s +
    \sqrt{1 - \bar\alpha_t/\bar\alpha_s}\,\varepsilon`, whose ratio is
    formed in log space.

    The arithmetic of a step is the seed page's, operation for operation:
    ``np.sqrt(alpha[t]) * x + np.sqrt(beta[t]) * noise``. So with
    ``rs = np.random.RandomState(42)``, ``three_bands().sample(10000, rs)``
    followed by ``diffuse(x0, get_schedule("linear", 200), rng=rs)`` gives
    the seed's arrays bit for bit.

    With ``ks_prior=True`` the particles are counted into :math:`2^{18}`
    cells of width :math:`9.2\times10^{-5}` on :math:`[-12, 12]` (fewer
    when many chunks must keep counts for every recorded step). Since
    :math:`F_n` and :math:`\Phi` are both non-decreasing, the KS distance
    lies between its largest value at the cell edges and the largest
    corner-to-corner gap inside a cell: an exact enclosure, typically
    narrower than :math:`10^{-4}` (the KS noise level at
    :math:`n = 10^6` is :math:`1.4\times10^{-3}`).

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.
    .. [2] T. F. Chan, G. H. Golub and R. J. LeVeque, "Updating Formulae and
       a Pairwise Algorithm for Computing Sample Variances", Stanford
       CS-TR-79-773 (1979).

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import diffuse, get_schedule, three_bands
    >>> sched = get_schedule("linear", 200)
    >>> x0 = three_bands().sample(5000, rng=0)
    >>> run = diffuse(x0, sched, rng=1, record=[0, 100, 200])
    >>> run.samples.shape
    (3, 5000)
    >>> expected_var = sched.alpha_bars[-1] * x0.var() + 1 - sched.alpha_bars[-1]
    >>> np.allclose(run.samples[-1].var(), expected_var, rtol=0.1)
    True

    Streaming a large run keeps only histograms:

    >>> edges = np.linspace(-12, 12, 61)
    >>> big = diffuse(three_bands(), sched, n=200_000, rng=2, bins=edges,
    ...               keep_samples=False, jumps=True, record=[0, 200])
    >>> big.histograms.shape
    (2, 60)
    >>> np.allclose(big.stds[-1] ** 2, expected_var, rtol=0.02)
    True
    """
    sched = _check_schedule(schedule)
    steps = _check_record(record, sched.T)
    edges = _check_bins(bins)
    gen = _check_rng(rng)
    if isinstance(x0, ToyDistribution):
        if n is None:
            raise ValueError("n must be given when x0 is a distribution")
        n_total = _check_int("n", n, 1)
        data: ToyDistribution | None = x0
        x_all = None
    else:
        if n is not None:
            raise ValueError("n must be None when x0 is an array (its length is n)")
        x_all = _check_finite_1d("x0", x0)
        n_total = x_all.size
        data = None
    if chunk_size is None:
        chunk = n_total if keep_samples else min(n_total, 1 << 20)
    else:
        chunk = _check_int("chunk_size", chunk_size, 1)
    chunk = max(1, min(chunk, n_total))
    m = steps.size
    n_chunks = -(-n_total // chunk) if n_total else 0

    kept = np.empty((m, n_total), dtype=np.float64) if keep_samples else None
    hist = _Histogrammer(edges) if edges is not None else None
    counts = (
        np.zeros((m, edges.size - 1), dtype=np.int64) if edges is not None else None
    )
    under = np.zeros(m, dtype=np.int64)
    over = np.zeros(m, dtype=np.int64)
    moments = [(0, 0.0, 0.0)] * m
    ks_grid = None
    ks_counts = None
    ks_lo = np.zeros(m)
    ks_hi = np.zeros(m)
    if ks_prior:
        cells = (
            _KS_CELLS
            if n_chunks <= 1
            else int(np.clip((1 << 24) // m, 4096, _KS_CELLS))
        )
        ks_grid = _PriorKSGrid(cells)
        if n_chunks > 1:
            ks_counts = np.zeros((m, cells + 2), dtype=np.int64)

    sqrt_a = np.sqrt(sched.alphas)
    sqrt_b = np.sqrt(sched.betas)
    log_ab = np.concatenate(([0.0], sched.log_alpha_bars))

    for c in range(n_chunks):
        lo_i, hi_i = c * chunk, min((c + 1) * chunk, n_total)
        size = hi_i - lo_i
        if x_all is not None:
            x = x_all[lo_i:hi_i].copy()
        else:
            assert data is not None
            x = np.asarray(data.sample(size, gen), dtype=np.float64)
        t_now = 0
        buf = np.empty(size) if isinstance(gen, np.random.Generator) else None

        def _record(
            i: int, x: NDArray[np.float64], lo_i: int = lo_i, hi_i: int = hi_i
        ) -> None:
            if kept is not None:
                kept[i, lo_i:hi_i] = x
            cnt = x.size
            mean = float(x.sum()) / cnt
            m2 = float(np.dot(x, x)) - cnt * mean * mean
            if mean * mean > 1e6 * max(m2 / cnt, 0.0):
                m2 = float(x.var()) * cnt  # large offset: two passes, no cancellation
            moments[i] = _combine_moments(*moments[i], cnt, mean, m2)
            if hist is not None and counts is not None:
                h, u, o = hist(x)
                counts[i] += h
                under[i] += u
                over[i] += o
            if ks_grid is not None:
                g = ks_grid.count(x)
                if ks_counts is not None:
                    ks_counts[i] += g
                else:
                    ks_lo[i], ks_hi[i] = ks_grid.bounds(g)

        for i, step in enumerate(steps):
            target = int(step)
            if jumps and target > t_now + 1:
                noise = _normal(gen, size, buf)
                log_ratio = log_ab[target] - log_ab[t_now]
                # Ho et al. (2020), Eq. 4, from s to t: q(x_t | x_s) is Gaussian.
                noise *= np.sqrt(-np.expm1(log_ratio))
                x *= np.exp(0.5 * log_ratio)
                x += noise
                t_now = target
            while t_now < target:
                noise = gen.standard_normal(size)
                # Ho et al. (2020), Eq. 2: x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps.
                x = sqrt_a[t_now] * x + sqrt_b[t_now] * noise
                t_now += 1
            _record(i, x)

    if ks_grid is not None and ks_counts is not None:
        for i in range(m):
            ks_lo[i], ks_hi[i] = ks_grid.bounds(ks_counts[i])
    means = np.array([mo[1] for mo in moments])
    stds = np.sqrt(np.array([mo[2] / max(mo[0], 1) for mo in moments]))
    return ForwardResult(
        steps=_readonly(np.array(steps, dtype=np.intp)),
        schedule=sched,
        n=n_total,
        means=_readonly(means),
        stds=_readonly(stds),
        bin_edges=None if edges is None else _readonly(edges.copy()),
        counts=None if counts is None else _readonly(counts),
        underflow=None if counts is None else _readonly(under),
        overflow=None if counts is None else _readonly(over),
        ks_prior=None
        if ks_grid is None
        else KSBounds(_readonly(ks_lo), _readonly(ks_hi)),
        kept=None if kept is None else _readonly(kept),
    )


def sample_marginal(
    x0: ArrayLike, alpha_bar: float, rng: RNGLike = None
) -> NDArray[np.float64]:
    r"""Draw :math:`x_t \sim q(x_t \mid x_0)` in one step from the closed form.

    Parameters
    ----------
    x0 : array_like, shape (n,)
        The data, finite.
    alpha_bar : float
        :math:`\bar\alpha_t \in [0, 1]`; 0 gives pure noise, 1 returns a copy
        of ``x0``.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of randomness.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        If ``x0`` is not a finite 1-D array, ``alpha_bar`` is outside [0, 1],
        or ``rng`` is not accepted.

    See Also
    --------
    diffuse : The step-by-step chain, whose marginals are the same.

    Notes
    -----
    Ho et al. (2020), Eq. 4:

    .. math::

        x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \varepsilon,
        \qquad \varepsilon \sim \mathcal N(0, 1).

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import sample_marginal
    >>> x0 = np.full(100_000, 3.0)
    >>> xt = sample_marginal(x0, 0.25, rng=0)
    >>> np.allclose([xt.mean(), xt.var()], [1.5, 0.75], atol=0.01)
    True
    """
    x = _check_finite_1d("x0", x0)
    ab = _check_unit_interval("alpha_bar", alpha_bar, low_open=False, high_open=False)
    gen = _check_rng(rng)
    noise = gen.standard_normal(x.size)
    # Ho et al. (2020), Eq. 4: x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps.
    return np.asarray(np.sqrt(ab) * x + np.sqrt(1.0 - ab) * noise)
