r"""Plots for choosing a schedule: dashboards, convergence, calibration, the river.

Every ``plot_*`` function draws into ``ax`` (default: the current axes), or
into ``axes`` for the few that fill several panels, and returns the artists
it made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.colors import PowerNorm
from matplotlib.container import BarContainer
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle, StepPatch
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ._validation import RNGLike, _check_int, _check_rng
from .convergence import ConvergenceTrace, PValueCalibration, marginal_variance
from .data import Diffusable
from .diagnostics import ks_critical_value
from .forward import diffuse
from .plotting import _axes, _marginal_pdf
from .schedules import NoiseSchedule

__all__ = [
    "CURVE_QUANTITIES",
    "plot_diffusion_river",
    "plot_ks_convergence",
    "plot_pvalue_histograms",
    "plot_schedule_curves",
    "plot_terminal_snr",
    "plot_variance_path",
    "plot_w2_convergence",
]

#: What :func:`plot_schedule_curves` can draw, with the y label and whether the
#: axis is logarithmic.
CURVE_QUANTITIES: Mapping[str, tuple[str, bool]] = {
    "betas": (r"$\beta_t$", True),
    "alpha_bars": (r"$\bar\alpha_t$", False),
    "log_snr": (r"$\log \mathrm{SNR}_t = \log \bar\alpha_t / (1-\bar\alpha_t)$", False),
    "sigma": (r"VE level $\sigma_t = \sqrt{(1-\bar\alpha_t)/\bar\alpha_t}$", True),
}


def _items(
    schedules: Mapping[str, NoiseSchedule] | Sequence[NoiseSchedule],
) -> list[tuple[str, NoiseSchedule]]:
    pairs = (
        list(schedules.items())
        if isinstance(schedules, Mapping)
        else [(getattr(s, "name", "?"), s) for s in schedules]
    )
    if not pairs:
        raise ValueError("schedules must hold at least one schedule, got none")
    for name, sched in pairs:
        if not isinstance(sched, NoiseSchedule):
            raise ValueError(
                f"schedules[{name!r}] must be a NoiseSchedule, got "
                f"{type(sched).__name__}"
            )
    return pairs


def plot_schedule_curves(
    schedules: Mapping[str, NoiseSchedule] | Sequence[NoiseSchedule],
    quantity: str = "alpha_bars",
    *,
    ax: Axes | None = None,
    **line_kw: Any,
) -> list[Line2D]:
    r"""Draw one quantity of several schedules against the fraction :math:`t/T`.

    Parameters
    ----------
    schedules : mapping of str to NoiseSchedule, or sequence of NoiseSchedule
        The schedules; a mapping's keys are the labels. They may differ in
        ``T``: the x axis is :math:`t/T`.
    quantity : str, optional
        One of ``CURVE_QUANTITIES``: ``"betas"``, ``"alpha_bars"`` (default),
        ``"log_snr"`` or ``"sigma"``.
    ax : Axes, optional
        Where to draw. Default: the current axes.
    **line_kw
        Passed to every :meth:`~matplotlib.axes.Axes.plot` call.

    Returns
    -------
    list of Line2D
        One curve per schedule, coloured ``C0``, ``C1``, ... in order.

    Raises
    ------
    ValueError
        If ``schedules`` is empty or holds something else, or ``quantity``
        is unknown (the message lists the valid names).

    See Also
    --------
    plot_terminal_snr, diffusion_viz.plot_schedule

    Notes
    -----
    :math:`\mathrm{SNR}_t = \bar\alpha_t/(1 - \bar\alpha_t)` and the VE level
    :math:`\sigma_t = \mathrm{SNR}_t^{-1/2}` (Kingma et al. 2021) carry the
    same information as :math:`\bar\alpha_t`; on the log-SNR axis the
    schedules' differences are visible at both ends, where
    :math:`\bar\alpha_t` is flat at 1 or 0.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import get_schedule
    >>> from diffusion_viz.plotting_schedules import plot_schedule_curves
    >>> fig, ax = plt.subplots()
    >>> lines = plot_schedule_curves({"lin": get_schedule("linear", 200),
    ...                               "cos": get_schedule("cosine", 50)}, ax=ax)
    >>> [line.get_label() for line in lines], len(lines[1].get_xdata())
    (['lin', 'cos'], 51)
    >>> plt.close(fig)
    """
    pairs = _items(schedules)
    if quantity not in CURVE_QUANTITIES:
        raise ValueError(
            f"quantity must be one of {sorted(CURVE_QUANTITIES)}, got {quantity!r}"
        )
    ax = _axes(ax)
    label, log = CURVE_QUANTITIES[quantity]
    lines = []
    for k, (name, sched) in enumerate(pairs):
        frac = np.arange(1, sched.T + 1) / sched.T
        if quantity == "sigma":
            with np.errstate(over="ignore"):
                y = np.exp(-0.5 * sched.log_snr)
        else:
            y = np.asarray(getattr(sched, quantity))
            if quantity == "alpha_bars":
                frac, y = np.r_[0.0, frac], np.r_[1.0, y]
        kw = {"color": f"C{k}", "label": name, **line_kw}
        (line,) = ax.plot(frac, y, **kw)
        lines.append(line)
    if log:
        ax.set_yscale("log")
    ax.set_xlim(0, 1)
    ax.set_xlabel("fraction of the schedule $t/T$")
    ax.set_ylabel(label)
    ax.grid(True, alpha=0.4)
    return lines


def plot_terminal_snr(
    schedules: Mapping[str, NoiseSchedule] | Sequence[NoiseSchedule],
    *,
    ax: Axes | None = None,
) -> BarContainer:
    r"""Draw :math:`\log_{10}\mathrm{SNR}_T` of each schedule as horizontal bars.

    Parameters
    ----------
    schedules : mapping of str to NoiseSchedule, or sequence of NoiseSchedule
        The schedules; a mapping's keys are the labels.
    ax : Axes, optional
        Where to draw. Default: the current axes.

    Returns
    -------
    BarContainer
        One bar per schedule, top to bottom in the given order. A schedule
        with :math:`\mathrm{SNR}_T = 0` gets a hatched bar to the axis edge
        and the label "0 exactly".

    Raises
    ------
    ValueError
        If ``schedules`` is empty or holds something else.

    See Also
    --------
    plot_schedule_curves, diffusion_viz.rescale_zero_terminal_snr

    Notes
    -----
    The last latent keeps a share :math:`\sqrt{\bar\alpha_T}` of the data:
    a sampler that starts from pure noise sees a slightly different
    distribution than training did, the mismatch Lin et al. (2024) remove
    by rescaling to :math:`\mathrm{SNR}_T = 0`.

    References
    ----------
    .. [1] S. Lin, B. Liu, J. Li and X. Yang, "Common Diffusion Noise
       Schedules and Sample Steps are Flawed", WACV 2024. arXiv:2305.08891.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import get_schedule
    >>> from diffusion_viz.plotting_schedules import plot_terminal_snr
    >>> fig, ax = plt.subplots()
    >>> bars = plot_terminal_snr([get_schedule("linear", 1000, beta_end=0.02)], ax=ax)
    >>> round(float(bars[0].get_width()), 2)  # log10 of 4.036e-5
    -4.39
    >>> plt.close(fig)
    """
    pairs = _items(schedules)
    ax = _axes(ax)
    log10 = np.array([s.log_snr[-1] / np.log(10.0) for _, s in pairs])
    finite = np.isfinite(log10)
    floor = float(log10[finite].min()) - 2.0 if finite.any() else -10.0
    widths = np.where(finite, log10, floor)
    ypos = np.arange(len(pairs))[::-1]
    bars = ax.barh(ypos, widths, color=[f"C{k}" for k in range(len(pairs))], height=0.6)
    for bar, ok, w in zip(bars, finite, log10, strict=True):
        y = bar.get_y() + bar.get_height() / 2
        if ok:
            ax.annotate(
                f"{10**w:.2g}",
                (w, y),
                xytext=(3, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=8,
                color="white",
            )
        else:
            bar.set_hatch("//")
            bar.set_alpha(0.5)
            ax.annotate(
                "SNR = 0 exactly",
                (floor, y),
                xytext=(3, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=8,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none"},
            )
    ax.set_yticks(ypos, [name for name, _ in pairs])
    ax.set_xlim(floor, 0)
    ax.set_xlabel(r"$\log_{10} \mathrm{SNR}_T$")
    ax.grid(True, axis="x", alpha=0.4)
    return bars


def plot_ks_convergence(
    traces: Mapping[str, ConvergenceTrace] | Sequence[ConvergenceTrace],
    n: int | None = None,
    *,
    alpha: float = 0.05,
    ax: Axes | None = None,
) -> list[Line2D | Rectangle]:
    r"""Draw the exact :math:`\sup_x|F_t - \Phi|` by step, with the KS noise band.

    Parameters
    ----------
    traces : mapping of str to ConvergenceTrace, or sequence of ConvergenceTrace
        From :func:`~diffusion_viz.convergence_trace`; a mapping's keys are
        the labels (default: the schedules' names). The x axis is
        :math:`t/T` so schedules of different lengths line up.
    n : int, optional
        Sample size; when given, the band below the KS critical value
        :math:`c_n(\alpha)` is shaded and the level below which the test's
        power is at most 1/2 is dotted.
    alpha : float, optional
        Level of the critical value. Default 0.05.
    ax : Axes, optional
        Where to draw. Default: the current axes.

    Returns
    -------
    list of Line2D and Rectangle
        One curve per trace, then the band and the dotted line if ``n`` was
        given.

    Raises
    ------
    ValueError
        If ``traces`` is empty or holds something else, or ``n`` or
        ``alpha`` is invalid.

    See Also
    --------
    diffusion_viz.first_indistinguishable_step, plot_w2_convergence

    Notes
    -----
    Inside the band the population distance is below the KS critical value
    :math:`c_n(\alpha)`, the noise level of ``n`` samples. That alone does
    not make the test blind: near the top of the band it still rejects most
    of the time. Below the dotted line :math:`c_n(\alpha) -
    K_n^{-1}(1/2)` it provably rejects at most half of the time (see
    :func:`~diffusion_viz.first_indistinguishable_step`).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import convergence_trace, get_schedule, three_bands
    >>> from diffusion_viz.plotting_schedules import plot_ks_convergence
    >>> tr = convergence_trace(get_schedule("linear", 20), three_bands())
    >>> fig, ax = plt.subplots()
    >>> arts = plot_ks_convergence([tr], n=10_000, ax=ax)
    >>> len(arts)
    3
    >>> plt.close(fig)
    """
    pairs = (
        list(traces.items())
        if isinstance(traces, Mapping)
        else [(getattr(t, "name", "?"), t) for t in traces]
    )
    if not pairs or not all(isinstance(t, ConvergenceTrace) for _, t in pairs):
        raise ValueError(
            f"traces must be a non-empty sequence of ConvergenceTrace, got {traces!r}"
        )
    ax = _axes(ax)
    arts: list[Line2D | Rectangle] = []
    lo = np.inf
    for k, (name, tr) in enumerate(pairs):
        frac = tr.steps / max(int(tr.steps.max()), 1)
        keep = tr.ks > 0
        (line,) = ax.plot(frac[keep], tr.ks[keep], color=f"C{k}", label=name)
        arts.append(line)
        if keep.any():
            lo = min(lo, float(tr.ks[keep].min()))
    ax.set_yscale("log")
    if n is not None:
        n = _check_int("n", n, 1)
        crit = ks_critical_value(n, alpha)
        band = ax.axhspan(
            min(lo, crit) / 10.0,
            crit,
            color="0.85",
            zorder=0,
            label=f"below the KS critical value at n = {n:,}: {crit:.4f}",
        )
        half = crit - float(stats.kstwo.isf(0.5, n))
        line = ax.axhline(
            half, color="0.2", ls=":", lw=1.2, label=f"KS power ≤ 1/2 below {half:.4f}"
        )
        arts.extend([band, line])
    ax.set_xlim(0, 1)
    ax.set_xlabel("fraction of the schedule $t/T$")
    ax.set_ylabel(r"$\sup_x |F_t(x) - \Phi(x)|$")
    ax.grid(True, which="major", alpha=0.4)
    return arts


def plot_w2_convergence(
    trace: ConvergenceTrace, *, ax: Axes | None = None, color: Any = "C0"
) -> list[Line2D]:
    r"""Draw :math:`W_2(q_t, \mathcal N(0, 1))` and its contraction bound by step.

    Parameters
    ----------
    trace : ConvergenceTrace
        From :func:`~diffusion_viz.convergence_trace`.
    ax : Axes, optional
        Where to draw. Default: the current axes.
    color : color, optional
        Colour of both curves. Default ``"C0"``.

    Returns
    -------
    list of Line2D
        The exact distance (solid) and the bound
        :math:`\sqrt{\bar\alpha_t}\,W_2(q_0, \mathcal N(0, 1))` (dashed).

    Raises
    ------
    ValueError
        If ``trace`` is not a :class:`~diffusion_viz.ConvergenceTrace`.

    See Also
    --------
    diffusion_viz.convergence_trace : The derivation of the bound.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import convergence_trace, get_schedule, three_bands
    >>> from diffusion_viz.plotting_schedules import plot_w2_convergence
    >>> fig, ax = plt.subplots()
    >>> tr = convergence_trace(get_schedule("linear", 20), three_bands())
    >>> [ln.get_linestyle() for ln in plot_w2_convergence(tr, ax=ax)]
    ['-', '--']
    >>> plt.close(fig)
    """
    if not isinstance(trace, ConvergenceTrace):
        raise ValueError(
            f"trace must be a ConvergenceTrace, got {type(trace).__name__}"
        )
    ax = _axes(ax)
    keep = trace.w2 > 0
    (exact,) = ax.plot(
        trace.steps[keep], trace.w2[keep], color=color, label=f"{trace.name}: exact"
    )
    (bound,) = ax.plot(
        trace.steps[trace.w2_bound > 0],
        trace.w2_bound[trace.w2_bound > 0],
        color=color,
        ls="--",
        label=rf"{trace.name}: bound $\sqrt{{\bar\alpha_t}}\,W_2(q_0)$",
    )
    ax.set_yscale("log")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$W_2(q_t, \mathcal{N}(0, 1))$")
    ax.grid(True, which="major", alpha=0.4)
    return [exact, bound]


#: Display names of the three tests in :func:`plot_pvalue_histograms`.
#: Colours match :func:`~diffusion_viz.plot_normality_trace`.
_TESTS = (
    (
        "ks_estimated",
        "KS, normal fitted to the sample\n(the seed page's p-value)",
        "C1",
    ),
    ("ks_prior", r"KS against the fixed $\mathcal{N}(0, 1)$", "C0"),
    ("lilliefors", "Lilliefors (fitted normal,\ncorrect null)", "C2"),
)


def plot_pvalue_histograms(
    calibration: PValueCalibration,
    *,
    axes: Sequence[Axes] | None = None,
    alpha: float = 0.05,
    bins: int = 20,
) -> list[StepPatch]:
    r"""Draw the histogram of each test's p-values under a true normal null.

    Parameters
    ----------
    calibration : PValueCalibration
        From :func:`~diffusion_viz.pvalue_calibration`.
    axes : sequence of 3 Axes, optional
        Where to draw the seed's test, KS against :math:`\mathcal N(0, 1)`
        and Lilliefors. Default: three new panels side by side.
    alpha : float, optional
        Level whose rejection rate is written in each title. Default 0.05.
    bins : int, optional
        Number of equal bins on [0, 1], >= 2. Default 20.

    Returns
    -------
    list of StepPatch
        One density histogram per test; a calibrated test's is flat at 1.

    Raises
    ------
    ValueError
        If ``calibration`` is of the wrong type, ``axes`` does not hold three
        Axes, or ``bins`` is not an integer >= 2.

    See Also
    --------
    diffusion_viz.pvalue_calibration

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import pvalue_calibration
    >>> from diffusion_viz.plotting_schedules import plot_pvalue_histograms
    >>> patches = plot_pvalue_histograms(pvalue_calibration(50, 200, rng=0))
    >>> len(patches)
    3
    >>> plt.close("all")
    """
    if not isinstance(calibration, PValueCalibration):
        raise ValueError(
            f"calibration must be a PValueCalibration, got {type(calibration).__name__}"
        )
    bins = _check_int("bins", bins, 2)
    if axes is None:
        fig = plt.figure(figsize=(11, 3.4), layout="constrained")
        axes = list(fig.subplots(1, 3, sharey=True))
    if len(axes) != 3 or not all(isinstance(a, Axes) for a in axes):
        raise ValueError(f"axes must hold exactly 3 matplotlib Axes, got {axes!r}")
    edges = np.linspace(0.0, 1.0, bins + 1)
    rates = calibration.rejection_rates(alpha)
    patches = []
    for ax, (key, title, color) in zip(axes, _TESTS, strict=True):
        p = getattr(calibration, key)
        dens, _ = np.histogram(p, bins=edges, density=True)
        patch = ax.stairs(dens, edges, fill=True, color=color, alpha=0.7)
        patches.append(patch)
        ax.axhline(1.0, color="k", lw=1, ls="--")
        ax.set_title(
            f"{title}\nrejects {rates[key]:.1%} at level {alpha:g}", fontsize=9
        )
        ax.set_xlim(0, 1)
        ax.set_xlabel("p-value")
    axes[0].set_ylabel("density (uniform = 1)")
    return patches


def plot_variance_path(
    schedule: NoiseSchedule,
    data_vars: Mapping[str, float],
    *,
    ax: Axes | None = None,
) -> list[Line2D]:
    r"""Draw :math:`\operatorname{Var} x_t` by step for several data variances.

    Parameters
    ----------
    schedule : NoiseSchedule
        The schedule.
    data_vars : mapping of str to float
        Labels and :math:`\operatorname{Var} x_0` values.
    ax : Axes, optional
        Where to draw. Default: the current axes.

    Returns
    -------
    list of Line2D
        One curve per variance, then the target line at 1.

    Raises
    ------
    ValueError
        If ``schedule`` is not a schedule or ``data_vars`` is empty or has
        a negative variance.

    See Also
    --------
    diffusion_viz.marginal_variance, diffusion_viz.standardize

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import get_schedule
    >>> from diffusion_viz.plotting_schedules import plot_variance_path
    >>> fig, ax = plt.subplots()
    >>> lines = plot_variance_path(get_schedule("linear", 200), {"raw": 44.0}, ax=ax)
    >>> float(lines[0].get_ydata()[0])
    44.0
    >>> plt.close(fig)
    """
    if not isinstance(schedule, NoiseSchedule):
        raise ValueError(
            f"schedule must be a NoiseSchedule, got {type(schedule).__name__}"
        )
    if not data_vars:
        raise ValueError("data_vars must hold at least one variance, got none")
    ax = _axes(ax)
    steps = np.arange(schedule.T + 1)
    ab = schedule.alpha_bar_at(steps)
    lines = []
    for k, (name, v) in enumerate(data_vars.items()):
        (line,) = ax.plot(
            steps, marginal_variance(ab, v), color=f"C{k}", lw=2, label=name
        )
        lines.append(line)
    target = ax.axhline(
        1.0,
        color="k",
        ls=":",
        lw=1.0,
        zorder=3,
        label=r"target: Var $\mathcal{N}(0,1)$ = 1",
    )
    lines.append(target)
    ax.set_yscale("log")
    ax.set_xlim(0, schedule.T)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\operatorname{Var} x_t$")
    ax.grid(True, which="both", alpha=0.3)
    return lines


def _river_density(
    data: Diffusable, ab: NDArray[np.float64], x: NDArray[np.float64]
) -> NDArray[np.float64]:
    out = np.empty((x.size, ab.size))
    for j, a in enumerate(ab):
        out[:, j] = _marginal_pdf(data, float(a), x)
    return out


def plot_diffusion_river(
    schedule: NoiseSchedule,
    data: Diffusable,
    *,
    ax: Axes | None = None,
    n_paths: int = 12,
    rng: RNGLike = None,
    x_range: ArrayLike = (-12.0, 12.0),
    n_x: int = 241,
    every: int = 1,
    cmap: str = "magma",
) -> tuple[QuadMesh, list[Line2D]]:
    r"""Draw the exact density :math:`q_t(x)` as an image over (t, x), with paths.

    Parameters
    ----------
    schedule : NoiseSchedule
        The schedule.
    data : Diffusable
        The data law, with an exact ``diffused(alpha_bar)``.
    ax : Axes, optional
        Where to draw. Default: the current axes.
    n_paths : int, optional
        Number of forward sample paths drawn on top, >= 0. Default 12.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of randomness for the paths.
    x_range : (float, float), optional
        The x window. Default the seed page's (-12, 12).
    n_x : int, optional
        Number of x grid points, >= 2. Default 241.
    every : int, optional
        Evaluate the density at every ``every``-th step, >= 1. Default 1.
    cmap : str, optional
        Colormap of the density. Default ``"magma"``.

    Returns
    -------
    QuadMesh
        The density image, on a square-root colour scale so the thin tails
        and the gaps stay visible.
    list of Line2D
        The sample paths.

    Raises
    ------
    ValueError
        If ``schedule`` or ``data`` is of the wrong type, or a count is out
        of range.

    See Also
    --------
    diffusion_viz.diffuse : The chain the paths follow.

    Notes
    -----
    Each column is :math:`q_t(x) = \int \mathcal N(x; \sqrt{\bar\alpha_t}
    x_0, 1 - \bar\alpha_t)\,q_0(x_0)\,dx_0` (Ho et al. 2020, Eq. 4): the
    bands shrink towards 0 by :math:`\sqrt{\bar\alpha_t}` while each blurs
    by :math:`\sqrt{1 - \bar\alpha_t}`, until the river is one Gaussian
    stream. Each path is one particle of the chain: its marginal is the
    column below it.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import get_schedule, three_bands
    >>> from diffusion_viz.plotting_schedules import plot_diffusion_river
    >>> fig, ax = plt.subplots()
    >>> mesh, paths = plot_diffusion_river(get_schedule("linear", 20), three_bands(),
    ...                                    ax=ax, n_paths=3, rng=0)
    >>> mesh.get_array().shape, len(paths)
    ((241, 21), 3)
    >>> plt.close(fig)
    """
    if not isinstance(schedule, NoiseSchedule):
        raise ValueError(
            f"schedule must be a NoiseSchedule, got {type(schedule).__name__}"
        )
    if not isinstance(data, Diffusable):
        raise ValueError(
            f"data must have an exact diffused(alpha_bar) method, got {data!r}"
        )
    n_paths = _check_int("n_paths", n_paths, 0)
    n_x = _check_int("n_x", n_x, 2)
    every = _check_int("every", every, 1)
    lo, hi = (float(v) for v in np.asarray(x_range, dtype=np.float64).ravel()[:2])
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"x_range must be two finite values lo < hi, got {x_range!r}")
    gen = _check_rng(rng)
    ax = _axes(ax)
    steps = np.unique(np.r_[np.arange(0, schedule.T + 1, every), schedule.T])
    x = np.linspace(lo, hi, n_x)
    dens = _river_density(data, schedule.alpha_bar_at(steps), x)
    mesh = ax.pcolormesh(
        steps,
        x,
        dens,
        shading="nearest",
        cmap=cmap,
        norm=PowerNorm(0.5, vmin=0.0, vmax=float(dens.max())),
        rasterized=True,
    )
    paths: list[Line2D] = []
    if n_paths:
        sample = getattr(data, "sample", None)
        if not callable(sample):
            raise ValueError("data must have a sample(n, rng) method to draw paths")
        run = diffuse(np.asarray(sample(n_paths, gen)), schedule, rng=gen)
        for i in range(n_paths):
            (line,) = ax.plot(
                run.steps, run.samples[:, i], color="#7FD4FF", lw=0.7, alpha=0.85
            )
            paths.append(line)
    ax.set_xlim(0, schedule.T)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("step $t$")
    ax.set_ylabel("$x_t$")
    return mesh, paths
