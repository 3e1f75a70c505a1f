from __future__ import annotations

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.container import BarContainer
from matplotlib.patches import StepPatch

from diffusion_viz import (
    get_schedule,
    plot_density,
    plot_distance_to_normal,
    plot_histogram,
    plot_schedule,
    plot_schedule_comparison,
    standard_normal,
    three_bands,
)
from diffusion_viz.plotting import SCHEDULE_QUANTITIES, SEED_BINS


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_seed_bins_are_the_seed_pages():
    assert SEED_BINS.shape == (60,)
    assert SEED_BINS[0] == -12.0
    assert SEED_BINS[-1] == 12.0


def test_histogram_heights_match_numpy_density(ax):
    x = np.random.default_rng(0).normal(size=1000)
    edges = np.linspace(-4, 4, 17)
    patch = plot_histogram(x, edges, ax=ax)
    assert isinstance(patch, StepPatch)
    heights = patch.get_data().values
    expected, _ = np.histogram(x, bins=edges, density=False)
    np.testing.assert_allclose(heights, expected / (x.size * 0.5))
    assert patch in ax.patches


def test_histogram_counts_outside_values_in_n(ax):
    x = np.array([0.5, 0.5, 5.0, 5.0])  # half of the values fall outside
    patch = plot_histogram(x, [0.0, 1.0], ax=ax)
    np.testing.assert_allclose(patch.get_data().values, [0.5])


def test_histogram_bar_style_makes_one_rectangle_per_bin(ax):
    x = np.random.default_rng(1).uniform(-1, 1, 200)
    bars = plot_histogram(
        x, np.linspace(-1, 1, 11), ax=ax, histtype="bar", edgecolor="#6D4301"
    )
    assert isinstance(bars, BarContainer)
    assert len(bars.patches) == 10
    np.testing.assert_allclose(sum(p.get_height() * 0.2 for p in bars.patches), 1.0)


def test_histogram_uses_current_axes_by_default():
    fig = plt.figure()
    try:
        patch = plot_histogram([0.0, 1.0])
        assert patch.axes is plt.gca()
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"samples": [0.0, np.nan]}, "samples must be finite"),
        ({"samples": [[0.0]]}, "samples must be one-dimensional"),
        ({"bins": [1.0, 0.0]}, r"bins must be a 1-D array .* strictly increasing"),
        ({"bins": [1.0]}, "at least 2"),
        ({"histtype": "step"}, "histtype must be 'stepfilled' or 'bar', got 'step'"),
        ({"alpha": 1.5}, r"alpha must lie in \[0, 1\], got 1.5"),
    ],
)
def test_histogram_rejects_bad_input(ax, kwargs, match):
    args = {"samples": [0.0, 1.0], **kwargs}
    with pytest.raises(ValueError, match=match):
        plot_histogram(args.pop("samples"), ax=ax, **args)


def test_histogram_rejects_non_axes():
    with pytest.raises(
        ValueError, match="ax must be a matplotlib Axes or None, got str"
    ):
        plot_histogram([0.0, 1.0], ax="nope")


def test_density_draws_the_exact_marginal(ax):
    dist = three_bands().diffused(0.3)
    grid = np.linspace(-5, 5, 41)
    line = plot_density(dist, grid, ax=ax, color="C1", label="q")
    np.testing.assert_allclose(line.get_xdata(), grid)
    np.testing.assert_allclose(line.get_ydata(), dist.pdf(grid))
    assert line.get_label() == "q"


def test_density_default_grid_spans_the_seed_range(ax):
    line = plot_density(standard_normal(), ax=ax)
    x = line.get_xdata()
    assert (x[0], x[-1], x.size) == (-12.0, 12.0, 500)
    assert np.max(line.get_ydata()) == pytest.approx(1 / np.sqrt(2 * np.pi), rel=1e-3)


def test_density_rejects_objects_without_pdf(ax):
    with pytest.raises(ValueError, match=r"dist must have a pdf\(x\) method, got int"):
        plot_density(3, ax=ax)
    with pytest.raises(ValueError, match="x must be finite"):
        plot_density(standard_normal(), [0.0, np.inf], ax=ax)


@pytest.mark.parametrize("quantity", sorted(SCHEDULE_QUANTITIES))
def test_schedule_curve_is_the_schedule_attribute(ax, quantity):
    sched = get_schedule("cosine", 50)
    line = plot_schedule(sched, quantity, ax=ax)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 51))
    np.testing.assert_array_equal(line.get_ydata(), getattr(sched, quantity))
    assert line.get_label() == sched.name


def test_schedule_rejects_bad_input(ax):
    with pytest.raises(ValueError, match="schedule must be a NoiseSchedule, got list"):
        plot_schedule([0.1], ax=ax)
    with pytest.raises(ValueError, match=r"quantity must be one of .* got 'beta'"):
        plot_schedule(get_schedule("linear", 10), "beta", ax=ax)


