r"""Noise schedules: the betas of the forward process and everything derived.

Index convention, used throughout the package: *step* ``t`` is the state after
``t`` forward steps, step 0 is the data, and ``alpha_bars[t - 1]`` is
:math:`\bar\alpha_t`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import _check_int, _check_unit_interval, _readonly

__all__ = [
    "NoiseSchedule",
    "available_schedules",
    "get_schedule",
    "rescale_zero_terminal_snr",
    "schedule_from_alpha_bar",
]


@dataclass(frozen=True, eq=False, repr=False)
class NoiseSchedule:
    r"""A discrete variance-preserving noise schedule.

    Build one by name with :func:`get_schedule`, from explicit betas with this
    constructor, or from a continuous :math:`\bar\alpha(t)` with
    :func:`schedule_from_alpha_bar`. All arrays are float64, have length
    ``T`` and are read-only.

    Parameters
    ----------
    betas : array_like, shape (T,)
        The variances :math:`\beta_1, \dots, \beta_T` of the forward steps.
        Each must be finite and in (0, 1); only the last may be exactly 1,
        which makes the terminal signal-to-noise ratio zero.
    name : str, optional
        A label used in plots and in the repr. Default ``"custom"``.

    Attributes
    ----------
    T : int
        The number of forward steps.
    betas : ndarray
        :math:`\beta_t`.
    alphas : ndarray
        :math:`\alpha_t = 1 - \beta_t`.
    alpha_bars : ndarray
        :math:`\bar\alpha_t = \prod_{s \le t} \alpha_s`; ``alpha_bars[t - 1]``
        belongs to step ``t``.
    log_alpha_bars : ndarray
        :math:`\log\bar\alpha_t`, summed in log space (``-inf`` where
        :math:`\bar\alpha_t = 0`).
    snr : ndarray
        :math:`\mathrm{SNR}_t = \bar\alpha_t / (1 - \bar\alpha_t)`.
    log_snr : ndarray
        :math:`\log \mathrm{SNR}_t`, computed without forming the ratio.

    Raises
    ------
    ValueError
        If ``betas`` is empty, not one-dimensional, not finite, or has a value
        outside (0, 1) (the last value may be exactly 1).

    See Also
    --------
    get_schedule : Build a named schedule.
    schedule_from_alpha_bar : Build a schedule from :math:`\bar\alpha(t)`.
    rescale_zero_terminal_snr : Rescale a schedule to zero terminal SNR.

    Notes
    -----
    One forward step is (Ho et al. 2020, Eq. 2)

    .. math::

        x_t = \sqrt{1 - \beta_t}\, x_{t-1} + \sqrt{\beta_t}\, \varepsilon_t,
        \qquad \varepsilon_t \sim \mathcal N(0, 1),

    and the steps compose into the closed form (Ho et al. 2020, Eq. 4)

    .. math::

        q(x_t \mid x_0) = \mathcal N\!\left(\sqrt{\bar\alpha_t}\, x_0,\;
        (1 - \bar\alpha_t)\right).

    :math:`\log\bar\alpha_t` is accumulated as
    :math:`\sum_s \operatorname{log1p}(-\beta_s)` and
    :math:`1 - \bar\alpha_t` as :math:`-\operatorname{expm1}(\log\bar\alpha_t)`,
    so the SNR keeps full precision when :math:`\bar\alpha_t` is close to 1.

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import NoiseSchedule
    >>> sched = NoiseSchedule([0.1, 0.2, 0.5])
    >>> sched.T
    3
    >>> np.allclose(sched.alpha_bars, [0.9, 0.72, 0.36])
    True
    >>> np.allclose(sched.snr, [9.0, 0.72 / 0.28, 0.36 / 0.64])
    True
    """

    betas: NDArray[np.float64]
    name: str = "custom"
    T: int = field(init=False)
    alphas: NDArray[np.float64] = field(init=False)
    alpha_bars: NDArray[np.float64] = field(init=False)
    log_alpha_bars: NDArray[np.float64] = field(init=False)
    snr: NDArray[np.float64] = field(init=False)
    log_snr: NDArray[np.float64] = field(init=False)

    def __post_init__(self) -> None:
        betas = _check_betas(self.betas)
        alphas: NDArray[np.float64] = 1.0 - betas
        with np.errstate(divide="ignore"):
            log_alpha_bars = np.cumsum(np.log1p(-betas))
            # 1 - alpha_bar without cancellation when alpha_bar is near 1.
            one_minus = -np.expm1(log_alpha_bars)
            log_snr = log_alpha_bars - np.log(one_minus)
        alpha_bars = np.cumprod(alphas)
        snr = alpha_bars / one_minus
        set_ = object.__setattr__
        set_(self, "betas", _readonly(betas))
        set_(self, "T", int(betas.size))
        set_(self, "alphas", _readonly(alphas))
        set_(self, "alpha_bars", _readonly(alpha_bars))
        set_(self, "log_alpha_bars", _readonly(log_alpha_bars))
        set_(self, "snr", _readonly(snr))
        set_(self, "log_snr", _readonly(log_snr))

    def __repr__(self) -> str:
        return (
            f"NoiseSchedule(name={self.name!r}, T={self.T}, "
            f"beta_1={self.betas[0]:.4g}, beta_T={self.betas[-1]:.4g}, "
            f"alpha_bar_T={self.alpha_bars[-1]:.4g})"
        )

    def alpha_bar_at(self, steps: ArrayLike) -> NDArray[np.float64]:
        r"""Return :math:`\bar\alpha_t` at the given steps, with step 0 giving 1.

        Parameters
        ----------
        steps : int or array_like of int
            Steps in ``0..T``.

        Returns
        -------
        ndarray
            :math:`\bar\alpha_t` with the shape of ``steps``.

        Raises
        ------
        ValueError
            If a step is not an integer in ``0..T``.

        Examples
        --------
        >>> import numpy as np
        >>> from diffusion_viz import NoiseSchedule
        >>> np.allclose(NoiseSchedule([0.5, 0.5]).alpha_bar_at([0, 1, 2]),
        ...             [1.0, 0.5, 0.25])
        True
        """
        idx = _check_steps(steps, self.T)
        padded = np.concatenate(([1.0], self.alpha_bars))
        return np.asarray(padded[idx], dtype=np.float64)


def _check_schedule(schedule: object) -> NoiseSchedule:
    """Return ``schedule``, or raise if it is not a :class:`NoiseSchedule`."""
    if not isinstance(schedule, NoiseSchedule):
        raise ValueError(
            f"schedule must be a NoiseSchedule (see get_schedule), got {schedule!r}"
        )
    return schedule


def _check_betas(betas: ArrayLike) -> NDArray[np.float64]:
    arr = np.array(betas, dtype=np.float64, copy=True)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"betas must be a non-empty one-dimensional array, got shape {arr.shape}"
        )
    bad = ~np.isfinite(arr) | (arr <= 0.0) | (arr > 1.0)
    bad[:-1] |= arr[:-1] >= 1.0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"betas must be finite and lie in (0, 1) (only the last beta may be "
            f"exactly 1, for zero terminal SNR), got {float(arr[i])!r} at index {i}"
        )
    return arr


def _check_steps(steps: ArrayLike, T: int) -> NDArray[np.intp]:
    arr = np.asarray(steps)
    if arr.dtype.kind not in "iu":
        if (
            arr.dtype.kind == "f"
            and np.all(np.isfinite(arr))
            and np.all(arr == np.round(arr))
        ):
            arr = arr.astype(np.intp)
        else:
            raise ValueError(f"steps must be integers in 0..{T}, got {steps!r}")
    if arr.size and (arr.min() < 0 or arr.max() > T):
        raise ValueError(f"steps must be integers in 0..{T}, got {steps!r}")
    return arr.astype(np.intp)


# --------------------------------------------------------------------------
# Registry of named schedules
# --------------------------------------------------------------------------


def _check_beta_param(name: str, value: float) -> float:
    return _check_unit_interval(name, value, low_open=True, high_open=True)


def _linear(
    T: int, beta_start: float = 1e-4, beta_end: float = 0.1
) -> NDArray[np.float64]:
    b0 = _check_beta_param("beta_start", beta_start)
    b1 = _check_beta_param("beta_end", beta_end)
    # Ho et al. (2020), Sec. 4: betas linear from beta_1 to beta_T.
    return np.linspace(b0, b1, T)


def _quadratic(
    T: int, beta_start: float = 1e-4, beta_end: float = 0.1
) -> NDArray[np.float64]:
    b0 = _check_beta_param("beta_start", beta_start)
    b1 = _check_beta_param("beta_end", beta_end)
    # Linear in sqrt(beta), then squared: the seed's "Quadratic",
    # diffusers' "scaled_linear", latent diffusion's "linear".
    return np.linspace(np.sqrt(b0), np.sqrt(b1), T) ** 2


def _constant(T: int, beta_end: float = 0.1) -> NDArray[np.float64]:
    b1 = _check_beta_param("beta_end", beta_end)
    return np.full(T, b1)


def _cosine(T: int, s: float = 0.008, max_beta: float = 0.999) -> NDArray[np.float64]:
    if not (np.isfinite(s) and s > 0):
        raise ValueError(f"s must be a positive finite offset, got {s!r}")
    _check_unit_interval("max_beta", max_beta, low_open=True, high_open=False)

    def f(u: NDArray[np.float64]) -> NDArray[np.float64]:
        # Nichol & Dhariwal (2021), Eq. 17: f(t) = cos^2(((t/T + s)/(1 + s)) pi/2).
        return np.asarray(np.cos((u + s) / (1.0 + s) * np.pi / 2.0) ** 2)

    return _betas_from_alpha_bar(f, T, max_beta)


def _sigmoid(
    T: int, beta_start: float = 1e-4, beta_end: float = 0.1
) -> NDArray[np.float64]:
    b0 = _check_beta_param("beta_start", beta_start)
    b1 = _check_beta_param("beta_end", beta_end)
    # GeoDiff (Xu et al. 2022): sigmoid(linspace(-6, 6, T)) scaled to [b0, b1].
    u = np.linspace(-6.0, 6.0, T)
    return 1.0 / (1.0 + np.exp(-u)) * (b1 - b0) + b0


_SCHEDULES: dict[str, Callable[..., NDArray[np.float64]]] = {
    "constant": _constant,
    "cosine": _cosine,
    "linear": _linear,
    "quadratic": _quadratic,
    "sigmoid": _sigmoid,
}
_ALIASES: dict[str, str] = {"scaled_linear": "quadratic"}


def available_schedules() -> tuple[str, ...]:
    """Return the names :func:`get_schedule` accepts, aliases included.

    Returns
    -------
    tuple of str
        Sorted schedule names.

    See Also
    --------
    get_schedule : Build a schedule by name.

    Examples
    --------
    >>> from diffusion_viz import available_schedules
    >>> available_schedules()
    ('constant', 'cosine', 'linear', 'quadratic', 'scaled_linear', 'sigmoid')
    """
    return tuple(sorted([*_SCHEDULES, *_ALIASES]))


def get_schedule(name: str, T: int, **params: Any) -> NoiseSchedule:
    r"""Build a named noise schedule with ``T`` steps.

    Parameters
    ----------
    name : str
        One of :func:`available_schedules`:

        ``"linear"``
            ``np.linspace(beta_start, beta_end, T)`` (Ho et al. 2020).
        ``"quadratic"`` (alias ``"scaled_linear"``)
            ``np.linspace(sqrt(beta_start), sqrt(beta_end), T) ** 2``.
        ``"constant"``
            ``beta_end`` at every step.
        ``"cosine"``
            Nichol & Dhariwal (2021) with offset ``s`` (default 0.008) and
            each beta capped at ``max_beta`` (default 0.999).
        ``"sigmoid"``
            ``sigmoid(linspace(-6, 6, T)) * (beta_end - beta_start) + beta_start``
            (GeoDiff, Xu et al. 2022).
    T : int
        Number of forward steps, an integer >= 1.
    **params
        Schedule parameters. ``beta_start`` and ``beta_end`` default to the
        seed page's 1e-4 and 0.1 and must lie in (0, 1).

    Returns
    -------
    NoiseSchedule
        The schedule, labelled with the canonical ``name``.

    Raises
    ------
    ValueError
        If ``name`` is unknown (the message lists the valid names), ``T`` is
        not an integer >= 1, a parameter is not accepted by the schedule, or a
        parameter value breaks its rule.

    See Also
    --------
    NoiseSchedule : The returned object.
    rescale_zero_terminal_snr : Force :math:`\bar\alpha_T = 0`.

    Notes
    -----
    *Naming trap.* "Quadratic" means different things in different places.
    Here, as on the seed page, in diffusers (``"scaled_linear"``),
    tiny-diffusion and the Annotated Diffusion Model, it is linear in
    :math:`\sqrt\beta`. The latent-diffusion code base calls that same
    schedule "linear". A schedule quadratic *in t*,
    :math:`\beta_0 + (\beta_1 - \beta_0)(i / (T - 1))^2`, is a different one.

    The cosine schedule (Nichol & Dhariwal 2021, Eq. 17) is

    .. math::

        \bar\alpha(t) = \frac{f(t)}{f(0)}, \quad
        f(t) = \cos^2\!\left(\frac{t/T + s}{1 + s}\cdot\frac{\pi}{2}\right), \quad
        \beta_t = \min\!\left(1 - \frac{\bar\alpha(t)}{\bar\alpha(t-1)},
        0.999\right).

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.
    .. [2] A. Nichol and P. Dhariwal, "Improved Denoising Diffusion
       Probabilistic Models", ICML 2021. arXiv:2102.09672.
    .. [3] M. Xu et al., "GeoDiff: a Geometric Diffusion Model for Molecular
       Conformation Generation", ICLR 2022. arXiv:2203.02923.

    Examples
    --------
    DDPM's linear schedule ends with :math:`\sqrt{\bar\alpha_T} \approx 0.00635`:

    >>> import numpy as np
    >>> from diffusion_viz import get_schedule
    >>> ddpm = get_schedule("linear", 1000, beta_start=1e-4, beta_end=0.02)
    >>> np.allclose(np.sqrt(ddpm.alpha_bars[-1]), 0.00635282, rtol=1e-5)
    True
    >>> cos = get_schedule("cosine", 1000)
    >>> np.allclose(cos.betas[0], 4.128e-5, rtol=1e-3)
    True
    """
    key: object = name
    if not isinstance(key, str) or (key not in _SCHEDULES and key not in _ALIASES):
        raise ValueError(
            f"name must be one of {', '.join(map(repr, available_schedules()))}; "
            f"got {name!r}"
        )
    T = _check_int("T", T, 1)
    canonical = _ALIASES.get(name, name)
    builder = _SCHEDULES[canonical]
    accepted = [p for p in inspect.signature(builder).parameters if p != "T"]
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise ValueError(
            f"schedule {canonical!r} does not accept parameter(s) "
            f"{', '.join(map(repr, unknown))}; it accepts "
            f"{', '.join(map(repr, accepted))}"
        )
    return NoiseSchedule(builder(T, **params), name=canonical)


def _betas_from_alpha_bar(
    f: Callable[[NDArray[np.float64]], NDArray[np.float64]], T: int, max_beta: float
) -> NDArray[np.float64]:
    u = np.arange(T + 1, dtype=np.float64) / T
    vals = np.asarray(f(u), dtype=np.float64)
    if vals.shape != u.shape:
        raise ValueError(
            f"alpha_bar must map an array of shape {u.shape} to the same shape, "
            f"got shape {vals.shape}"
        )
    bad = ~np.isfinite(vals) | (vals < 0)
    if bad.any() or vals[0] <= 0:
        k = int(np.flatnonzero(bad)[0]) if bad.any() else 0
        raise ValueError(
            "alpha_bar must be finite and non-negative on [0, 1] with "
            f"alpha_bar(0) > 0, got alpha_bar({u[k]:g}) = {float(vals[k])!r}"
        )
    if np.any(np.diff(vals) > 0):
        raise ValueError("alpha_bar must be non-increasing on [0, 1]")
    if np.any(vals[:-1] == 0):
        raise ValueError("alpha_bar must stay positive before t = 1")
    # Nichol & Dhariwal (2021), Eq. 17: beta_t = min(1 - abar(t)/abar(t-1), max_beta).
    betas = np.minimum(1.0 - vals[1:] / vals[:-1], max_beta)
    return np.asarray(betas, dtype=np.float64)


def schedule_from_alpha_bar(
    alpha_bar: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    T: int,
    *,
    max_beta: float = 0.999,
    name: str = "custom",
) -> NoiseSchedule:
    r"""Discretise a continuous :math:`\bar\alpha(u)`, :math:`u \in [0, 1]`.

    Parameters
    ----------
    alpha_bar : callable
        Vectorised function of :math:`u \in [0, 1]`, non-increasing, positive
        before 1. It is evaluated at ``np.arange(T + 1) / T``; only ratios
        matter, so it need not equal 1 at 0.
    T : int
        Number of steps, an integer >= 1.
    max_beta : float, optional
        Cap on each beta, in (0, 1]. Default 0.999 (Nichol & Dhariwal 2021).
    name : str, optional
        Label of the schedule.

    Returns
    -------
    NoiseSchedule

    Raises
    ------
    ValueError
        If ``T`` or ``max_beta`` is invalid, or ``alpha_bar`` returns the
        wrong shape, non-finite, negative or increasing values.

    See Also
    --------
    get_schedule : The ``"cosine"`` schedule is built this way.

    Notes
    -----
    .. math::

        \beta_i = \min\!\left(1 - \frac{\bar\alpha(i / T)}{\bar\alpha((i-1)/T)},
        \beta_{\max}\right), \qquad i = 1, \dots, T.

    References
    ----------
    .. [1] A. Nichol and P. Dhariwal, "Improved Denoising Diffusion
       Probabilistic Models", ICML 2021. arXiv:2102.09672.

    Examples
    --------
    An exponential :math:`\bar\alpha(u) = e^{-5u}` gives a constant schedule:

    >>> import numpy as np
    >>> from diffusion_viz import schedule_from_alpha_bar
    >>> sched = schedule_from_alpha_bar(lambda u: np.exp(-5 * u), 10)
    >>> np.allclose(sched.betas, 1 - np.exp(-0.5))
    True
    """
    T = _check_int("T", T, 1)
    max_beta = _check_unit_interval(
        "max_beta", max_beta, low_open=True, high_open=False
    )
    if not callable(alpha_bar):
        raise ValueError(f"alpha_bar must be callable, got {alpha_bar!r}")
    return NoiseSchedule(_betas_from_alpha_bar(alpha_bar, T, max_beta), name=name)


def rescale_zero_terminal_snr(schedule: NoiseSchedule) -> NoiseSchedule:
    r"""Rescale a schedule so that its terminal SNR is exactly zero.

    Parameters
    ----------
    schedule : NoiseSchedule
        Schedule with ``T >= 2``.

    Returns
    -------
    NoiseSchedule
        A schedule with the same :math:`\bar\alpha_1`, :math:`\bar\alpha_T = 0`
        and a last beta of exactly 1. Its name gets the suffix ``"+ztsnr"``.

    Raises
    ------
    ValueError
        If ``schedule`` is not a :class:`NoiseSchedule`, has ``T < 2``,
        already has :math:`\bar\alpha_1 = \bar\alpha_T`, or would get a
        beta that rounds to 1 before the last step (when
        :math:`\bar\alpha_{T-1}` is within a few ulps of :math:`\bar\alpha_T`).

    See Also
    --------
    get_schedule : Build the schedule to rescale.

    Notes
    -----
    Lin et al. (2024), Algorithm 1, shifts and scales
    :math:`\sqrt{\bar\alpha_t}` so that the last value is 0 and the first is
    unchanged:

    .. math::

        \sqrt{\bar\alpha_t}' = \left(\sqrt{\bar\alpha_t} - \sqrt{\bar\alpha_T}\right)
        \frac{\sqrt{\bar\alpha_1}}{\sqrt{\bar\alpha_1} - \sqrt{\bar\alpha_T}} .

    The betas are recovered as :math:`\beta_t = 1 - \bar\alpha_t' /
    \bar\alpha_{t-1}'`. With :math:`\bar\alpha_T = 0`,
    :math:`x_T` is pure noise, and an epsilon-prediction sampler must not
    divide by :math:`\sqrt{\bar\alpha_T}` at the first reverse step.

    References
    ----------
    .. [1] S. Lin, B. Liu, J. Li and X. Yang, "Common Diffusion Noise Schedules
       and Sample Steps are Flawed", WACV 2024. arXiv:2305.08891.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import get_schedule, rescale_zero_terminal_snr
    >>> z = rescale_zero_terminal_snr(get_schedule("linear", 1000, beta_end=0.02))
    >>> float(z.alpha_bars[-1]), float(z.betas[-1])
    (0.0, 1.0)
    >>> np.allclose(z.alpha_bars[0], 1 - 1e-4)
    True
    """
    if not isinstance(schedule, NoiseSchedule):
        raise ValueError(f"schedule must be a NoiseSchedule, got {schedule!r}")
    if schedule.T < 2:
        raise ValueError(f"schedule must have T >= 2 to rescale, got T = {schedule.T}")
    sqrt_ab = np.sqrt(schedule.alpha_bars)
    first, last = sqrt_ab[0], sqrt_ab[-1]
    if not first > last:
        raise ValueError(
            "schedule must have alpha_bar_1 > alpha_bar_T to rescale, got "
            f"{float(first**2)!r} and {float(last**2)!r}"
        )
    # Lin et al. (2024), Algorithm 1: shift to zero at T, keep the first value.
    sqrt_ab = (sqrt_ab - last) * (first / (first - last))
    ab = sqrt_ab**2
    alphas = np.concatenate(([ab[0]], ab[1:] / ab[:-1]))
    betas = 1.0 - alphas
    early = np.flatnonzero(betas[:-1] >= 1.0)
    if early.size:
        i = int(early[0])
        raise ValueError(
            "schedule cannot be rescaled to zero terminal SNR in float64: "
            f"beta_{i + 1} would be 1 - {float(alphas[i]):.3g}, which rounds to 1 "
            "before the last step (alpha_bar_{T-1} is too close to alpha_bar_T)"
        )
    return NoiseSchedule(betas, name=f"{schedule.name}+ztsnr")
