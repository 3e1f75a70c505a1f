r"""Plots of forward diffusion: histograms, exact densities and schedules.

Every ``plot_*`` function draws into ``ax`` (default: the current axes) and
returns the artists it made, so a figure can be built from small pieces and
restyled afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import StepPatch
from numpy.typing import ArrayLike, NDArray

from ._validation import RNGLike, _check_finite_1d, _check_int, _check_rng
from .data import Diffusable, GaussianMixture, _phi
from .diagnostics import NormalityTrace, exact_ks_distance
from .forward import ForwardResult, diffuse
from .schedules import NoiseSchedule

__all__ = [
    "SCHEDULE_QUANTITIES",
    "plot_density",
    "plot_distance_to_normal",
    "plot_forward_snapshots",
    "plot_histogram",
    "plot_normality_trace",
    "plot_schedule",
    "plot_schedule_comparison",
    "standard_normal",
]

#: The seed page's histogram edges: ``np.linspace(-12, 12, 60)``.
SEED_BINS: NDArray[np.float64] = np.linspace(-12.0, 12.0, 60)
#: The seed page's x limits.
SEED_XLIM: tuple[float, float] = (-12.0, 12.0)
#: The seed page's histogram colours in its schedule grid (fill, edge).
SEED_BAR_COLOR = "#F3B762"
SEED_EDGE_COLOR = "#6D4301"
#: The forward step, as the seed page writes it above its animation.
EQUATION = (
    r"$x_t = \sqrt{1-\beta_t}\,x_{t-1} + \sqrt{\beta_t}\,\epsilon,"
    r"\quad \epsilon\sim\mathcal{N}(0,I)$"
)

#: What :func:`plot_schedule` can draw, with the axis label of each.
SCHEDULE_QUANTITIES: Mapping[str, str] = {
    "betas": r"$\beta_t$",
    "alphas": r"$\alpha_t = 1 - \beta_t$",
    "alpha_bars": r"$\bar\alpha_t$",
    "log_alpha_bars": r"$\log \bar\alpha_t$",
    "snr": r"SNR$_t$",
    "log_snr": r"$\log \mathrm{SNR}_t$",
}


def standard_normal() -> GaussianMixture:
    r"""Return :math:`\mathcal N(0, 1)`, the forward process's limit.

    Returns
    -------
    GaussianMixture
        One component with mean 0 and standard deviation 1.

    See Also
    --------
    plot_density : Draw its density.

    Examples
    --------
    >>> from diffusion_viz import standard_normal
    >>> float(standard_normal().pdf([0.0])[0])  # 1 / sqrt(2 pi)
    0.3989...
    """
    return GaussianMixture([0.0], [1.0])


def _marginal_pdf(
    data: Diffusable, alpha_bar: float, x: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Return the exact density of q_t at ``alpha_bar`` in [0, 1] (0: N(0, 1))."""
    if alpha_bar == 0.0:  # zero terminal SNR: diffused() needs alpha_bar > 0
        return _phi(x)
    return np.asarray(data.diffused(float(alpha_bar)).pdf(x), dtype=np.float64)


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        return plt.gca()
    if not isinstance(ax, Axes):
        raise ValueError(
            f"ax must be a matplotlib Axes or None, got {type(ax).__name__}"
        )
    return ax


