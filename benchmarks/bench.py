"""Benchmarks: the package's paths against the seed page's approach, same run.

Every figure is printed as ``name: value``. Times are reported as ratios to a
reference measured in the same process a moment before, because the machines
these run on are noisy; memory is reported in MB above a measured baseline.

Run with ``nox -s bench`` (or ``python benchmarks/bench.py [--quick]``).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from seed_reference import seed_animation_html, seed_memory_bytes, seed_simulation

from diffusion_viz import diffuse, get_schedule, three_bands
from diffusion_viz.animation import animate_forward

MB = 1024**2


def _best_of(fn, repeat):
    best = np.inf
    out = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _peak_mb(fn):
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - base) / MB


def report(name, value, fmt="{:.3g}"):
    print(f"{name}: {fmt.format(value)}", flush=True)


def bench_animation(repeat):
    steps, pvals = seed_simulation()
    t_seed, html_seed = _best_of(lambda: seed_animation_html(steps, pvals), 1)
    rs = np.random.RandomState(42)
    data = three_bands()
    run = diffuse(data.sample(10_000, rs), get_schedule("linear", 200), rng=rs)

    def ours():
        ani = animate_forward(run, data)
        return ani.to_jshtml()

    t_ours, html_ours = _best_of(ours, repeat)
    report("animation_seed_jshtml_seconds", t_seed)
    report("animation_ours_jshtml_seconds", t_ours)
    report("animation_speedup_vs_seed", t_seed / t_ours)
    report("animation_seed_html_MB", len(html_seed.encode()) / 1e6)
    report("animation_ours_html_MB", len(html_ours.encode()) / 1e6)


def bench_simulation(n, T, m, repeat):
    sched = get_schedule("linear", T, beta_end=0.02)
    record = np.linspace(0, T, m).round().astype(int)
    edges = np.linspace(-12, 12, 61)
    gen = np.random.default_rng(0)

    def draws():
        for _ in range(m):
            gen.standard_normal(n)

    def sim(ks=False):
        return diffuse(
            three_bands(),
            sched,
            n=n,
            rng=1,
            record=record,
            bins=edges,
            keep_samples=False,
            jumps=True,
            ks_prior=ks,
        )

    # Interleave the reference and the measured runs so that load from other
    # processes hits both alike; keep the best of each.
    t_ref = t_sim = t_both = np.inf
    for _ in range(repeat):
        t_ref = min(t_ref, _best_of(draws, 1)[0])
        t_sim = min(t_sim, _best_of(sim, 1)[0])
        t_both = min(t_both, _best_of(lambda: sim(True), 1)[0])
    t_diag = max(t_both - t_sim, 0.0)
    tag = f"n{n:.0e}_T{T}_rec{m}".replace("+0", "").replace("+", "")
    report(f"sim_{tag}_time_over_{m}_normal_draws", t_sim / t_ref)
    report(f"sim_{tag}_ks_prior_time_over_sim_time", t_diag / t_sim)
    report(f"sim_{tag}_peak_MB_above_baseline", _peak_mb(lambda: sim(True)), "{:.1f}")
    report(
        f"seed_approach_{tag}_list_of_arrays_MB", seed_memory_bytes(n, T) / MB, "{:.0f}"
    )


def bench_chunked(n, T, m):
    sched = get_schedule("linear", T, beta_end=0.02)
    record = np.linspace(0, T, m).round().astype(int)
    edges = np.linspace(-12, 12, 61)

    def sim():
        diffuse(
            three_bands(),
            sched,
            n=n,
            rng=2,
            record=record,
            bins=edges,
            keep_samples=False,
            jumps=True,
            ks_prior=True,
        )

    t0 = time.perf_counter()
    peak = _peak_mb(sim)
    report(
        f"chunked_n{n:.0e}_peak_MB_above_baseline".replace("+0", "").replace("+", ""),
        peak,
        "{:.1f}",
    )
    report(
        f"chunked_n{n:.0e}_seconds".replace("+0", "").replace("+", ""),
        time.perf_counter() - t0,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, one repeat"
    )
    parser.add_argument(
        "--huge", action="store_true", help="also run n = 1e8 in chunks"
    )
    args = parser.parse_args(argv)
    print(
        f"# machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    repeat = 1 if args.quick else 3
    bench_animation(1 if args.quick else 2)
    if args.quick:
        bench_simulation(200_000, 1000, 201, repeat)
    else:
        bench_simulation(1_000_000, 1000, 201, repeat)
        bench_chunked(10_000_000, 1000, 21)
    if args.huge:
        bench_chunked(100_000_000, 1000, 11)


if __name__ == "__main__":
    main()
