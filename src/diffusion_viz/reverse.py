r"""The reverse (generative) process: DDPM, DDIM and the probability-flow ODE.

Every sampler here needs one thing from the model: a *denoiser*, a function
``(x_t, alpha_bar) -> x0_hat`` that estimates :math:`\mathbb E[x_0 \mid x_t]`.
The package's toy distributions know that posterior mean exactly (Tweedie's
formula), so :func:`sample_reverse` run on them measures the error of the
sampler alone; a learned network plugs into the same :class:`Denoiser`
protocol later, and :func:`denoiser_from_score` and :func:`denoiser_from_eps`
adapt score and noise-prediction models to it.

Step convention, as in the rest of the package: step ``t`` is the state after
``t`` forward steps, :math:`\bar\alpha` at step 0 is 1, and the 0-based
"timestep" ``k`` of other code bases (diffusers, the DDIM paper's code) is
step ``k + 1`` here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate

from ._validation import (
    RNGLike,
    Sampler,
    _check_int,
    _check_rng,
    _check_unit_interval,
    _readonly,
)
from .data import Diffusable
from .schedules import NoiseSchedule, _check_schedule

__all__ = [
    "Denoiser",
    "ExactDenoiser",
    "ReverseResult",
    "available_samplers",
    "available_spacings",
    "denoiser_from_eps",
    "denoiser_from_score",
    "sample_reverse",
    "sampling_steps",
]

FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------
# The model interface
# --------------------------------------------------------------------------


@runtime_checkable
class Denoiser(Protocol):
    r"""A model of the posterior mean :math:`\mathbb E[x_0 \mid x_t]`.

    Any callable ``denoiser(x, alpha_bar)`` that takes the particles ``x``
    (a float64 array) at noise level :math:`\bar\alpha \in [0, 1)` and returns
    an array of the same shape with its estimate :math:`\hat x_0` satisfies
    this protocol: :class:`ExactDenoiser` for the package's distributions, or
    a trained network wrapped in a function. The samplers only ever call it
    with the :math:`\bar\alpha` of a step of the schedule, including
    :math:`\bar\alpha = 0` at the last step of a zero-terminal-SNR schedule.

    See Also
    --------
    ExactDenoiser, denoiser_from_score, denoiser_from_eps, sample_reverse
    """

    def __call__(self, x: FloatArray, alpha_bar: float) -> FloatArray:
        """Return the estimate of :math:`x_0` for particles ``x`` at ``alpha_bar``."""
        ...


class ExactDenoiser:
    r"""The exact posterior mean of a distribution with known diffused marginals.

    Parameters
    ----------
    data : Diffusable
        Anything with ``diffused(alpha_bar)`` returning the exact law
        :math:`q_t`, which must have a ``denoise(x)`` method (Tweedie's
        posterior mean) or a ``score(x)`` method. The package's
        :class:`~diffusion_viz.PiecewiseUniform` and
        :class:`~diffusion_viz.GaussianMixture` qualify.

    Attributes
    ----------
    data : Diffusable
        The data distribution :math:`q_0`.
    mean : float
        :math:`\mathbb E x_0`, the posterior mean when :math:`\bar\alpha = 0`.

    Raises
    ------
    ValueError
        If ``data`` has no ``diffused`` method.

    See Also
    --------
    Denoiser : The protocol it implements.
    sample_reverse : Uses it when given a distribution.

    Notes
    -----
    Tweedie's formula (Efron 2011; Ho et al. 2020, Eq. 10 and 11) links the
    posterior mean to the score of :math:`q_t`:

    .. math::

        \mathbb E[x_0 \mid x_t = x] = \frac{x + (1 - \bar\alpha)\,
        \partial_x \log q_t(x)}{\sqrt{\bar\alpha}} .

    At :math:`\bar\alpha = 0`, where :math:`x_t` carries no information
    about :math:`x_0`, the posterior mean is the data mean
    :math:`\mathbb E x_0` and the formula above would divide by zero; that
    case is answered directly.

    References
    ----------
    .. [1] B. Efron, "Tweedie's Formula and Selection Bias", JASA 106 (2011).
    .. [2] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import ExactDenoiser, three_bands
    >>> den = ExactDenoiser(three_bands())
    >>> x = np.array([-3.0, 0.5, 8.0])
    >>> np.allclose(den(x, 0.4), three_bands().diffused(0.4).denoise(x))
    True
    >>> np.allclose(den(x, 0.0), 0.0)  # the data mean
    True
    """

    def __init__(self, data: Diffusable) -> None:
        if not isinstance(data, Diffusable):
            raise ValueError(
                "data must have a diffused(alpha_bar) method giving the exact "
                f"marginal (a Diffusable), got {data!r}"
            )
        self.data = data
        mean = getattr(data, "mean", None)
        if mean is None:
            mean = data.diffused(1.0).mean
        self.mean = float(mean)

    def __repr__(self) -> str:
        return f"ExactDenoiser({self.data!r})"

    def __call__(self, x: FloatArray, alpha_bar: float) -> FloatArray:
        r"""Return :math:`\mathbb E[x_0 \mid x_t = x]` at ``alpha_bar``."""
        xa = np.asarray(x, dtype=np.float64)
        ab = float(alpha_bar)
        if ab == 0.0:
            return np.full_like(xa, self.mean)
        q = self.data.diffused(ab)
        denoise = getattr(q, "denoise", None)
        if callable(denoise):
            return np.asarray(denoise(xa), dtype=np.float64)
        score = getattr(q, "score", None)
        if not callable(score):
            raise ValueError(
                "data.diffused(alpha_bar) must have a denoise(x) or score(x) "
                f"method, got {q!r}"
            )
        # Tweedie: E[x0 | xt] = (x + (1 - abar) score(x)) / sqrt(abar).
        return np.asarray((xa + (1.0 - ab) * score(xa)) / np.sqrt(ab))


def denoiser_from_score(score: Callable[[FloatArray, float], FloatArray]) -> Denoiser:
    r"""Wrap a score model ``score(x, alpha_bar)`` as a :class:`Denoiser`.

    Parameters
    ----------
    score : callable
        ``score(x, alpha_bar)`` returning :math:`\partial_x \log q_t(x)`.

    Returns
    -------
    Denoiser
        ``(x, alpha_bar) -> (x + (1 - alpha_bar) score(x, alpha_bar)) /
        sqrt(alpha_bar)``.

    Raises
    ------
    ValueError
        If ``score`` is not callable; the returned denoiser raises it when
        called at ``alpha_bar = 0``, where a score carries no information
        about :math:`x_0`.

    See Also
    --------
    denoiser_from_eps, ExactDenoiser

    Notes
    -----
    Tweedie's formula (Efron 2011; Ho et al. 2020, Eq. 10):

    .. math::

        \hat x_0 = \frac{x + (1 - \bar\alpha)\, s(x, \bar\alpha)}
        {\sqrt{\bar\alpha}} .

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import denoiser_from_score, three_bands
    >>> d = three_bands()
    >>> den = denoiser_from_score(lambda x, ab: d.diffused(ab).score(x))
    >>> x = np.array([-7.0, 0.0, 3.0])
    >>> np.allclose(den(x, 0.2), d.diffused(0.2).denoise(x))
    True
    """
    if not callable(score):
        raise ValueError(f"score must be callable, got {score!r}")

    def denoiser(x: FloatArray, alpha_bar: float) -> FloatArray:
        ab = float(alpha_bar)
        if ab == 0.0:
            raise ValueError(
                "alpha_bar must be > 0 for a score model: at alpha_bar = 0 the "
                "score does not determine x0 (use a denoiser there)"
            )
        xa = np.asarray(x, dtype=np.float64)
        # Tweedie (Efron 2011): x0_hat = (x + (1 - abar) score) / sqrt(abar).
        return np.asarray((xa + (1.0 - ab) * score(xa, ab)) / np.sqrt(ab))

    return denoiser


def denoiser_from_eps(eps: Callable[[FloatArray, float], FloatArray]) -> Denoiser:
    r"""Wrap a noise-prediction model ``eps(x, alpha_bar)`` as a :class:`Denoiser`.

    Parameters
    ----------
    eps : callable
        ``eps(x, alpha_bar)`` returning the predicted noise
        :math:`\hat\varepsilon`.

    Returns
    -------
    Denoiser
        ``(x, alpha_bar) -> (x - sqrt(1 - alpha_bar) eps(x, alpha_bar)) /
        sqrt(alpha_bar)``.

    Raises
    ------
    ValueError
        If ``eps`` is not callable; the returned denoiser raises it when
        called at ``alpha_bar = 0``, the division by zero that Lin et al.
        (2024) point out for zero-terminal-SNR schedules.

    See Also
    --------
    denoiser_from_score, ExactDenoiser

    Notes
    -----
    Inverting :math:`x_t = \sqrt{\bar\alpha}x_0 + \sqrt{1-\bar\alpha}\,
    \varepsilon` (Ho et al. 2020, Eq. 4; Song, Meng and Ermon 2021, Eq. 9):

    .. math::

        \hat x_0 = \frac{x - \sqrt{1 - \bar\alpha}\,\hat\varepsilon(x, \bar\alpha)}
        {\sqrt{\bar\alpha}} .

    References
    ----------
    .. [1] S. Lin, B. Liu, J. Li and X. Yang, "Common Diffusion Noise Schedules
       and Sample Steps are Flawed", WACV 2024. arXiv:2305.08891.

    Examples
    --------
    A model that predicts the noise of data at a point mass at 2:

    >>> import numpy as np
    >>> from diffusion_viz import denoiser_from_eps
    >>> den = denoiser_from_eps(lambda x, ab: (x - np.sqrt(ab) * 2.0) / np.sqrt(1 - ab))
    >>> np.allclose(den(np.array([0.3, 5.0]), 0.5), 2.0)
    True
    """
    if not callable(eps):
        raise ValueError(f"eps must be callable, got {eps!r}")

    def denoiser(x: FloatArray, alpha_bar: float) -> FloatArray:
        ab = float(alpha_bar)
        if ab == 0.0:
            raise ValueError(
                "alpha_bar must be > 0 for a noise-prediction model: at "
                "alpha_bar = 0, x0 = (x - eps) / 0 (Lin et al. 2024)"
            )
        xa = np.asarray(x, dtype=np.float64)
        # Ho et al. (2020), Eq. 4 solved for x0.
        return np.asarray((xa - np.sqrt(1.0 - ab) * eps(xa, ab)) / np.sqrt(ab))

    return denoiser


# --------------------------------------------------------------------------
# Timestep grids
# --------------------------------------------------------------------------


def _linspace_grid(T: int, num: int) -> NDArray[np.intp]:
    return np.round(np.linspace(0.0, T - 1.0, num)).astype(np.intp)[::-1]


def _leading_grid(T: int, num: int) -> NDArray[np.intp]:
    ratio = T // num
    return (np.arange(num, dtype=np.intp) * ratio)[::-1]


def _trailing_grid(T: int, num: int) -> NDArray[np.intp]:
    ratio = T / num
    return (np.round(T - np.arange(num) * ratio) - 1).astype(np.intp)


_SPACINGS: dict[str, Callable[[int, int], NDArray[np.intp]]] = {
    "leading": _leading_grid,
    "linspace": _linspace_grid,
    "trailing": _trailing_grid,
}


def available_spacings() -> tuple[str, ...]:
    """Return the timestep spacings :func:`sampling_steps` accepts.

    Returns
    -------
    tuple of str
        Sorted names.

    See Also
    --------
    sampling_steps

    Examples
    --------
    >>> from diffusion_viz import available_spacings
    >>> available_spacings()
    ('leading', 'linspace', 'trailing')
    """
    return tuple(sorted(_SPACINGS))


def sampling_steps(T: int, num: int, spacing: str = "trailing") -> NDArray[np.intp]:
    r"""Return the steps a reverse sampler visits, from the first to step 0.

    Parameters
    ----------
    T : int
        Number of steps of the schedule, an integer >= 1.
    num : int
        Number of reverse steps (denoising transitions), in ``1..T``.
    spacing : {"trailing", "linspace", "leading"}, optional
        How the ``num`` noise levels are spread over the ``T`` steps (see
        Notes). Default ``"trailing"``.

    Returns
    -------
    ndarray of int, shape (num + 1,)
        Strictly decreasing steps in ``0..T``; the last is 0, the data.

    Raises
    ------
    ValueError
        If ``T`` or ``num`` is not an integer in its range, or ``spacing`` is
        unknown (the message lists the valid names).

    See Also
    --------
    sample_reverse : Runs a sampler on this grid.

    Notes
    -----
    The three spacings are defined on 0-based timesteps
    :math:`k \in \{0, \dots, T-1\}`, where timestep :math:`k` has
    :math:`\bar\alpha_{k+1}` (step :math:`k + 1` here). With
    :math:`r = T / \mathrm{num}`:

    ``"linspace"``
        :math:`k_i = \mathrm{round}(i (T - 1) / (\mathrm{num} - 1))`: both ends
        of the schedule are visited (with one step, only :math:`k = 0`).
    ``"leading"``
        :math:`k_i = i \lfloor r \rfloor`, starting from 0: the first reverse
        step is *below* :math:`T` (Song, Meng and Ermon 2021's code; diffusers'
        default for DDIM).
    ``"trailing"``
        :math:`k_i = \mathrm{round}(T - i r) - 1`, counting down from
        :math:`T - 1`: the first step is always :math:`T`, as Lin et al.
        (2024), Sec. 3.3 and Table 2, recommend.

    The steps returned are :math:`k_i + 1`, in decreasing order, followed by
    step 0. For :math:`T = 1000` and ten steps the timesteps are 999, 888, …,
    0 (linspace), 900, 800, …, 0 (leading) and 999, 899, …, 99 (trailing).

    References
    ----------
    .. [1] S. Lin, B. Liu, J. Li and X. Yang, "Common Diffusion Noise Schedules
       and Sample Steps are Flawed", WACV 2024. arXiv:2305.08891.
    .. [2] J. Song, C. Meng and S. Ermon, "Denoising Diffusion Implicit
       Models", ICLR 2021. arXiv:2010.02502.

    Examples
    --------
    >>> from diffusion_viz import sampling_steps
    >>> sampling_steps(1000, 10, "trailing").tolist()
    [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100, 0]
    >>> (sampling_steps(1000, 10, "leading") - 1).tolist()[:-1]
    [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]
    >>> (sampling_steps(1000, 10, "linspace") - 1).tolist()[:3]
    [999, 888, 777]
    """
    T = _check_int("T", T, 1)
    num = _check_int("num", num, 1)
    if num > T:
        raise ValueError(
            f"num must be at most T = {T} (one reverse step per forward step at "
            f"most), got {num!r}"
        )
    key: object = spacing
    if not isinstance(key, str) or key not in _SPACINGS:
        raise ValueError(
            f"spacing must be one of {', '.join(map(repr, available_spacings()))}; "
            f"got {spacing!r}"
        )
    timesteps = _SPACINGS[spacing](T, num)
    return np.concatenate((timesteps + 1, [0])).astype(np.intp)


def _check_explicit_steps(steps: ArrayLike, T: int) -> NDArray[np.intp]:
    arr = np.asarray(steps)
    ok_kind = arr.dtype.kind in "iu" or (
        arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == arr // 1)
    )
    if arr.ndim != 1 or arr.size == 0 or not ok_kind:
        raise ValueError(
            "steps must be an integer number of reverse steps or a non-empty 1-D "
            f"sequence of integer steps, got {steps!r}"
        )
    arr = arr.astype(np.intp)
    if arr.min() < 0 or arr.max() > T:
        raise ValueError(f"steps must lie in 0..T = 0..{T}, got {steps!r}")
    if np.any(np.diff(arr) >= 0):
        raise ValueError(f"steps must be strictly decreasing, got {steps!r}")
    if arr[-1] != 0:
        arr = np.concatenate((arr, [0])).astype(np.intp)
    if arr.size < 2:
        raise ValueError(f"steps must contain a step above 0, got {steps!r}")
    return arr


def _resolve_grid(
    steps: int | ArrayLike | None, spacing: str, T: int
) -> NDArray[np.intp]:
    if steps is None:
        steps = T
    if isinstance(steps, int | np.integer) and not isinstance(steps, bool):
        num = int(steps)
        if num < 1 or num > T:
            raise ValueError(
                f"steps must be a number of reverse steps in 1..T = 1..{T}, got "
                f"{steps!r}"
            )
        return sampling_steps(T, num, spacing)
    if isinstance(steps, bool):
        raise ValueError(f"steps must be an integer or a sequence, got {steps!r}")
    return _check_explicit_steps(steps, T)


# --------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReverseResult:
    """Recorded states of a reverse (generative) run.

    Attributes
    ----------
    steps : ndarray of int, shape (m,)
        The recorded steps, strictly decreasing, ending with 0.
    samples : ndarray, shape (m, n)
        ``samples[i]`` holds the ``n`` particles at step ``steps[i]``;
        ``samples[-1]`` is the generated :math:`x_0`.
    schedule : NoiseSchedule
        The schedule whose reverse was run.
    method : str
        The sampler, one of :func:`available_samplers`.
    grid : ndarray of int
        Every step the sampler visited, strictly decreasing, ending with 0.
    nfe : int
        Number of evaluations of the denoiser (each on all ``n`` particles).
    options : mapping
        The sampler's options after defaults were filled in (for example
        ``{"variance": "fixed_small"}`` or ``{"eta": 0.0}``), read-only.

    See Also
    --------
    sample_reverse : Produces it.
    diffusion_viz.ForwardResult : Its forward counterpart.
    """

    steps: NDArray[np.intp]
    samples: FloatArray
    schedule: NoiseSchedule
    method: str
    grid: NDArray[np.intp]
    nfe: int
    options: Mapping[str, Any]

    @property
    def alpha_bars(self) -> FloatArray:
        r""":math:`\bar\alpha_t` at each recorded step (1 at step 0)."""
        return self.schedule.alpha_bar_at(self.steps)

    @property
    def x0(self) -> FloatArray:
        """The generated samples, ``samples[-1]``."""
        return np.asarray(self.samples[-1], dtype=np.float64)

    def at(self, step: int) -> FloatArray:
        """Return the particles recorded at ``step``.

        Parameters
        ----------
        step : int
            A recorded step.

        Returns
        -------
        ndarray, shape (n,)

        Raises
        ------
        ValueError
            If ``step`` was not recorded.
        """
        hit = np.flatnonzero(self.steps == step)
        if hit.size == 0:
            raise ValueError(
                f"step must be one of the recorded steps ({self.steps[0]}.."
                f"{self.steps[-1]}, {self.steps.size} in all), got {step!r}"
            )
        return np.asarray(self.samples[int(hit[0])], dtype=np.float64)


# --------------------------------------------------------------------------
# One reverse transition per sampler
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    """Noise level of one step, with the quantities every sampler needs."""

    step: int
    log_ab: float  # log alpha_bar, -inf at zero terminal SNR
    ab: float  # alpha_bar
    one_minus: float  # 1 - alpha_bar, without cancellation

    @property
    def sigma(self) -> float:
        """Karras et al.'s noise level sqrt((1 - abar) / abar)."""
        if self.ab == 0.0:
            return float("inf")
        return float(np.sqrt(self.one_minus / self.ab))


