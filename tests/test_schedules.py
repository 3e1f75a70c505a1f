from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diffusion_viz import (
    NoiseSchedule,
    available_schedules,
    get_schedule,
    rescale_zero_terminal_snr,
    schedule_from_alpha_bar,
)

SEED_T, SEED_B0, SEED_B1 = 200, 1e-4, 0.1


# --- Golden values from the literature ------------------------------------


def test_ddpm_linear_terminal_values():
    # Ho et al. (2020): T = 1000, betas 1e-4 .. 0.02.
    s = get_schedule("linear", 1000, beta_start=1e-4, beta_end=0.02)
    assert np.sqrt(s.alpha_bars[-1]) == pytest.approx(0.00635282, rel=1e-6)
    assert s.snr[-1] == pytest.approx(4.036e-5, rel=1e-3)


def test_cosine_first_beta_and_cap():
    # Nichol & Dhariwal (2021): beta_1 = 4.128e-5 and only the last beta capped.
    s = get_schedule("cosine", 1000)
    assert s.betas[0] == pytest.approx(4.128e-5, rel=1e-3)
    capped = np.flatnonzero(s.betas == 0.999)
    assert capped.tolist() == [999]
    assert s.alpha_bars[-1] == pytest.approx(2.43e-9, rel=1e-2)


def test_cosine_matches_closed_form_alpha_bar():
    # Before the cap, alpha_bar_t equals f(t)/f(0) exactly.
    T, s_ = 1000, 0.008
    sched = get_schedule("cosine", T)
    f = np.cos((np.arange(T + 1) / T + s_) / (1 + s_) * np.pi / 2) ** 2
    np.testing.assert_allclose(sched.alpha_bars[:-1], (f / f[0])[1:-1], rtol=1e-10)


def test_sigmoid_terminal_value():
    s = get_schedule("sigmoid", 1000, beta_start=1e-4, beta_end=0.02)
    assert np.sqrt(s.alpha_bars[-1]) == pytest.approx(0.00629935, rel=1e-5)


def test_scaled_linear_stable_diffusion_value():
    # Stable Diffusion: 0.00085 .. 0.012, T = 1000.
    s = get_schedule("scaled_linear", 1000, beta_start=0.00085, beta_end=0.012)
    assert np.sqrt(s.alpha_bars[-1]) == pytest.approx(0.0682649, rel=1e-5)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("linear", np.linspace(SEED_B0, SEED_B1, SEED_T)),
        ("quadratic", np.linspace(np.sqrt(SEED_B0), np.sqrt(SEED_B1), SEED_T) ** 2),
        ("scaled_linear", np.linspace(np.sqrt(SEED_B0), np.sqrt(SEED_B1), SEED_T) ** 2),
        ("constant", np.full(SEED_T, SEED_B1)),
    ],
)
def test_seed_schedules_bit_for_bit(name, expected):
    s = get_schedule(name, SEED_T)  # defaults are the seed's 1e-4 and 0.1
    assert np.array_equal(s.betas, expected)


def test_alias_reports_canonical_name():
    assert get_schedule("scaled_linear", 10).name == "quadratic"


def test_derived_arrays():
    s = get_schedule("linear", 50)
    np.testing.assert_array_equal(s.alphas, 1 - s.betas)
    np.testing.assert_allclose(s.alpha_bars, np.cumprod(1 - s.betas), rtol=1e-14)
    np.testing.assert_allclose(s.snr, s.alpha_bars / (1 - s.alpha_bars), rtol=1e-12)
    np.testing.assert_allclose(s.log_snr, np.log(s.snr), rtol=1e-12)
    for arr in (s.betas, s.alphas, s.alpha_bars, s.snr, s.log_snr):
        assert arr.dtype == np.float64
        assert arr.shape == (50,)
        assert not arr.flags.writeable


def test_log_snr_precise_near_one():
    # alpha_bar_1 = 1 - 1e-12: the naive ratio loses ~4 digits, log space none.
    s = NoiseSchedule([1e-12, 0.5])
    assert s.log_snr[0] == pytest.approx(np.log((1 - 1e-12) / 1e-12), rel=1e-14)


def test_schedule_is_immutable():
    s = get_schedule("linear", 10)
    with pytest.raises(AttributeError):
        s.T = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        s.betas[0] = 0.5


def test_alpha_bar_at_step_convention():
    s = get_schedule("linear", 10)
    got = s.alpha_bar_at([0, 1, 10])
    np.testing.assert_array_equal(got, [1.0, s.alpha_bars[0], s.alpha_bars[-1]])
    assert s.alpha_bar_at(np.float64(3.0)) == s.alpha_bars[2]


