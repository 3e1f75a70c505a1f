from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from diffusion_viz import (
    Denoiser,
    ExactDenoiser,
    GaussianMixture,
    ReverseResult,
    available_samplers,
    available_spacings,
    band_proportions,
    denoiser_from_eps,
    denoiser_from_score,
    gap_mass,
    get_schedule,
    rescale_zero_terminal_snr,
    sample_reverse,
    sampling_steps,
    three_bands,
    wasserstein1,
)

N_ISSUE = 20_000
SEED = 20240501
LINEAR = get_schedule("linear", 200)


@pytest.fixture(scope="module")
def issue_runs():
    """The issue's runs: seed data, linear T=200, n=20,000, all steps."""
    d = three_bands()
    return {
        m: sample_reverse(d, LINEAR, N_ISSUE, method=m, rng=SEED, record="final")
        for m in ("ddpm", "ddim")
    }


# --- the issue's acceptance checks ---------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("method", ["ddpm", "ddim"])
def test_all_steps_w1_below_issue_threshold(issue_runs, method):
    x0 = issue_runs[method].samples[-1]
    assert x0.shape == (N_ISSUE,)
    assert wasserstein1(x0, three_bands()) < 0.15


@pytest.mark.slow
@pytest.mark.parametrize("method", ["ddpm", "ddim"])
def test_band_proportions_are_thirds_within_sampling_error(issue_runs, method):
    x0 = issue_runs[method].samples[-1]
    counts = band_proportions(x0, three_bands()) * N_ISSUE
    # Multinomial(n, 1/3, 1/3, 1/3): chi-square with 2 degrees of freedom.
    _, p = stats.chisquare(counts, np.full(3, N_ISSUE / 3))
    assert p > 1e-3
    # And nothing generated in the gaps, where the exact law has no mass.
    assert gap_mass(x0, three_bands()) < 1e-3


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "fewer"), [("ddim", (10, 20, 50)), ("ddpm", (10, 50))]
)
def test_w1_falls_as_steps_grow(issue_runs, method, fewer):
    d = three_bands()
    w = [
        wasserstein1(
            sample_reverse(
                d, LINEAR, N_ISSUE, method=method, steps=k, rng=SEED, record="final"
            ).samples[-1],
            d,
        )
        for k in fewer
    ]
    w.append(wasserstein1(issue_runs[method].samples[-1], d))
    assert all(a > 1.2 * b for a, b in itertools.pairwise(w)), w


@pytest.mark.parametrize("method", ["ddpm", "ddim", "ode"])
def test_same_seed_same_samples(method):
    d = three_bands()
    kw = {"method": method, "steps": 15}
    a = sample_reverse(d, LINEAR, 300, rng=7, **kw).samples
    b = sample_reverse(d, LINEAR, 300, rng=7, **kw).samples
    c = sample_reverse(d, LINEAR, 300, rng=8, **kw).samples
    assert np.array_equal(a, b)
    assert not np.array_equal(a[-1], c[-1])


def test_random_state_is_used_as_is():
    d = three_bands()
    a = sample_reverse(
        d, LINEAR, 200, method="ddpm", steps=10, rng=np.random.RandomState(3)
    )
    b = sample_reverse(
        d, LINEAR, 200, method="ddpm", steps=10, rng=np.random.RandomState(3)
    )
    assert np.array_equal(a.samples, b.samples)
    # The first row is the RandomState's own first standard normals.
    assert np.array_equal(a.samples[0], np.random.RandomState(3).standard_normal(200))


# --- contract and shape ----------------------------------------------------------


def test_outside_contract_shape():
    run = sample_reverse(
        three_bands(), get_schedule("linear", 200), 100, method="ode", rng=0
    )
    assert isinstance(run, ReverseResult)
    assert run.steps.tolist() == list(range(200, -1, -1))
    assert run.samples.shape == (201, 100)
    assert np.array_equal(run.x0, run.samples[-1])
    assert np.array_equal(run.at(0), run.samples[-1])
    assert run.alpha_bars[-1] == 1.0
    assert run.nfe == 2 * 199 + 1  # Heun everywhere, Euler into sigma = 0
    assert not run.samples.flags.writeable


