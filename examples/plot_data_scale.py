"""
Data scale
==========

The seed page's data have a variance of 44, while DDPM assumes unit scale.
The same schedule on raw and on standardized data: how the variance decays,
what the histograms look like, and how much sooner standardized data turn
Gaussian.
"""

# %%
# The variance of :math:`x_t`
# ---------------------------
# From :math:`x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1 - \bar\alpha_t}\,
# \varepsilon`,
#
# .. math::
#
#     \operatorname{Var} x_t = \bar\alpha_t \operatorname{Var} x_0
#     + 1 - \bar\alpha_t .
#
# With unit-variance data this is 1 at every step: the process only
# reshapes the distribution. With the page's variance of 44 the schedule
# must also shrink the spread by a factor of 44, and the excess
# :math:`43\,\bar\alpha_t` only disappears once :math:`\bar\alpha_t` is far
# below 1/43.
import matplotlib.pyplot as plt
import numpy as np

from diffusion_viz import (
    convergence_trace,
    diffuse,
    first_indistinguishable_step,
    get_schedule,
    plot_forward_snapshots,
    plot_ks_convergence,
    plot_variance_path,
    standardize,
    standardized_distribution,
    three_bands,
)

schedule = get_schedule("linear", 200)
raw = three_bands()
unit = standardized_distribution(raw)  # exact: the bands rescaled by 1/sqrt(44)
print(f"raw data: mean {raw.mean:.3g}, variance {raw.var:.4g}")
print(f"standardized: mean {unit.mean:.3g}, variance {unit.var:.4g}")
print("standardized bands:", np.round(unit.intervals, 3).tolist())

fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
variances = {"raw data (Var 44)": raw.var, "standardized": 1.0}
plot_variance_path(schedule, variances, ax=ax)
ax.legend()
ax.set_title("Variance of $x_t$ under the seed's linear schedule")
plt.show()

# %%
# The same chain, two scales
# --------------------------
# A sample is standardized with its own mean and standard deviation
# (:func:`~diffusion_viz.standardize`, which also returns the map back), and
# both samples run through the same chain with the same noise. The exact
# density of :math:`q_t` (blue) comes from the standardized *law*, which is
# again three bands.
rs = np.random.RandomState(42)
x0 = raw.sample(10_000, rs)
z0 = standardize(x0)
print(f"sample mean {z0.mean:.3f}, sample std {z0.std:.3f}")
run_raw = diffuse(x0, schedule, rng=1, record=[0, 25, 50, 100, 200])
run_unit = diffuse(z0.values, schedule, rng=1, record=[0, 25, 50, 100, 200])

plot_forward_snapshots(run_raw, raw, steps=[0, 50, 100])
plt.gcf().suptitle("Raw data (variance 44)")
plt.show()

# %%
# On raw data, half-way through the schedule (step 100) the histogram is
# still a plateau more than twice as wide as the standard normal.
plot_forward_snapshots(run_unit, unit, steps=[0, 25, 50], bins=np.linspace(-4, 4, 61))
plt.gcf().suptitle("Standardized data (variance 1)")
plt.show()

# %%
# Standardized data are already a single bell at step 50, and the bell has
# the right width from the start.
#
# How much sooner?
# ----------------
# The exact KS distance to :math:`\mathcal N(0, 1)` for both laws, and the
# first steps at which 10,000 samples can no longer tell :math:`q_t` from the
# prior.
steps = np.arange(0, 201, 5)
traces = {
    "raw": convergence_trace(schedule, raw, steps, w2=False),
    "standardized": convergence_trace(schedule, unit, steps, w2=False),
}
fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
plot_ks_convergence(traces, n=10_000, ax=ax)
ax.set_ylim(1e-4, 1)
ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)
plt.show()
for name, law in [("raw", raw), ("standardized", unit)]:
    loose = first_indistinguishable_step(schedule, law, 10_000, coarse=16)
    strict = first_indistinguishable_step(schedule, law, 10_000, max_power=0.5)
    print(f"{name}:")
    print(f"  D_t <= c_n   from step {loose.step:3d} (alpha_bar {loose.alpha_bar:.3g})")
    print(
        f"  power <= 1/2 from step {strict.step:3d} (alpha_bar {strict.alpha_bar:.3g})"
    )

# %%
# Standardized data pass at :math:`\bar\alpha \approx 0.5`, raw data only at
# :math:`\bar\alpha \approx 0.003`: about 200 times less signal, and a
# hundred more steps of this schedule. A model trained on standardized data
# generates standardized samples; :meth:`~diffusion_viz.Standardized.invert`
# maps them back, ``z0.invert(z) = z * std + mean``.

# sphinx_gallery_thumbnail_number = 1