def test_repr_mentions_name_and_T():
    r = repr(get_schedule("cosine", 7))
    assert "cosine" in r
    assert "T=7" in r


def test_schedule_from_alpha_bar_constant():
    s = schedule_from_alpha_bar(lambda u: np.exp(-3.0 * u), 6, name="exp")
    np.testing.assert_allclose(s.betas, 1 - np.exp(-0.5), rtol=1e-13)
    assert s.name == "exp"


def test_schedule_from_alpha_bar_zero_end_with_cap_one():
    s = schedule_from_alpha_bar(lambda u: 1 - u, 4, max_beta=1.0)
    assert s.betas[-1] == 1.0
    assert s.alpha_bars[-1] == 0.0


def test_zero_terminal_snr_lin_et_al():
    base = get_schedule("linear", 1000, beta_end=0.02)
    z = rescale_zero_terminal_snr(base)
    assert z.betas[-1] == 1.0
    assert z.alpha_bars[-1] == 0.0
    assert z.snr[-1] == 0.0
    assert z.log_snr[-1] == -np.inf
    assert z.alpha_bars[0] == pytest.approx(base.alpha_bars[0], rel=1e-12)
    # sqrt(alpha_bar) is an affine map of the original (Lin et al. 2024, Alg. 1).
    a, b = np.sqrt(base.alpha_bars), np.sqrt(z.alpha_bars)
    slope = (b[0] - b[-1]) / (a[0] - a[-1])
    np.testing.assert_allclose(b, slope * (a - a[-1]), atol=1e-14)
    assert z.name == "linear+ztsnr"


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(["linear", "quadratic", "sigmoid"]),
    T=st.integers(1, 2000),
    b0=st.floats(1e-6, 0.5),
    span=st.floats(0.0, 0.49),
)
def test_alpha_bar_strictly_decreasing_in_unit_interval(name, T, b0, span):
    s = get_schedule(name, T, beta_start=b0, beta_end=b0 + span)
    # alpha_bar itself may underflow to 0 for long, noisy schedules; its log
    # may not: it stays finite and strictly decreasing.
    assert np.all(np.isfinite(s.log_alpha_bars))
    assert np.all(s.log_alpha_bars < 0)
    assert np.all(np.diff(s.log_alpha_bars) < 0)
    assert np.all(np.isfinite(s.log_snr))
    assert np.all((s.alpha_bars >= 0) & (s.alpha_bars < 1))
    assert np.all(np.diff(s.alpha_bars) <= 0)


@settings(max_examples=40, deadline=None)
@given(T=st.integers(1, 3000), s_=st.floats(1e-4, 0.1))
def test_cosine_property(T, s_):
    sched = get_schedule("cosine", T, s=s_)
    assert np.all(sched.betas > 0)
    assert np.all(sched.betas <= 0.999)
    assert np.all(np.diff(sched.alpha_bars) < 0)


@settings(max_examples=40, deadline=None)
@given(betas=st.lists(st.floats(1e-9, 1 - 1e-9), min_size=2, max_size=200))
def test_zero_terminal_snr_property(betas):
    s = NoiseSchedule(betas)
    # alpha_t of the rescaled schedule, before rounding 1 - alpha_t to a beta.
    sa = np.sqrt(s.alpha_bars)
    shifted = (sa - sa[-1]) ** 2
    smallest_alpha = (shifted[1:-1] / shifted[:-2]).min(initial=1.0)
    try:
        z = rescale_zero_terminal_snr(s)
    except ValueError as err:
        # Refused only when 1 - alpha rounds to 1 (alpha below 2**-54, give or
        # take rounding in alpha itself), never for an ordinary schedule.
        assert "cannot be rescaled to zero terminal SNR in float64" in str(err)  # noqa: PT017
        assert smallest_alpha < 2.0**-53
        return
    assert smallest_alpha > 2.0**-55
    assert z.alpha_bars[-1] == 0
    assert np.all(z.betas[:-1] < 1)
    assert np.all(np.diff(z.alpha_bars) < 0)


# --- Bad input --------------------------------------------------------------


def test_unknown_name_lists_valid_names():
    with pytest.raises(
        ValueError, match=r"name must be one of .*'linear'.*'sigmoid'.*got 'lin'"
    ):
        get_schedule("lin", 10)


def test_available_schedules_sorted_and_complete():
    names = available_schedules()
    assert names == tuple(sorted(names))
    assert {
        "linear",
        "quadratic",
        "scaled_linear",
        "constant",
        "cosine",
        "sigmoid",
    } <= set(names)