def _levels(schedule: NoiseSchedule, grid: NDArray[np.intp]) -> list[_Level]:
    log_ab = np.concatenate(([0.0], schedule.log_alpha_bars))
    out = []
    for t in grid.tolist():
        la = float(log_ab[t])
        out.append(_Level(t, la, float(np.exp(la)), float(-np.expm1(la))))
    return out


def _transition_coeffs(cur: _Level, prev: _Level) -> tuple[float, float]:
    """Return (alpha, beta) of the combined forward step prev -> cur."""
    d = cur.log_ab - prev.log_ab
    return float(np.exp(d)), float(-np.expm1(d))


def _eps_hat(x: FloatArray, x0_hat: FloatArray, cur: _Level) -> FloatArray:
    # Ho et al. (2020), Eq. 4 solved for the noise.
    return np.asarray((x - np.sqrt(cur.ab) * x0_hat) / np.sqrt(cur.one_minus))


_StepFn = Callable[
    [FloatArray, _Level, _Level, Denoiser, Sampler, Mapping[str, Any]],
    tuple[FloatArray, int],
]


def _ddpm_step(
    x: FloatArray,
    cur: _Level,
    prev: _Level,
    den: Denoiser,
    gen: Sampler,
    opts: Mapping[str, Any],
) -> tuple[FloatArray, int]:
    x0_hat = np.asarray(den(x, cur.ab), dtype=np.float64)
    alpha, beta = _transition_coeffs(cur, prev)
    # Ho et al. (2020), Eq. 7: the mean of q(x_{t-1} | x_t, x_0) at x_0 = x0_hat.
    mean = (np.sqrt(prev.ab) * beta / cur.one_minus) * x0_hat + (
        np.sqrt(alpha) * prev.one_minus / cur.one_minus
    ) * x
    if prev.step == 0:
        # Ho et al. (2020), Algorithm 2: no noise is added at the last step.
        return np.asarray(mean), 1
    if opts["variance"] == "fixed_small":
        # Ho et al. (2020), Eq. 7: beta_tilde = (1 - abar_{t-1})/(1 - abar_t) beta_t.
        var = prev.one_minus / cur.one_minus * beta
    else:
        # Ho et al. (2020), Sec. 3.2: sigma_t^2 = beta_t.
        var = beta
    return np.asarray(mean + np.sqrt(var) * gen.standard_normal(x.size)), 1


