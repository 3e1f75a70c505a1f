from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate, stats

from diffusion_viz import (
    Diffusable,
    DiffusedPiecewiseUniform,
    GaussianMixture,
    PiecewiseUniform,
    three_bands,
)

mp.mp.dps = 60


def _mp_diffused_uniform(x, intervals, weights, ab):
    """High-precision reference: (pdf, cdf, sf, score) of the diffused mixture.

    Differences of normal CDFs are taken on the side where they do not cancel
    (mpmath has no underflow, so tiny tails stay exact); the CDF uses the
    antiderivative G(z) = z Phi(z) + phi(z) and the SF its mirror image.
    """
    x, ab = mp.mpf(x), mp.mpf(ab)
    s, sig = mp.sqrt(ab), mp.sqrt(1 - ab)

    def g(z):
        return z * mp.ncdf(z) + mp.npdf(z)

    pdf = cdf = sf = dpdf = mp.mpf(0)
    for (lo, hi), wt in zip(intervals, weights, strict=True):
        a, b, w = mp.mpf(lo), mp.mpf(hi), mp.mpf(wt)
        za, zb = (x - s * a) / sig, (x - s * b) / sig
        mass = mp.ncdf(za) - mp.ncdf(zb) if zb < 0 else mp.ncdf(-zb) - mp.ncdf(-za)
        pdf += w * mass / (s * (b - a))
        dpdf += w * (mp.npdf(za) - mp.npdf(zb)) / (sig * s * (b - a))
        cdf += w * sig / (s * (b - a)) * (g(za) - g(zb))
        sf += w * sig / (s * (b - a)) * (g(-zb) - g(-za))
    return pdf, cdf, sf, dpdf / pdf


BANDS = [(-10, -6), (-2, 2), (6, 10)]
THIRDS = [1 / 3] * 3


# --- the seed's data set ----------------------------------------------------


def test_three_bands_moments():
    d = three_bands()
    assert d.mean == pytest.approx(0.0, abs=1e-12)
    # Var = E[x^2]: centres +-8 with weight 2/3, plus within-band 16/12.
    assert d.var == pytest.approx(2 / 3 * 64 + 16 / 12, rel=1e-12)


def test_three_bands_reproduces_seed_sample():
    n = 10_000
    np.random.seed(42)  # the seed page's own code
    n1 = n // 3
    n2 = n // 3
    n3 = n - n1 - n2
    seed = np.concatenate(
        [
            np.random.uniform(-10, -6, size=n1),
            np.random.uniform(-2, 2, size=n2),
            np.random.uniform(6, 10, size=n3),
        ]
    )
    got = three_bands().sample(n, np.random.RandomState(42))
    assert np.array_equal(got, seed)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 10_001])
