from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from diffusion_viz import (
    ForwardResult,
    GaussianMixture,
    NoiseSchedule,
    diffuse,
    get_schedule,
    rescale_zero_terminal_snr,
    sample_marginal,
    three_bands,
)


def test_seed_reproduction_bit_for_bit(seed_page):
    steps, _ = seed_page
    rs = np.random.RandomState(42)
    x0 = three_bands().sample(10_000, rs)
    run = diffuse(x0, get_schedule("linear", 200), rng=rs)
    assert run.steps.tolist() == list(range(201))
    assert run.samples.shape == (201, 10_000)
    assert np.array_equal(run.samples, steps)


def test_record_subset_matches_full_run():
    sched = get_schedule("cosine", 50)
    x0 = three_bands().sample(500, rng=0)
    full = diffuse(x0, sched, rng=3)
    part = diffuse(x0, sched, rng=3, record=[0, 7, 49, 50])
    assert part.samples.shape == (4, 500)
    np.testing.assert_array_equal(part.samples, full.samples[[0, 7, 49, 50]])
    np.testing.assert_array_equal(part.at(7), full.samples[7])
    assert part.alpha_bars.tolist() == sched.alpha_bar_at([0, 7, 49, 50]).tolist()


def test_record_without_step_zero_stops_early():
    sched = get_schedule("linear", 100)
    run = diffuse(np.zeros(10), sched, rng=0, record=[5, 10])
    assert run.steps.tolist() == [5, 10]
    assert not run.samples.flags.writeable
    assert not run.steps.flags.writeable


def test_chain_and_closed_form_agree_with_exact_law():
    data = three_bands()
    sched = get_schedule("linear", 200)
    n = 20_000
    x0 = data.sample(n, rng=11)
    run = diffuse(x0, sched, rng=12, record=[30, 80, 200])
    for t, xt in zip(run.steps, run.samples, strict=True):
        ab = sched.alpha_bar_at(t)
        jump = sample_marginal(x0, ab, rng=int(t))
        exact = data.diffused(ab)
        assert stats.ks_2samp(xt, jump).pvalue > 1e-3
        assert stats.kstest(xt, exact.cdf).pvalue > 1e-3
        assert stats.kstest(jump, exact.cdf).pvalue > 1e-3


def test_chain_detects_a_wrong_law():
    # The same comparison must fail for the wrong alpha_bar: the test has teeth.
    data = three_bands()
    sched = get_schedule("linear", 200)
    run = diffuse(data.sample(20_000, rng=1), sched, rng=2, record=[80])
    wrong = data.diffused(sched.alpha_bar_at(70))
    assert stats.kstest(run.samples[0], wrong.cdf).pvalue < 1e-6


def test_variance_formula_gaussian_data():
    gm = GaussianMixture([2.0], [3.0])
    sched = get_schedule("quadratic", 60)
    run = diffuse(gm.sample(200_000, rng=5), sched, rng=6, record=[60])
    ab = sched.alpha_bars[-1]
    assert run.samples[0].var() == pytest.approx(ab * 9 + 1 - ab, rel=0.01)
    assert run.samples[0].mean() == pytest.approx(np.sqrt(ab) * 2, abs=0.01)


def test_zero_terminal_snr_gives_pure_noise():
    z = rescale_zero_terminal_snr(get_schedule("linear", 20))
    run = diffuse(np.full(5000, 100.0), z, rng=0, record=[20])
    assert np.all(np.isfinite(run.samples))
    assert stats.kstest(run.samples[0], "norm").pvalue > 1e-3


def test_rng_kinds():
    x0 = np.linspace(-1, 1, 20)
    s = get_schedule("linear", 5)
    a = diffuse(x0, s, rng=4).samples
    assert np.array_equal(a, diffuse(x0, s, rng=np.random.default_rng(4)).samples)
    b = diffuse(x0, s, rng=np.random.RandomState(4)).samples
    assert np.array_equal(b, diffuse(x0, s, rng=np.random.RandomState(4)).samples)
    assert not np.array_equal(a, b)
    assert diffuse(x0, s).samples.shape == (6, 20)


def test_sample_marginal_limits():
    x0 = np.array([1.0, -2.0, 3.0])
    np.testing.assert_array_equal(sample_marginal(x0, 1.0, rng=0), x0)
    z = sample_marginal(np.full(50_000, 7.0), 0.0, rng=1)
    assert stats.kstest(z, "norm").pvalue > 1e-3