def test_record_subset_and_final():
    d = three_bands()
    run = sample_reverse(
        d, LINEAR, 50, method="ddim", steps=20, rng=1, record=[200, 100]
    )
    assert run.steps.tolist() == [200, 100, 0]
    full = sample_reverse(d, LINEAR, 50, method="ddim", steps=20, rng=1)
    assert np.array_equal(run.samples, full.samples[[0, 10, 20]])
    fin = sample_reverse(d, LINEAR, 50, method="ddim", steps=20, rng=1, record="final")
    assert fin.steps.tolist() == [0]
    assert fin.grid.tolist() == full.steps.tolist()
    with pytest.raises(ValueError, match="step must be one of the recorded steps"):
        run.at(150)


# --- timestep grids ------------------------------------------------------------


@pytest.mark.parametrize(
    ("spacing", "timesteps"),
    [
        ("linspace", [999, 888, 777, 666, 555, 444, 333, 222, 111, 0]),
        ("leading", [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]),
        ("trailing", [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]),
    ],
)
def test_spacing_matches_published_grids(spacing, timesteps):
    # 0-based timestep k is step k + 1 here, and every run ends at step 0.
    assert sampling_steps(1000, 10, spacing).tolist() == [k + 1 for k in timesteps] + [
        0
    ]


@pytest.mark.parametrize("spacing", ["linspace", "leading", "trailing"])
def test_all_steps_is_the_full_chain_for_every_spacing(spacing):
    assert sampling_steps(200, 200, spacing).tolist() == list(range(200, -1, -1))


def test_explicit_steps_get_step_zero_appended():
    run = sample_reverse(
        three_bands(), LINEAR, 10, method="ddim", steps=[200, 50, 5], rng=0
    )
    assert run.steps.tolist() == [200, 50, 5, 0]


# --- exact references ---------------------------------------------------------

MU, TAU = 1.5, 0.5
GAUSS = GaussianMixture([MU], [TAU])


def _exact_flow(x_from, ab_from, ab_to):
    """Closed-form probability-flow ODE for N(mu, tau^2) data (Karras et al. 2022, Eq. 1 and 3).

    y = x / sqrt(abar) has law N(mu, tau^2 + sigma^2); the flow is the affine
    map between these two normals.
    """
    s_from = (1 - ab_from) / ab_from
    s_to = (1 - ab_to) / ab_to
    y = x_from / np.sqrt(ab_from)
    y_to = MU + (y - MU) * np.sqrt((TAU**2 + s_to) / (TAU**2 + s_from))
    return np.sqrt(ab_to) * y_to


def test_ode_solve_ivp_matches_closed_form_flow():
    run = sample_reverse(
        GAUSS,
        LINEAR,
        64,
        method="ode",
        solver="solve_ivp",
        rng=3,
        init="exact",
        solver_options={"rtol": 1e-10, "atol": 1e-10},
    )
    ab = LINEAR.alpha_bar_at
    exact_1 = _exact_flow(run.at(200), ab(200), ab(1))
    np.testing.assert_allclose(run.at(1), exact_1, atol=1e-7)
    np.testing.assert_allclose(
        run.at(100), _exact_flow(run.at(200), ab(200), ab(100)), atol=1e-7
    )
    # The last step is the posterior mean at sigma_1 (Karras et al. Alg. 1).
    s = np.sqrt(ab(1))
    post = MU + s * TAU**2 / (ab(1) * TAU**2 + 1 - ab(1)) * (run.at(1) - s * MU)
    np.testing.assert_allclose(run.x0, post, atol=1e-12)