def test_three_bands_counts(n):
    x = three_bands().sample(n, rng=0)
    counts = [np.sum((x >= a) & (x < b)) for a, b in BANDS]
    assert counts == [n // 3, n // 3, n - 2 * (n // 3)]


def test_stratified_counts_with_weights():
    d = PiecewiseUniform([[0, 1], [2, 3]], weights=[0.25, 0.75], stratified=True)
    x = d.sample(10, rng=1)
    assert np.sum(x < 1) == 2  # floor(2.5)
    assert np.all(x[:2] < 1)
    g = GaussianMixture([-50, 50], [1, 1], stratified=True).sample(7, rng=2)
    assert np.sum(g < 0) == 3


# --- undiffused densities ---------------------------------------------------


def test_piecewise_uniform_pdf_cdf():
    d = PiecewiseUniform([[0, 2], [3, 4]], weights=[1, 1])
    np.testing.assert_allclose(
        d.pdf([-1, 0, 1, 2.5, 3.5, 4, 5]), [0, 0.25, 0.25, 0, 0.5, 0, 0]
    )
    np.testing.assert_allclose(d.cdf([-1, 1, 2.5, 3.5, 9]), [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(d.sf([1, 3.5]), [0.75, 0.25])
    assert d.var == pytest.approx(
        integrate.quad(lambda x: (x - d.mean) ** 2 * d.pdf(x), 0, 4, points=[2, 3])[0]
    )


def test_gaussian_mixture_matches_scipy():
    gm = GaussianMixture([-1.0, 2.0], [0.5, 1.5], weights=[2, 1])
    x = np.linspace(-5, 7, 41)
    ref_pdf = 2 / 3 * stats.norm.pdf(x, -1, 0.5) + 1 / 3 * stats.norm.pdf(x, 2, 1.5)
    ref_cdf = 2 / 3 * stats.norm.cdf(x, -1, 0.5) + 1 / 3 * stats.norm.cdf(x, 2, 1.5)
    np.testing.assert_allclose(gm.pdf(x), ref_pdf, rtol=1e-12)
    np.testing.assert_allclose(gm.cdf(x), ref_cdf, rtol=1e-12, atol=1e-15)
    assert gm.mean == pytest.approx(2 / 3 * -1 + 1 / 3 * 2)
    assert gm.var == pytest.approx(2 / 3 * (0.25 + 1) + 1 / 3 * (2.25 + 4) - gm.mean**2)


@pytest.mark.parametrize(
    "dist",
    [
        PiecewiseUniform([[-3, -1], [0.5, 4]], weights=[1, 2]),
        GaussianMixture([-2.0, 3.0], [0.3, 1.0], weights=[1, 3]),
    ],
    ids=["uniform", "gauss"],
)
def test_iid_samples_follow_exact_cdf(dist):
    x = dist.sample(20_000, rng=np.random.default_rng(7))
    assert stats.kstest(x, dist.cdf).pvalue > 1e-3
    # and the order is random: the first 100 are not all from one component
    assert 0.1 < np.mean(x[:100] > 0.2) < 0.95


def test_ppf_inverts_cdf():
    for d in (
        three_bands(),
        three_bands().diffused(0.2),
        GaussianMixture([0, 5], [1, 2]),
    ):
        q = np.array([0.001, 0.2, 0.5, 0.9, 0.999])
        np.testing.assert_allclose(d.cdf(d.ppf(q)), q, atol=1e-10)
    d = three_bands()
    assert d.ppf(0.0) == -10
    assert d.ppf(1.0) == 10
    assert three_bands().diffused(0.5).ppf(1.0) == np.inf


# --- the diffused marginal: against independent references -------------------


@pytest.mark.parametrize("ab", [0.9999, 0.9, 0.5, 0.05, 1e-4])
def test_diffused_uniform_against_mpmath(ab):
    q = three_bands().diffused(ab)
    for x in (-60.0, -13.0, -8.0, -4.0, 0.3, 6.0, 11.0, 60.0):
        pdf, cdf, sf, score = _mp_diffused_uniform(x, BANDS, THIRDS, ab)
        assert q.logpdf(x) == pytest.approx(float(mp.log(pdf)), rel=1e-9, abs=1e-12)
        assert q.logcdf(x) == pytest.approx(float(mp.log(cdf)), rel=1e-8, abs=1e-12)
        assert q.logsf(x) == pytest.approx(float(mp.log(sf)), rel=1e-8, abs=1e-12)
        assert q.cdf(x) == pytest.approx(float(cdf), rel=1e-9, abs=1e-15)
        assert q.score(x) == pytest.approx(float(score), rel=1e-8, abs=1e-9)


@pytest.mark.parametrize("ab", [0.9999, 0.5, 1e-3])
def test_diffused_uniform_far_tails_in_log_space(ab):
    # Far tails: the CDF and SF themselves underflow; their logs must not.
    q = three_bands().diffused(ab)
    for x in (-60.0, 60.0):
        _, cdf, sf, score = _mp_diffused_uniform(x, BANDS, THIRDS, ab)
        tail = cdf if x < 0 else sf
        got = q.logcdf(x) if x < 0 else q.logsf(x)
        assert np.isfinite(got)
        assert got == pytest.approx(float(mp.log(tail)), rel=1e-9)
        assert q.score(x) == pytest.approx(float(score), rel=1e-8)
    x = np.array([-60.0, 60.0])
    for f in (q.pdf, q.cdf, q.sf, q.score, q.denoise, q.logpdf, q.component_posterior):
        assert not np.isnan(f(x)).any()


def test_pdf_integrates_to_one_and_cdf_is_integral():
    for ab in (0.999, 0.6, 0.01):
        q = three_bands().diffused(ab)
        total = integrate.quad(q.pdf, -np.inf, np.inf, points=None, limit=200)[0]
        assert total == pytest.approx(1.0, abs=1e-9)
        for x in (-7.0, 0.0, 4.0):
            ref = integrate.quad(q.pdf, -40, x, limit=400, points=[-10, -6, -2, 2, 6])[
                0
            ]
            assert q.cdf(x) == pytest.approx(ref, abs=1e-9)


def test_derivatives_by_finite_differences():
    q = three_bands().diffused(0.7)
    x = np.linspace(-14, 14, 57)
    h = 1e-5
    np.testing.assert_allclose(
        (q.cdf(x + h) - q.cdf(x - h)) / (2 * h), q.pdf(x), atol=1e-8
    )
    fd = (q.logpdf(x + h) - q.logpdf(x - h)) / (2 * h)
    np.testing.assert_allclose(q.score(x), fd, rtol=1e-5, atol=1e-6)


def _tweedie_by_quadrature(dist0, ab, x):
    s, sig = np.sqrt(ab), np.sqrt(1 - ab)

    def lik(x0):
        return dist0.pdf(x0) * stats.norm.pdf(x, s * x0, sig)

    lo, hi = dist0.ppf(1e-12) if False else -40, 40
    pts = [-10, -6, -2, 2, 6, 10]
    num = integrate.quad(lambda u: u * lik(u), lo, hi, points=pts, limit=400)[0]
    den = integrate.quad(lik, lo, hi, points=pts, limit=400)[0]
    return num / den


@pytest.mark.parametrize("ab", [0.95, 0.4, 0.02])
def test_tweedie_denoiser_against_quadrature(ab):
    d = three_bands()
    q = d.diffused(ab)
    for x in (-8.5, -3.0, 0.7, 5.0):
        ref = _tweedie_by_quadrature(d, ab, x)
        assert q.denoise(x) == pytest.approx(ref, rel=1e-7, abs=1e-8)
        # Tweedie: E[x0|x] = (x + (1 - ab) score) / sqrt(ab).
        assert q.denoise(x) == pytest.approx(
            (x + (1 - ab) * q.score(x)) / np.sqrt(ab), rel=1e-9
        )


def test_gaussian_mixture_diffusion_is_exact():
    gm = GaussianMixture([-3.0, 4.0], [0.5, 2.0], weights=[1, 3])
    ab = 0.3
    q = gm.diffused(ab)
    np.testing.assert_allclose(q.means, np.sqrt(ab) * gm.means)
    np.testing.assert_allclose(q.stds**2, ab * gm.stds**2 + 1 - ab)
    np.testing.assert_allclose(q.weights, gm.weights)
    assert q.var == pytest.approx(ab * gm.var + 1 - ab)
    for x in (-4.0, 0.0, 3.0):
        ref = (
            integrate.quad(
                lambda u, x=x: (
                    u * gm.pdf(u) * stats.norm.pdf(x, np.sqrt(ab) * u, np.sqrt(1 - ab))
                ),
                -30,
                30,
            )[0]
            / integrate.quad(
                lambda u, x=x: (
                    gm.pdf(u) * stats.norm.pdf(x, np.sqrt(ab) * u, np.sqrt(1 - ab))
                ),
                -30,
                30,
            )[0]
        )
        assert q.denoise(x) == pytest.approx(ref, rel=1e-7)
    h = 1e-5
    x = np.linspace(-6, 6, 13)
    np.testing.assert_allclose(
        q.score(x), (q.logpdf(x + h) - q.logpdf(x - h)) / (2 * h), rtol=1e-6, atol=1e-8
    )
    assert "alpha_bar=0.3" in repr(q)
    np.testing.assert_array_equal(gm.denoise(x), x)


def test_diffused_samples_follow_exact_cdf():
    q = three_bands().diffused(0.3)
    x = q.sample(20_000, rng=3)
    assert stats.kstest(x, q.cdf).pvalue > 1e-3


def test_component_posterior():
    q = three_bands().diffused(0.8)
    r = q.component_posterior(np.array([-9.0, 0.0, 9.0, 100.0]))
    np.testing.assert_allclose(r.sum(axis=-1), 1.0)
    assert r.argmax(axis=-1).tolist() == [0, 1, 2, 2]
    gm = GaussianMixture([-5, 5], [1, 1]).diffused(0.5)
    np.testing.assert_allclose(gm.component_posterior(0.0), [0.5, 0.5])


def test_alpha_bar_one_is_the_data():
    d = three_bands()
    q = d.diffused(1.0)
    x = np.array([-12.0, -8.0, -4.0, 0.0, 8.0, 12.0])
    np.testing.assert_array_equal(q.pdf(x), d.pdf(x))
    np.testing.assert_array_equal(q.cdf(x), d.cdf(x))
    np.testing.assert_array_equal(q.denoise(x), x)
    assert q.score(x).tolist() == [np.inf, 0.0, np.inf, 0.0, 0.0, -np.inf]
    assert q.component_posterior(np.array([-8.0, -4.0])).argmax(axis=-1).tolist() == [
        0,
        0,
    ]
    assert q.ppf(0.0) == -10.0


def test_protocol_and_repr():
    assert isinstance(three_bands(), Diffusable)
    assert isinstance(GaussianMixture([0], [1]), Diffusable)
    assert not isinstance(np.zeros(3), Diffusable)
    assert "PiecewiseUniform" in repr(three_bands())
    assert "DiffusedPiecewiseUniform" in repr(three_bands().diffused(0.5))
    assert three_bands().std == pytest.approx(np.sqrt(44))


# --- bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("intervals", "match"),
    [
        (
            [[1, 1]],
            r"intervals must satisfy a < b \(non-empty, not reversed\), got \[1.0, 1.0\] at index 0",
        ),
        ([[0, 1], [3, 2]], r"got \[3.0, 2.0\] at index 1"),
        ([[0, np.inf]], "intervals must be finite"),
        ([], r"intervals must have shape \(K, 2\) with K >= 1"),
        ([1, 2], r"intervals must have shape \(K, 2\)"),
    ],
)
def test_bad_intervals(intervals, match):
    with pytest.raises(ValueError, match=match):
        PiecewiseUniform(intervals)


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ([1, -1], r"weights must be finite and non-negative, got \[1.0, -1.0\]"),
        ([0, 0], r"weights must not all be zero, got \[0.0, 0.0\]"),
        ([1, 2, 3], r"weights must have shape \(2,\), one per component, got \(3,\)"),
        ([1, np.nan], "weights must be finite and non-negative"),
    ],
)
def test_bad_weights(weights, match):
    with pytest.raises(ValueError, match=match):
        PiecewiseUniform([[0, 1], [2, 3]], weights=weights)
    with pytest.raises(ValueError, match=match):
        GaussianMixture([0, 1], [1, 1], weights=weights)


