from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import integrate, special, stats

from diffusion_viz import (
    GaussianMixture,
    NoiseSchedule,
    PiecewiseUniform,
    ToyDistribution,
    exact_ks_distance,
    get_schedule,
    ks_critical_value,
    rescale_zero_terminal_snr,
    three_bands,
)
from diffusion_viz.convergence import (
    ConvergenceTrace,
    FirstStep,
    Standardized,
    alpha_bar_from_sigma,
    convergence_trace,
    first_indistinguishable_step,
    karras_sigmas,
    marginal_variance,
    pvalue_calibration,
    schedule_from_sigmas,
    sigma_from_alpha_bar,
    standardize,
    standardized_distribution,
    wasserstein2_to_normal,
)

# --- W2 to N(0, 1) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("m", "s"),
    [(0.0, 1.0 + 1e-6), (0.3, 0.01), (2.0, 5.0), (1e-7, 1.0), (-4.0, 0.5)],
)
def test_w2_between_normals_is_closed_form(m, s):
    # W2(N(m, s^2), N(0, 1)) = sqrt(m^2 + (s - 1)^2).
    got = wasserstein2_to_normal(GaussianMixture([m], [s]))
    assert got == pytest.approx(np.hypot(m, s - 1.0), rel=1e-8)


def test_w2_of_standard_normal_is_zero():
    assert wasserstein2_to_normal(GaussianMixture([0.0], [1.0])) < 1e-12


@pytest.mark.parametrize(("a", "b"), [(-1.0, 1.0), (0.0, 1.0), (-10.0, -6.0)])
def test_w2_of_a_uniform_is_closed_form(a, b):
    # W2^2 = (a^2 + ab + b^2)/3 + 1 - (b - a)/sqrt(pi), from E[Phi(Z) Z] = 1/(2 sqrt(pi)).
    expected = (a * a + a * b + b * b) / 3 + 1 - (b - a) / np.sqrt(np.pi)
    got = wasserstein2_to_normal(PiecewiseUniform([[a, b]]))
    assert got**2 == pytest.approx(expected, rel=1e-12)


def _w2_quantile_quad(intervals, weights):
    """Independent reference: integrate (Q(u) - ndtri(u))^2 over u band by band."""
    iv = np.asarray(intervals, float)
    w = np.asarray(weights, float) / np.sum(weights)
    c = np.concatenate(([0.0], np.cumsum(w)))
    total = 0.0
    for k, (a, b) in enumerate(iv):

        def f(u, a=a, b=b, k=k):
            q = a + (b - a) * (u - c[k]) / w[k]
            return (q - special.ndtri(u)) ** 2

        total += integrate.quad(f, c[k], c[k + 1], epsabs=1e-13, epsrel=1e-12)[0]
    return np.sqrt(total)


def test_w2_of_piecewise_uniform_matches_quantile_integral():
    iv, w = [[-3.0, -1.0], [0.0, 0.5], [2.0, 7.0]], [0.2, 0.5, 0.3]
    got = wasserstein2_to_normal(PiecewiseUniform(iv, w))
    assert got == pytest.approx(_w2_quantile_quad(iv, w), rel=1e-9)
    bands = three_bands()
    assert wasserstein2_to_normal(bands) == pytest.approx(
        _w2_quantile_quad(bands.intervals, bands.weights), rel=1e-9
    )


def test_w2_of_diffused_bands_is_continuous_at_alpha_bar_one():
    # |W2(q_t) - W2(q_0)| <= W2(q_t, q_0) <= (1 - s) sd + sigma for the coupling
    # x_t = s x_0 + sigma eps.
    bands = three_bands()
    w0 = wasserstein2_to_normal(bands)
    assert wasserstein2_to_normal(bands.diffused(1.0)) == w0
    for eps in [1e-12, 1e-8, 1e-4]:
        ab = 1 - eps
        bound = (1 - np.sqrt(ab)) * np.sqrt(44 + 0.0) + np.sqrt(eps)
        assert abs(wasserstein2_to_normal(bands.diffused(ab)) - w0) <= bound


