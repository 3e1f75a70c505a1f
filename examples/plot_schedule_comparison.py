"""
Schedule comparison
===================

Three beta schedules applied to the same data: where each one leaves the
histogram at steps 0, 100 and 200, and why the constant schedule turns the
data Gaussian first.
"""

# %%
# Three schedules with T = 200
# ----------------------------
# Linear and quadratic both run from 1e-4 to 0.1; the constant schedule uses
# 0.1 at every step, as on the textbook page.
import matplotlib.pyplot as plt
import numpy as np

from diffusion_viz import get_schedule, plot_schedule_comparison, three_bands

T = 200
schedules = {
    "Linear": get_schedule("linear", T),
    "Quadratic": get_schedule("quadratic", T),
    "Constant": get_schedule("constant", T),
}

# %%
# The comparison grid
# -------------------
# Each row runs the forward chain from the same data with one schedule; the
# shared ``RandomState`` makes the picture identical to the page's. The bottom
# row explains it: the histogram at step :math:`t` depends on the schedule
# only through :math:`\bar\alpha_t = \prod_s (1 - \beta_s)`. The constant
# schedule removes the most signal early, so its :math:`\bar\alpha_t` and its
# log signal-to-noise ratio fall first, and its exact distance to
# :math:`\mathcal N(0, 1)` drops fastest.
rs = np.random.RandomState(42)
data = three_bands()
x0 = data.sample(10_000, rs)
axes = plot_schedule_comparison(schedules, x0, rng=rs, data=data)
plt.show()

# sphinx_gallery_thumbnail_number = 1