@pytest.mark.parametrize("stds", [[1, 0], [1, -2], [1, np.nan]])
def test_bad_stds(stds):
    with pytest.raises(ValueError, match=r"stds must be finite and > 0, got"):
        GaussianMixture([0, 1], stds)


def test_bad_gaussian_shapes():
    with pytest.raises(
        ValueError,
        match="means and stds must be non-empty one-dimensional arrays of equal length",
    ):
        GaussianMixture([0, 1], [1])
    with pytest.raises(ValueError, match="means must be finite"):
        GaussianMixture([0, np.inf], [1, 1])


@pytest.mark.parametrize("n", [-1, 2.5, "3", None])
def test_bad_n(n):
    for d in (three_bands(), GaussianMixture([0], [1]), three_bands().diffused(0.5)):
        with pytest.raises(ValueError, match=r"n must be an integer >= 0, got"):
            d.sample(n)


@pytest.mark.parametrize("ab", [0.0, -0.1, 1.0000001, np.nan, np.inf, "x"])
def test_bad_alpha_bar(ab):
    with pytest.raises(
        ValueError,
        match=r"alpha_bar must (lie in \(0, 1\], got|be a real number, got 'x')",
    ):
        three_bands().diffused(ab)
    with pytest.raises(ValueError, match=r"alpha_bar must"):
        GaussianMixture([0], [1]).diffused(ab)