# --- bad input ------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_x0_non_finite(bad):
    x0 = np.array([0.0, bad, 1.0])
    with pytest.raises(
        ValueError, match=r"x0 must be finite, got (nan|inf|-inf) at index 1"
    ):
        diffuse(x0, get_schedule("linear", 3))
    with pytest.raises(ValueError, match=r"x0 must be finite"):
        sample_marginal(x0, 0.5)


def test_x0_shape():
    with pytest.raises(
        ValueError, match=r"x0 must be one-dimensional, got an array of shape \(2, 2\)"
    ):
        diffuse(np.zeros((2, 2)), get_schedule("linear", 3))


def test_bad_schedule():
    with pytest.raises(ValueError, match="schedule must be a NoiseSchedule"):
        diffuse(np.zeros(3), [0.1, 0.2])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("record", "match"),
    [
        ([0, 11], r"steps must be integers in 0..10, got \[0, 11\]"),
        ([-1], r"steps must be integers in 0..10"),
        ([3, 3], r"record must be strictly increasing, got \[3, 3\]"),
        ([5, 2], r"record must be strictly increasing"),
        ([], r"record must be a non-empty 1-D list of steps in 0..10"),
        ([1.5], r"steps must be integers in 0..10"),
    ],
)
def test_bad_record(record, match):
    with pytest.raises(ValueError, match=match):
        diffuse(np.zeros(3), get_schedule("linear", 10), record=record)


def test_at_unrecorded_step():
    run = diffuse(np.zeros(3), get_schedule("linear", 10), rng=0, record=[0, 10])
    with pytest.raises(
        ValueError,
        match=r"step must be one of the recorded steps \(0..10, 2 in all\), got 5",
    ):
        run.at(5)


@pytest.mark.parametrize("ab", [-0.5, 1.5, np.nan, "a"])
def test_sample_marginal_bad_alpha_bar(ab):
    with pytest.raises(
        ValueError,
        match=r"alpha_bar must (lie in \[0, 1\], got|be a real number, got 'a')",
    ):
        sample_marginal(np.zeros(3), ab)


def test_bad_rng():
    with pytest.raises(ValueError, match="rng must be None, a non-negative int"):
        diffuse(np.zeros(3), get_schedule("linear", 2), rng="42")


def test_result_is_frozen():
    run = diffuse(np.zeros(3), NoiseSchedule([0.5]), rng=0)
    assert isinstance(run, ForwardResult)
    with pytest.raises(AttributeError):
        run.steps = np.arange(2)  # type: ignore[misc]


# --- streaming, jumps and chunks (issue: simulation at scale) -------------------

EDGES = np.linspace(-12, 12, 60)


def test_streamed_histograms_match_numpy_on_kept_samples():
    x0 = three_bands().sample(3000, rng=0)
    sched = get_schedule("linear", 40)
    kept = diffuse(x0, sched, rng=5, bins=EDGES)
    streamed = diffuse(
        x0, sched, rng=5, bins=EDGES, keep_samples=False, chunk_size=3000
    )
    ref = np.array([np.histogram(x, bins=EDGES, density=True)[0] for x in kept.samples])
    np.testing.assert_allclose(kept.histograms, ref, rtol=1e-12)
    np.testing.assert_array_equal(streamed.counts, kept.counts)
    np.testing.assert_allclose(
        streamed.means, kept.samples.mean(axis=1), rtol=1e-12, atol=1e-13
    )
    np.testing.assert_allclose(streamed.stds, kept.samples.std(axis=1), rtol=1e-12)
    tot = streamed.counts.sum(axis=1) + streamed.underflow + streamed.overflow
    assert np.all(tot == 3000)


def test_non_uniform_bins():
    edges = np.array([-20.0, -5.0, 0.0, 1.0, 20.0])
    run = diffuse(
        three_bands().sample(600, rng=1), get_schedule("linear", 5), rng=2, bins=edges
    )
    ref = np.array([np.histogram(x, bins=edges)[0] for x in run.samples])
    np.testing.assert_array_equal(run.counts, ref)


def test_chunked_moments_are_exact():
    x0 = GaussianMixture([3.0, -1.0], [0.5, 2.0]).sample(10_001, rng=3)
    run = diffuse(
        x0, get_schedule("cosine", 30), rng=4, chunk_size=777, record=[0, 15, 30]
    )
    np.testing.assert_allclose(
        run.means, run.samples.mean(axis=1), rtol=1e-12, atol=1e-14
    )
    np.testing.assert_allclose(run.stds, run.samples.std(axis=1), rtol=1e-12)
    np.testing.assert_array_equal(run.samples[0], x0)