@pytest.mark.parametrize("ab", [1e-4, 1e-6, 1e-8])
def test_w2_of_diffused_bands_small_alpha_bar_asymptotics(ab):
    # Centred symmetric data: q_t has variance 1 + abar (44 - 1) and its
    # non-Gaussian part is O(abar^2), so W2 = abar * 43 / 2 + O(abar^2).
    got = wasserstein2_to_normal(three_bands().diffused(ab))
    assert got == pytest.approx(ab * 43 / 2, rel=50 * ab + 1e-6)


def test_w2_of_diffused_bands_matches_adaptive_quadrature():
    q = three_bands().diffused(0.3)

    def f(x):
        lc, ls = q.logcdf(x), q.logsf(x)
        t = special.ndtri_exp(lc) if lc < ls else -special.ndtri_exp(ls)
        return (x - t) ** 2 * q.pdf(x)

    pts = np.sqrt(0.3) * np.array([-40, -10, -6, -2, 2, 6, 10, 40.0])
    total = sum(
        integrate.quad(f, a, b, epsabs=1e-14, epsrel=1e-12, limit=200)[0]
        for a, b in itertools.pairwise(pts)
    )
    assert wasserstein2_to_normal(q) == pytest.approx(np.sqrt(total), rel=1e-9)


def test_w2_of_a_mixture_matches_adaptive_quadrature():
    gm = GaussianMixture([-2.0, 3.0], [0.3, 1.5], [0.4, 0.6])

    def f(x):
        # Integrand of the quantile coupling in x, from scipy.stats's own CDFs.
        cdf = 0.4 * stats.norm.cdf(x, -2, 0.3) + 0.6 * stats.norm.cdf(x, 3, 1.5)
        sf = 0.4 * stats.norm.sf(x, -2, 0.3) + 0.6 * stats.norm.sf(x, 3, 1.5)
        pdf = 0.4 * stats.norm.pdf(x, -2, 0.3) + 0.6 * stats.norm.pdf(x, 3, 1.5)
        t = special.ndtri(cdf) if cdf < 0.5 else -special.ndtri(sf)
        return (x - t) ** 2 * pdf

    pts = [-6.0, -2.0, 0.5, 3.0, 12.0]
    total = sum(
        integrate.quad(f, a, b, epsabs=1e-14, epsrel=1e-12, limit=200)[0]
        for a, b in itertools.pairwise(pts)
    )
    assert wasserstein2_to_normal(gm) == pytest.approx(np.sqrt(total), rel=1e-8)


def test_w2_rejects_non_distribution():
    with pytest.raises(ValueError, match=r"dist must be a ToyDistribution, got 3"):
        wasserstein2_to_normal(3)


# --- traces ---------------------------------------------------------------------


def test_convergence_trace_obeys_the_contraction_bound():
    sched = get_schedule("linear", 200)
    tr = convergence_trace(sched, three_bands(), steps=np.arange(0, 201, 10))
    assert isinstance(tr, ConvergenceTrace)
    assert tr.name == "linear"
    assert tr.w2[0] == pytest.approx(wasserstein2_to_normal(three_bands()))
    np.testing.assert_allclose(tr.w2_bound, np.sqrt(tr.alpha_bars) * tr.w2[0])
    assert np.all(tr.w2 <= tr.w2_bound * (1 + 1e-9))
    # W2 to the fixed point never grows along a VP chain (each step contracts).
    assert np.all(np.diff(tr.w2) <= 1e-12)
    ks_ref = [
        exact_ks_distance(three_bands().diffused(a)).distance for a in tr.alpha_bars
    ]
    np.testing.assert_allclose(tr.ks, ks_ref)


