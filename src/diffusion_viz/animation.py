r"""The forward-process animation, and a fast, light way to embed it in a page.

:func:`animate_forward` returns a :class:`ForwardAnimation`, a
:class:`matplotlib.animation.FuncAnimation` whose
:meth:`~ForwardAnimation.to_jshtml` renders the frame-by-frame HTML player
much faster and much lighter than the generic path (see its Notes).
"""

from __future__ import annotations

import base64
import io
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation, HTMLWriter, PillowWriter
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import StepPatch
from matplotlib.text import Text
from matplotlib.transforms import offset_copy
from numpy.typing import ArrayLike, NDArray
from PIL import Image
from scipy import stats

from .data import Diffusable
from .diagnostics import _ks_stat_standardized
from .forward import ForwardResult
from .plotting import (
    EQUATION,
    SEED_XLIM,
    _check_edges,
    plot_density,
    plot_histogram,
    standard_normal,
)

__all__ = ["ForwardAnimation", "animate_forward"]

#: Matches the stylesheet link matplotlib's player puts in its HTML. It points
#: at a CDN; pages that embed the player serve Font Awesome themselves.
_REMOTE_FONT_AWESOME = re.compile(r"<link[^>]*font-awesome[^>]*>\s*", re.IGNORECASE)
_PLAYER_IMG = re.compile(r'<img id="(_anim_img[0-9a-f]+)">')


class _PrerenderedHTMLWriter(HTMLWriter):
    """An :class:`~matplotlib.animation.HTMLWriter` fed with encoded frames.

    matplotlib's writer renders each frame with ``savefig``; this one takes
    the frames :class:`ForwardAnimation` already encoded and only builds the
    player around them, so the player (and its controls) is matplotlib's own.
    """

    supported_formats = ["png", "webp"]  # noqa: RUF012
    _saved_frames: list[str]

    def __init__(self, frames: Iterator[bytes], fmt: str, **kwargs: Any) -> None:
        super().__init__(embed_frames=True, **kwargs)
        self._frames = frames
        self.frame_format = fmt

    def grab_frame(self, **savefig_kwargs: Any) -> None:  # noqa: ARG002
        """Append the next pre-encoded frame instead of rendering one."""
        self._saved_frames.append(base64.b64encode(next(self._frames)).decode())