def test_jumps_with_every_step_recorded_equal_the_chain(seed_page):
    steps, _ = seed_page
    rs = np.random.RandomState(42)
    x0 = three_bands().sample(10_000, rs)
    run = diffuse(x0, get_schedule("linear", 200), rng=rs, jumps=True)
    assert np.array_equal(run.samples, steps)


def test_jumps_follow_the_exact_marginals():
    data = three_bands()
    sched = get_schedule("linear", 1000, beta_end=0.02)
    run = diffuse(data, sched, n=20_000, rng=6, jumps=True, record=[0, 150, 400, 1000])
    for t, xt in zip(run.steps, run.samples, strict=True):
        exact = data.diffused(sched.alpha_bar_at(t)) if t else data
        assert stats.kstest(xt, exact.cdf).pvalue > 1e-3
    # the joint law: Cov(x_s, x_t) = sqrt(ab_t / ab_s) Var(x_s) for s < t
    s_, t_ = run.samples[1], run.samples[2]
    ratio = np.sqrt(sched.alpha_bar_at(400) / sched.alpha_bar_at(150))
    assert np.cov(s_, t_)[0, 1] == pytest.approx(ratio * s_.var(), rel=0.03)


def test_jumps_to_zero_terminal_snr_are_finite():
    z = rescale_zero_terminal_snr(get_schedule("linear", 100))
    run = diffuse(np.full(4000, 50.0), z, rng=0, jumps=True, record=[0, 100])
    assert np.all(np.isfinite(run.samples))
    assert stats.kstest(run.samples[-1], "norm").pvalue > 1e-3


def test_ks_prior_bounds_enclose_the_exact_statistic():
    x0 = three_bands().sample(50_000, rng=7)
    sched = get_schedule("linear", 200)
    run = diffuse(x0, sched, rng=8, record=[0, 120, 160, 200], ks_prior=True)
    exact = np.array([stats.kstest(x, "norm").statistic for x in run.samples])
    lo, hi = run.ks_prior
    assert np.all(lo <= exact + 1e-15)
    assert np.all(exact <= hi + 1e-15)
    assert np.all(hi - lo < 2e-4)


def test_ks_prior_bounds_across_many_chunks():
    run = diffuse(
        three_bands(),
        get_schedule("linear", 200),
        n=30_000,
        rng=9,
        chunk_size=4096,
        record=[0, 200],
        ks_prior=True,
        jumps=True,
    )
    assert run.n == 30_000
    lo, hi = run.ks_prior
    assert lo[0] == pytest.approx(1 / 3, abs=0.01)  # the data are far from N(0, 1)
    assert hi[-1] < 0.02  # step 200 is close to it
    assert np.all(hi - lo < 5e-3)
    assert np.all(lo <= hi)


def test_streamed_result_guards():
    run = diffuse(np.zeros(10), get_schedule("linear", 3), rng=0, keep_samples=False)
    with pytest.raises(
        ValueError,
        match="samples were not kept: this run was made with keep_samples=False",
    ):
        run.samples  # noqa: B018
    with pytest.raises(
        ValueError, match=r"histograms need bins: rerun diffuse\(..., bins=edges\)"
    ):
        run.histograms  # noqa: B018
    assert run.ks_prior is None


def test_bad_streaming_arguments():
    s = get_schedule("linear", 3)
    with pytest.raises(ValueError, match="n must be given when x0 is a distribution"):
        diffuse(three_bands(), s)
    with pytest.raises(
        ValueError, match=r"n must be None when x0 is an array \(its length is n\)"
    ):
        diffuse(np.zeros(3), s, n=3)
    with pytest.raises(ValueError, match=r"n must be an integer >= 1, got 0"):
        diffuse(three_bands(), s, n=0)
    with pytest.raises(ValueError, match=r"chunk_size must be an integer >= 1, got 0"):
        diffuse(np.zeros(3), s, chunk_size=0)
    with pytest.raises(
        ValueError,
        match="bins must be at least 2 strictly increasing finite edges, got 3 edges",
    ):
        diffuse(np.zeros(3), s, bins=[0, 2, 1])
    with pytest.raises(ValueError, match="bins must be finite"):
        diffuse(np.zeros(3), s, bins=[0, np.inf])
