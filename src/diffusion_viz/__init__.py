"""diffusion_viz: teach diffusion models with exact 1-D simulations and pictures."""

from __future__ import annotations

from .data import (
    Diffusable,
    DiffusedPiecewiseUniform,
    GaussianMixture,
    PiecewiseUniform,
    ToyDistribution,
    three_bands,
)
from .diagnostics import (
    NormalityTrace,
    SupDistance,
    TestResult,
    TestTrace,
    exact_ks_distance,
    ks_critical_value,
    ks_estimated,
    ks_prior,
    lilliefors,
    lilliefors_null,
    normality_trace,
)
from .forward import ForwardResult, diffuse, sample_marginal
from .schedules import (
    NoiseSchedule,
    available_schedules,
    get_schedule,
    rescale_zero_terminal_snr,
    schedule_from_alpha_bar,
)

__version__ = "0.1.0"

__all__ = [
    "Diffusable",
    "DiffusedPiecewiseUniform",
    "ForwardResult",
    "GaussianMixture",
    "NoiseSchedule",
    "NormalityTrace",
    "PiecewiseUniform",
    "SupDistance",
    "TestResult",
    "TestTrace",
    "ToyDistribution",
    "__version__",
    "available_schedules",
    "diffuse",
    "exact_ks_distance",
    "get_schedule",
    "ks_critical_value",
    "ks_estimated",
    "ks_prior",
    "lilliefors",
    "lilliefors_null",
    "normality_trace",
    "rescale_zero_terminal_snr",
    "sample_marginal",
    "schedule_from_alpha_bar",
    "three_bands",
]
