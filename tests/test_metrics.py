from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from diffusion_viz import (
    GaussianMixture,
    PiecewiseUniform,
    band_posterior_paths,
    band_proportions,
    commitment_steps,
    expected_w1_iid,
    gap_mass,
    nearest_band,
    partial_mean,
    sample_quality,
    three_bands,
    wasserstein1,
)


def _abs_dev_uniform(c, a, b):
    """E|X - c| for X ~ U[a, b], by hand."""
    if c <= a:
        return (a + b) / 2 - c
    if c >= b:
        return c - (a + b) / 2
    return ((c - a) ** 2 + (b - c) ** 2) / (2 * (b - a))


@pytest.mark.parametrize("c", [-12.0, -8.0, -4.0, 0.3, 5.9, 9.99, 14.0])
def test_w1_of_a_point_mass_to_three_bands(c):
    # W1(delta_c, F) = E|X - c|.
    expected = np.mean(
        [_abs_dev_uniform(c, a, b) for a, b in [(-10, -6), (-2, 2), (6, 10)]]
    )
    assert wasserstein1(np.full(7, c), three_bands()) == pytest.approx(
        expected, abs=1e-10
    )


@pytest.mark.parametrize("c", [-3.0, 0.0, 1.2, 6.0])
def test_w1_of_a_point_mass_to_a_normal(c):
    mu, sd = 0.7, 1.3
    z = (c - mu) / sd
    expected = sd * (2 * stats.norm.pdf(z) + z * (2 * stats.norm.cdf(z) - 1))
    got = wasserstein1([c, c], GaussianMixture([mu], [sd]))
    assert got == pytest.approx(expected, abs=1e-10)


def test_w1_of_midpoint_quantiles_of_the_uniform():
    # Each cell contributes 1/(4 n^2): W1 = 1/(4n).
    n = 1000
    x = (np.arange(n) + 0.5) / n
    assert wasserstein1(x[::-1], PiecewiseUniform([[0.0, 1.0]])) == pytest.approx(
        1 / (4 * n), rel=1e-9
    )


@pytest.mark.parametrize("delta", [1.0, -2.5])
def test_w1_of_shifted_quantiles_is_the_shift(delta):
    d = three_bands()
    n = 300  # a multiple of 3: the gaps fall on cell boundaries
    mid = d.ppf((np.arange(n) + 0.5) / n)
    assert wasserstein1(mid + delta, d) == pytest.approx(abs(delta), abs=1e-9)


def test_w1_agrees_with_scipy_against_a_dense_quantile_grid():
    d = three_bands()
    x = PiecewiseUniform(d.intervals).sample(500, rng=3)
    m = 60_000
    ref = stats.wasserstein_distance(x, d.ppf((np.arange(m) + 0.5) / m))
    assert wasserstein1(x, d) == pytest.approx(ref, abs=1e-4)


@pytest.mark.parametrize("c", [-5.0, 0.5, 4.0])
def test_w1_of_a_point_mass_to_a_diffused_law(c):
    q = three_bands().diffused(0.3)
    expected = integrate.quad(
        lambda y: abs(y - c) * q.pdf(y), -40, 40, points=[c], limit=400
    )[0]
    assert wasserstein1([c], q) == pytest.approx(expected, abs=1e-8)


@pytest.mark.parametrize(
    "dist",
    [
        three_bands(),
        GaussianMixture([-2.0, 3.0], [1.0, 0.5], [0.3, 0.7]),
        three_bands().diffused(0.3),
        three_bands().diffused(1.0),
    ],
)
@pytest.mark.parametrize("x", [-11.0, -4.0, 0.5, 7.0, 30.0])
def test_partial_mean_matches_quadrature(dist, x):
    lo = -60.0
    ref = (
        integrate.quad(
            lambda y: y * dist.pdf(y), lo, x, limit=400, points=[-10, -6, -2, 2, 6]
        )[0]
        if x > lo
        else 0.0
    )
    assert float(partial_mean(dist, x)) == pytest.approx(ref, abs=1e-9)


def test_expected_w1_iid_small_cases_by_hand():
    u = PiecewiseUniform([[0.0, 1.0]])
    # n = 1: E|B(1, p) - p| = 2p(1 - p), integrated over p = F(x) = x: 1/3.
    assert expected_w1_iid(u, 1) == pytest.approx(1 / 3, abs=1e-9)
    # n = 2: 1/6 + 2 * integral_0^1/2 p(1-p)(1-2p) dp = 1/6 + 1/16.
    assert expected_w1_iid(u, 2) == pytest.approx(11 / 48, abs=1e-9)


def test_expected_w1_iid_matches_monte_carlo():
    d = PiecewiseUniform([[-3.0, -1.0], [2.0, 3.0]], weights=[0.4, 0.6])
    rng = np.random.default_rng(0)
    ws = [wasserstein1(d.sample(60, rng), d) for _ in range(200)]
    floor = expected_w1_iid(d, 60)
    assert abs(np.mean(ws) - floor) < 4 * np.std(ws) / np.sqrt(len(ws))


