from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation
from matplotlib.colors import to_rgba

from diffusion_viz import get_schedule, sample_reverse, three_bands
from diffusion_viz.plotting_reverse import (
    BAND_COLORS,
    animate_reverse,
    plot_bands,
    plot_commitment,
    plot_sampler_quality,
    plot_trajectories,
)

SCHED = get_schedule("linear", 60)


@pytest.fixture(scope="module")
def run():
    return sample_reverse(three_bands(), SCHED, 120, method="ddpm", steps=12, rng=0)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_trajectories_follow_the_samples_and_band_colours(run, ax):
    lc = plot_trajectories(run, three_bands(), ax=ax, max_paths=50)
    segs = lc.get_segments()
    assert len(segs) == 50
    idx = np.linspace(0, 119, 50).round().astype(int)
    np.testing.assert_array_equal(segs[3][:, 0], run.steps)
    np.testing.assert_allclose(segs[3][:, 1], run.samples[:, idx[3]])
    x0 = run.samples[-1, idx[3]]
    band = int(np.argmin([max(a - x0, x0 - b, 0) for a, b in three_bands().intervals]))
    np.testing.assert_allclose(lc.get_colors()[3][:3], to_rgba(BAND_COLORS[band])[:3])
    assert ax.get_xlim() == (60.0, 0.0)


def test_commitment_curves_end_at_one(run, ax):
    lc, medians = plot_commitment(run, three_bands(), ax=ax)
    segs = lc.get_segments()
    assert len(segs) == 120
    assert all(s[-1, 1] == 1.0 for s in segs)
    assert len(medians) == 3
    assert all(0.0 <= m.get_ydata()[0] <= 1.0 for m in medians)


def test_sampler_quality_axes_and_floor(ax):
    lines = plot_sampler_quality(
        [10, 20, 40], {"a": [1, 0.5, 0.25], "b": [2, 1, 0.5]}, floor=0.1, ax=ax
    )
    assert len(lines) == 3
    assert ax.get_xscale() == ax.get_yscale() == "log"
    np.testing.assert_allclose(lines[-1].get_ydata(), [0.1, 0.1])


def test_animation_has_one_frame_per_recorded_step(run, ax):
    anim = animate_reverse(run, three_bands(), ax=ax)
    assert isinstance(anim, FuncAnimation)
    frames = list(anim.new_frame_seq())
    assert len(frames) == run.steps.size
    anim._func(frames[-1])  # draw the last frame: the title reports the gap mass
    assert "mass in gaps" in ax.get_title()
    anim._func(frames[0])
    assert "step 60/60" in ax.get_title()
    assert anim.to_jshtml().count("frames[") >= run.steps.size


def test_animation_makes_its_own_figure():
    small = sample_reverse(three_bands(), SCHED, 50, method="ode", steps=2, rng=0)
    anim = animate_reverse(small, three_bands())
    fig = plt.gcf()
    assert len(fig.axes) == 1
    assert tuple(fig.get_size_inches()) == (8.0, 5.0)
    anim.to_jshtml()
    plt.close(fig)


def test_plot_bands_orientations(ax):
    assert len(plot_bands(three_bands(), ax=ax, orientation="vertical")) == 3
    with pytest.raises(
        ValueError,
        match=r"orientation must be 'horizontal' or 'vertical', got 'diagonal'",
    ):
        plot_bands(three_bands(), ax=ax, orientation="diagonal")


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda r, ax: plot_trajectories("run", three_bands(), ax=ax),
            r"result must be a ReverseResult \(see sample_reverse\), got 'run'",
        ),
        (
            lambda r, ax: plot_trajectories(r, None, ax=ax),
            r"data must be a PiecewiseUniform \(a law made of bands\), got None",
        ),
        (
            lambda r, ax: plot_trajectories(r, three_bands(), ax=ax, max_paths=0),
            r"max_paths must be an integer >= 1, got 0",
        ),
        (
            lambda r, ax: plot_commitment(r, three_bands(), ax="axes"),
            r"ax must be a matplotlib Axes or None, got str",
        ),
        (
            lambda r, ax: plot_sampler_quality([0, 10], {"a": [1, 2]}, ax=ax),
            r"steps must be a non-empty 1-D array of positive numbers",
        ),
        (
            lambda r, ax: plot_sampler_quality([5, 10], {"a": [1]}, ax=ax),
            r"w1\['a'\] must hold 2 positive finite values",
        ),
        (
            lambda r, ax: plot_sampler_quality([5, 10], {"a": [1, 2]}, floor=-1, ax=ax),
            r"floor must be a positive finite number, got -1",
        ),
        (
            lambda r, ax: animate_reverse(r, three_bands(), bins=[1, 0], ax=ax),
            r"bins must be strictly increasing edges",
        ),
    ],
)
def test_bad_arguments(run, ax, call, match):
    with pytest.raises(ValueError, match=match):
        call(run, ax)