def test_convergence_trace_of_normal_data_is_closed_form():
    sched = get_schedule("cosine", 50)
    tr = convergence_trace(sched, GaussianMixture([1.5], [2.0]))
    ab = sched.alpha_bar_at(np.arange(51))
    sd = np.sqrt(4.0 * ab + 1 - ab)
    np.testing.assert_allclose(
        tr.w2, np.hypot(np.sqrt(ab) * 1.5, sd - 1), rtol=1e-7, atol=1e-15
    )
    assert tr.steps.tolist() == list(range(51))


def test_convergence_trace_can_skip_a_distance():
    sched = get_schedule("linear", 20)
    only_ks = convergence_trace(sched, three_bands(), steps=[0, 20], w2=False)
    assert np.isnan(only_ks.w2).all()
    assert np.isnan(only_ks.w2_bound).all()
    assert np.isfinite(only_ks.ks).all()
    only_w2 = convergence_trace(sched, three_bands(), steps=[0, 20], ks=False)
    assert np.isnan(only_w2.ks).all()
    assert only_w2.w2[0] == pytest.approx(wasserstein2_to_normal(three_bands()))


def test_zero_terminal_snr_reaches_the_prior_exactly():
    z = rescale_zero_terminal_snr(get_schedule("linear", 100))
    tr = convergence_trace(z, three_bands(), steps=[0, 100])
    assert tr.ks[-1] == 0.0
    assert tr.w2[-1] == 0.0
    res = first_indistinguishable_step(z, three_bands(), 10**9)
    assert res.step is not None
    assert res.step <= 100


def test_convergence_trace_errors():
    sched = get_schedule("linear", 10)
    with pytest.raises(ValueError, match=r"schedule must be a NoiseSchedule.*got 'x'"):
        convergence_trace("x", three_bands())
    with pytest.raises(ValueError, match=r"data must have an exact diffused.*got 5"):
        convergence_trace(sched, 5)
    with pytest.raises(
        ValueError, match=r"steps must be .*integers in 0\.\.10, got \[11\]"
    ):
        convergence_trace(sched, three_bands(), steps=[11])
    with pytest.raises(ValueError, match=r"steps must be .*integers in 0\.\.10"):
        convergence_trace(sched, three_bands(), steps=[0.5])


# --- first indistinguishable step ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "m"), [("linear", 5.0), ("cosine", 3.0), ("constant", 8.0)]
)
def test_first_step_for_shifted_normal_data_is_closed_form(name, m):
    # q_t = N(sqrt(abar) m, 1): D_t = 2 Phi(sqrt(abar) |m| / 2) - 1 exactly.
    sched = get_schedule(name, 200)
    n = 10_000
    crit = ks_critical_value(n)
    ab = sched.alpha_bar_at(np.arange(201))
    d = 2 * special.ndtr(np.sqrt(ab) * m / 2) - 1
    bad = np.flatnonzero(d > crit)
    expected = int(bad[-1]) + 1
    res = first_indistinguishable_step(sched, GaussianMixture([m], [1.0]), n)
    assert isinstance(res, FirstStep)
    assert res.step == expected
    assert res.distance == pytest.approx(d[expected], rel=1e-6)
    assert res.critical_value == crit
    assert res.threshold == crit


def test_first_step_of_the_seed_bands_brackets_the_critical_value():
    sched = get_schedule("linear", 200)
    res = first_indistinguishable_step(sched, three_bands(), 10_000)
    assert res.step is not None
    crit = ks_critical_value(10_000)
    before = exact_ks_distance(three_bands().diffused(sched.alpha_bars[res.step - 2]))
    at = exact_ks_distance(three_bands().diffused(sched.alpha_bars[res.step - 1]))
    assert before.distance > crit >= at.distance


def test_first_step_none_and_zero():
    short = get_schedule("linear", 5, beta_end=0.01)
    res = first_indistinguishable_step(short, three_bands(), 10_000)
    assert res.step is None
    assert np.isnan(res.alpha_bar)
    assert res.distance > res.critical_value
    near = GaussianMixture([0.0], [1.0 + 1e-6])
    assert first_indistinguishable_step(short, near, 100).step == 0