@pytest.mark.parametrize("T", [0, -3, 2.5, "10", True, None])
def test_bad_T(T):
    with pytest.raises(ValueError, match=r"T must be an integer >= 1, got"):
        get_schedule("linear", T)


def test_unknown_parameter():
    with pytest.raises(
        ValueError,
        match=r"schedule 'constant' does not accept parameter\(s\) 'beta_start'",
    ):
        get_schedule("constant", 10, beta_start=1e-4)


@pytest.mark.parametrize("value", [0.0, 1.0, -0.1, np.nan, 2.0])
def test_bad_beta_params(value):
    with pytest.raises(ValueError, match=r"beta_end must lie in \(0, 1\), got"):
        get_schedule("linear", 10, beta_end=value)


def test_non_numeric_beta_param():
    with pytest.raises(ValueError, match=r"beta_start must be a real number, got 'a'"):
        get_schedule("quadratic", 10, beta_start="a")


@pytest.mark.parametrize(
    "betas",
    [
        [0.1, 0.0, 0.2],
        [0.1, 1.0, 0.2],
        [0.1, -0.5],
        [0.1, np.inf],
        [np.nan, 0.1],
        [0.2, 1.5],
    ],
)
def test_bad_betas(betas):
    with pytest.raises(
        ValueError, match=r"betas must be finite and lie in \(0, 1\) .* at index \d"
    ):
        NoiseSchedule(betas)


def test_last_beta_one_allowed():
    s = NoiseSchedule([0.1, 0.2, 1.0])
    assert s.alpha_bars[-1] == 0.0


@pytest.mark.parametrize("betas", [[], [[0.1, 0.2]]])
def test_betas_shape(betas):
    with pytest.raises(
        ValueError, match="betas must be a non-empty one-dimensional array"
    ):
        NoiseSchedule(betas)


def test_cosine_bad_params():
    with pytest.raises(ValueError, match=r"s must be a positive finite offset, got -1"):
        get_schedule("cosine", 10, s=-1)
    with pytest.raises(ValueError, match=r"max_beta must lie in \(0, 1\], got 1.5"):
        get_schedule("cosine", 10, max_beta=1.5)


def test_alpha_bar_at_bad_steps():
    s = get_schedule("linear", 10)
    with pytest.raises(ValueError, match=r"steps must be integers in 0..10, got 11"):
        s.alpha_bar_at(11)
    with pytest.raises(ValueError, match=r"steps must be integers in 0..10, got 2.5"):
        s.alpha_bar_at(2.5)


def test_schedule_from_alpha_bar_errors():
    with pytest.raises(ValueError, match="alpha_bar must be callable"):
        schedule_from_alpha_bar(0.5, 10)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"alpha_bar must map an array of shape \(11,\)"
    ):
        schedule_from_alpha_bar(lambda u: 1.0, 10)
    with pytest.raises(ValueError, match="alpha_bar must be non-increasing"):
        schedule_from_alpha_bar(lambda u: 1 + u, 10)
    with pytest.raises(ValueError, match="alpha_bar must be finite and non-negative"):
        schedule_from_alpha_bar(lambda u: np.full_like(u, np.nan), 10)
    with pytest.raises(ValueError, match="alpha_bar must stay positive before t = 1"):
        schedule_from_alpha_bar(lambda u: np.maximum(1 - 2 * u, 0), 10)


def test_rescale_refuses_a_beta_that_rounds_to_one():
    # alpha_bar_2 and alpha_bar_3 differ by a factor 1 - 1e-9: after the shift,
    # beta_2 = 1 - 1.46e-18 (alpha_2 = (2.5e-10 / 0.2071)^2), which float64
    # cannot hold below 1.
    with pytest.raises(
        ValueError, match=r"beta_2 would be 1 - 1.46e-18, which rounds to 1"
    ):
        rescale_zero_terminal_snr(NoiseSchedule([0.5, 0.5, 1e-9]))


def test_rescale_errors():
    with pytest.raises(ValueError, match="schedule must be a NoiseSchedule"):
        rescale_zero_terminal_snr([0.1, 0.2])  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"schedule must have T >= 2 to rescale, got T = 1"
    ):
        rescale_zero_terminal_snr(get_schedule("linear", 1))
    with pytest.raises(ValueError, match="alpha_bar_1 > alpha_bar_T"):
        rescale_zero_terminal_snr(NoiseSchedule([0.5, 1.0]).__class__([1e-300, 1e-300]))