def test_ode_is_the_monotone_transport_of_three_bands():
    # In 1-D the exact probability-flow map is the increasing map pushing q_T
    # to q_t: x_t = Q_t(F_T(x_T)), with Q_t and F_T the exact quantile and CDF.
    d = three_bands()
    ivp = sample_reverse(
        d,
        LINEAR,
        40,
        method="ode",
        solver="solve_ivp",
        rng=0,
        init="exact",
        solver_options={"rtol": 1e-10, "atol": 1e-10},
    )
    heun = sample_reverse(d, LINEAR, 40, method="ode", rng=0, init="exact")
    ab = LINEAR.alpha_bar_at
    level = d.diffused(ab(200)).cdf(ivp.at(200))
    for t in (100, 20, 1):
        exact = d.diffused(ab(t)).ppf(level)
        np.testing.assert_allclose(ivp.at(t), exact, atol=1e-7)
        np.testing.assert_allclose(heun.at(t), exact, atol=5e-3)


@pytest.mark.parametrize(("solver", "order"), [("euler", 1), ("heun", 2)])
def test_ode_solver_convergence_order(solver, order):
    errs = []
    for k in (25, 50):  # both trailing grids visit step 8
        run = sample_reverse(
            GAUSS, LINEAR, 32, method="ode", solver=solver, steps=k, rng=4
        )
        exact = _exact_flow(
            run.at(200), LINEAR.alpha_bar_at(200), LINEAR.alpha_bar_at(8)
        )
        errs.append(np.max(np.abs(run.at(8) - exact)))
    ratio = errs[0] / errs[1]
    assert 2**order * 0.75 < ratio < 2**order * 1.5, (errs, ratio)


def test_ddim_eta_one_is_ddpm_fixed_small():
    # Song, Meng and Ermon (2021), Sec. 4.1: eta = 1 gives DDPM's posterior.
    d = three_bands()
    a = sample_reverse(d, LINEAR, 300, method="ddim", eta=1.0, steps=30, rng=5)
    b = sample_reverse(d, LINEAR, 300, method="ddpm", steps=30, rng=5)
    np.testing.assert_allclose(a.samples, b.samples, rtol=1e-12, atol=1e-12)


def test_ddim_eta_zero_is_euler_on_the_ode():
    d = three_bands()
    a = sample_reverse(d, LINEAR, 300, method="ddim", steps=30, rng=6)
    b = sample_reverse(d, LINEAR, 300, method="ode", solver="euler", steps=30, rng=6)
    np.testing.assert_allclose(a.samples, b.samples, rtol=1e-12, atol=1e-12)


def test_ddpm_one_step_is_the_posterior_mean_at_T():
    ab_t = LINEAR.alpha_bars[-1]
    run = sample_reverse(GAUSS, LINEAR, 50, method="ddpm", steps=1, rng=0)
    s = np.sqrt(ab_t)
    post = MU + s * TAU**2 / (ab_t * TAU**2 + 1 - ab_t) * (run.samples[0] - s * MU)
    np.testing.assert_allclose(run.x0, post, atol=1e-12)


@pytest.mark.parametrize("variance", ["fixed_small", "fixed_large"])
def test_ddpm_reaches_the_gaussian_data_law(variance):
    n = 4000
    run = sample_reverse(
        GAUSS, LINEAR, n, method="ddpm", variance=variance, rng=11, record="final"
    )
    x0 = run.x0
    # KS against the exact N(mu, tau^2); a biased variance would fail it.
    assert stats.kstest(x0, stats.norm(MU, TAU).cdf).pvalue > 1e-3


def test_fixed_large_adds_more_noise_than_fixed_small():
    d = three_bands()
    small = sample_reverse(
        d, LINEAR, 2000, method="ddpm", steps=10, rng=2, record="final"
    )
    large = sample_reverse(
        d,
        LINEAR,
        2000,
        method="ddpm",
        steps=10,
        variance="fixed_large",
        rng=2,
        record="final",
    )
    # With 10 big steps, beta >> beta_tilde early on and the bands blur.
    assert large.x0.std() > small.x0.std()
    assert large.options["variance"] == "fixed_large"


# --- zero terminal SNR ------------------------------------------------------------

ZT = rescale_zero_terminal_snr(get_schedule("linear", 200))