def plot_histogram(
    samples: ArrayLike,
    bins: ArrayLike | None = None,
    *,
    ax: Axes | None = None,
    histtype: str = "stepfilled",
    color: Any = "orange",
    edgecolor: Any = None,
    alpha: float = 0.6,
    label: str | None = None,
) -> StepPatch | BarContainer:
    r"""Draw the density histogram of a sample.

    Parameters
    ----------
    samples : array_like, shape (n,)
        The values, finite.
    bins : array_like, optional
        Strictly increasing bin edges. Default: the seed page's
        ``np.linspace(-12, 12, 60)``.
    ax : Axes, optional
        Where to draw. Default: the current axes.
    histtype : {'stepfilled', 'bar'}, optional
        ``'stepfilled'`` draws one :class:`~matplotlib.patches.StepPatch`
        (cheap to update in an animation); ``'bar'`` draws one rectangle per
        bin, each with its own edge, as the seed page's grid does.
    color, edgecolor : color, optional
        Fill and edge colours.
    alpha : float, optional
        Opacity in [0, 1].
    label : str, optional
        Legend label.

    Returns
    -------
    StepPatch or BarContainer
        The histogram's artist(s).

    Raises
    ------
    ValueError
        If ``samples`` is not a finite 1-D array, ``bins`` is not strictly
        increasing with at least two edges, ``histtype`` is unknown or
        ``alpha`` is outside [0, 1].

    See Also
    --------
    plot_density : Draw a density curve over it.

    Notes
    -----
    The height of bin :math:`k` is the density estimate

    .. math::

        h_k = \frac{\#\{i : e_k \le x_i < e_{k+1}\}}{n\,(e_{k+1} - e_k)},

    as ``numpy.histogram(..., density=True)``; values outside the edges are
    not counted but still count in :math:`n`, as there.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from diffusion_viz import plot_histogram
    >>> fig, ax = plt.subplots()
    >>> patch = plot_histogram(np.random.default_rng(0).normal(size=500), ax=ax)
    >>> type(patch).__name__
    'StepPatch'
    >>> plt.close(fig)
    """
    x = _check_finite_1d("samples", samples)
    edges = _check_edges(bins)
    if histtype not in ("stepfilled", "bar"):
        raise ValueError(f"histtype must be 'stepfilled' or 'bar', got {histtype!r}")
    if not 0.0 <= float(alpha) <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha!r}")
    ax = _axes(ax)
    heights = _density(x, edges)
    if histtype == "bar":
        return ax.bar(
            edges[:-1],
            heights,
            width=np.diff(edges),
            align="edge",
            color=color,
            edgecolor=edgecolor,
            alpha=alpha,
            label=label,
        )
    return ax.stairs(
        heights,
        edges,
        fill=True,
        facecolor=color,
        edgecolor=edgecolor,
        alpha=alpha,
        label=label,
    )


def _density(x: NDArray[np.float64], edges: NDArray[np.float64]) -> NDArray[np.float64]:
    counts, _ = np.histogram(x, bins=edges)
    return counts / (max(x.size, 1) * np.diff(edges))


def _check_edges(bins: ArrayLike | None) -> NDArray[np.float64]:
    """Return histogram edges, or raise if they are not strictly increasing."""
    if bins is None:
        return SEED_BINS.copy()
    edges = np.asarray(bins, dtype=np.float64)
    if (
        edges.ndim != 1
        or edges.size < 2
        or not np.all(np.isfinite(edges))
        or not np.all(np.diff(edges) > 0)
    ):
        raise ValueError(
            "bins must be a 1-D array of at least 2 finite, strictly increasing "
            f"edges, got {np.array2string(edges, threshold=6)}"
        )
    return edges


def plot_density(
    dist: Any,
    x: ArrayLike | None = None,
    *,
    ax: Axes | None = None,
    **line_kw: Any,
) -> Line2D:
    r"""Draw the density of a distribution as a line.

    Parameters
    ----------
    dist : object with a ``pdf`` method
        For example :func:`~diffusion_viz.three_bands`, its exact diffused
        marginal ``three_bands().diffused(alpha_bar)``, or
        :func:`standard_normal`.
    x : array_like, optional
        Where to evaluate the density, finite. Default: 500 points across the
        seed page's range (-12, 12).
    ax : Axes, optional
        Where to draw. Default: the current axes.
    **line_kw
        Passed to :meth:`matplotlib.axes.Axes.plot` (colour, style, label...).

    Returns
    -------
    Line2D
        The curve.

    Raises
    ------
    ValueError
        If ``dist`` has no ``pdf`` method or ``x`` is not a finite 1-D array.

    See Also
    --------
    plot_histogram : The sample it is compared with.

    Notes
    -----
    For data :math:`p_0` the density after :math:`t` steps is the exact
    marginal

    .. math::

        q_t(x) = \int \mathcal N\!\left(x;\ \sqrt{\bar\alpha_t}\,x_0,\
        1 - \bar\alpha_t\right) p_0(x_0)\, dx_0 ,

    which ``dist.diffused(alpha_bar)`` returns in closed form for the toy
    distributions of this package.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import plot_density, three_bands
    >>> fig, ax = plt.subplots()
    >>> line = plot_density(three_bands().diffused(0.5), ax=ax, color="C0")
    >>> line.get_xydata().shape
    (500, 2)
    >>> plt.close(fig)
    """
    if not callable(getattr(dist, "pdf", None)):
        raise ValueError(f"dist must have a pdf(x) method, got {type(dist).__name__}")
    grid = (
        np.linspace(SEED_XLIM[0], SEED_XLIM[1], 500)
        if x is None
        else _check_finite_1d("x", x)
    )
    ax = _axes(ax)
    (line,) = ax.plot(grid, np.asarray(dist.pdf(grid), dtype=np.float64), **line_kw)
    return line