def test_gap_mass_and_band_proportions_by_hand():
    d = three_bands()
    x = np.array([-11.0, -10.0, -7.0, -5.0, -3.0, 0.0, 2.0, 4.5, 8.0, 10.5])
    # In the gaps: -5, -3, 4.5; outside the hull: -11, 10.5.
    assert gap_mass(x, d) == pytest.approx(0.3)
    # Nearest band: -11,-10,-7,-5 -> 0; -3,0,2 -> 1; 4.5,8,10.5 -> 2.
    np.testing.assert_allclose(band_proportions(x, d), [0.4, 0.3, 0.3])
    q = sample_quality(x, d)
    assert q.outside_mass == pytest.approx(0.2)
    assert q.n == 10
    assert q.gap_mass == pytest.approx(0.3)
    assert q.w1 == pytest.approx(wasserstein1(x, d))


@pytest.mark.parametrize(
    ("func", "args", "match"),
    [
        (wasserstein1, ([], three_bands()), r"samples must hold at least one value"),
        (
            wasserstein1,
            ([1.0, np.nan], three_bands()),
            r"samples must be finite, got nan at index 1",
        ),
        (wasserstein1, ([[1.0]], three_bands()), r"samples must be one-dimensional"),
        (
            wasserstein1,
            ([1.0], "bands"),
            r"dist must be a PiecewiseUniform, GaussianMixture or DiffusedPiecewiseUniform .* got 'bands'",
        ),
        (gap_mass, ([], three_bands()), r"samples must hold at least one value"),
        (
            gap_mass,
            ([1.0], GaussianMixture([0.0], [1.0])),
            r"dist must be a PiecewiseUniform \(a law made of bands\)",
        ),
        (
            band_proportions,
            ([], three_bands()),
            r"samples must hold at least one value",
        ),
        (band_proportions, ([1.0], None), r"dist must be a PiecewiseUniform"),
        (sample_quality, ([1.0], None), r"dist must be a PiecewiseUniform"),
        (
            partial_mean,
            (None, 1.0),
            r"dist must be a PiecewiseUniform, GaussianMixture",
        ),
        (expected_w1_iid, (three_bands(), 0), r"n must be an integer >= 1, got 0"),
    ],
)
def test_bad_arguments(func, args, match):
    with pytest.raises(ValueError, match=match):
        func(*args)


def test_expected_w1_grid_size_is_checked():
    with pytest.raises(ValueError, match=r"grid_size must be an integer >= 3, got 2"):
        expected_w1_iid(three_bands(), 10, grid_size=2)


# --- band posteriors along paths -------------------------------------------------


class _Run:
    def __init__(self, steps, alpha_bars, samples):
        self.steps = np.asarray(steps)
        self.alpha_bars = np.asarray(alpha_bars, dtype=float)
        self.samples = np.asarray(samples, dtype=float)


def test_nearest_band_by_hand():
    x = [-11.0, -6.0, -4.01, -3.99, 2.0, 3.9, 4.1, 50.0]
    assert nearest_band(x, three_bands()).tolist() == [0, 0, 0, 1, 1, 1, 2, 2]


def test_band_posterior_paths_against_normal_cdfs():
    s = np.sqrt(0.3)
    x = np.array([-3.0, 0.2, 4.0])
    run = _Run([2, 1, 0], [0.0, 0.3, 1.0], [[0.0, 0.0, 0.0], x, [-8.0, 0.5, 9.0]])
    post = band_posterior_paths(run, three_bands())
    np.testing.assert_allclose(post[0], 1 / 3)  # abar = 0: the prior weights
    np.testing.assert_allclose(post[-1], 1.0)  # inside its own band at step 0
    # P(band k | x) is proportional to Phi((x - s a)/sig) - Phi((x - s b)/sig).
    sig = np.sqrt(0.7)
    mass = np.array(
        [
            stats.norm.cdf((x - s * a) / sig) - stats.norm.cdf((x - s * b) / sig)
            for a, b in three_bands().intervals
        ]
    )
    expected = (mass / mass.sum(axis=0))[[0, 1, 2], [0, 1, 2]]
    np.testing.assert_allclose(post[1], expected, rtol=1e-10)


def test_commitment_steps_by_hand():
    c = -8 * np.sqrt(0.9)
    run = _Run(
        [3, 2, 1, 0],
        [0.0, 0.9, 0.9, 1.0],
        [[0.0, 0.0, 0.0], [c, -c, c], [c, c, -c], [-8.0, -8.0, -8.0]],
    )
    # Path 0 commits after the prior row, path 1 once it has left band 3's
    # region, path 2 only at the last step.
    assert commitment_steps(run, three_bands()).tolist() == [2, 1, 0]


@pytest.mark.parametrize("thr", [0.0, 1.0, "high", None])
def test_commitment_threshold_is_checked(thr):
    run = _Run([1, 0], [0.5, 1.0], [[0.0], [0.0]])
    with pytest.raises(ValueError, match=r"threshold must lie in \(0, 1\)"):
        commitment_steps(run, three_bands(), threshold=thr)
