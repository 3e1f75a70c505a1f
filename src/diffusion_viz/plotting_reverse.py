r"""Plots of the reverse (generative) process.

Every ``plot_*`` function draws into ``ax`` (default: the current axes) and
returns the artists it made; :func:`animate_reverse` returns the
:class:`~matplotlib.animation.FuncAnimation`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from numpy.typing import ArrayLike, NDArray

from ._validation import _check_int
from .animation import ForwardAnimation
from .data import PiecewiseUniform
from .metrics import band_posterior_paths, gap_mass, nearest_band
from .plotting import _axes, _marginal_pdf
from .reverse import ReverseResult

__all__ = [
    "BAND_COLORS",
    "animate_reverse",
    "plot_bands",
    "plot_commitment",
    "plot_sampler_quality",
    "plot_trajectories",
]

#: One colour per band (left, middle, right), then matplotlib's cycle.
BAND_COLORS: tuple[str, ...] = ("#1f77b4", "#2ca02c", "#d62728", "C3", "C4", "C5")

_DEFAULT_BINS = np.linspace(-12.0, 12.0, 61)


def _check_result(result: object) -> ReverseResult:
    if not isinstance(result, ReverseResult):
        raise ValueError(
            f"result must be a ReverseResult (see sample_reverse), got {result!r}"
        )
    return result


def _check_bands(data: object) -> PiecewiseUniform:
    if not isinstance(data, PiecewiseUniform):
        raise ValueError(
            f"data must be a PiecewiseUniform (a law made of bands), got {data!r}"
        )
    return data


def _pick_paths(n: int, max_paths: int) -> NDArray[np.intp]:
    max_paths = _check_int("max_paths", max_paths, 1)
    if n <= max_paths:
        return np.arange(n, dtype=np.intp)
    return np.linspace(0, n - 1, max_paths).round().astype(np.intp)


def _band_color(k: int) -> str:
    return BAND_COLORS[k % len(BAND_COLORS)]


def plot_bands(
    data: PiecewiseUniform,
    *,
    ax: Axes | None = None,
    orientation: str = "horizontal",
    alpha: float = 0.12,
) -> list[Artist]:
    """Shade the bands of a piecewise-uniform distribution.

    Parameters
    ----------
    data : PiecewiseUniform
        The bands.
    ax : Axes, optional
        Where to draw. Default: the current axes.
    orientation : {"horizontal", "vertical"}, optional
        ``"horizontal"`` shades ``y`` ranges (for plots of x against t),
        ``"vertical"`` shades ``x`` ranges (for histograms).
    alpha : float, optional
        Opacity of the shading.

    Returns
    -------
    list of Artist
        One patch per band, coloured as in ``BAND_COLORS``.

    Raises
    ------
    ValueError
        If ``data`` is not a :class:`~diffusion_viz.PiecewiseUniform` or
        ``orientation`` is unknown.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import three_bands
    >>> from diffusion_viz.plotting_reverse import plot_bands
    >>> fig, ax = plt.subplots()
    >>> len(plot_bands(three_bands(), ax=ax))
    3
    >>> plt.close(fig)
    """
    d = _check_bands(data)
    if orientation not in ("horizontal", "vertical"):
        raise ValueError(
            f"orientation must be 'horizontal' or 'vertical', got {orientation!r}"
        )
    ax = _axes(ax)
    span = ax.axhspan if orientation == "horizontal" else ax.axvspan
    return [
        span(a, b, color=_band_color(k), alpha=alpha, lw=0, zorder=0)
        for k, (a, b) in enumerate(d.intervals)
    ]


def plot_trajectories(
    result: ReverseResult,
    data: PiecewiseUniform,
    *,
    ax: Axes | None = None,
    max_paths: int = 300,
    lw: float = 0.6,
    alpha: float = 0.5,
) -> LineCollection:
    r"""Draw reverse paths, :math:`x_t` against the step, coloured by final band.

    Parameters
    ----------
    result : ReverseResult
        A run of :func:`~diffusion_viz.sample_reverse` that recorded several
        steps.
    data : PiecewiseUniform
        The data distribution; a path takes the colour of the band its
        :math:`x_0` is nearest to.
    ax : Axes, optional
        Where to draw. Default: the current axes.
    max_paths : int, optional
        Draw at most this many paths, evenly chosen. Default 300.
    lw, alpha : float, optional
        Line width and opacity.

    Returns
    -------
    LineCollection
        The paths.

    Raises
    ------
    ValueError
        If ``result`` is not a :class:`~diffusion_viz.ReverseResult`,
        ``data`` is not a :class:`~diffusion_viz.PiecewiseUniform`, or
        ``max_paths`` is not a positive integer.

    See Also
    --------
    plot_commitment : The same paths seen through :math:`P(\text{band} \mid x_t)`.

    Notes
    -----
    The x axis runs from step :math:`T` on the left to 0 on the right, the
    direction of generation. The bands are shaded with :func:`plot_bands`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import get_schedule, sample_reverse, three_bands
    >>> from diffusion_viz.plotting_reverse import plot_trajectories
    >>> run = sample_reverse(three_bands(), get_schedule("linear", 50), 40,
    ...                      method="ode", rng=0)
    >>> fig, ax = plt.subplots()
    >>> len(plot_trajectories(run, three_bands(), ax=ax).get_segments())
    40
    >>> plt.close(fig)
    """
    res = _check_result(result)
    d = _check_bands(data)
    idx = _pick_paths(res.samples.shape[1], max_paths)
    ax = _axes(ax)
    band = nearest_band(res.samples[-1, idx], d)
    steps = res.steps.astype(np.float64)
    segs = [np.column_stack((steps, res.samples[:, i])) for i in idx]
    lc = LineCollection(
        segs, colors=[_band_color(int(k)) for k in band], linewidths=lw, alpha=alpha
    )
    ax.add_collection(lc)
    plot_bands(d, ax=ax)
    ax.set_xlim(float(res.steps[0]), float(res.steps[-1]))
    lo = float(min(res.samples[:, idx].min(), d.intervals.min()))
    hi = float(max(res.samples[:, idx].max(), d.intervals.max()))
    pad = 0.05 * (hi - lo)
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlabel(r"step $t$ (generation runs right, from $T$ to 0)")
    ax.set_ylabel(r"$x_t$")
    return lc


def plot_commitment(
    result: ReverseResult,
    data: PiecewiseUniform,
    *,
    ax: Axes | None = None,
    max_paths: int = 200,
    lw: float = 0.6,
    alpha: float = 0.35,
    threshold: float | None = 0.9,
) -> tuple[LineCollection, list[Line2D]]:
    r"""Draw :math:`P(\text{final band} \mid x_t)` along reverse paths.

    Parameters
    ----------
    result : ReverseResult
        A run of :func:`~diffusion_viz.sample_reverse` that recorded several
        steps.
    data : PiecewiseUniform
        The data distribution, whose bands are the mixture components.
    ax : Axes, optional
        Where to draw. Default: the current axes.
    max_paths : int, optional
        Draw at most this many paths, evenly chosen. Default 200.
    lw, alpha : float, optional
        Line width and opacity of the paths.
    threshold : float or None, optional
        Draw this probability level as a dotted line. Default 0.9.

    Returns
    -------
    paths : LineCollection
        One curve per path, coloured by its final band.
    medians : list of Line2D
        The median curve over *all* paths ending in each band, thick.

    Raises
    ------
    ValueError
        If ``result`` is not a :class:`~diffusion_viz.ReverseResult`,
        ``data`` is not a :class:`~diffusion_viz.PiecewiseUniform`, or
        ``max_paths`` is not a positive integer.

    See Also
    --------
    diffusion_viz.band_posterior_paths : The curves.
    diffusion_viz.commitment_steps : When each path crosses the threshold for good.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import get_schedule, sample_reverse, three_bands
    >>> from diffusion_viz.plotting_reverse import plot_commitment
    >>> run = sample_reverse(three_bands(), get_schedule("linear", 50), 60,
    ...                      method="ddpm", rng=0)
    >>> fig, ax = plt.subplots()
    >>> paths, medians = plot_commitment(run, three_bands(), ax=ax)
    >>> len(paths.get_segments()), len(medians)
    (60, 3)
    >>> plt.close(fig)
    """
    res = _check_result(result)
    d = _check_bands(data)
    idx = _pick_paths(res.samples.shape[1], max_paths)
    ax = _axes(ax)
    post = band_posterior_paths(res, d)
    band = nearest_band(res.samples[-1], d)
    steps = res.steps.astype(np.float64)
    segs = [np.column_stack((steps, post[:, i])) for i in idx]
    lc = LineCollection(
        segs,
        colors=[_band_color(int(band[i])) for i in idx],
        linewidths=lw,
        alpha=alpha,
    )
    ax.add_collection(lc)
    medians = []
    for k in range(d.weights.size):
        mine = band == k
        if not mine.any():
            continue
        (line,) = ax.plot(
            steps,
            np.median(post[:, mine], axis=1),
            color=_band_color(k),
            lw=2.5,
            label=f"median, band {k + 1}",
        )
        medians.append(line)
    if threshold is not None:
        ax.axhline(threshold, color="0.3", ls=":", lw=1)
    ax.set_xlim(float(res.steps[0]), float(res.steps[-1]))
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(r"step $t$ (generation runs right, from $T$ to 0)")
    ax.set_ylabel(r"$P(\mathrm{final\ band} \mid x_t)$")
    return lc, medians


def plot_sampler_quality(
    steps: ArrayLike,
    w1: Mapping[str, ArrayLike],
    *,
    floor: float | None = None,
    ax: Axes | None = None,
    markers: Sequence[str] = ("o", "s", "^", "D", "v"),
) -> list[Line2D]:
    """Draw W1 against the number of steps for several samplers, log-log.

    Parameters
    ----------
    steps : array_like of int, shape (k,)
        Numbers of reverse steps, positive.
    w1 : mapping of str to array_like, each shape (k,)
        Label -> exact W1 (see :func:`~diffusion_viz.wasserstein1`) at each
        number of steps; positive.
    floor : float, optional
        The W1 an exact sampler would reach at this sample size
        (:func:`~diffusion_viz.expected_w1_iid`), drawn as a dashed line.
    ax : Axes, optional
        Where to draw. Default: the current axes.
    markers : sequence of str, optional
        Marker per curve, cycled.

    Returns
    -------
    list of Line2D
        One line per sampler, then the floor if given.

    Raises
    ------
    ValueError
        If ``steps`` or a W1 array is not positive and finite, or the shapes
        differ.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz.plotting_reverse import plot_sampler_quality
    >>> fig, ax = plt.subplots()
    >>> lines = plot_sampler_quality([10, 100], {"ddim": [0.7, 0.1]}, floor=0.05, ax=ax)
    >>> len(lines), ax.get_xscale(), ax.get_yscale()
    (2, 'log', 'log')
    >>> plt.close(fig)
    """
    k = np.asarray(steps, dtype=np.float64)
    if k.ndim != 1 or k.size == 0 or not np.all(np.isfinite(k) & (k > 0)):
        raise ValueError(
            f"steps must be a non-empty 1-D array of positive numbers, got {steps!r}"
        )
    ax = _axes(ax)
    lines = []
    for j, (label, vals) in enumerate(w1.items()):
        v = np.asarray(vals, dtype=np.float64)
        if v.shape != k.shape or not np.all(np.isfinite(v) & (v > 0)):
            raise ValueError(
                f"w1[{label!r}] must hold {k.size} positive finite values, one per "
                f"number of steps, got {vals!r}"
            )
        (line,) = ax.plot(k, v, marker=markers[j % len(markers)], label=label)
        lines.append(line)
    if floor is not None:
        fl = float(floor)
        if not (np.isfinite(fl) and fl > 0):
            raise ValueError(f"floor must be a positive finite number, got {floor!r}")
        lines.append(
            ax.axhline(
                fl, color="0.3", ls="--", lw=1.2, label="exact sampler (iid floor)"
            )
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of reverse steps")
    ax.set_ylabel(r"$W_1$(generated, exact data)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return lines


def animate_reverse(
    result: ReverseResult,
    data: PiecewiseUniform,
    *,
    bins: ArrayLike | None = None,
    ylim: tuple[float, float] = (0.0, 0.45),
    interval: float = 80,
    ax: Axes | None = None,
    color: Any = "orange",
) -> FuncAnimation:
    r"""Animate a reverse run: the histogram of :math:`x_t` over the exact :math:`q_t`.

    Parameters
    ----------
    result : ReverseResult
        A run of :func:`~diffusion_viz.sample_reverse`; one frame per
        recorded step, from the first to step 0.
    data : PiecewiseUniform
        The data distribution; its exact diffused density :math:`q_t` is
        drawn at every frame (:math:`\mathcal N(0, 1)` at
        :math:`\bar\alpha = 0`).
    bins : array_like, optional
        Histogram edges. Default ``np.linspace(-12, 12, 61)``: bins of width
        0.4 whose edges fall on the band edges of
        :func:`~diffusion_viz.three_bands`, so that no bin straddles a band
        edge and fakes a dip there (the seed page's 60 edges do).
    ylim : tuple of float, optional
        y limits. Default (0, 0.45), the seed page's.
    interval : float, optional
        Milliseconds between frames.
    ax : Axes, optional
        Where to draw. Default: a new figure of size 8 x 5.
    color : color, optional
        Histogram colour.

    Returns
    -------
    FuncAnimation
        A :class:`~diffusion_viz.ForwardAnimation` (a ``FuncAnimation`` whose
        ``to_jshtml`` embeds a light, pre-rendered player), drawn in
        ``ax.figure`` (a new figure when ``ax`` is None). Display it with
        ``anim.to_jshtml()`` or let Sphinx-Gallery scrape it.

    Raises
    ------
    ValueError
        If ``result`` is not a :class:`~diffusion_viz.ReverseResult`,
        ``data`` is not a :class:`~diffusion_viz.PiecewiseUniform`, or
        ``bins`` is not strictly increasing.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from diffusion_viz import get_schedule, sample_reverse, three_bands
    >>> from diffusion_viz.plotting_reverse import animate_reverse
    >>> run = sample_reverse(three_bands(), get_schedule("linear", 50), 500,
    ...                      method="ddpm", steps=5, rng=0)
    >>> fig, ax = plt.subplots()
    >>> anim = animate_reverse(run, three_bands(), ax=ax)
    >>> len(anim.to_jshtml()) > 1000
    True
    >>> plt.close(fig)
    """
    res = _check_result(result)
    d = _check_bands(data)
    edges = _DEFAULT_BINS if bins is None else np.asarray(bins, dtype=np.float64)
    if edges.ndim != 1 or edges.size < 2 or not np.all(np.diff(edges) > 0):
        raise ValueError(f"bins must be strictly increasing edges, got {bins!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5))
    else:
        ax = _axes(ax)
    parent = ax.figure
    fig = parent if isinstance(parent, Figure) else parent.figure
    grid = np.linspace(edges[0], edges[-1], 600)
    abars = res.alpha_bars
    n = res.samples.shape[1]

    def heights(i: int) -> NDArray[np.float64]:
        counts, _ = np.histogram(res.samples[i], bins=edges)
        return np.asarray(counts / (n * np.diff(edges)), dtype=np.float64)

    plot_bands(d, ax=ax, orientation="vertical", alpha=0.08)
    hist = ax.stairs(
        heights(0), edges, fill=True, color=color, alpha=0.6, label="generated $x_t$"
    )
    (line,) = ax.plot(
        grid,
        _marginal_pdf(d, float(abars[0]), grid),
        "k-",
        lw=1.6,
        label=r"exact $q_t$",
    )
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(*ylim)
    ax.set_xlabel("Value")
    ax.set_ylabel("Density")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right")
    title = ax.set_title("")
    method = res.method.upper() if res.method != "ode" else "probability-flow ODE"

    def update(i: int) -> list[Artist]:
        hist.set_data(heights(i), edges)
        line.set_ydata(_marginal_pdf(d, float(abars[i]), grid))
        g = gap_mass(res.samples[i], d) if res.steps[i] == 0 else None
        extra = f"  |  mass in gaps {g:.2%}" if g is not None else ""
        title.set_text(
            f"{method}: step {res.steps[i]}/{res.schedule.T}, "
            rf"$\bar\alpha_t$ = {abars[i]:.3g}{extra}"
        )
        return [hist, line, title]

    update(0)
    # The package's light player: static layer drawn once, frames as overlays.
    return ForwardAnimation(fig, update, res.steps.size, interval=interval)
