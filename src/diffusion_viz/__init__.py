"""diffusion_viz: teach diffusion models with exact 1-D simulations and pictures."""

from __future__ import annotations

from .schedules import (
    NoiseSchedule,
    available_schedules,
    get_schedule,
    rescale_zero_terminal_snr,
    schedule_from_alpha_bar,
)

__version__ = "0.1.0"

__all__ = [
    "NoiseSchedule",
    "__version__",
    "available_schedules",
    "get_schedule",
    "rescale_zero_terminal_snr",
    "schedule_from_alpha_bar",
]
