"""diffusion_viz: teach diffusion models with exact 1-D simulations and pictures."""

from __future__ import annotations

from .animation import ForwardAnimation, animate_forward
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
from .metrics import (
    SampleQuality,
    band_proportions,
    expected_w1_iid,
    gap_mass,
    partial_mean,
    sample_quality,
    wasserstein1,
)
from .reverse import (
    Denoiser,
    ExactDenoiser,
    ReverseResult,
    available_samplers,
    available_spacings,
    denoiser_from_eps,
    denoiser_from_score,
    sample_reverse,
    sampling_steps,
)
from .plotting import (
    plot_density,
    plot_distance_to_normal,
    plot_histogram,
    plot_schedule,
    plot_schedule_comparison,
    standard_normal,
)
from .schedules import (
    NoiseSchedule,
    available_schedules,
    get_schedule,
    rescale_zero_terminal_snr,
    schedule_from_alpha_bar,
)

__version__ = "0.1.0"

__all__ = [
    "Denoiser",
    "Diffusable",
    "DiffusedPiecewiseUniform",
    "ExactDenoiser",
    "ForwardAnimation",
    "ForwardResult",
    "GaussianMixture",
    "NoiseSchedule",
    "NormalityTrace",
    "PiecewiseUniform",
    "ReverseResult",
    "SampleQuality",
    "SupDistance",
    "TestResult",
    "TestTrace",
    "ToyDistribution",
    "__version__",
    "animate_forward",
    "available_samplers",
    "available_schedules",
    "available_spacings",
    "band_proportions",
    "denoiser_from_eps",
    "denoiser_from_score",
    "diffuse",
    "exact_ks_distance",
    "expected_w1_iid",
    "gap_mass",
    "get_schedule",
    "ks_critical_value",
    "ks_estimated",
    "ks_prior",
    "lilliefors",
    "lilliefors_null",
    "normality_trace",
    "partial_mean",
    "plot_density",
    "plot_distance_to_normal",
    "plot_histogram",
    "plot_schedule",
    "plot_schedule_comparison",
    "rescale_zero_terminal_snr",
    "sample_marginal",
    "sample_quality",
    "sample_reverse",
    "sampling_steps",
    "schedule_from_alpha_bar",
    "standard_normal",
    "three_bands",
    "wasserstein1",
]
