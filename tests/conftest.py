"""Shared fixtures. ``seed_page`` holds the seed page's own code as the reference."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pytest
from hypothesis import settings
from scipy.stats import kstest

mpl.use("Agg")

# Property tests draw the same examples on every run: fixed seeds everywhere.
settings.register_profile("diffusion_viz", derandomize=True, deadline=None)
settings.load_profile("diffusion_viz")


def _seed_forward(n_samples=10000, T=200, beta_start=1e-4, beta_end=0.1):
    np.random.seed(42)
    n1 = n_samples // 3
    n2 = n_samples // 3
    n3 = n_samples - n1 - n2
    initial_data = np.concatenate(
        [
            np.random.uniform(-10, -6, size=n1),
            np.random.uniform(-2, 2, size=n2),
            np.random.uniform(6, 10, size=n3),
        ]
    )
    beta = np.linspace(beta_start, beta_end, T)
    alpha = 1.0 - beta
    diffusion_steps = [initial_data.copy()]
    for t in range(T):
        x_prev = diffusion_steps[-1]
        noise = np.random.randn(n_samples)
        x_next = np.sqrt(alpha[t]) * x_prev + np.sqrt(beta[t]) * noise
        diffusion_steps.append(x_next)
    normality_p = []
    for data in diffusion_steps:
        m, s = data.mean(), data.std()
        _, pvalue = kstest(data, "norm", args=(m, s))
        normality_p.append(pvalue)
    return np.array(diffusion_steps), np.array(normality_p)


@pytest.fixture(scope="session")
def seed_page():
    """The seed page's arrays: all 201 steps and its 201 KS p-values.

    Computed by the seed page's own code (plotting left out), with its
    global-state RNG calls, not by this package.
    """
    return _seed_forward()
