"""
Schedule dashboard
==================

Six beta schedules at the seed page's settings and at DDPM's, seen through
beta, alpha-bar, log-SNR and the terminal SNR, with the naming traps of the
libraries and the EDM noise levels on the same axis.
"""

# %%
# Two sets of settings
# --------------------
# The seed page runs :math:`T = 200` steps with betas from 1e-4 to 0.1. DDPM
# (Ho et al. 2020) runs :math:`T = 1000` steps from 1e-4 to 0.02. The
# constant schedule uses the end value at every step; the cosine schedule
# (Nichol & Dhariwal 2021) has no beta range, only :math:`T`; the last
# schedule is the linear one rescaled to zero terminal SNR (Lin et al. 2024).
import matplotlib.pyplot as plt

from diffusion_viz import (
    get_schedule,
    karras_sigmas,
    plot_schedule_curves,
    plot_terminal_snr,
    rescale_zero_terminal_snr,
    schedule_from_sigmas,
    sigma_from_alpha_bar,
)


def schedule_set(T, beta_end):
    """Return the six schedules with one T and one beta range."""
    kw = {"beta_start": 1e-4, "beta_end": beta_end}
    return {
        "linear": get_schedule("linear", T, **kw),
        "quadratic (scaled_linear)": get_schedule("quadratic", T, **kw),
        "constant": get_schedule("constant", T, beta_end=beta_end),
        "cosine": get_schedule("cosine", T),
        "sigmoid": get_schedule("sigmoid", T, **kw),
        "linear, zero terminal SNR": rescale_zero_terminal_snr(
            get_schedule("linear", T, **kw)
        ),
    }


settings = {
    "seed page: T = 200, beta 1e-4 to 0.1": schedule_set(200, 0.1),
    "DDPM: T = 1000, beta 1e-4 to 0.02": schedule_set(1000, 0.02),
}

# %%
# The dashboard
# -------------
# Each row is one set of settings. The x axis is the fraction :math:`t/T`,
# so both rows line up. Left to right: the betas (log scale), the share of
# signal variance kept, :math:`\bar\alpha_t`, the log signal-to-noise ratio
# :math:`\log\bar\alpha_t/(1-\bar\alpha_t)`, and where each schedule ends,
# :math:`\log_{10}\mathrm{SNR}_T`. The :math:`\bar\alpha_t` panel hides most
# of the story: at both ends the curves sit flat at 1 or 0, and only the
# log-SNR panel shows how far below zero each schedule drives the signal.
fig, axes = plt.subplots(2, 4, figsize=(15, 7.4), layout="constrained")
for row, (title, scheds) in zip(axes, settings.items(), strict=True):
    for ax, quantity in zip(row, ["betas", "alpha_bars", "log_snr"], strict=False):
        lines = plot_schedule_curves(scheds, quantity, ax=ax)
        lines[-1].set_linestyle("--")  # zero terminal SNR: on top of linear
    plot_terminal_snr(scheds, ax=row[3])
    row[0].set_title(title, loc="left", fontsize=11, fontweight="bold")
    row[2].axhline(0.0, color="0.3", lw=0.8, ls=":")
    row[2].set_ylim(-25, 12)
axes[0, 1].legend(fontsize=8, loc="upper right")
plt.show()

# %%
# The zero-terminal-SNR curve falls off the log-SNR panel at the last step
# (it reaches :math:`-\infty`), and its bar says so: its last latent holds no
# trace of the data. Every other schedule leaves some signal at :math:`T`.
# At the seed's settings the constant schedule keeps
# :math:`\bar\alpha_T = 0.9^{200} \approx 7\times10^{-10}`, the linear one
# about :math:`3\times10^{-5}` and the quadratic one :math:`8\times10^{-4}`.
for title, scheds in settings.items():
    print(title)
    for name, s in scheds.items():
        ab = s.alpha_bars[-1]
        print(f"  {name:27s} alpha_bar_T = {ab:9.3g}   SNR_T = {s.snr[-1]:9.3g}")

