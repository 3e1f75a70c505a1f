"""The seed page's approach, kept as the reference the benchmarks compare with.

This is the textbook page's own method (a list with one array per step, a
FuncAnimation over 59 bar patches, and ``to_jshtml``), written as functions
so the benchmark can time it next to the package in the same run.
"""

from __future__ import annotations

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from scipy.stats import kstest


def seed_simulation(n_samples=10_000, T=200, beta_start=1e-4, beta_end=0.1, seed=42):
    """Return the seed's list of per-step arrays and its KS p-values."""
    rs = np.random.RandomState(seed)
    n1 = n_samples // 3
    n2 = n_samples // 3
    n3 = n_samples - n1 - n2
    initial_data = np.concatenate(
        [
            rs.uniform(-10, -6, size=n1),
            rs.uniform(-2, 2, size=n2),
            rs.uniform(6, 10, size=n3),
        ]
    )
    beta = np.linspace(beta_start, beta_end, T)
    alpha = 1.0 - beta
    diffusion_steps = [initial_data.copy()]
    for t in range(T):
        noise = rs.randn(n_samples)
        diffusion_steps.append(
            np.sqrt(alpha[t]) * diffusion_steps[-1] + np.sqrt(beta[t]) * noise
        )
    normality_p = []
    for data in diffusion_steps:
        _, pvalue = kstest(data, "norm", args=(data.mean(), data.std()))
        normality_p.append(pvalue)
    return diffusion_steps, normality_p


def seed_animation_html(diffusion_steps, normality_p):
    """Build the seed's FuncAnimation and return its ``to_jshtml()`` string."""
    T = len(diffusion_steps) - 1
    bins = np.linspace(-12, 12, 60)
    bin_centers = 0.5 * (bins[:-1] + bins[1:])
    x_grid = np.linspace(-12, 12, 500)
    gauss_pdf = np.exp(-0.5 * x_grid**2) / np.sqrt(2 * np.pi)
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.set_xlim(-12, 12)
    ax.set_ylim(0, 0.45)
    ax.set_xlabel("Value")
    ax.set_ylabel("Density")
    ax.grid(True)
    hist_vals, _ = np.histogram(diffusion_steps[0], bins=bins, density=True)
    bars = ax.bar(
        bin_centers, hist_vals, width=bins[1] - bins[0], alpha=0.6, color="orange"
    )
    ax.plot(x_grid, gauss_pdf, "r--", lw=2, label="Standard Gaussian")
    ax.legend(loc="upper right")
    ax.text(
        0.5,
        1.08,
        r"$x_t = \sqrt{1-\beta_t}\,x_{t-1} + \sqrt{\beta_t}\,\epsilon,\quad \epsilon\sim\mathcal{N}(0,I)$",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=12,
    )
    subtitle = ax.text(
        0.5, 1.02, "", transform=ax.transAxes, ha="center", va="bottom", fontsize=10
    )

    def update(frame):
        hv, _ = np.histogram(diffusion_steps[frame], bins=bins, density=True)
        for bar, h in zip(bars, hv, strict=True):
            bar.set_height(h)
        subtitle.set_text(
            f"Step {frame}/{T}  |  KS p-value = {normality_p[frame]:.3f}; "
            "close to 1 → Gaussian; close to 0 → Not Gaussian"
        )
        return (*bars, subtitle)

    ani = FuncAnimation(
        fig, update, frames=len(diffusion_steps), interval=50, blit=True
    )
    html = ani.to_jshtml()
    plt.close(fig)
    return html


def seed_memory_bytes(n, T):
    """Bytes the seed's list of per-step arrays needs: n x (T + 1) float64."""
    return n * (T + 1) * 8