def _ddim_step(
    x: FloatArray,
    cur: _Level,
    prev: _Level,
    den: Denoiser,
    gen: Sampler,
    opts: Mapping[str, Any],
) -> tuple[FloatArray, int]:
    x0_hat = np.asarray(den(x, cur.ab), dtype=np.float64)
    eps = _eps_hat(x, x0_hat, cur)
    _, beta = _transition_coeffs(cur, prev)
    # Song, Meng and Ermon (2021), Eq. 16: sigma_t(eta).
    var = opts["eta"] ** 2 * prev.one_minus / cur.one_minus * beta
    # Song, Meng and Ermon (2021), Eq. 12.
    out = np.sqrt(prev.ab) * x0_hat + np.sqrt(max(prev.one_minus - var, 0.0)) * eps
    if var > 0.0:
        out = out + np.sqrt(var) * gen.standard_normal(x.size)
    return np.asarray(out), 1


def _ode_step(
    x: FloatArray,
    cur: _Level,
    prev: _Level,
    den: Denoiser,
    gen: Sampler,
    opts: Mapping[str, Any],
) -> tuple[FloatArray, int]:
    if cur.ab == 0.0 or prev.step == 0 or opts["solver"] == "euler":
        # An Euler step in sigma is DDIM with eta = 0 (Song, Meng and Ermon
        # 2021, Sec. 4.3; Karras et al. 2022, Algorithm 1): used to
        # leave sigma = inf (zero terminal SNR) and to reach sigma = 0.
        return _ddim_step(x, cur, prev, den, gen, {"eta": 0.0})
    s_cur, s_prev = cur.sigma, prev.sigma
    y = x / np.sqrt(cur.ab)
    # Karras et al. (2022), Eq. 1 and 3: dy/dsigma = (y - D(y; sigma)) / sigma.
    d_cur = (y - den(x, cur.ab)) / s_cur
    y_euler = y + (s_prev - s_cur) * d_cur
    x_euler = np.sqrt(prev.ab) * y_euler
    d_prev = (y_euler - den(x_euler, prev.ab)) / s_prev
    # Karras et al. (2022), Algorithm 1: Heun's trapezoidal correction.
    y_next = y + (s_prev - s_cur) * 0.5 * (d_cur + d_prev)
    return np.asarray(np.sqrt(prev.ab) * y_next), 2