def test_first_step_errors():
    sched = get_schedule("linear", 10)
    with pytest.raises(ValueError, match=r"n must be an integer >= 1, got 0"):
        first_indistinguishable_step(sched, three_bands(), 0)
    with pytest.raises(ValueError, match=r"coarse must be an integer >= 2, got 1"):
        first_indistinguishable_step(sched, three_bands(), 10, coarse=1)
    with pytest.raises(ValueError, match=r"alpha must lie in \(0, 1\), got 1.5"):
        first_indistinguishable_step(sched, three_bands(), 10, alpha=1.5)
    with pytest.raises(
        ValueError, match=r"max_power must lie in \(alpha, 1\) = \(0.05, 1\), got 0.01"
    ):
        first_indistinguishable_step(sched, three_bands(), 10, max_power=0.01)


def test_power_at_the_first_steps():
    # Shifted normal data: q_t = N(sqrt(abar) m, 1), so samples are cheap and
    # the KS test's power can be simulated. At the lenient step (D_t <= c_n)
    # the test still rejects most of the time; at the strict step the power
    # bound max_power = 0.5 holds.
    sched = get_schedule("linear", 200)
    data = GaussianMixture([5.0], [1.0])
    n = 1000
    lenient = first_indistinguishable_step(sched, data, n)
    strict = first_indistinguishable_step(sched, data, n, max_power=0.5)
    assert strict.threshold == pytest.approx(
        ks_critical_value(n) - stats.kstwo.isf(0.5, n)
    )
    assert strict.step > lenient.step
    rng = np.random.default_rng(11)

    def power(step):
        mu = np.sqrt(sched.alpha_bar_at(step)) * 5.0
        x = rng.normal(mu, 1.0, size=(400, n))
        return np.mean([stats.kstest(row, "norm").pvalue <= 0.05 for row in x])

    assert power(lenient.step) > 0.5
    assert power(strict.step) <= 0.5


# --- data scale ----------------------------------------------------------------------


def test_marginal_variance_formula_and_errors():
    ab = np.array([1.0, 0.25, 0.0])
    np.testing.assert_allclose(marginal_variance(ab, 44.0), [44.0, 11.75, 1.0])
    np.testing.assert_allclose(marginal_variance(ab, 1.0), 1.0)
    with pytest.raises(ValueError, match=r"alpha_bar must lie in \[0, 1\], got 1.5"):
        marginal_variance(1.5, 1.0)
    with pytest.raises(ValueError, match=r"data_var must be finite and >= 0, got -1"):
        marginal_variance(0.5, -1)


def test_standardize_and_invert():
    x = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])  # mean 5, std 2
    s = standardize(x)
    assert isinstance(s, Standardized)
    assert (s.mean, s.std) == (5.0, 2.0)
    np.testing.assert_allclose(s.values, (x - 5) / 2)
    np.testing.assert_allclose(s.invert(s.values), x)
    s1 = standardize(x, ddof=1)
    assert s1.std == pytest.approx(np.sqrt(32 / 7))


