"""
The diffusion river
===================

The exact density of :math:`q_t` drawn as an image over step and value, one
panel per schedule, with a few particles of the chain flowing through it.
"""

# %%
# One picture per schedule
# ------------------------
# Each column of a panel is the exact marginal density :math:`q_t(x)` of the
# three bands after :math:`t` steps, on a square-root colour scale so that
# the thin gaps and tails stay visible. The bands shrink towards 0 by
# :math:`\sqrt{\bar\alpha_t}` and blur by :math:`\sqrt{1-\bar\alpha_t}` until
# they merge into one Gaussian stream. The light lines are sample paths of
# the chain :math:`x_t = \sqrt{1-\beta_t}\,x_{t-1} + \sqrt{\beta_t}\,
# \varepsilon_t`, four from each band.
import matplotlib.pyplot as plt

from diffusion_viz import (
    get_schedule,
    plot_diffusion_river,
    rescale_zero_terminal_snr,
    three_bands,
)

T = 200
data = three_bands()
schedules = {
    "linear": get_schedule("linear", T),
    "quadratic": get_schedule("quadratic", T),
    "constant": get_schedule("constant", T),
    "cosine": get_schedule("cosine", T),
    "sigmoid": get_schedule("sigmoid", T),
    "linear, zero terminal SNR": rescale_zero_terminal_snr(get_schedule("linear", T)),
}

fig, axes = plt.subplots(
    2, 3, figsize=(13, 7), sharex=True, sharey=True, layout="constrained"
)
for ax, (name, sched) in zip(axes.flat, schedules.items(), strict=True):
    mesh, _ = plot_diffusion_river(sched, data, ax=ax, n_paths=12, rng=0)
    ax.set_title(name)
    ax.label_outer()
fig.colorbar(mesh, ax=axes, shrink=0.8, label="$q_t(x)$ (square-root scale)")
plt.show()

# %%
# Reading the river
# -----------------
# The constant schedule merges the bands within about 30 steps and then flows
# as a plain Gaussian for the rest of the run. The quadratic and cosine
# schedules keep three separate streams until well past the middle of the
# run (about steps 125 and 150) and merge them late. The linear and sigmoid
# schedules sit in between. Each particle stays in its own band's stream
# until the streams meet; after that it wanders across the whole bell, and
# nothing in its position tells which band it came from.
#
# The same particles (``rng=0``) run in every panel: a path's shape changes
# with the schedule only through when the noise arrives. A reverse sampler
# has to run this river upstream, and the schedule decides where along the
# way the three streams must be told apart.

# sphinx_gallery_thumbnail_number = 1
