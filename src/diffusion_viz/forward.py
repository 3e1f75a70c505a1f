r"""The forward (noising) process: the iterated chain and its closed form."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (
    RNGLike,
    _check_finite_1d,
    _check_rng,
    _check_unit_interval,
    _readonly,
)
from .schedules import NoiseSchedule, _check_steps

__all__ = ["ForwardResult", "diffuse", "sample_marginal"]


@dataclass(frozen=True)
class ForwardResult:
    """Recorded states of a forward diffusion run.

    Attributes
    ----------
    steps : ndarray of int, shape (m,)
        The recorded steps, increasing, in ``0..T``.
    samples : ndarray, shape (m, n)
        ``samples[i]`` holds the ``n`` particles at step ``steps[i]``.
    schedule : NoiseSchedule
        The schedule that was run.

    See Also
    --------
    diffuse : Produces it.
    """

    steps: NDArray[np.intp]
    samples: NDArray[np.float64]
    schedule: NoiseSchedule

    @property
    def alpha_bars(self) -> NDArray[np.float64]:
        r""":math:`\bar\alpha_t` at each recorded step (1 at step 0)."""
        return self.schedule.alpha_bar_at(self.steps)

    def at(self, step: int) -> NDArray[np.float64]:
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
                f"step must be one of the recorded steps "
                f"({self.steps[0]}..{self.steps[-1]}, {self.steps.size} in all), got {step!r}"
            )
        return np.asarray(self.samples[int(hit[0])], dtype=np.float64)


def _check_record(record: ArrayLike | None, T: int) -> NDArray[np.intp]:
    if record is None:
        return np.arange(T + 1, dtype=np.intp)
    steps = np.atleast_1d(_check_steps(record, T))
    if steps.ndim != 1 or steps.size == 0:
        raise ValueError(
            f"record must be a non-empty 1-D list of steps in 0..{T}, got {record!r}"
        )
    if np.any(np.diff(steps) <= 0):
        raise ValueError(f"record must be strictly increasing, got {record!r}")
    return steps


def _check_schedule(schedule: object) -> NoiseSchedule:
    if not isinstance(schedule, NoiseSchedule):
        raise ValueError(
            f"schedule must be a NoiseSchedule (see get_schedule), got {schedule!r}"
        )
    return schedule


def diffuse(
    x0: ArrayLike,
    schedule: NoiseSchedule,
    *,
    rng: RNGLike = None,
    record: ArrayLike | None = None,
) -> ForwardResult:
    r"""Run the forward chain step by step and record chosen steps.

    Parameters
    ----------
    x0 : array_like, shape (n,)
        The data, finite.
    schedule : NoiseSchedule
        The betas to apply, step 1 to ``T``.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of the noise; one ``standard_normal(n)`` draw per step. A
        ``RandomState`` is used as it is (see Notes).
    record : array_like of int, optional
        Strictly increasing steps in ``0..T`` to keep. Default: all of them.

    Returns
    -------
    ForwardResult
        ``.steps`` and ``.samples``, one row per recorded step. Memory is
        :math:`O(n \times m)` for ``m`` recorded steps, independent of ``T``.

    Raises
    ------
    ValueError
        If ``x0`` is not a finite 1-D array, ``schedule`` is not a
        :class:`NoiseSchedule`, ``record`` is not a strictly increasing list
        of steps in ``0..T``, or ``rng`` is not accepted.

    See Also
    --------
    sample_marginal : Jump straight to step ``t`` with the closed form.

    Notes
    -----
    Each step applies (Ho et al. 2020, Eq. 2)

    .. math::

        x_t = \sqrt{1 - \beta_t}\, x_{t-1} + \sqrt{\beta_t}\, \varepsilon_t .

    The arithmetic is the seed page's, operation for operation:
    ``np.sqrt(alpha[t]) * x + np.sqrt(beta[t]) * noise``. So with
    ``rs = np.random.RandomState(42)``, ``three_bands().sample(10000, rs)``
    followed by ``diffuse(x0, get_schedule("linear", 200), rng=rs)`` gives
    the seed's arrays bit for bit.

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import diffuse, get_schedule, three_bands
    >>> sched = get_schedule("linear", 200)
    >>> x0 = three_bands().sample(5000, rng=0)
    >>> run = diffuse(x0, sched, rng=1, record=[0, 100, 200])
    >>> run.samples.shape
    (3, 5000)
    >>> expected_var = sched.alpha_bars[-1] * x0.var() + 1 - sched.alpha_bars[-1]
    >>> np.allclose(run.samples[-1].var(), expected_var, rtol=0.1)
    True
    """
    x = _check_finite_1d("x0", x0).copy()
    sched = _check_schedule(schedule)
    steps = _check_record(record, sched.T)
    gen = _check_rng(rng)
    out = np.empty((steps.size, x.size), dtype=np.float64)
    k = 0
    if steps[0] == 0:
        out[0] = x
        k = 1
    sqrt_a = np.sqrt(sched.alphas)
    sqrt_b = np.sqrt(sched.betas)
    for t in range(1, int(steps[-1]) + 1):
        noise = gen.standard_normal(x.size)
        # Ho et al. (2020), Eq. 2: x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps.
        x = sqrt_a[t - 1] * x + sqrt_b[t - 1] * noise
        if k < steps.size and steps[k] == t:
            out[k] = x
            k += 1
    return ForwardResult(
        steps=_readonly(np.array(steps, dtype=np.intp)),
        samples=_readonly(out),
        schedule=sched,
    )


def sample_marginal(
    x0: ArrayLike, alpha_bar: float, rng: RNGLike = None
) -> NDArray[np.float64]:
    r"""Draw :math:`x_t \sim q(x_t \mid x_0)` in one step from the closed form.

    Parameters
    ----------
    x0 : array_like, shape (n,)
        The data, finite.
    alpha_bar : float
        :math:`\bar\alpha_t \in [0, 1]`; 0 gives pure noise, 1 returns a copy
        of ``x0``.
    rng : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of randomness.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        If ``x0`` is not a finite 1-D array, ``alpha_bar`` is outside [0, 1],
        or ``rng`` is not accepted.

    See Also
    --------
    diffuse : The step-by-step chain, whose marginals are the same.

    Notes
    -----
    Ho et al. (2020), Eq. 4:

    .. math::

        x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \varepsilon,
        \qquad \varepsilon \sim \mathcal N(0, 1).

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic
       Models", NeurIPS 2020. arXiv:2006.11239.

    Examples
    --------
    >>> import numpy as np
    >>> from diffusion_viz import sample_marginal
    >>> x0 = np.full(100_000, 3.0)
    >>> xt = sample_marginal(x0, 0.25, rng=0)
    >>> np.allclose([xt.mean(), xt.var()], [1.5, 0.75], atol=0.01)
    True
    """
    x = _check_finite_1d("x0", x0)
    ab = _check_unit_interval("alpha_bar", alpha_bar, low_open=False, high_open=False)
    gen = _check_rng(rng)
    noise = gen.standard_normal(x.size)
    # Ho et al. (2020), Eq. 4: x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps.
    return np.asarray(np.sqrt(ab) * x + np.sqrt(1.0 - ab) * noise)