@pytest.mark.parametrize(
    "kw",
    [
        {"method": "ddpm"},
        {"method": "ddpm", "variance": "fixed_large"},
        {"method": "ddim"},
        {"method": "ddim", "eta": 0.5},
        {"method": "ode"},
        {"method": "ode", "solver": "solve_ivp"},
    ],
)
def test_zero_terminal_snr_is_finite(kw):
    assert ZT.alpha_bars[-1] == 0.0
    run = sample_reverse(three_bands(), ZT, 500, steps=20, rng=0, init="exact", **kw)
    assert np.all(np.isfinite(run.samples))
    assert wasserstein1(run.x0, three_bands()) < 1.0


def test_zero_terminal_snr_first_ddim_step_is_exact():
    # At abar_T = 0: x0_hat = E x0 = 0 and eps_hat = x_T, so DDIM(eta=0) gives
    # x_p = sqrt(1 - abar_p) x_T exactly (Song, Meng and Ermon 2021, Eq. 12).
    run = sample_reverse(three_bands(), ZT, 100, method="ddim", steps=20, rng=1)
    ab_p = ZT.alpha_bar_at(run.steps[1])
    np.testing.assert_allclose(
        run.samples[1], np.sqrt(1 - ab_p) * run.samples[0], rtol=1e-14
    )


# --- the denoiser protocol ------------------------------------------------------


def test_a_learned_denoiser_plugs_in():
    d = three_bands()
    exact = ExactDenoiser(d)

    def network(x, alpha_bar):
        return exact(x, alpha_bar)

    assert isinstance(network, Denoiser)
    a = sample_reverse(d, LINEAR, 200, method="ddpm", steps=20, rng=9)
    b = sample_reverse(network, LINEAR, 200, method="ddpm", steps=20, rng=9)
    np.testing.assert_array_equal(a.samples, b.samples)
    score = denoiser_from_score(lambda x, ab: d.diffused(ab).score(x))
    c = sample_reverse(score, LINEAR, 200, method="ddpm", steps=20, rng=9)
    np.testing.assert_allclose(c.samples, a.samples, atol=1e-8)


def test_eps_denoiser_of_a_point_mass():
    den = denoiser_from_eps(lambda x, ab: (x - np.sqrt(ab) * 2.0) / np.sqrt(1 - ab))
    run = sample_reverse(den, LINEAR, 20, method="ddim", steps=10, rng=0)
    np.testing.assert_allclose(run.x0, 2.0, atol=1e-12)


def test_exact_denoiser_tweedie_fallback_uses_the_score():
    class ScoreOnly:
        def __init__(self, q):
            self.q = q
            self.mean = q.mean

        def score(self, x):
            return self.q.score(x)

    class Data:
        mean = 0.0

        def diffused(self, alpha_bar):
            return ScoreOnly(three_bands().diffused(alpha_bar))

    x = np.array([-7.0, 1.0, 8.5])
    np.testing.assert_allclose(
        ExactDenoiser(Data())(x, 0.3),
        three_bands().diffused(0.3).denoise(x),
        rtol=1e-10,
    )


@pytest.mark.parametrize("factory", [denoiser_from_score, denoiser_from_eps])
def test_score_and_eps_models_refuse_alpha_bar_zero(factory):
    den = factory(lambda x, ab: x)
    with pytest.raises(ValueError, match=r"alpha_bar must be > 0"):
        den(np.zeros(3), 0.0)


def test_nonfinite_denoiser_output_is_reported():
    with pytest.raises(ValueError, match="finite denoiser output"):
        sample_reverse(
            lambda x, ab: x * np.nan, LINEAR, 5, method="ddim", steps=3, rng=0
        )


# --- bad arguments ----------------------------------------------------------------


