from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from diffusion_viz import (
    GaussianMixture,
    NormalityTrace,
    diffuse,
    exact_ks_distance,
    get_schedule,
    ks_critical_value,
    ks_estimated,
    ks_prior,
    lilliefors,
    lilliefors_null,
    normality_trace,
    three_bands,
)
from diffusion_viz.diagnostics import _ks_stat_standardized, _stephens_factor

# --- the seed's test, named honestly --------------------------------------------


def test_seed_pvalues_reproduced(seed_page):
    _steps, seed_p = seed_page
    rs = np.random.RandomState(42)
    data = three_bands()
    run = diffuse(data.sample(10_000, rs), get_schedule("linear", 200), rng=rs)
    tr = normality_trace(run, data, n_resamples=200, rng=0)
    np.testing.assert_array_equal(tr.ks_estimated.pvalue, seed_p)
    assert tr.steps.tolist() == list(range(201))


def test_estimated_ks_is_miscalibrated_under_the_null():
    # Under a true normal null the seed's p-value almost never falls below 5%
    # (Lilliefors 1967): the test is far too conservative.
    rng = np.random.default_rng(0)
    p = np.array([ks_estimated(rng.normal(5, 3, 100)).pvalue for _ in range(400)])
    assert np.mean(p < 0.05) < 0.01
    assert np.mean(p) > 0.7
    assert stats.kstest(p, "uniform").pvalue < 1e-10


def test_lilliefors_is_calibrated_under_the_null():
    rng = np.random.default_rng(1)
    null = lilliefors_null(100, 2000, rng=2)
    p = np.array(
        [lilliefors(rng.normal(-1, 2, 100), null=null).pvalue for _ in range(400)]
    )
    rate = np.mean(p <= 0.05)
    # Binomial(400, 0.05): sd 0.011; allow 3.5 sd.
    assert abs(rate - 0.05) < 0.04
    assert stats.kstest(p, "uniform").pvalue > 1e-3


def test_ks_prior_is_calibrated_and_matches_scipy():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(300)
    res = ks_prior(x)
    ref = stats.kstest(x, "norm")
    assert res == (ref.statistic, ref.pvalue)
    p = np.array([ks_prior(rng.standard_normal(100)).pvalue for _ in range(300)])
    assert stats.kstest(p, "uniform").pvalue > 1e-3


def test_ks_prior_rejects_a_wrong_scale():
    x = np.random.default_rng(4).normal(0, 1.3, 2000)
    assert ks_prior(x).pvalue < 1e-6
    assert ks_estimated(x).pvalue > 0.01  # the seed's test cannot see scale


@pytest.mark.parametrize(
    ("level", "published"),
    [(0.90, 0.819), (0.95, 0.895), (0.99, 1.035)],
)
def test_lilliefors_null_matches_stephens_table(level, published):
    # Stephens (1974), Table 1A, normal case, modified statistic.
    n = 300
    null = lilliefors_null(n, 6000, rng=5)
    scaled = np.quantile(null, level) * _stephens_factor(n)
    assert scaled == pytest.approx(published, rel=0.03)


def test_lilliefors_large_n_uses_stephens_scaling():
    # For n > 10000 the statistic is carried to the simulated size.
    rng = np.random.default_rng(6)
    x = rng.standard_normal(40_000)
    null = lilliefors_null(40_000, 300, rng=7)
    assert null.size == 300
    res = lilliefors(x, null=null)
    assert 0.0 < res.pvalue <= 1.0
    # a clearly non-normal sample of the same size is rejected
    y = rng.standard_t(3, 40_000)
    assert lilliefors(y, null=null).pvalue < 0.01


def test_lilliefors_null_cache_and_kinds():
    a = lilliefors_null(50, 100, rng=9)
    assert a is lilliefors_null(50, 100, rng=9)  # cached for int seeds
    assert not a.flags.writeable
    assert np.all(np.diff(a) >= 0)
    b = lilliefors_null(50, 100, rng=np.random.default_rng(9))
    np.testing.assert_array_equal(a, b)
    assert lilliefors_null(50, 10, rng=np.random.RandomState(1)).shape == (10,)


def test_lilliefors_agrees_with_scipy_goodness_of_fit():
    x = np.random.default_rng(8).uniform(size=60) ** 1.5
    ours = lilliefors(x, n_resamples=4000, rng=1)
    ref = stats.goodness_of_fit(
        stats.norm, x, statistic="ks", n_mc_samples=4000, rng=np.random.default_rng(2)
    )
    assert ours.statistic == pytest.approx(ks_estimated(x).statistic)
    # Both are Monte Carlo estimates of one p-value: sd about 0.005 each.
    assert ours.pvalue == pytest.approx(ref.pvalue, abs=0.03)


# --- critical values and exact distances ------------------------------------------


@pytest.mark.parametrize(
    ("n", "alpha", "published"),
    [(5, 0.05, 0.56328), (10, 0.05, 0.40925), (20, 0.05, 0.29408), (5, 0.01, 0.66853)],
)
def test_ks_critical_values_published_table(n, alpha, published):
    # Miller (1956) table of percentage points of the KS statistic.
    assert ks_critical_value(n, alpha) == pytest.approx(published, abs=6e-5)