class ForwardAnimation(FuncAnimation):
    r"""A :class:`~matplotlib.animation.FuncAnimation` with a fast, light player.

    Build it with :func:`animate_forward`. It is a regular ``FuncAnimation``
    (``save``, ``to_html5_video`` and interactive display work as usual);
    only :meth:`to_jshtml` takes a faster path.

    Parameters
    ----------
    fig : Figure
        The figure to animate.
    update : callable
        ``update(frame) -> sequence of Artist``: changes the frame's artists
        and returns them, as for ``FuncAnimation``.
    frames : int
        The number of frames.
    interval : float
        Delay between frames in milliseconds.
    hidpi : float
        Pixel density of the embedded frames relative to the figure's dpi.
    """

    def __init__(
        self,
        fig: Figure,
        update: Callable[[int], Sequence[Artist]],
        frames: int,
        *,
        interval: float = 50,
        hidpi: float = 1.2,
    ) -> None:
        self._update_func = update
        self._figure: Any = fig
        self._interval_ms = float(interval)
        self._player_html: str | None = None
        self._n_frames = frames
        self._hidpi = hidpi
        super().__init__(
            fig, update, frames=frames, interval=interval, blit=True, repeat=True
        )

    def to_jshtml(
        self,
        fps: float | None = None,
        embed_frames: bool = True,
        default_mode: str | None = None,
    ) -> str:
        r"""Return the animation as an HTML player with embedded frames.

        Parameters
        ----------
        fps : float, optional
            Frames per second. Default: ``1000 / interval``.
        embed_frames : bool, optional
            Must be True for the fast path; ``False`` falls back to
            :meth:`matplotlib.animation.Animation.to_jshtml`.
        default_mode : {'loop', 'once', 'reflect'}, optional
            What the player does at the last frame. Default ``'loop'``.

        Returns
        -------
        str
            HTML for matplotlib's frame-by-frame player, with no link to any
            other host. The result is cached, as matplotlib does.

        Notes
        -----
        The frame is split into what never changes (axes, ticks, labels, the
        equation, the reference curve) and what the update function returns.
        The static part is drawn once and embedded once, as the CSS background
        of the player's image. Each frame then draws only the changed artists
        onto a transparent canvas (blitting) and stores them as a palette PNG.
        Compositing a frame over the background in the browser gives the same
        picture as drawing everything together, because the "over" operator
        is associative. Frames are rendered at ``hidpi`` times the figure's
        dpi and displayed at its size, so they stay sharp when zoomed.
        """
        if not embed_frames:
            return str(super().to_jshtml(cast(Any, fps), embed_frames, default_mode))
        if self._player_html is not None:
            return self._player_html
        fps = 1000.0 / self._interval_ms if fps is None else fps
        mode = default_mode or "loop"
        frames: list[bytes] = []
        rgba = self._render_layers(
            self._figure.dpi * self._hidpi,
            lambda layer: frames.append(_encode_png(layer)),
        )
        background = _encode_png(rgba, palette=False)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "player.html")
            writer = _PrerenderedHTMLWriter(
                iter(frames), "png", fps=fps, default_mode=mode, embed_limit=64
            )
            writer.setup(self._figure, path, dpi=self._figure.dpi)
            for _ in frames:
                writer.grab_frame()
            writer.finish()
            html = path.read_text(encoding="utf-8")
        html = _REMOTE_FONT_AWESOME.sub("", html)
        width, _ = self._figure.canvas.get_width_height()
        bg64 = base64.b64encode(background).decode()
        style = (
            f"background-image:url('data:image/png;base64,{bg64}');"
            f"background-size:100% 100%;width:{width}px;max-width:100%;height:auto"
        )
        html = _PLAYER_IMG.sub(rf'<img id="\1" style="{style}" alt="">', html, count=1)
        self._player_html = html
        self._draw_was_started = True
        return html

    def _render_layers(
        self, dpi: float, sink: Callable[[NDArray[np.uint8]], None]
    ) -> NDArray[np.uint8]:
        """Draw the static layer once, then each frame's changed artists alone.

        ``sink`` receives every frame's RGBA overlay (transparent where
        nothing changed; the buffer is reused, so use it at once). Returns a
        copy of the opaque static background. The figure's canvas, dpi and
        artists are restored afterwards.
        """
        fig = self._figure
        original_canvas = fig.canvas
        original_dpi = fig.dpi
        canvas: Any = FigureCanvasAgg(fig)
        fig.set_dpi(dpi)
        changing = list(self._update_func(0))
        try:
            for artist in changing:
                artist.set_animated(True)
            canvas.draw()
            background = np.array(canvas.buffer_rgba(), dtype=np.uint8)
            renderer = canvas.get_renderer()
            renderer.clear()
            blank = canvas.copy_from_bbox(fig.bbox)
            for frame in range(self._n_frames):
                canvas.restore_region(blank)
                for artist in self._update_func(frame):
                    artist.draw(renderer)
                sink(np.asarray(canvas.buffer_rgba()))
        finally:
            for artist in changing:
                artist.set_animated(False)
            fig.set_dpi(original_dpi)
            fig.set_canvas(original_canvas)
        self._update_func(0)
        return background

    def save(
        self,
        filename: Any,
        writer: Any = None,
        fps: float | None = None,
        dpi: float | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Save the animation; GIFs take a fast path, other formats matplotlib's.

        Parameters
        ----------
        filename : str or path-like
            Output file. A ``.gif`` written with the default or the Pillow
            writer is rendered like :meth:`to_jshtml`, by partial redraw,
            and encoded with Pillow.
        writer, fps, dpi, *args, **kwargs
            As for :meth:`matplotlib.animation.Animation.save`.
        """
        is_gif = str(filename).lower().endswith(".gif")
        pillow = (
            writer is None or writer == "pillow" or isinstance(writer, PillowWriter)
        )
        if is_gif and pillow and not args and not kwargs:
            self._save_gif(filename, fps, self._figure.dpi if dpi is None else dpi)
            return
        super().save(filename, writer, cast(Any, fps), dpi, *args, **kwargs)

    def _save_gif(self, filename: Any, fps: float | None, dpi: float) -> None:
        frames: list[Image.Image] = []
        base: list[Image.Image] = []

        def sink(rgba: NDArray[np.uint8]) -> None:
            frame = Image.alpha_composite(base[0], Image.fromarray(rgba, "RGBA"))
            rgb = frame.convert("RGB")
            if not frames:
                base.append(rgb.quantize(colors=64, method=Image.Quantize.MEDIANCUT))
            frames.append(rgb.quantize(palette=base[1], dither=Image.Dither.NONE))

        fig = self._figure
        original_canvas, original_dpi = fig.canvas, fig.dpi
        canvas: Any = FigureCanvasAgg(fig)
        fig.set_dpi(dpi)
        changing = list(self._update_func(0))
        for artist in changing:
            artist.set_animated(True)
        canvas.draw()
        base.append(Image.fromarray(np.array(canvas.buffer_rgba(), dtype=np.uint8)))
        for artist in changing:
            artist.set_animated(False)
        fig.set_dpi(original_dpi)
        fig.set_canvas(original_canvas)
        self._render_layers(dpi, sink)
        duration = self._interval_ms if fps is None else 1000.0 / fps
        frames[0].save(
            filename,
            save_all=True,
            append_images=frames[1:],
            duration=duration,
            loop=0,
            optimize=False,
        )
        self._draw_was_started = True


_FIGURE_SPACE = "\u2007"  # as wide as a digit, so numbers do not jitter


class _Subtitle:
    """A one-line subtitle whose labels are static and whose values change.

    Only the short value texts are returned by the update function, so each
    frame renders a dozen glyphs instead of the whole line, and the labels go
    into the animation's static background.
    """

    def __init__(
        self,
        ax: Axes,
        labels: Sequence[str],
        widest: Sequence[str],
        *,
        y: float = 1.02,
        fontsize: float = 10,
        gap: float = 6.0,
    ) -> None:
        fig: Any = ax.figure
        renderer = fig.canvas.get_renderer()
        pieces = [t for pair in zip(labels, widest, strict=True) for t in pair]
        probes = [ax.text(0, 0, t, fontsize=fontsize) for t in pieces]
        widths = [p.get_window_extent(renderer).width * 72 / fig.dpi for p in probes]
        for probe in probes:
            probe.remove()
        total = sum(widths) + gap * (len(pieces) - 1)
        x = -total / 2
        self.values: list[Text] = []
        for k, (piece, w) in enumerate(zip(pieces, widths, strict=True)):
            where = offset_copy(ax.transAxes, fig=fig, x=x, y=0, units="points")
            text = ax.text(
                0.5,
                y,
                piece if k % 2 == 0 else "",
                transform=where,
                ha="left",
                va="bottom",
                fontsize=fontsize,
            )
            if k % 2 == 1:
                self.values.append(text)
            x += w + gap

    def set(self, *values: str) -> None:
        """Show ``values``, one per label."""
        for text, value in zip(self.values, values, strict=True):
            text.set_text(value)


def _encode_png(rgba: NDArray[np.uint8], *, palette: bool = True) -> bytes:
    """Encode an RGBA buffer as PNG; a 4-bit palette image when ``palette``.

    Overlay frames are quantised band by band: the visible rows are split at
    their widest transparent gap (the subtitle's values above the axes, the
    plot inside them), and each band's bounding box gets colours of its own,
    5 for the smaller band and 11 for the larger. Thin text then keeps its
    black and its anti-aliasing next to the plot's large coloured areas.
    Everything outside the boxes is the transparent entry.
    """
    buf = io.BytesIO()
    if not palette:
        Image.fromarray(np.ascontiguousarray(rgba), "RGBA").save(
            buf, format="PNG", compress_level=6
        )
        return buf.getvalue()
    image = _quantise_bands(rgba)
    image.save(buf, format="PNG", compress_level=6, bits=4)
    return buf.getvalue()


def _quantise_bands(rgba: NDArray[np.uint8]) -> Image.Image:
    """Return ``rgba`` as a palette image of at most 16 colours (see above)."""
    height, width = rgba.shape[:2]
    visible = rgba[..., 3] > 0
    rows = np.flatnonzero(visible.any(axis=1))
    if rows.size == 0:
        image = Image.new("P", (width, height), color=0)
        image.putpalette([0, 0, 0, 0], rawmode="RGBA")
        return image
    gaps = np.diff(rows)
    bands = [(int(rows[0]), int(rows[-1]))]
    if gaps.size and gaps.max() > 2:
        cut = int(np.argmax(gaps))
        bands = [(int(rows[0]), int(rows[cut])), (int(rows[cut + 1]), int(rows[-1]))]
    boxes = []
    for top, bottom in bands:
        cols = np.flatnonzero(visible[top : bottom + 1].any(axis=0))
        # One pixel of margin, transparent unless it is the frame's edge.
        boxes.append(
            (
                max(top - 1, 0),
                min(bottom + 2, height),
                max(int(cols[0]) - 1, 0),
                min(int(cols[-1]) + 2, width),
            )
        )
    areas = [(r1 - r0) * (c1 - c0) for r0, r1, c0, c1 in boxes]
    counts = [16] if len(boxes) == 1 else [5, 11] if areas[0] < areas[1] else [11, 5]
    unset = 255
    index = np.full((height, width), unset, dtype=np.uint8)
    colours: list[int] = []
    clear: int | None = None
    offset = 0
    for (r0, r1, c0, c1), count in zip(boxes, counts, strict=True):
        crop = np.ascontiguousarray(rgba[r0:r1, c0:c1])
        quantized = Image.fromarray(crop, "RGBA").quantize(
            colors=count, method=Image.Quantize.FASTOCTREE
        )
        codes = np.asarray(quantized, dtype=np.uint8)
        if clear is None:
            edge = np.concatenate([crop[0, :, 3], crop[-1, :, 3]]) == 0
            if edge.any():
                k = int(np.argmax(edge))
                row, col = (0, k) if k < crop.shape[1] else (-1, k - crop.shape[1])
                clear = int(codes[row, col]) + offset
        index[r0:r1, c0:c1] = codes + offset
        entries = (quantized.getpalette(rawmode="RGBA") or [])[: 4 * count]
        colours.extend(entries + [0] * (4 * count - len(entries)))
        offset += count
    if clear is None:  # visible pixels on every edge: quantise it all
        return Image.fromarray(np.ascontiguousarray(rgba), "RGBA").quantize(
            colors=16, method=Image.Quantize.FASTOCTREE
        )
    index[index == unset] = clear
    image = Image.fromarray(index, "P")
    image.putpalette(colours, rawmode="RGBA")
    return image


def _ks_pvalues(
    samples: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the KS p-values of every row: fitted normal, and fixed N(0, 1).

    The same numbers as :func:`~diffusion_viz.ks_estimated` and
    :func:`~diffusion_viz.ks_prior` (``scipy.stats.kstest`` with its default
    method), with one sort for all rows and vectorised distributions.
    """
    n = samples.shape[1]
    ordered = np.sort(samples, axis=1)
    mean = ordered.mean(axis=1, keepdims=True)
    std = ordered.std(axis=1, keepdims=True)
    d_fit = _ks_stat_standardized((ordered - mean) / std)
    d_prior = _ks_stat_standardized(ordered)
    root = np.sqrt(n)
    # scipy's default method ("auto") is the exact finite-n distribution. It
    # costs milliseconds per value, so it is skipped where the p-value is
    # below 1e-6 anyway (the asymptotic value is used; both print as 0.000).
    tiny = float(stats.kstwo.isf(1e-6, n))

    def pvalue(d: NDArray[np.float64]) -> NDArray[np.float64]:
        p = stats.kstwobign.sf(d * root)
        exact = d < tiny
        if exact.any():
            p[exact] = stats.kstwo.sf(d[exact], n)
        return np.asarray(np.clip(p, 0.0, 1.0), dtype=np.float64)

    return pvalue(d_fit), pvalue(d_prior)


def animate_forward(
    result: ForwardResult,
    data: Diffusable | None = None,
    *,
    bins: ArrayLike | None = None,
    xlim: tuple[float, float] = SEED_XLIM,
    ylim: tuple[float, float] = (0.0, 0.45),
    interval: float = 50,
    figsize: tuple[float, float] = (8.0, 5.0),
    dpi: float = 100,
    ks_pvalues: tuple[ArrayLike, ArrayLike] | None = None,
    ax: Axes | None = None,
) -> ForwardAnimation:
    r"""Animate the histogram of a forward run, one frame per recorded step.

    Each frame shows the histogram of the particles at that step, the exact
    density of :math:`q_t` over it (when ``data`` is given), the standard
    normal the chain converges to, the update equation above the axes and a
    subtitle with the step and two KS p-values: the seed page's (normal with
    the sample's own mean and std) and the one against the fixed
    :math:`\mathcal N(0, 1)`.

    Parameters
    ----------
    result : ForwardResult
        A run from :func:`~diffusion_viz.diffuse`.
    data : ToyDistribution, optional
        The distribution the run's ``x_0`` was drawn from. When given, its
        exact diffused density is drawn at every frame.
    bins : array_like, optional
        Histogram edges. Default: the seed's ``np.linspace(-12, 12, 60)``.
    xlim, ylim : tuple of float, optional
        Axis limits. Default: the seed's (-12, 12) and (0, 0.45).
    interval : float, optional
        Milliseconds between frames. Default 50, as in the seed.
    figsize : tuple of float, optional
        Figure size in inches when ``ax`` is None. Default (8, 5).
    dpi : float, optional
        Figure dpi when ``ax`` is None.
    ks_pvalues : tuple of array_like, optional
        ``(seed_pvalues, prior_pvalues)``, one per recorded step, for example
        ``trace.ks_estimated.pvalue`` and ``trace.ks_prior.pvalue`` from
        :func:`~diffusion_viz.normality_trace`. Default: computed here with
        :func:`~diffusion_viz.ks_estimated` and :func:`~diffusion_viz.ks_prior`.
    ax : Axes, optional
        Axes to draw in; its figure is animated. Default: a new figure.

    Returns
    -------
    ForwardAnimation
        The animation. Its update function returns the artists it changed:
        the histogram, the part of the standard normal drawn over it, the
        exact density line (with ``data``) and the subtitle's two values.

    Raises
    ------
    ValueError
        If ``result`` is not a :class:`~diffusion_viz.ForwardResult`, ``bins``
        is not an increasing array of at least two edges, ``interval`` or
        ``dpi`` is not positive, or ``ks_pvalues`` does not hold one value per
        recorded step.

    See Also
    --------
    ForwardAnimation.to_jshtml : The fast HTML player.
    plot_histogram, plot_density : The artists drawn in each frame.

    Notes
    -----
    The update equation shown is Eq. 2 of Ho et al. (2020),

    .. math::

        x_t = \sqrt{1-\beta_t}\,x_{t-1} + \sqrt{\beta_t}\,\epsilon,
        \qquad \epsilon \sim \mathcal N(0, I),

    and the density drawn is the exact marginal
    :math:`q_t(x) = \int q(x \mid x_0)\, p(x_0)\, dx_0` with
    :math:`q(x_t \mid x_0) = \mathcal N(\sqrt{\bar\alpha_t} x_0, 1-\bar\alpha_t)`.
    Histograms, densities and p-values are computed once for all frames,
    so rendering a frame only redraws the few artists the update function
    returns.

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from diffusion_viz import animate_forward, diffuse, get_schedule, three_bands
    >>> data = three_bands()
    >>> run = diffuse(data.sample(2000, rng=0), get_schedule("linear", 20), rng=1,
    ...               record=[0, 10, 20])
    >>> ani = animate_forward(run, data, dpi=40)
    >>> html = ani.to_jshtml()
    >>> html.count("data:image/png;base64")  # three frames and the background
    4
    >>> "font-awesome" in html
    False
    """
    if not isinstance(result, ForwardResult):
        raise ValueError(
            f"result must be a ForwardResult from diffuse(), got {type(result).__name__}"
        )
    edges = _check_edges(bins)
    for name, value in (("interval", interval), ("dpi", dpi)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    steps = result.steps
    n_frames = steps.size
    if ks_pvalues is None:
        p_seed, p_prior = _ks_pvalues(np.asarray(result.samples, dtype=np.float64))
    else:
        p_seed, p_prior = (np.asarray(p, dtype=np.float64) for p in ks_pvalues)
        if p_seed.shape != (n_frames,) or p_prior.shape != (n_frames,):
            raise ValueError(
                f"ks_pvalues must hold two arrays of {n_frames} p-values (one per "
                f"recorded step), got shapes {p_seed.shape} and {p_prior.shape}"
            )
    densities = np.stack(
        [np.histogram(x, bins=edges, density=True)[0] for x in result.samples]
    )
    grid = np.linspace(xlim[0], xlim[1], 500)
    exact = None
    if data is not None:
        exact = np.stack(
            [data.diffused(float(ab)).pdf(grid) for ab in result.alpha_bars]
        )

    if ax is None:
        fig: Any
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    else:
        fig = ax.figure
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("Value")
    ax.set_ylabel("Density")
    ax.grid(True)
    hist = cast(
        StepPatch,
        plot_histogram(
            result.samples[0],
            bins=edges,
            ax=ax,
            color="orange",
            alpha=0.6,
            label="Histogram of $x_t$",
        ),
    )
    gaussian = plot_density(
        standard_normal(),
        grid,
        ax=ax,
        color="r",
        linestyle="--",
        lw=2,
        label="Standard Gaussian",
    )
    # Axis-aligned steps need no anti-aliasing; without it they stay sharp
    # and the frames compress better.
    hist.set_antialiased(False)
    # The reference curve lies under the histogram in the static layer; redraw
    # it on top, clipped to the histogram, so it shows through as in the seed
    # page's figure (only the few pixels inside the bars change per frame).
    (gaussian_on_top,) = ax.plot(
        gaussian.get_xdata(), gaussian.get_ydata(), color="r", linestyle="--", lw=2
    )
    gaussian_on_top.set_clip_path(hist)
    artists: list[Artist] = [hist, gaussian_on_top]
    exact_line = None
    if exact is not None:
        (exact_line,) = ax.plot(
            grid, exact[0], color="#2B5C8A", lw=1.6, label="Exact $q_t$ density"
        )
        artists.append(exact_line)
    ax.legend(
        handles=[a for a in (hist, gaussian, exact_line) if a is not None],
        loc="upper right",
    )
    ax.text(
        0.02,
        0.97,
        "KS p-value: close to 1 → Gaussian; close to 0 → not Gaussian",
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=8.5,
        color="0.35",
    )
    ax.text(
        0.5,
        1.10,
        EQUATION,
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=12,
    )
    T = result.schedule.T
    width = len(str(T))
    subtitle = _Subtitle(
        ax,
        ["Step", "|  KS p-value, fitted normal / vs N(0,1) ="],
        [f"{T}/{T}", "0.000 / 0.000"],
    )
    artists.extend(subtitle.values)
    fig.subplots_adjust(top=0.84, bottom=0.11, left=0.09, right=0.97)

    def update(frame: int) -> list[Artist]:
        """Show recorded step ``frame``; return the artists that changed."""
        hist.set_data(densities[frame])
        if exact_line is not None and exact is not None:
            exact_line.set_ydata(exact[frame])
        subtitle.set(
            f"{steps[frame]:>{width}}/{T}".replace(" ", _FIGURE_SPACE),
            f"{p_seed[frame]:.3f} / {p_prior[frame]:.3f}",
        )
        return artists

    update(0)
    return ForwardAnimation(fig, update, n_frames, interval=interval)
