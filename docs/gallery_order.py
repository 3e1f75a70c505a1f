"""The order of the gallery: the seed page's story first, then what follows it.

Sphinx-Gallery imports this class by name (``within_subsection_order``).
Examples not listed here come last, by file name.
"""

from __future__ import annotations

ORDER = (
    "plot_forward_animation.py",
    "plot_schedule_comparison.py",
    "plot_schedule_dashboard.py",
    "plot_when_gaussian.py",
    "plot_seed_pvalue.py",
    "plot_data_scale.py",
    "plot_diffusion_river.py",
    "plot_reverse_animation.py",
    "plot_trajectories.py",
    "plot_mode_commitment.py",
    "plot_sampler_quality.py",
)


class StoryOrder:
    """Sort key: position in ``ORDER``, then file name."""

    def __init__(self, src_dir: str) -> None:
        self.src_dir = src_dir

    def __call__(self, filename: str) -> tuple[int, str]:
        rank = ORDER.index(filename) if filename in ORDER else len(ORDER)
        return rank, filename

    def __repr__(self) -> str:
        # A stable repr keeps Sphinx from seeing a changed config on rebuilds.
        return "StoryOrder"