def plot_schedule(
    schedule: NoiseSchedule,
    quantity: str = "betas",
    *,
    ax: Axes | None = None,
    **line_kw: Any,
) -> Line2D:
    r"""Draw one quantity of a noise schedule against the step.

    Parameters
    ----------
    schedule : NoiseSchedule
        The schedule, for example from :func:`~diffusion_viz.get_schedule`.
    quantity : str, optional
        One of ``SCHEDULE_QUANTITIES``: ``'betas'`` (default),
        ``'alphas'``, ``'alpha_bars'``, ``'log_alpha_bars'``, ``'snr'`` or
        ``'log_snr'``.
    ax : Axes, optional
        Where to draw. Default: the current axes.
    **line_kw
        Passed to :meth:`matplotlib.axes.Axes.plot`. The label defaults to
        the schedule's name.

    Returns
    -------
    Line2D
        The curve, with steps :math:`1, \dots, T` on the x axis.

    Raises
    ------
    ValueError
        If ``schedule`` is not a :class:`~diffusion_viz.NoiseSchedule` or
        ``quantity`` is not one of the names above.

    See Also
    --------
    plot_schedule_comparison : Schedules side by side with their effect.

    Notes
    -----
    :math:`\bar\alpha_t = \prod_{s \le t} (1 - \beta_s)` is the share of the
    signal's variance left after :math:`t` steps, and
    :math:`\mathrm{SNR}_t = \bar\alpha_t / (1 - \bar\alpha_t)`: the data has
    been drowned once :math:`\log \mathrm{SNR}_t` is well below 0.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import get_schedule, plot_schedule
    >>> fig, ax = plt.subplots()
    >>> line = plot_schedule(get_schedule("linear", 200), "alpha_bars", ax=ax)
    >>> line.get_label(), len(line.get_xdata())
    ('linear', 200)
    >>> plt.close(fig)
    """
    if not isinstance(schedule, NoiseSchedule):
        raise ValueError(
            f"schedule must be a NoiseSchedule, got {type(schedule).__name__}"
        )
    if quantity not in SCHEDULE_QUANTITIES:
        raise ValueError(
            f"quantity must be one of {sorted(SCHEDULE_QUANTITIES)}, got {quantity!r}"
        )
    ax = _axes(ax)
    line_kw.setdefault("label", schedule.name)
    steps = np.arange(1, schedule.T + 1)
    (line,) = ax.plot(steps, getattr(schedule, quantity), **line_kw)
    return line