def test_standardize_errors():
    with pytest.raises(ValueError, match=r"x must not be constant"):
        standardize([1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"x must hold at least 2 values, got 1"):
        standardize([1.0])
    with pytest.raises(ValueError, match=r"ddof must be 0 or 1, got 2"):
        standardize([1.0, 2.0], ddof=2)
    with pytest.raises(ValueError, match=r"x must be finite"):
        standardize([1.0, np.nan])


def test_standardized_bands_are_exact():
    z = standardized_distribution(three_bands())
    assert isinstance(z, PiecewiseUniform)
    np.testing.assert_allclose(z.intervals, three_bands().intervals / np.sqrt(44.0))
    assert (z.mean, z.var) == (pytest.approx(0.0, abs=1e-15), pytest.approx(1.0))
    assert z.stratified
    # Its diffused law keeps unit variance at every alpha_bar.
    assert z.diffused(0.3).var == pytest.approx(1.0)
    # Equal weights keep the seed's stratified counts n // 3.
    x = z.sample(10, rng=np.random.RandomState(42))
    rs = np.random.RandomState(42)
    seed = np.concatenate(
        [rs.uniform(-10, -6, 3), rs.uniform(-2, 2, 3), rs.uniform(6, 10, 4)]
    )
    np.testing.assert_allclose(x, seed / np.sqrt(44.0))


def test_standardized_weighted_and_mixture():
    pu = PiecewiseUniform([[0.0, 1.0], [3.0, 5.0]], [1, 3])
    z = standardized_distribution(pu)
    np.testing.assert_allclose(z.weights, [0.25, 0.75])
    assert (z.mean, z.var) == (pytest.approx(0.0, abs=1e-14), pytest.approx(1.0))
    gm = GaussianMixture([1.0, 5.0], [1.0, 2.0], [0.5, 0.5])
    zg = standardized_distribution(gm)
    # mean 3, var = 0.5 (1 + 1) + 0.5 (4 + 25) - 9 = 6.5
    np.testing.assert_allclose(zg.means, (np.array([1.0, 5.0]) - 3) / np.sqrt(6.5))
    np.testing.assert_allclose(zg.stds, np.array([1.0, 2.0]) / np.sqrt(6.5))


def test_standardized_distribution_errors():
    with pytest.raises(
        ValueError,
        match=r"dist must be a PiecewiseUniform or a GaussianMixture, got DiffusedPiecewiseUniform",
    ):
        standardized_distribution(three_bands().diffused(0.5))
    with pytest.raises(ValueError, match=r"dist must be an undiffused GaussianMixture"):
        standardized_distribution(GaussianMixture([0.0], [2.0]).diffused(0.5))


# --- EDM levels ----------------------------------------------------------------------


def test_karras_sigmas_published_values():
    # Karras et al. (2022), Eq. 5 with their defaults, n = 5.
    np.testing.assert_allclose(
        karras_sigmas(5), [80.0, 17.5278, 2.51522, 0.169753, 0.002], rtol=2e-6
    )
    s = karras_sigmas(2, sigma_min=1.0, sigma_max=4.0, rho=1.0)
    np.testing.assert_allclose(s, [4.0, 1.0])
    np.testing.assert_allclose(karras_sigmas(3, 1.0, 9.0, rho=2.0), [9.0, 4.0, 1.0])


def test_karras_errors():
    with pytest.raises(ValueError, match=r"n must be an integer >= 2, got 1"):
        karras_sigmas(1)
    with pytest.raises(ValueError, match=r"sigma_min must be finite and > 0, got 0"):
        karras_sigmas(5, sigma_min=0)
    with pytest.raises(
        ValueError, match=r"sigma_max must be finite and > sigma_min = 0.002, got 0.001"
    ):
        karras_sigmas(5, sigma_max=0.001)
    with pytest.raises(ValueError, match=r"rho must be finite and > 0, got -1"):
        karras_sigmas(5, rho=-1)


def test_vp_ve_link():
    np.testing.assert_allclose(
        alpha_bar_from_sigma([0.0, 1.0, 80.0]), [1.0, 0.5, 1 / 6401]
    )
    assert alpha_bar_from_sigma(np.inf) == 0.0
    assert sigma_from_alpha_bar(0.0) == np.inf
    ab = np.array([1.0, 0.9, 0.5, 1e-6])
    np.testing.assert_allclose(
        alpha_bar_from_sigma(sigma_from_alpha_bar(ab)), ab, rtol=1e-12
    )
    # DDPM: sqrt(abar_T) = 0.00635282 gives sigma_T = sqrt(1 - abar_T)/0.00635282.
    ddpm = get_schedule("linear", 1000, beta_end=0.02)
    ref = np.sqrt(1 - 0.00635282**2) / 0.00635282
    assert sigma_from_alpha_bar(ddpm.alpha_bars[-1]) == pytest.approx(ref, rel=1e-5)
    with pytest.raises(ValueError, match=r"sigma must be >= 0 \(inf allowed\), got -1"):
        alpha_bar_from_sigma(-1.0)
    with pytest.raises(ValueError, match=r"alpha_bar must lie in \[0, 1\], got 2"):
        sigma_from_alpha_bar(2.0)


def test_schedule_from_sigmas():
    sig = karras_sigmas(10)
    sched = schedule_from_sigmas(sig)
    assert isinstance(sched, NoiseSchedule)
    assert sched.name == "karras"
    np.testing.assert_allclose(sched.alpha_bars, 1 / (1 + sig[::-1] ** 2), rtol=1e-12)
    # log SNR = -2 log sigma.
    np.testing.assert_allclose(sched.log_snr, -2 * np.log(sig[::-1]), rtol=1e-10)
    same = schedule_from_sigmas(sig[::-1], name="up")
    np.testing.assert_array_equal(same.betas, sched.betas)
    with pytest.raises(ValueError, match=r"sigmas must be > 0, got 0.0"):
        schedule_from_sigmas([0.0, 1.0])
    with pytest.raises(ValueError, match=r"sigmas must be distinct"):
        schedule_from_sigmas([1.0, 1.0])
    with pytest.raises(ValueError, match=r"sigmas must hold at least one level"):
        schedule_from_sigmas([])


# --- p-value calibration -------------------------------------------------------------


def test_pvalue_calibration_rates():
    cal = pvalue_calibration(500, 2000, n_resamples=2000, rng=0)
    assert cal.n == 500
    assert (
        cal.ks_prior.shape == cal.lilliefors.shape == cal.ks_estimated.shape == (2000,)
    )
    r = cal.rejection_rates(0.05)
    # Binomial(2000, 0.05): sd 0.0049; allow 4 sd (plus Monte Carlo null error).
    assert abs(r["ks_prior"] - 0.05) < 0.02
    assert abs(r["lilliefors"] - 0.05) < 0.025
    # Lilliefors (1967): the standard KS p-value with fitted parameters is far
    # too large; its real size at 5% is below 0.1%.
    assert r["ks_estimated"] < 0.002
    assert np.mean(cal.ks_estimated) > 0.7
    assert stats.kstest(cal.ks_prior, "uniform").pvalue > 1e-3
    assert stats.kstest(cal.ks_estimated, "uniform").pvalue < 1e-20


def test_pvalue_calibration_errors():
    with pytest.raises(
        ValueError, match=r"n must be an integer in 5\.\.10000, got 20000"
    ):
        pvalue_calibration(20_000, 1)
    with pytest.raises(ValueError, match=r"n must be an integer >= 5, got 3"):
        pvalue_calibration(3, 1)
    with pytest.raises(ValueError, match=r"n_reps must be an integer >= 1, got 0"):
        pvalue_calibration(10, 0)
    with pytest.raises(ValueError, match=r"rng must be None"):
        pvalue_calibration(10, 1, rng="x")


class _ScipyNormal(ToyDistribution):
    """A user's own law, known to the package only through the base class."""

    def __init__(self, m, s):
        self.m, self.s = m, s

    def logpdf(self, x):
        return stats.norm.logpdf(x, self.m, self.s)

    def logcdf(self, x):
        return stats.norm.logcdf(x, self.m, self.s)

    def logsf(self, x):
        return stats.norm.logsf(x, self.m, self.s)

    def sample(self, n, rng=None):
        return np.random.default_rng(rng).normal(self.m, self.s, n)

    @property
    def mean(self):
        return self.m

    @property
    def var(self):
        return self.s**2


def test_w2_of_a_generic_distribution_is_closed_form():
    got = wasserstein2_to_normal(_ScipyNormal(-1.0, 0.3))
    assert got == pytest.approx(np.hypot(1.0, 0.7), rel=1e-9)