# %%
# Naming traps
# ------------
# The same name means different schedules in different code bases. This
# package follows the seed page and diffusers.
#
# .. list-table::
#    :header-rows: 1
#    :widths: 22 40 38
#
#    * - Name used
#      - Where
#      - Betas
#    * - ``linear``
#      - DDPM, diffusers, this package
#      - ``linspace(b0, b1, T)``
#    * - ``linear``
#      - CompVis latent diffusion (Stable Diffusion)
#      - ``linspace(sqrt(b0), sqrt(b1), T) ** 2``, that is diffusers'
#        ``scaled_linear``
#    * - ``scaled_linear``
#      - diffusers
#      - ``linspace(sqrt(b0), sqrt(b1), T) ** 2``
#    * - ``quadratic``
#      - the seed page, tiny-diffusion, the Annotated Diffusion Model, this
#        package
#      - ``linspace(sqrt(b0), sqrt(b1), T) ** 2`` (the same as
#        ``scaled_linear``)
#    * - "quadratic in t"
#      - some papers and tutorials
#      - ``b0 + (b1 - b0) * (i / (T - 1)) ** 2``, a different schedule
#    * - ``cosine`` / ``squaredcos_cap_v2``
#      - Nichol & Dhariwal 2021 / diffusers
#      - from :math:`\bar\alpha(t) = \cos^2(\frac{t/T + s}{1 + s}\frac\pi2)`,
#        betas capped at 0.999; some tutorials also clip betas below at 1e-4

# %%
# Variance-exploding levels on the same axis
# ------------------------------------------
# EDM (Karras et al. 2022) does not use betas: it adds noise of standard
# deviation :math:`\sigma` to unscaled data. Scaling such a state by
# :math:`1/\sqrt{1+\sigma^2}` gives a variance-preserving state with
# :math:`\bar\alpha = 1/(1+\sigma^2)`, so :math:`\sigma` and
# :math:`\bar\alpha` are two names for one noise level, with
# :math:`\log\mathrm{SNR} = -2\log\sigma`. The five EDM levels with the
# paper's defaults (:math:`\sigma_{\min} = 0.002`, :math:`\sigma_{\max} = 80`,
# :math:`\rho = 7`) are:
sig = karras_sigmas(5)
edm5 = schedule_from_sigmas(sig)
for s, ab in zip(sig, edm5.alpha_bars[::-1], strict=True):
    print(f"sigma = {s:9.6g}   alpha_bar = {ab:.6g}")

# %%
# Below, the DDPM schedules are drawn as :math:`\sigma_t` and the EDM
# schedule with 1000 levels is drawn as the VP schedule that visits the same
# noise levels. DDPM's linear schedule ends at :math:`\sigma_T \approx 157`,
# beyond EDM's :math:`\sigma_{\max} = 80`; the cosine schedule ends far
# higher, and EDM's :math:`\rho = 7` spends many more of its steps at
# small :math:`\sigma` than any VP schedule here.
ddpm = settings["DDPM: T = 1000, beta 1e-4 to 0.02"]
compare = {
    "linear (DDPM)": ddpm["linear"],
    "cosine": ddpm["cosine"],
    "EDM (Karras), 1000 levels": schedule_from_sigmas(karras_sigmas(1000)),
}
fig, ax = plt.subplots(figsize=(7.5, 4.2), layout="constrained")
plot_schedule_curves(compare, "sigma", ax=ax)
ax.axhline(80.0, color="0.4", lw=0.8, ls=":", label=r"EDM's $\sigma_{\max} = 80$")
ax.legend(fontsize=9)
ax.set_title(r"Noise level as a VE $\sigma$: VP schedules and EDM")
plt.show()
print(
    "DDPM linear sigma_T =",
    round(float(sigma_from_alpha_bar(ddpm["linear"].alpha_bars[-1])), 1),
)

# sphinx_gallery_thumbnail_number = 1