def test_ks_critical_value_asymptotic():
    # Kolmogorov's asymptotic 5% point 1.3581 / sqrt(n); 0.0136 at n = 10,000.
    assert ks_critical_value(10_000) == pytest.approx(1.3581 / 100, rel=2e-3)


@pytest.mark.parametrize("m", [0.1, 1.0, 3.0, -2.5])
def test_exact_distance_shifted_normal(m):
    d = exact_ks_distance(GaussianMixture([m], [1.0]))
    assert d.distance == pytest.approx(2 * special.ndtr(abs(m) / 2) - 1, rel=1e-10)
    assert d.location == pytest.approx(m / 2, abs=1e-5)


@pytest.mark.parametrize("v", [0.25, 2.0, 44.0])
def test_exact_distance_scaled_normal(v):
    # The CDFs of N(0, v) and N(0, 1) are farthest apart where the densities cross.
    x = np.sqrt(v * np.log(v) / (v - 1))
    expected = abs(special.ndtr(x / np.sqrt(v)) - special.ndtr(x))
    d = exact_ks_distance(GaussianMixture([0.0], [np.sqrt(v)]))
    assert d.distance == pytest.approx(expected, rel=1e-10)
    assert abs(d.location) == pytest.approx(x, abs=1e-5)


def test_exact_distance_three_bands():
    d = exact_ks_distance(three_bands())
    # at x = -6: F = 1/3 and Phi(-6) ~ 1e-9
    assert d.distance == pytest.approx(1 / 3 - special.ndtr(-6), abs=1e-9)
    q = three_bands().diffused(get_schedule("linear", 200).alpha_bars[-1])
    assert exact_ks_distance(q).distance < 1e-3


def test_normality_trace_shapes_and_exact_distance():
    data = three_bands()
    sched = get_schedule("constant", 100)
    run = diffuse(data.sample(1000, rng=0), sched, rng=1, record=[0, 50, 100])
    tr = normality_trace(run, data, n_resamples=300, rng=2, alpha=0.01)
    assert isinstance(tr, NormalityTrace)
    assert tr.n == 1000
    assert tr.alpha == 0.01
    assert tr.critical_value == pytest.approx(ks_critical_value(1000, 0.01))
    for arr in (tr.ks_estimated.pvalue, tr.lilliefors.pvalue, tr.ks_prior.pvalue):
        assert arr.shape == (3,)
        assert np.all((arr >= 0) & (arr <= 1))
    np.testing.assert_array_equal(tr.lilliefors.statistic, tr.ks_estimated.statistic)
    expected = [exact_ks_distance(data.diffused(ab)).distance for ab in run.alpha_bars]
    np.testing.assert_allclose(tr.exact_distance, expected)
    assert normality_trace(run, n_resamples=50, rng=0).exact_distance is None


# --- bad input ------------------------------------------------------------------


def test_bad_samples():
    with pytest.raises(ValueError, match="x must hold at least 2 values, got 1"):
        ks_prior([1.0])
    with pytest.raises(ValueError, match="x must be finite"):
        ks_estimated([1.0, np.nan, 2.0])
    with pytest.raises(ValueError, match="x must not be constant"):
        ks_estimated([1.0, 1.0, 1.0])
    with pytest.raises(
        ValueError, match="x must hold at least 5 values for Lilliefors, got 4"
    ):
        lilliefors([1.0, 2.0, 3.0, 4.5])
    with pytest.raises(
        ValueError, match="null must hold at least one simulated statistic"
    ):
        lilliefors(np.arange(6.0), null=[])


def test_bad_parameters():
    with pytest.raises(ValueError, match=r"n must be an integer >= 5, got 4"):
        lilliefors_null(4)
    with pytest.raises(ValueError, match=r"n_resamples must be an integer >= 1, got 0"):
        lilliefors_null(10, 0)
    with pytest.raises(ValueError, match=r"alpha must lie in \(0, 1\), got 1.0"):
        ks_critical_value(10, 1.0)
    with pytest.raises(ValueError, match=r"n must be an integer >= 1, got 0"):
        ks_critical_value(0)
    with pytest.raises(ValueError, match="dist must be a ToyDistribution"):
        exact_ks_distance(np.zeros(3))  # type: ignore[arg-type]


def test_bad_trace_inputs():
    run = diffuse(np.zeros(3), get_schedule("linear", 2), rng=0)
    with pytest.raises(
        ValueError, match="result must hold at least 5 samples per step, got 3"
    ):
        normality_trace(run)
    with pytest.raises(ValueError, match="result must be a ForwardResult"):
        normality_trace(np.zeros((2, 10)))  # type: ignore[arg-type]
    ok = diffuse(np.linspace(0, 1, 10), get_schedule("linear", 2), rng=0)
    with pytest.raises(
        ValueError, match=r"data must have an exact diffused\(alpha_bar\) method"
    ):
        normality_trace(ok, data=np.zeros(3))  # type: ignore[arg-type]


def test_ks_statistic_helper_matches_scipy():
    x = np.random.default_rng(5).standard_normal(300)
    ref = stats.kstest(x, "norm")
    assert _ks_stat_standardized(np.sort(x)) == pytest.approx(ref.statistic, rel=1e-12)
    rows = np.sort(np.random.default_rng(6).standard_normal((4, 50)), axis=1)
    expected = [stats.kstest(r, "norm").statistic for r in rows]
    np.testing.assert_allclose(_ks_stat_standardized(rows), expected, rtol=1e-12)