def test_schedule_comparison_grid_layout_and_reproducibility():
    scheds = {
        "Linear": get_schedule("linear", 20),
        "Quadratic": get_schedule("quadratic", 20),
        "Constant": get_schedule("constant", 20),
    }
    rs = np.random.RandomState(42)
    x0 = three_bands().sample(600, rs)
    axes = plot_schedule_comparison(scheds, x0, rng=rs, data=three_bands())
    try:
        assert axes.shape == (4, 4)
        assert axes[3, 3] is None
        assert axes[0, 1].get_title() == "Linear\nstep 0"
        assert axes[2, 3].get_title() == "Constant\nstep 20"
        # Step-0 histograms are the data itself in every row.
        h0 = [axes[i, 1].patches for i in range(3)]
        heights = [[p.get_height() for p in row] for row in h0]
        assert heights[0] == heights[1] == heights[2]
        # The step-T histogram of row k uses the chain that follows row k-1.
        rs2 = np.random.RandomState(42)
        three_bands().sample(600, rs2)
        from diffusion_viz import diffuse

        last = None
        for sched in scheds.values():
            last = diffuse(x0, sched, rng=rs2, record=[20]).samples[0]
        expected, _ = np.histogram(last, bins=SEED_BINS, density=True)
        got = [p.get_height() for p in axes[2, 3].patches]
        np.testing.assert_allclose(got, expected)
        # The standard normal's peak (0.399) is inside every histogram panel.
        assert all(axes[i, j].get_ylim()[1] >= 0.4 for i in range(3) for j in (1, 2, 3))
        # Summary row: one curve per schedule in alpha_bar, log-SNR and distance.
        for k in range(3):
            assert len(axes[3, k].get_lines()) >= 3
    finally:
        plt.close("all")


def test_schedule_comparison_rejects_bad_input():
    x0 = np.zeros(10)
    with pytest.raises(ValueError, match="schedules must hold at least one"):
        plot_schedule_comparison({}, x0)
    with pytest.raises(ValueError, match=r"schedules\['a'\] must be a NoiseSchedule"):
        plot_schedule_comparison({"a": 1}, x0)
    with pytest.raises(ValueError, match=r"same T, got T values \[10, 20\]"):
        plot_schedule_comparison(
            {"a": get_schedule("linear", 10), "b": get_schedule("linear", 20)}, x0
        )


def test_distance_to_normal_decreases_and_matches_exact(ax):
    from diffusion_viz import exact_ks_distance

    sched = get_schedule("linear", 40)
    (line,) = plot_distance_to_normal({"lin": sched}, three_bands(), every=10, ax=ax)
    steps = line.get_xdata()
    np.testing.assert_array_equal(steps, [1, 11, 21, 31, 40])
    ab = float(sched.alpha_bars[20])
    expected = exact_ks_distance(three_bands().diffused(ab)).distance
    assert line.get_ydata()[2] == pytest.approx(expected)
    assert np.all(np.diff(line.get_ydata()) < 0)
    assert ax.get_yscale() == "log"


def test_distance_to_normal_rejects_bad_input(ax):
    sched = get_schedule("linear", 5)
    with pytest.raises(ValueError, match="every must be an integer >= 1, got 0"):
        plot_distance_to_normal([sched], three_bands(), every=0, ax=ax)
    with pytest.raises(
        ValueError, match=r"data must have an exact diffused\(alpha_bar\)"
    ):
        plot_distance_to_normal([sched], object(), ax=ax)


def test_forward_snapshots_show_the_recorded_steps():
    from diffusion_viz import diffuse, plot_forward_snapshots

    data = three_bands()
    run = diffuse(data.sample(800, rng=0), get_schedule("linear", 20), rng=1)
    try:
        axes = plot_forward_snapshots(run, data, steps=[0, 20])
        assert [ax.get_title() for ax in axes] == ["step 0", "step 20"]
        expected, _ = np.histogram(run.at(20), bins=SEED_BINS, density=True)
        np.testing.assert_allclose(axes[1].patches[0].get_data().values, expected)
        exact = axes[1].get_lines()[0]
        ab = float(run.schedule.alpha_bars[-1])
        np.testing.assert_allclose(
            exact.get_ydata(), data.diffused(ab).pdf(exact.get_xdata())
        )
        default = plot_forward_snapshots(run)
        assert [ax.get_title() for ax in default] == ["step 0", "step 10", "step 20"]
        assert len(default[0].get_lines()) == 1  # only N(0, 1) without data
    finally:
        plt.close("all")


def test_forward_snapshots_reject_bad_input():
    from diffusion_viz import diffuse, plot_forward_snapshots

    run = diffuse(np.zeros(10), get_schedule("linear", 4), rng=0, record=[0, 4])
    with pytest.raises(ValueError, match=r"steps must be recorded steps .* got 2"):
        plot_forward_snapshots(run, steps=[0, 2])
    with pytest.raises(ValueError, match="result must be a ForwardResult"):
        plot_forward_snapshots("run")


def test_normality_trace_plot_draws_the_three_tests():
    from diffusion_viz import diffuse, normality_trace, plot_normality_trace

    run = diffuse(three_bands().sample(400, rng=0), get_schedule("linear", 12), rng=1)
    trace = normality_trace(run, n_resamples=50, rng=2)
    fig, ax = plt.subplots()
    try:
        seed, lillie, prior, level = plot_normality_trace(trace, ax=ax)
        np.testing.assert_array_equal(seed.get_xdata(), trace.steps)
        np.testing.assert_array_equal(seed.get_ydata(), trace.ks_estimated.pvalue)
        np.testing.assert_array_equal(lillie.get_ydata(), trace.lilliefors.pvalue)
        np.testing.assert_array_equal(prior.get_ydata(), trace.ks_prior.pvalue)
        assert level.get_ydata()[0] == trace.alpha
        with pytest.raises(
            ValueError, match=r"trace must be a NormalityTrace.*got dict"
        ):
            plot_normality_trace({}, ax=ax)
    finally:
        plt.close(fig)
