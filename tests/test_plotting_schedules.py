from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from diffusion_viz import (
    GaussianMixture,
    convergence_trace,
    get_schedule,
    ks_critical_value,
    plot_diffusion_river,
    plot_ks_convergence,
    plot_pvalue_histograms,
    plot_schedule_curves,
    plot_terminal_snr,
    plot_variance_path,
    plot_w2_convergence,
    pvalue_calibration,
    rescale_zero_terminal_snr,
    three_bands,
)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_schedule_curves_values(ax):
    lin = get_schedule("linear", 200)
    lines = plot_schedule_curves({"a": lin}, "alpha_bars", ax=ax)
    x, y = lines[0].get_xdata(), lines[0].get_ydata()
    assert (x[0], y[0]) == (0.0, 1.0)
    np.testing.assert_allclose(x[1:], np.arange(1, 201) / 200)
    np.testing.assert_allclose(y[1:], np.cumprod(1 - np.linspace(1e-4, 0.1, 200)))
    sig = plot_schedule_curves([lin], "sigma", ax=ax)[0]
    ab = lin.alpha_bars
    np.testing.assert_allclose(sig.get_ydata(), np.sqrt((1 - ab) / ab), rtol=1e-12)
    assert sig.get_label() == "linear"
    assert ax.get_yscale() == "log"


def test_schedule_curves_errors(ax):
    with pytest.raises(
        ValueError, match=r"quantity must be one of .*'alpha_bars'.*got 'snr2'"
    ):
        plot_schedule_curves([get_schedule("linear", 5)], "snr2", ax=ax)
    with pytest.raises(ValueError, match=r"schedules must hold at least one schedule"):
        plot_schedule_curves({}, ax=ax)
    with pytest.raises(
        ValueError, match=r"schedules\['x'\] must be a NoiseSchedule, got int"
    ):
        plot_schedule_curves({"x": 3}, ax=ax)
    with pytest.raises(
        ValueError, match=r"ax must be a matplotlib Axes or None, got str"
    ):
        plot_schedule_curves([get_schedule("linear", 5)], ax="no")


def test_terminal_snr_bars(ax):
    ddpm = get_schedule("linear", 1000, beta_end=0.02)
    z = rescale_zero_terminal_snr(ddpm)
    bars = plot_terminal_snr({"ddpm": ddpm, "z": z}, ax=ax)
    # DDPM: SNR_T = 4.036e-5 (sqrt(alpha_bar_T) = 0.00635282).
    assert bars[0].get_width() == pytest.approx(np.log10(4.036e-5), abs=1e-3)
    assert bars[1].get_hatch() == "//"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ddpm", "z"]
    assert bars[0].get_y() > bars[1].get_y()  # first schedule on top


def test_ks_and_w2_convergence(ax):
    tr = convergence_trace(get_schedule("linear", 40), three_bands(), steps=[0, 20, 40])
    arts = plot_ks_convergence([tr], n=1000, ax=ax)
    np.testing.assert_allclose(arts[0].get_xdata(), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(arts[0].get_ydata(), tr.ks)
    assert arts[1].get_label().startswith("below the KS critical value at n = 1,000")
    # Power <= 1/2 below c_n - K_n^{-1}(1/2); K_1000's median is 0.8276/sqrt(1000).
    half = ks_critical_value(1000) - 0.8276 / np.sqrt(1000)
    assert arts[2].get_ydata()[0] == pytest.approx(half, abs=2e-4)
    assert arts[1].get_y() + arts[1].get_height() == pytest.approx(
        ks_critical_value(1000)
    )
    exact, bound = plot_w2_convergence(tr, ax=ax)
    np.testing.assert_allclose(exact.get_ydata(), tr.w2)
    np.testing.assert_allclose(bound.get_ydata(), tr.w2_bound)
    with pytest.raises(ValueError, match=r"traces must be a non-empty sequence"):
        plot_ks_convergence([], ax=ax)
    with pytest.raises(ValueError, match=r"trace must be a ConvergenceTrace, got list"):
        plot_w2_convergence([tr], ax=ax)


def test_pvalue_histograms():
    cal = pvalue_calibration(30, 400, rng=1)
    patches = plot_pvalue_histograms(cal, bins=10)
    heights = patches[1].get_data().values
    # Density histogram: mean height over [0, 1] is 1.
    assert heights.mean() == pytest.approx(1.0)
    title = patches[0].axes.get_title()
    assert f"rejects {cal.rejection_rates()['ks_estimated']:.1%}" in title
    plt.close("all")
    with pytest.raises(
        ValueError, match=r"calibration must be a PValueCalibration, got int"
    ):
        plot_pvalue_histograms(3)
    with pytest.raises(ValueError, match=r"axes must hold exactly 3 matplotlib Axes"):
        plot_pvalue_histograms(cal, axes=[None])
    with pytest.raises(ValueError, match=r"bins must be an integer >= 2, got 1"):
        plot_pvalue_histograms(cal, bins=1)


def test_variance_path(ax):
    sched = get_schedule("linear", 100)
    lines = plot_variance_path(sched, {"raw": 44.0, "unit": 1.0}, ax=ax)
    ab = sched.alpha_bar_at(np.arange(101))
    np.testing.assert_allclose(lines[0].get_ydata(), 44 * ab + 1 - ab)
    np.testing.assert_allclose(lines[1].get_ydata(), 1.0)
    with pytest.raises(ValueError, match=r"data_vars must hold at least one variance"):
        plot_variance_path(sched, {}, ax=ax)
    with pytest.raises(ValueError, match=r"schedule must be a NoiseSchedule, got str"):
        plot_variance_path("lin", {"a": 1.0}, ax=ax)


def test_river_density_columns_are_exact(ax):
    sched = rescale_zero_terminal_snr(get_schedule("linear", 10))
    gm = GaussianMixture([2.0], [0.5])
    mesh, paths = plot_diffusion_river(
        sched, gm, ax=ax, n_paths=2, rng=0, x_range=(-5, 5), n_x=11
    )
    dens = mesh.get_array().reshape(11, 11)
    x = np.linspace(-5, 5, 11)
    ab = sched.alpha_bar_at(np.arange(11))
    for j in [0, 5, 10]:
        m, v = np.sqrt(ab[j]) * 2.0, ab[j] * 0.25 + 1 - ab[j]
        np.testing.assert_allclose(
            dens[:, j], np.exp(-((x - m) ** 2) / (2 * v)) / np.sqrt(2 * np.pi * v)
        )
    assert len(paths) == 2
    assert len(paths[0].get_xdata()) == 11


def test_river_errors(ax):
    sched = get_schedule("linear", 10)
    with pytest.raises(ValueError, match=r"x_range must be two finite values lo < hi"):
        plot_diffusion_river(sched, three_bands(), ax=ax, x_range=(1, -1))
    with pytest.raises(ValueError, match=r"n_paths must be an integer >= 0, got -1"):
        plot_diffusion_river(sched, three_bands(), ax=ax, n_paths=-1)
    with pytest.raises(ValueError, match=r"data must have an exact diffused"):
        plot_diffusion_river(sched, 3, ax=ax)
    with pytest.raises(ValueError, match=r"schedule must be a NoiseSchedule, got int"):
        plot_diffusion_river(3, three_bands(), ax=ax)