def test_double_diffusion_and_bad_source():
    with pytest.raises(
        ValueError, match="diffused\\(\\) must be called on the data mixture"
    ):
        GaussianMixture([0], [1]).diffused(0.5).diffused(0.5)
    with pytest.raises(ValueError, match="source must be a PiecewiseUniform"):
        DiffusedPiecewiseUniform(GaussianMixture([0], [1]), 0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("q", [-0.1, 1.5, np.nan])
def test_bad_ppf(q):
    with pytest.raises(ValueError, match=r"q must be probabilities in \[0, 1\]"):
        three_bands().ppf(q)


@pytest.mark.parametrize("rng", [-1, 1.5, "seed", True, object()])
def test_bad_rng(rng):
    with pytest.raises(
        ValueError,
        match=r"rng must be (None, a non-negative int|a non-negative integer seed)",
    ):
        three_bands().sample(3, rng=rng)


def test_rng_kinds_reproducible():
    d = GaussianMixture([0, 4], [1, 1])
    assert np.array_equal(d.sample(50, 5), d.sample(50, 5))
    assert np.array_equal(d.sample(50, np.random.default_rng(5)), d.sample(50, 5))
    a = d.sample(50, np.random.RandomState(5))
    assert np.array_equal(a, d.sample(50, np.random.RandomState(5)))
    assert d.sample(50, None).shape == (50,)


def test_affine_maps_exactly():
    d = PiecewiseUniform([[0, 1], [2, 4]], weights=[1, 3], stratified=True)
    a = d.affine(2.0, -1.0)
    np.testing.assert_allclose(a.intervals, [[-1, 1], [3, 7]])
    np.testing.assert_allclose(a.weights, d.weights)
    assert a.stratified
    x = np.linspace(-2, 8, 41)
    np.testing.assert_allclose(a.cdf(x), d.cdf((x + 1.0) / 2.0))
    assert a.mean == pytest.approx(2 * d.mean - 1)
    assert a.var == pytest.approx(4 * d.var)
    # equal weights keep the seed's stratified counts
    t = three_bands().affine(0.5)
    assert np.sum(t.sample(10, rng=0) < -2) == 3
    g = GaussianMixture([1.0, -2.0], [0.5, 2.0], weights=[2, 1]).affine(3.0, 1.0)
    np.testing.assert_allclose(g.means, [4.0, -5.0])
    np.testing.assert_allclose(g.stds, [1.5, 6.0])


@pytest.mark.parametrize(
    ("scale", "shift"), [(0.0, 0.0), (-1.0, 0.0), (np.inf, 0.0), (1.0, np.nan)]
)
def test_bad_affine(scale, shift):
    match = (
        r"scale must be a positive finite number"
        if shift == 0.0
        else r"shift must be finite"
    )
    with pytest.raises(ValueError, match=match):
        three_bands().affine(scale, shift)
    with pytest.raises(ValueError, match=match):
        GaussianMixture([0], [1]).affine(scale, shift)
    with pytest.raises(
        ValueError, match=r"affine\(\) must be called on the data mixture"
    ):
        GaussianMixture([0], [1]).diffused(0.5).affine(2.0)