def plot_schedule_comparison(
    schedules: Mapping[str, NoiseSchedule],
    x0: ArrayLike,
    *,
    rng: RNGLike = None,
    data: Diffusable | None = None,
    bins: ArrayLike | None = None,
    fig: Figure | None = None,
) -> NDArray[Any]:
    r"""Draw the seed page's schedule grid, extended with :math:`\bar\alpha_t` and SNR.

    One row per schedule: its :math:`\beta_t` curve, then histograms of the
    particles at steps 0, :math:`T/2` and :math:`T` with the standard normal
    over the last. A bottom row overlays :math:`\bar\alpha_t` and
    :math:`\log\mathrm{SNR}_t` of all schedules, and, when ``data`` is given,
    the exact distance :math:`\sup_x |F_t(x) - \Phi(x)|` to the limit.

    Parameters
    ----------
    schedules : mapping of str to NoiseSchedule
        Row titles and schedules, all with the same ``T``.
    x0 : array_like, shape (n,)
        The data every chain starts from.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Noise source, shared by the chains in row order (so a
        ``RandomState(42)`` that drew ``x0`` reproduces the seed page).
    data : ToyDistribution, optional
        The distribution of ``x0``; adds the exact-distance panel.
    bins : array_like, optional
        Histogram edges. Default: the seed page's.
    fig : Figure, optional
        Figure to draw in. Default: a new 15 x 10.5 inch figure.

    Returns
    -------
    ndarray of Axes
        Shape (len(schedules) + 1, 4). The last row holds the summary
        panels; its unused slot is None.

    Raises
    ------
    ValueError
        If ``schedules`` is empty, holds something other than schedules, or
        the schedules do not share one ``T``.

    See Also
    --------
    plot_schedule, plot_histogram, diffuse

    Notes
    -----
    The histograms at step :math:`t` are draws from
    :math:`q(x_t) = \int \mathcal N(\sqrt{\bar\alpha_t}\,x_0, 1-\bar\alpha_t)\,
    p(x_0)\,dx_0`, so only :math:`\bar\alpha_t` matters, not the path of
    :math:`\beta`: the schedule whose :math:`\bar\alpha_t` falls first looks
    Gaussian first.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import get_schedule, plot_schedule_comparison, three_bands
    >>> scheds = {"Linear": get_schedule("linear", 20),
    ...           "Constant": get_schedule("constant", 20)}
    >>> axes = plot_schedule_comparison(scheds, three_bands().sample(500, rng=0), rng=1)
    >>> axes.shape
    (3, 4)
    >>> plt.close("all")
    """
    if not schedules:
        raise ValueError("schedules must hold at least one schedule, got none")
    for name, sched in schedules.items():
        if not isinstance(sched, NoiseSchedule):
            raise ValueError(
                f"schedules[{name!r}] must be a NoiseSchedule, got {type(sched).__name__}"
            )
    Ts = {s.T for s in schedules.values()}
    if len(Ts) != 1:
        raise ValueError(
            f"schedules must all have the same T, got T values {sorted(Ts)}"
        )
    T = Ts.pop()
    x = _check_finite_1d("x0", x0)
    edges = _check_edges(bins)
    gen = _check_rng(rng)
    steps = [0, T // 2, T]
    rows = len(schedules)
    if fig is None:
        fig = plt.figure(figsize=(15, 3.0 * rows + 1.5), layout="constrained")
    grid = fig.add_gridspec(rows + 1, 1, height_ratios=[1.0] * rows + [1.1])
    axes = np.empty((rows + 1, 4), dtype=object)
    hist_axes: list[Axes] = []
    for i, (name, sched) in enumerate(schedules.items()):
        sub = grid[i].subgridspec(1, 4)
        ax_beta = fig.add_subplot(sub[0])
        plot_schedule(sched, "betas", ax=ax_beta, color="C0")
        ax_beta.set_xlim(0, T)
        ax_beta.set_title(f"{name}\nBeta Schedule")
        ax_beta.set_ylabel("Beta Value")
        if i == rows - 1:
            ax_beta.set_xlabel("Diffusion Step")
        axes[i, 0] = ax_beta
        run = diffuse(x, sched, rng=gen, record=steps)
        for j, (step, sample) in enumerate(zip(steps, run.samples, strict=True)):
            ax = fig.add_subplot(sub[j + 1], sharey=hist_axes[0] if hist_axes else None)
            hist_axes.append(ax)
            plot_histogram(
                sample,
                edges,
                ax=ax,
                histtype="bar",
                color=SEED_BAR_COLOR,
                edgecolor=SEED_EDGE_COLOR,
                alpha=0.85,
            )
            if step == T:
                plot_density(
                    standard_normal(),
                    ax=ax,
                    color="r",
                    linestyle="--",
                    lw=2,
                    label="Std Gaussian",
                )
                ax.legend(loc="upper right", fontsize=8)
            ax.set_xlim(*SEED_XLIM)
            ax.set_title(f"{name}\nstep {step}")
            if j == 0:
                ax.set_ylabel("Density")
            else:
                ax.tick_params(labelleft=False)
            if i == rows - 1:
                ax.set_xlabel("Value")
            axes[i, j + 1] = ax
    # One y range for every histogram (the seed page's grid clipped at 0.2,
    # which hid the peak of the standard normal it draws at step T).
    hist_axes[0].set_ylim(0, 0.45)

    bottom = grid[rows].subgridspec(1, 3)
    ax_ab = fig.add_subplot(bottom[0])
    ax_snr = fig.add_subplot(bottom[1])
    for k, (name, sched) in enumerate(schedules.items()):
        plot_schedule(sched, "alpha_bars", ax=ax_ab, color=f"C{k}", label=name)
        plot_schedule(sched, "log_snr", ax=ax_snr, color=f"C{k}", label=name)
    ax_ab.set_title(r"Signal kept: $\bar\alpha_t$")
    ax_ab.set_ylabel(r"$\bar\alpha_t$")
    ax_ab.set_xlabel("Diffusion Step")
    ax_ab.set_ylim(0, 1.02)
    ax_ab.legend(fontsize=8)
    ax_snr.set_title(r"$\log\,\mathrm{SNR}_t = \log\,\bar\alpha_t/(1-\bar\alpha_t)$")
    ax_snr.set_ylabel(r"$\log\,\mathrm{SNR}_t$")
    ax_snr.set_xlabel("Diffusion Step")
    ax_snr.axhline(0.0, color="0.4", lw=0.8, ls=":")
    ax_snr.legend(fontsize=8)
    axes[rows, 0], axes[rows, 1] = ax_ab, ax_snr
    for ax in (ax_ab, ax_snr):
        ax.set_xlim(0, T)
        ax.grid(True, alpha=0.4)
    if data is not None:
        ax_d = fig.add_subplot(bottom[2])
        plot_distance_to_normal(schedules, data, every=max(1, T // 50), ax=ax_d)
        ax_d.set_xlim(0, T)
        axes[rows, 2] = ax_d
    fig.suptitle("Effect of Beta Schedule on Forward Diffusion", fontsize=16)
    return axes


def plot_distance_to_normal(
    schedules: Mapping[str, NoiseSchedule] | Sequence[NoiseSchedule],
    data: Diffusable,
    *,
    every: int = 1,
    ax: Axes | None = None,
) -> list[Line2D]:
    r"""Draw the exact KS distance of :math:`q_t` to :math:`\mathcal N(0,1)` by step.

    Parameters
    ----------
    schedules : mapping of str to NoiseSchedule, or sequence of NoiseSchedule
        The schedules; a mapping's keys are used as labels.
    data : ToyDistribution
        The data distribution, with an exact ``diffused``.
    every : int, optional
        Evaluate at every ``every``-th step (and at :math:`T`). Default 1.
    ax : Axes, optional
        Where to draw. Default: the current axes.

    Returns
    -------
    list of Line2D
        One curve per schedule, on a log y axis.

    Raises
    ------
    ValueError
        If ``every`` is not a positive integer or ``data`` has no exact
        ``diffused`` marginal.

    See Also
    --------
    diffusion_viz.exact_ks_distance : The distance at one step.

    Notes
    -----
    The distance is :math:`D_t = \sup_x |F_t(x) - \Phi(x)|`, the population
    value of the KS statistic against the fixed prior. A sample of size
    :math:`n` can tell :math:`q_t` from :math:`\mathcal N(0,1)` at the 5%
    level roughly while :math:`D_t > 1.358/\sqrt{n}`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import get_schedule, plot_distance_to_normal, three_bands
    >>> fig, ax = plt.subplots()
    >>> lines = plot_distance_to_normal([get_schedule("constant", 10)], three_bands(),
    ...                                 ax=ax)
    >>> len(lines)
    1
    >>> plt.close(fig)
    """
    every = _check_int("every", every, 1)
    if not callable(getattr(data, "diffused", None)):
        raise ValueError(
            f"data must have an exact diffused(alpha_bar) method, got {type(data).__name__}"
        )
    items = (
        list(schedules.items())
        if isinstance(schedules, Mapping)
        else [(s.name, s) for s in schedules]
    )
    ax = _axes(ax)
    lines = []
    for k, (name, sched) in enumerate(items):
        steps = np.unique(np.r_[np.arange(1, sched.T + 1, every), sched.T])
        dist = [
            exact_ks_distance(data.diffused(float(sched.alpha_bars[t - 1]))).distance
            for t in steps
        ]
        (line,) = ax.plot(steps, dist, color=f"C{k}", label=name)
        lines.append(line)
    ax.set_yscale("log")
    ax.set_xlabel("Diffusion Step")
    ax.set_title(r"Exact distance to $\mathcal{N}(0,1)$: $\sup_x|F_t-\Phi|$")
    ax.set_ylabel(r"$\sup_x|F_t(x)-\Phi(x)|$")
    ax.grid(True, alpha=0.4, which="both")
    ax.legend(fontsize=8)
    return lines


def plot_forward_snapshots(
    result: ForwardResult,
    data: Diffusable | None = None,
    steps: Sequence[int] | None = None,
    *,
    bins: ArrayLike | None = None,
    fig: Figure | None = None,
) -> NDArray[Any]:
    r"""Draw the histogram of a forward run at a few steps, side by side.

    Each panel shows the particles at one recorded step, the exact density
    of :math:`q_t` when ``data`` is given, and the standard normal.

    Parameters
    ----------
    result : ForwardResult
        A run from :func:`~diffusion_viz.diffuse`.
    data : ToyDistribution, optional
        The distribution of ``x_0``; adds the exact density.
    steps : sequence of int, optional
        Recorded steps to show. Default: the first, middle and last recorded.
    bins : array_like, optional
        Histogram edges. Default: the seed page's.
    fig : Figure, optional
        Figure to draw in. Default: a new one, 3.2 inches wide per panel.

    Returns
    -------
    ndarray of Axes
        One per step, sharing both axes.

    Raises
    ------
    ValueError
        If ``result`` is not a :class:`~diffusion_viz.ForwardResult` or a step
        was not recorded.

    See Also
    --------
    animate_forward : All recorded steps as an animation.

    Notes
    -----
    The exact density is :math:`q_t(x) = \int \mathcal N(x; \sqrt{\bar\alpha_t}
    x_0, 1 - \bar\alpha_t)\, p(x_0)\, dx_0`, from ``data.diffused``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import (diffuse, get_schedule, plot_forward_snapshots,
    ...                            three_bands)
    >>> run = diffuse(three_bands().sample(500, rng=0), get_schedule("linear", 10),
    ...               rng=1)
    >>> axes = plot_forward_snapshots(run, three_bands(), steps=[0, 5, 10])
    >>> [ax.get_title() for ax in axes]
    ['step 0', 'step 5', 'step 10']
    >>> plt.close("all")
    """
    if not isinstance(result, ForwardResult):
        raise ValueError(
            f"result must be a ForwardResult from diffuse(), got {type(result).__name__}"
        )
    recorded = [int(s) for s in result.steps]
    if steps is None:
        steps = [recorded[0], recorded[len(recorded) // 2], recorded[-1]]
    for step in steps:
        if step not in recorded:
            raise ValueError(
                f"steps must be recorded steps of the run ({recorded[0]}..{recorded[-1]}, "
                f"{len(recorded)} in all), got {step!r}"
            )
    edges = _check_edges(bins)
    if fig is None:
        fig = plt.figure(figsize=(3.2 * len(steps), 3.0), layout="constrained")
    axes = fig.subplots(1, len(steps), sharex=True, sharey=True, squeeze=False)[0]
    grid = np.linspace(edges[0], edges[-1], 500)
    for ax, step in zip(axes, steps, strict=True):
        plot_histogram(result.at(step), edges, ax=ax, alpha=0.6, label="histogram")
        if data is not None:
            ab = float(result.schedule.alpha_bar_at(step))
            plot_density(
                data.diffused(ab),
                grid,
                ax=ax,
                color="#2B5C8A",
                lw=1.6,
                label="exact $q_t$",
            )
        plot_density(
            standard_normal(),
            grid,
            ax=ax,
            color="r",
            ls="--",
            lw=1.5,
            label="$\\mathcal{N}(0,1)$",
        )
        ax.set_title(f"step {step}")
        ax.set_xlabel("Value")
        ax.grid(True, alpha=0.4)
    axes[0].set_ylabel("Density")
    axes[0].set_xlim(edges[0], edges[-1])
    axes[-1].legend(loc="upper right", fontsize=8)
    return np.asarray(axes, dtype=object)


def plot_normality_trace(
    trace: NormalityTrace,
    *,
    ax: Axes | None = None,
) -> list[Line2D]:
    r"""Draw the p-values of three normality tests along a forward run.

    Parameters
    ----------
    trace : NormalityTrace
        From :func:`~diffusion_viz.normality_trace`.
    ax : Axes, optional
        Where to draw. Default: the current axes.

    Returns
    -------
    list of Line2D
        The seed page's KS p-value (normal fitted to the sample), the
        Lilliefors p-value of the same statistic, the KS p-value against the
        fixed :math:`\mathcal N(0, 1)`, and the significance level.

    Raises
    ------
    ValueError
        If ``trace`` is not a :class:`~diffusion_viz.NormalityTrace`.

    See Also
    --------
    diffusion_viz.normality_trace, plot_distance_to_normal

    Notes
    -----
    With the mean and standard deviation estimated from the sample, the KS
    statistic :math:`D_n = \sup_x |F_n(x) - \Phi((x - \bar x)/s)|` is
    stochastically smaller than under a fully specified null, so the standard
    KS p-value is too large; Lilliefors (1967) tabulated the right null.

    References
    ----------
    .. [1] H. W. Lilliefors, "On the Kolmogorov-Smirnov Test for Normality
       with Mean and Variance Unknown", JASA 62 (1967), 399-402.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import (diffuse, get_schedule, normality_trace,
    ...                            plot_normality_trace, three_bands)
    >>> run = diffuse(three_bands().sample(300, rng=0), get_schedule("linear", 10),
    ...               rng=1)
    >>> fig, ax = plt.subplots()
    >>> lines = plot_normality_trace(normality_trace(run, n_resamples=50, rng=2), ax=ax)
    >>> [line.get_label() for line in lines][:3]
    ['KS, fitted normal (seed page)', 'Lilliefors', 'KS vs N(0, 1)']
    >>> plt.close(fig)
    """
    if not isinstance(trace, NormalityTrace):
        raise ValueError(
            f"trace must be a NormalityTrace from normality_trace(), got "
            f"{type(trace).__name__}"
        )
    ax = _axes(ax)
    lines = [
        ax.plot(
            trace.steps,
            trace.ks_estimated.pvalue,
            color="C1",
            lw=1.4,
            label="KS, fitted normal (seed page)",
        )[0],
        ax.plot(
            trace.steps, trace.lilliefors.pvalue, color="C2", lw=1.4, label="Lilliefors"
        )[0],
        ax.plot(
            trace.steps,
            trace.ks_prior.pvalue,
            color="C0",
            lw=1.4,
            label="KS vs N(0, 1)",
        )[0],
        ax.axhline(
            trace.alpha, color="0.3", lw=0.9, ls=":", label=f"level {trace.alpha:g}"
        ),
    ]
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("Diffusion Step")
    ax.set_ylabel("p-value")
    ax.grid(True, alpha=0.4)
    ax.legend(loc="upper left", fontsize=8)
    return lines