def test_registries():
    assert available_samplers() == ("ddim", "ddpm", "ode")
    assert available_spacings() == ("leading", "linspace", "trailing")


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        (
            {"method": "euler"},
            r"method must be one of 'ddim', 'ddpm', 'ode'; got 'euler'",
        ),
        ({"method": None}, r"method must be one of .*; got None"),
        (
            {"method": "ddim", "steps": 201},
            r"steps must be a number of reverse steps in 1..T = 1..200, got 201",
        ),
        (
            {"method": "ddim", "steps": 0},
            r"steps must be a number of reverse steps in 1..T = 1..200, got 0",
        ),
        (
            {"method": "ddim", "steps": True},
            r"steps must be an integer or a sequence, got True",
        ),
        (
            {"method": "ddim", "steps": [50, 100]},
            r"steps must be strictly decreasing, got \[50, 100\]",
        ),
        (
            {"method": "ddim", "steps": [300, 100]},
            r"steps must lie in 0..T = 0..200, got \[300, 100\]",
        ),
        ({"method": "ddim", "steps": [0]}, r"steps must contain a step above 0"),
        (
            {"method": "ddim", "steps": [[3]]},
            r"steps must be an integer number of reverse steps or",
        ),
        (
            {"method": "ddim", "steps": [2.5]},
            r"steps must be an integer number of reverse steps or",
        ),
        ({"method": "ddim", "eta": 1.5}, r"eta must lie in \[0, 1\], got 1.5"),
        ({"method": "ddim", "eta": -0.1}, r"eta must lie in \[0, 1\], got -0.1"),
        (
            {"method": "ddpm", "eta": 0.5},
            r"eta applies only to method 'ddim', not to 'ddpm'; got eta=0.5",
        ),
        (
            {"method": "ddpm", "variance": "learned"},
            r"variance must be one of 'fixed_large', 'fixed_small'; got 'learned'",
        ),
        (
            {"method": "ode", "variance": "fixed_small"},
            r"variance applies only to method 'ddpm'",
        ),
        (
            {"method": "ode", "solver": "rk4"},
            r"solver must be one of 'euler', 'heun', 'solve_ivp'; got 'rk4'",
        ),
        (
            {"method": "ode", "solver_options": {"rtol": 1e-3}},
            r"solver_options applies only to solver 'solve_ivp', not to 'heun'",
        ),
        (
            {"method": "ode", "solver": "solve_ivp", "solver_options": 3},
            r"solver_options must be a mapping",
        ),
        (
            {"method": "ode", "solver": "solve_ivp", "solver_options": {"t_eval": [1]}},
            r"solver_options must not set 't_eval'",
        ),
        (
            {
                "method": "ode",
                "solver": "solve_ivp",
                "solver_options": {"method": "Nope"},
            },
            r"`method` must be one of",
        ),
        (
            {"method": "ddim", "spacing": "cosine"},
            r"spacing must be one of 'leading', 'linspace', 'trailing'; got 'cosine'",
        ),
        (
            {"method": "ddim", "init": "zeros"},
            r"init must be one of 'exact', 'gaussian'; got 'zeros'",
        ),
        (
            {"method": "ddim", "steps": 10, "record": [7]},
            r"record must list steps the sampler visits .* got \[7\]",
        ),
        (
            {"method": "ddim", "record": "all"},
            r"record must be None, 'final' or a sequence of visited steps, got 'all'",
        ),
        (
            {"method": "ddim", "record": [1.5]},
            r"record must be a 1-D sequence of integer steps",
        ),
        (
            {"method": "ddim", "rng": -1},
            r"rng must be a non-negative integer seed, got -1",
        ),
        ({"method": "ddim", "rng": "seed"}, r"rng must be None, a non-negative int"),
    ],
)
def test_bad_arguments_name_parameter_value_and_rule(kw, match):
    kw = {"rng": 0, **kw}
    with pytest.raises(ValueError, match=match):
        sample_reverse(three_bands(), LINEAR, 10, **kw)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            (three_bands(), "linear", 10),
            r"schedule must be a NoiseSchedule \(see get_schedule\), got 'linear'",
        ),
        ((three_bands(), LINEAR, 0), r"n must be an integer >= 1, got 0"),
        ((three_bands(), LINEAR, 2.0), r"n must be an integer >= 1, got 2.0"),
        (
            (42, LINEAR, 10),
            r"data must be a distribution with an exact diffused\(alpha_bar\).* got 42",
        ),
    ],
)
def test_bad_positional_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        sample_reverse(*args, method="ddpm", rng=0)