_SAMPLERS: dict[str, _StepFn] = {
    "ddim": _ddim_step,
    "ddpm": _ddpm_step,
    "ode": _ode_step,
}

_VARIANCES = ("fixed_large", "fixed_small")
_SOLVERS = ("euler", "heun", "solve_ivp")


def available_samplers() -> tuple[str, ...]:
    """Return the method names :func:`sample_reverse` accepts.

    Returns
    -------
    tuple of str
        Sorted names.

    See Also
    --------
    sample_reverse

    Examples
    --------
    >>> from diffusion_viz import available_samplers
    >>> available_samplers()
    ('ddim', 'ddpm', 'ode')
    """
    return tuple(sorted(_SAMPLERS))


# --------------------------------------------------------------------------
# The probability-flow ODE with scipy's adaptive solvers
# --------------------------------------------------------------------------


def _solve_ivp_run(
    x: FloatArray,
    levels: list[_Level],
    den: Denoiser,
    record_mask: NDArray[np.bool_],
    options: Mapping[str, Any],
    gen: Sampler,
) -> tuple[list[FloatArray], int]:
    """Integrate from levels[0] to the last level above 0, then denoise.

    Returns the states at the recorded levels (in order) and the number of
    denoiser evaluations.
    """
    states: list[FloatArray] = []
    nfe = 0
    if record_mask[0]:
        states.append(x.copy())
    start = 0
    if levels[0].ab == 0.0:
        # Leave sigma = inf with one Euler (DDIM) step, as in the Heun sampler.
        x, _ = _ddim_step(x, levels[0], levels[1], den, gen, {"eta": 0.0})
        nfe += 1
        start = 1
        if record_mask[1]:
            states.append(x.copy())
    inner = levels[start:-1]
    if len(inner) >= 2:
        u = np.array([np.log(lv.sigma) for lv in inner])

        def rhs(ui: float, y: FloatArray) -> FloatArray:
            ab = 1.0 / (1.0 + np.exp(2.0 * ui))
            # Karras et al. (2022), Eq. 1 and 3 in u = log sigma: dy/du = y - D(y; sigma).
            return np.asarray(y - den(np.sqrt(ab) * y, ab))

        y0 = x / np.sqrt(inner[0].ab)
        sol = integrate.solve_ivp(rhs, (u[0], u[-1]), y0, t_eval=u, **dict(options))
        if not sol.success:
            raise ValueError(f"solve_ivp must succeed, but it reported: {sol.message}")
        nfe += int(sol.nfev)
        ys = np.asarray(sol.y, dtype=np.float64)
        for j, lv in enumerate(inner[1:], start=1):
            if record_mask[start + j]:
                states.append(np.sqrt(lv.ab) * ys[:, j])
        x = np.sqrt(inner[-1].ab) * ys[:, -1]
    # Last step to sigma = 0: x0 = D(x; sigma_min) (Karras et al. 2022, Alg. 1).
    x = np.asarray(den(x, levels[-2].ab), dtype=np.float64)
    nfe += 1
    states.append(x)
    return states, nfe