def test_exact_init_needs_a_distribution():
    with pytest.raises(ValueError, match=r"init='exact' needs the data distribution"):
        sample_reverse(
            ExactDenoiser(three_bands()).__call__,
            LINEAR,
            5,
            method="ddim",
            init="exact",
            rng=0,
        )

    class NoSample:
        mean = 0.0

        def diffused(self, alpha_bar):
            return object()

    with pytest.raises(
        ValueError,
        match=r"init='exact' needs data.diffused\(alpha_bar\) to have a sample",
    ):
        sample_reverse(NoSample(), LINEAR, 5, method="ddim", init="exact", rng=0)
    with pytest.raises(
        ValueError, match=r"must have a denoise\(x\) or score\(x\) method"
    ):
        sample_reverse(NoSample(), LINEAR, 5, method="ddim", rng=0)


def test_exact_denoiser_rejects_non_diffusable():
    with pytest.raises(
        ValueError, match=r"data must have a diffused\(alpha_bar\) method"
    ):
        ExactDenoiser(3.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0, 5), r"T must be an integer >= 1, got 0"),
        ((10, 0), r"num must be an integer >= 1, got 0"),
        ((10, 11), r"num must be at most T = 10 .*got 11"),
        (
            (10, 5, "uniform"),
            r"spacing must be one of 'leading', 'linspace', 'trailing'; got 'uniform'",
        ),
    ],
)
def test_sampling_steps_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        sampling_steps(*args)


@pytest.mark.parametrize("factory", [denoiser_from_score, denoiser_from_eps])
def test_adapters_need_callables(factory):
    with pytest.raises(ValueError, match=r"(score|eps) must be callable, got 3"):
        factory(3)


def test_solve_ivp_records_only_the_asked_steps():
    full = sample_reverse(
        GAUSS, LINEAR, 30, method="ode", solver="solve_ivp", steps=10, rng=2
    )
    part = sample_reverse(
        GAUSS,
        LINEAR,
        30,
        method="ode",
        solver="solve_ivp",
        steps=10,
        rng=2,
        record=[100],
    )
    assert part.steps.tolist() == [100, 0]
    np.testing.assert_allclose(part.samples, full.samples[[5, 10]], rtol=1e-12)
    zt = sample_reverse(
        three_bands(),
        ZT,
        30,
        method="ode",
        solver="solve_ivp",
        steps=10,
        rng=2,
        record="final",
    )
    assert zt.steps.tolist() == [0]
    assert np.all(np.isfinite(zt.x0))


def test_an_exact_denoiser_can_be_passed_and_keeps_its_data():
    d = three_bands()
    a = sample_reverse(
        ExactDenoiser(d), LINEAR, 50, method="ddim", steps=5, init="exact", rng=4
    )
    b = sample_reverse(d, LINEAR, 50, method="ddim", steps=5, init="exact", rng=4)
    np.testing.assert_array_equal(a.samples, b.samples)


def test_exact_denoiser_takes_the_mean_from_the_data_law_when_missing():
    class NoMean:
        def diffused(self, alpha_bar):
            return GAUSS.diffused(alpha_bar)

    den = ExactDenoiser(NoMean())
    assert den.mean == pytest.approx(MU)
    np.testing.assert_allclose(den(np.zeros(2), 0.0), MU)
    assert "ExactDenoiser(" in repr(den)


@pytest.mark.parametrize("spacing", ["linspace", "leading", "trailing"])
def test_every_grid_is_strictly_decreasing_with_num_transitions(spacing):
    for T in range(1, 41):
        for num in range(1, T + 1):
            g = sampling_steps(T, num, spacing)
            assert g.size == num + 1
            assert g[-1] == 0
            assert g[0] <= T
            assert np.all(np.diff(g) < 0), (T, num, g)
            if spacing == "trailing" or (spacing == "linspace" and num >= 2):
                assert g[0] == T
            if spacing == "linspace" and num >= 2:
                assert g[-2] == 1  # both ends of the schedule