# --------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------


def _check_choice(name: str, value: object, valid: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in valid:
        raise ValueError(
            f"{name} must be one of {', '.join(map(repr, valid))}; got {value!r}"
        )
    return value


def _method_options(
    method: str,
    variance: str | None,
    eta: float | None,
    solver: str | None,
    solver_options: Mapping[str, Any] | None,
) -> dict[str, Any]:
    given = {
        "variance": variance,
        "eta": eta,
        "solver": solver,
        "solver_options": solver_options,
    }
    owner = {
        "variance": "ddpm",
        "eta": "ddim",
        "solver": "ode",
        "solver_options": "ode",
    }
    for key, val in given.items():
        if val is not None and owner[key] != method:
            raise ValueError(
                f"{key} applies only to method {owner[key]!r}, not to "
                f"{method!r}; got {key}={val!r}"
            )
    if method == "ddpm":
        return {
            "variance": _check_choice(
                "variance", "fixed_small" if variance is None else variance, _VARIANCES
            )
        }
    if method == "ddim":
        return {
            "eta": _check_unit_interval(
                "eta", 0.0 if eta is None else eta, low_open=False, high_open=False
            )
        }
    solver_ = _check_choice("solver", "heun" if solver is None else solver, _SOLVERS)
    opts: dict[str, Any] = {"solver": solver_}
    if solver_options is not None and solver_ != "solve_ivp":
        raise ValueError(
            "solver_options applies only to solver 'solve_ivp', not to "
            f"{solver_!r}; got solver_options={solver_options!r}"
        )
    if solver_ == "solve_ivp":
        if solver_options is not None and not isinstance(solver_options, Mapping):
            raise ValueError(
                f"solver_options must be a mapping of solve_ivp keyword "
                f"arguments, got {solver_options!r}"
            )
        ivp = {"method": "RK45", "rtol": 1e-6, "atol": 1e-6}
        ivp.update(dict(solver_options or {}))
        reserved = sorted({"fun", "t_span", "y0", "t_eval"} & set(ivp))
        if reserved:
            raise ValueError(
                f"solver_options must not set {', '.join(map(repr, reserved))}: "
                "sample_reverse sets them"
            )
        opts["solver_options"] = MappingProxyType(ivp)
    return opts


def _as_denoiser(data: object) -> tuple[Denoiser, Diffusable | None]:
    if isinstance(data, ExactDenoiser):
        return data, data.data
    if isinstance(data, Diffusable):
        return ExactDenoiser(data), data
    if callable(data):
        return data, None
    raise ValueError(
        "data must be a distribution with an exact diffused(alpha_bar) (a "
        "Diffusable) or a denoiser callable (x, alpha_bar) -> x0_hat, got "
        f"{data!r}"
    )


def _initial_state(
    init: str,
    n: int,
    first: _Level,
    data: Diffusable | None,
    gen: Sampler,
) -> FloatArray:
    if init == "gaussian" or first.ab == 0.0:
        return np.asarray(gen.standard_normal(n), dtype=np.float64)
    if data is None:
        raise ValueError(
            "init='exact' needs the data distribution (a Diffusable) to draw "
            "from q_T; a bare denoiser cannot provide it"
        )
    sample = getattr(data.diffused(first.ab), "sample", None)
    if not callable(sample):
        raise ValueError(
            "init='exact' needs data.diffused(alpha_bar) to have a sample(n, rng) "
            "method"
        )
    return np.asarray(sample(n, gen), dtype=np.float64)


def _check_record(
    record: ArrayLike | None, grid: NDArray[np.intp]
) -> NDArray[np.bool_]:
    if record is None:
        return np.ones(grid.size, dtype=bool)
    if isinstance(record, str):
        if record == "final":
            mask = np.zeros(grid.size, dtype=bool)
            mask[-1] = True
            return mask
        raise ValueError(
            f"record must be None, 'final' or a sequence of visited steps, got "
            f"{record!r}"
        )
    arr = np.atleast_1d(np.asarray(record))
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise ValueError(
            f"record must be a 1-D sequence of integer steps, got {record!r}"
        )
    missing = sorted(set(arr.tolist()) - set(grid.tolist()))
    if missing:
        shown = grid.tolist() if grid.size <= 12 else [*grid[:5].tolist(), "...", 0]
        raise ValueError(
            f"record must list steps the sampler visits ({shown}), got "
            f"{missing!r} which it does not visit"
        )
    mask = np.isin(grid, arr)
    mask[-1] = True
    return mask


def sample_reverse(
    data: Diffusable | Denoiser,
    schedule: NoiseSchedule,
    n: int,
    *,
    method: str,
    steps: int | ArrayLike | None = None,
    spacing: str = "trailing",
    rng: RNGLike = None,
    init: str = "gaussian",
    record: ArrayLike | str | None = None,
    variance: str | None = None,
    eta: float | None = None,
    solver: str | None = None,
    solver_options: Mapping[str, Any] | None = None,
) -> ReverseResult:
    r"""Generate samples by running a diffusion sampler from noise to data.

    Parameters
    ----------
    data : Diffusable or Denoiser
        The model. A distribution with an exact ``diffused(alpha_bar)``
        (such as :func:`~diffusion_viz.three_bands`) is wrapped in
        :class:`ExactDenoiser`, so the samplers use the exact posterior mean
        :math:`\mathbb E[x_0 \mid x_t]`; any callable
        ``(x, alpha_bar) -> x0_hat`` (a :class:`Denoiser`) is used as it is.
    schedule : NoiseSchedule
        The forward schedule whose reverse is run.
    n : int
        Number of samples, an integer >= 1.
    method : {"ddpm", "ddim", "ode"}
        The sampler (see Notes and :func:`available_samplers`).
    steps : int or array_like of int, optional
        Number of reverse steps, in ``1..T``, placed by ``spacing`` (see
        :func:`sampling_steps`); or an explicit strictly decreasing sequence
        of steps in ``0..T`` (0 is appended if missing). Default: all ``T``.
    spacing : {"trailing", "linspace", "leading"}, optional
        Spacing of an integer ``steps``. Default ``"trailing"``, which always
        starts at step ``T``.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of the initial noise and of the noise of stochastic steps. A
        ``RandomState`` is used as it is.
    init : {"gaussian", "exact"}, optional
        Start from :math:`\mathcal N(0, 1)` (default, what a trained model
        does) or from the exact :math:`q_t` at the first visited step, which
        needs ``data`` to be a distribution. They agree when
        :math:`\bar\alpha = 0` there.
    record : array_like of int or "final", optional
        Visited steps to keep; step 0 is always kept. ``"final"`` keeps only
        step 0. Default: every visited step.
    variance : {"fixed_small", "fixed_large"}, optional
        ``"ddpm"`` only: the reverse variance :math:`\tilde\beta_t` (default)
        or :math:`\beta_t`.
    eta : float, optional
        ``"ddim"`` only: the stochasticity :math:`\eta \in [0, 1]`; 0
        (default) is deterministic DDIM, 1 has DDPM's
        :math:`\tilde\beta_t` variance.
    solver : {"heun", "euler", "solve_ivp"}, optional
        ``"ode"`` only: Heun's second-order method (default, Karras et al.
        2022, Algorithm 1), Euler's method, or scipy's adaptive
        :func:`scipy.integrate.solve_ivp`.
    solver_options : mapping, optional
        ``solver="solve_ivp"`` only: keyword arguments for
        :func:`scipy.integrate.solve_ivp`. Default
        ``{"method": "RK45", "rtol": 1e-6, "atol": 1e-6}``.

    Returns
    -------
    ReverseResult
        ``.steps`` (decreasing, ending with 0) and ``.samples`` (one row per
        recorded step); ``.samples[-1]`` is the generated :math:`x_0`.

    Raises
    ------
    ValueError
        If ``method`` is unknown (the message lists the valid ones), ``n`` is
        not an integer >= 1, ``steps`` is not in ``1..T`` or not a strictly
        decreasing sequence of steps, ``spacing`` or ``init`` or ``variance``
        or ``solver`` is unknown, ``eta`` is outside [0, 1], an option is given
        to a method it does not apply to, ``record`` lists a step that is not
        visited, ``init="exact"`` is asked of a bare denoiser, or ``rng`` is
        not accepted.

    See Also
    --------
    sampling_steps : The grid of visited steps.
    ExactDenoiser : The exact model of a toy distribution.
    diffusion_viz.diffuse : The forward process.

    Notes
    -----
    Write :math:`t` for the current step and :math:`p` for the next one
    visited (:math:`p < t`; :math:`p = t - 1` when all steps are used),
    :math:`\hat x_0 = D(x_t, \bar\alpha_t)` for the denoiser's output and
    :math:`\hat\varepsilon = (x_t - \sqrt{\bar\alpha_t}\hat x_0) /
    \sqrt{1 - \bar\alpha_t}`. The steps between :math:`p` and :math:`t` act
    as one forward step with :math:`\alpha = \bar\alpha_t / \bar\alpha_p` and
    :math:`\beta = 1 - \alpha`.

    ``"ddpm"`` (Ho et al. 2020, Eq. 6, 7 and Algorithm 2) draws from the
    Gaussian posterior :math:`q(x_p \mid x_t, x_0 = \hat x_0)`:

    .. math::

        x_p = \frac{\sqrt{\bar\alpha_p}\,\beta}{1 - \bar\alpha_t}\hat x_0
        + \frac{\sqrt{\alpha}\,(1 - \bar\alpha_p)}{1 - \bar\alpha_t} x_t
        + \sigma z, \qquad
        \sigma^2 = \tilde\beta = \frac{1 - \bar\alpha_p}{1 - \bar\alpha_t}\beta
        \ \text{or}\ \beta,

    with no noise at the last step.

    ``"ddim"`` (Song, Meng and Ermon 2021, Eq. 12 and 16):

    .. math::

        x_p = \sqrt{\bar\alpha_p}\,\hat x_0
        + \sqrt{1 - \bar\alpha_p - \sigma^2}\,\hat\varepsilon + \sigma z, \qquad
        \sigma = \eta \sqrt{\frac{1 - \bar\alpha_p}{1 - \bar\alpha_t}}
        \sqrt{1 - \frac{\bar\alpha_t}{\bar\alpha_p}} .

    ``"ode"`` integrates the probability-flow ODE of the variance-preserving
    SDE (Song et al. 2021, Eq. 13), :math:`\mathrm dx = -\tfrac12\beta(t)
    \left[x + \nabla_x \log q_t(x)\right]\mathrm dt`. Written for
    :math:`y = x / \sqrt{\bar\alpha}` against
    :math:`\sigma = \sqrt{(1 - \bar\alpha)/\bar\alpha}` it becomes
    (Karras et al. 2022, Eq. 1 and 3, with :math:`x = \sqrt{\bar\alpha}\,y`
    the scaling of their Eq. 4)

    .. math::

        \frac{\mathrm dy}{\mathrm d\sigma} = \frac{y - D(y;\sigma)}{\sigma},

    which ``"heun"`` integrates with Heun's method between the visited
    noise levels (Karras et al. 2022, Algorithm 1) and ``"euler"`` with
    Euler's, which is exactly DDIM with :math:`\eta = 0`. ``"solve_ivp"``
    integrates it in :math:`u = \log\sigma` between the first and the last
    noise level above 0, recording the states at the visited steps. The last
    step, to :math:`\sigma = 0`, is always an Euler step:
    :math:`x_0 = \hat x_0`.

    *Zero terminal SNR.* With :math:`\bar\alpha_T = 0` (Lin et al. 2024),
    :math:`\hat x_0 = \mathbb E x_0` and :math:`\hat\varepsilon = x_T` at the
    first step; no quantity is divided by :math:`\sqrt{\bar\alpha_T}`, and
    the ODE leaves :math:`\sigma = \infty` with one Euler step.

    All arithmetic is in float64; :math:`\alpha` and :math:`\beta` of a
    combined step are formed from :math:`\log\bar\alpha` differences
    (``exp`` and ``expm1``), so they stay accurate when :math:`\beta` is tiny.

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.
    .. [2] J. Song, C. Meng and S. Ermon, "Denoising Diffusion Implicit
       Models", ICLR 2021. arXiv:2010.02502.
    .. [3] Y. Song, J. Sohl-Dickstein, D. P. Kingma, A. Kumar, S. Ermon and
       B. Poole, "Score-Based Generative Modeling through Stochastic
       Differential Equations", ICLR 2021. arXiv:2011.13456.
    .. [4] T. Karras, M. Aittala, T. Aila and S. Laine, "Elucidating the
       Design Space of Diffusion-Based Generative Models", NeurIPS 2022.
       arXiv:2206.00364.
    .. [5] S. Lin, B. Liu, J. Li and X. Yang, "Common Diffusion Noise Schedules
       and Sample Steps are Flawed", WACV 2024. arXiv:2305.08891.

    Examples
    --------
    Generate the seed page's three bands with 50 deterministic DDIM steps:

    >>> import numpy as np
    >>> from diffusion_viz import get_schedule, sample_reverse, three_bands
    >>> run = sample_reverse(three_bands(), get_schedule("linear", 200), 2000,
    ...                      method="ddim", steps=50, rng=0)
    >>> run.steps[:3].tolist(), run.samples.shape
    ([200, 196, 192], (51, 2000))
    >>> x0 = run.samples[-1]
    >>> np.allclose([x0.mean(), x0.std()], [0.0, three_bands().std], atol=0.4)
    True
    """
    method_ = _check_choice("method", method, available_samplers())
    sched = _check_schedule(schedule)
    n = _check_int("n", n, 1)
    spacing_ = _check_choice("spacing", spacing, available_spacings())
    init_ = _check_choice("init", init, ("exact", "gaussian"))
    opts = _method_options(method_, variance, eta, solver, solver_options)
    grid = _resolve_grid(steps, spacing_, sched.T)
    mask = _check_record(record, grid)
    den, dist = _as_denoiser(data)
    gen = _check_rng(rng)
    levels = _levels(sched, grid)
    x = _initial_state(init_, n, levels[0], dist, gen)

    if method_ == "ode" and opts["solver"] == "solve_ivp":
        rows, nfe = _solve_ivp_run(x, levels, den, mask, opts["solver_options"], gen)
    else:
        step_fn = _SAMPLERS[method_]
        rows = [x.copy()] if mask[0] else []
        nfe = 0
        for i in range(1, len(levels)):
            x, used = step_fn(x, levels[i - 1], levels[i], den, gen, opts)
            nfe += used
            if mask[i]:
                rows.append(x.copy())
    samples = np.vstack(rows)
    if not np.all(np.isfinite(samples)):
        raise ValueError(
            "data must give a finite denoiser output; the run produced non-finite "
            "values (check the denoiser at the visited alpha_bar)"
        )
    return ReverseResult(
        steps=_readonly(np.array(grid[mask], dtype=np.intp)),
        samples=_readonly(samples),
        schedule=sched,
        method=method_,
        grid=_readonly(np.array(grid, dtype=np.intp)),
        nfe=nfe,
        options=MappingProxyType(opts),
    )
