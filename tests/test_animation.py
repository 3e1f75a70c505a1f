from __future__ import annotations

import base64
import io
import re

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation, HTMLWriter
from PIL import Image

from diffusion_viz import (
    ForwardAnimation,
    animate_forward,
    diffuse,
    get_schedule,
    three_bands,
)

FRAME = re.compile(r'"data:image/png;base64,([A-Za-z0-9+/=]+)"')
BACKGROUND = re.compile(r"url\('data:image/png;base64,([A-Za-z0-9+/=]+)'\)")


@pytest.fixture(scope="module")
def run():
    rs = np.random.RandomState(42)
    x0 = three_bands().sample(3000, rs)
    return diffuse(x0, get_schedule("linear", 30), rng=rs, record=[0, 5, 10, 20, 30])


@pytest.fixture
def close_all():
    yield
    plt.close("all")


def _decode(b64: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGBA"))


def test_animate_forward_returns_a_funcanimation(run, close_all):
    ani = animate_forward(run, three_bands(), dpi=40)
    assert isinstance(ani, FuncAnimation)
    assert isinstance(ani, ForwardAnimation)
    ani.to_jshtml()  # render, so matplotlib does not warn on deletion


def test_update_returns_the_changed_artists(run, close_all):
    data = three_bands()
    ani = animate_forward(run, data, dpi=40)
    ax = ani._fig.axes[0]
    changed = ani._func(3)
    hist, gaussian_on_top, exact_line, step_text, pvalues = changed
    # The reference curve is redrawn over the bars, clipped to them.
    assert gaussian_on_top.get_clip_path() is not None
    np.testing.assert_allclose(
        gaussian_on_top.get_ydata(),
        np.exp(-0.5 * gaussian_on_top.get_xdata() ** 2) / np.sqrt(2 * np.pi),
    )
    expected, _ = np.histogram(
        run.samples[3], bins=np.linspace(-12, 12, 60), density=True
    )
    np.testing.assert_allclose(hist.get_data().values, expected)
    grid = exact_line.get_xdata()
    np.testing.assert_allclose(
        exact_line.get_ydata(), data.diffused(float(run.alpha_bars[3])).pdf(grid)
    )
    assert step_text.get_text() == "20/30"
    assert all(a.axes is ax for a in changed)
    from diffusion_viz import ks_estimated, ks_prior

    seed, prior = ks_estimated(run.samples[3]), ks_prior(run.samples[3])
    assert pvalues.get_text() == f"{seed.pvalue:.3f} / {prior.pvalue:.3f}"
    ani.to_jshtml()


def test_seed_layout_limits_labels_and_equation(run, close_all):
    ani = animate_forward(run, dpi=40)
    ax = ani._fig.axes[0]
    assert ax.get_xlim() == (-12.0, 12.0)
    assert ax.get_ylim() == (0.0, 0.45)
    texts = [t.get_text() for t in ax.texts]
    assert any(r"\sqrt{1-\beta_t}" in t for t in texts)
    assert "Step" in texts
    assert any("close to 1 → Gaussian" in t for t in texts)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Standard Gaussian" in labels
    # Without data there is no exact-density line among the changed artists.
    assert len(ani._func(0)) == 4
    ani.to_jshtml()


def test_jshtml_frames_composite_to_a_full_render(run, close_all):
    ani = animate_forward(run, three_bands(), dpi=50)
    html = ani.to_jshtml()
    frames = FRAME.findall(html)
    # One frame per recorded step, and the static layer once, as CSS background.
    assert len(frames) == run.steps.size
    assert len(BACKGROUND.findall(html)) == 1
    assert "font-awesome" not in html
    assert "https://" not in html
    background = _decode(BACKGROUND.search(html).group(1))
    assert background[..., 3].min() == 255  # the static layer is opaque
    layers = [_decode(b) for b in frames]
    assert all(layer.shape == background.shape for layer in layers)
    # Frames differ from each other and are transparent where nothing changes.
    assert not np.array_equal(layers[0], layers[-1])
    assert layers[0][0, 0, 3] == 0
    # Compositing frame 2 over the background matches matplotlib's own render
    # of that frame at the same dpi (up to palette quantisation).
    composite = Image.alpha_composite(
        Image.fromarray(background), Image.fromarray(layers[2])
    )
    fig = ani._fig
    ani._func(2)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi * ani._hidpi)
    reference = np.asarray(Image.open(buf).convert("RGBA")).astype(int)
    diff = np.abs(np.asarray(composite).astype(int) - reference)[..., :3]
    assert diff.shape == (*reference.shape[:2], 3)
    assert np.mean(diff) < 2.0
    assert np.mean(diff.max(axis=-1) > 40) < 0.01


def test_jshtml_is_cached_and_player_controls_are_matplotlibs(run, close_all):
    ani = animate_forward(run, dpi=40)
    html = ani.to_jshtml()
    assert ani.to_jshtml() is html
    for title in ("Play", "Pause", "Next frame", "Previous frame", "First frame"):
        assert f'title="{title}"' in html
    assert 'class="anim-slider"' in html


def test_jshtml_respects_fps_and_mode(run, close_all):
    ani = animate_forward(run, dpi=40, interval=100)
    html = ani.to_jshtml(default_mode="once")
    assert re.search(r"new Animation\(frames, img_id, slider_id, 100\.0", html)
    assert re.search(r'value="once"[^>]*checked', html)
    assert not re.search(r'value="loop"[^>]*checked', html)


def test_jshtml_without_embedding_falls_back_to_matplotlib(
    run, close_all, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    ani = animate_forward(run, dpi=30)
    html = ani.to_jshtml(embed_frames=False)
    assert FRAME.search(html) is None


def test_figure_state_is_restored_after_rendering(run, close_all):
    ani = animate_forward(run, dpi=40)
    fig = ani._fig
    canvas, dpi = fig.canvas, fig.dpi
    ani.to_jshtml()
    assert fig.canvas is canvas
    assert fig.dpi == dpi
    assert not any(a.get_animated() for a in ani._func(0))


def test_given_pvalues_are_shown(run, close_all):
    n = run.steps.size
    ani = animate_forward(run, ks_pvalues=(np.full(n, 0.25), np.full(n, 0.75)), dpi=40)
    _, _, step, pvalues = ani._func(1)
    assert (step.get_text(), pvalues.get_text()) == ("\u20075/30", "0.250 / 0.750")
    ani.to_jshtml()


def test_draws_into_given_axes(run, close_all):
    fig, ax = plt.subplots()
    ani = animate_forward(run, ax=ax)
    assert ani._fig is fig
    ani.to_jshtml()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"bins": [0.0, 0.0]}, "bins must be a 1-D array of at least 2"),
        ({"interval": 0}, "interval must be a positive number, got 0"),
        ({"dpi": -1.0}, r"dpi must be a positive number, got -1.0"),
        ({"ks_pvalues": ([0.5], [0.5])}, r"ks_pvalues must hold two arrays of 5"),
    ],
)
def test_animate_forward_rejects_bad_input(run, kwargs, match):
    with pytest.raises(ValueError, match=match):
        animate_forward(run, **kwargs)


def test_animate_forward_rejects_non_results():
    with pytest.raises(
        ValueError, match=r"result must be a ForwardResult.*got ndarray"
    ):
        animate_forward(np.zeros((2, 3)))


def test_gif_save_takes_the_fast_path_and_matches_the_figure(run, close_all, tmp_path):
    ani = animate_forward(run, three_bands(), dpi=50)
    path = tmp_path / "anim.gif"
    ani.save(path, dpi=40)
    with Image.open(path) as gif:
        assert gif.n_frames == run.steps.size
        assert gif.size == (320, 200)
        gif.seek(0)
        first = np.asarray(gif.convert("RGB")).astype(int)
        gif.seek(2)
        frame = np.asarray(gif.convert("RGB")).astype(int)
    fig = ani._fig
    ani._func(2)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    reference = np.asarray(Image.open(buf).convert("RGB")).astype(int)
    assert frame.shape == reference.shape
    assert np.mean(np.abs(frame - reference)) < 4.0
    # Frames differ: the animation moves.
    assert np.mean(np.abs(first - frame)) > 0.5


def test_other_formats_use_matplotlibs_writers(run, close_all, tmp_path):
    ani = animate_forward(run, dpi=30)
    path = tmp_path / "anim.html"
    ani.save(path, writer=HTMLWriter(embed_frames=True), dpi=30)
    text = path.read_text()
    assert text.count("data:image/png;base64") == run.steps.size


@pytest.mark.parametrize("n", [500, 12_000])
def test_vectorised_ks_pvalues_match_the_diagnostics(n):
    from diffusion_viz import ks_estimated, ks_prior
    from diffusion_viz.animation import _ks_pvalues

    rng = np.random.default_rng(3)
    rows = np.stack(
        [
            rng.normal(0.0, 1.0, n),  # p-values of all sizes
            rng.normal(0.1, 1.05, n),
            rng.uniform(-3, 3, n),  # tiny p-values
            rng.standard_t(5, n),
        ]
    )
    fitted, prior = _ks_pvalues(rows)
    expected_fit = [ks_estimated(r).pvalue for r in rows]
    expected_prior = [ks_prior(r).pvalue for r in rows]
    np.testing.assert_allclose(fitted, expected_fit, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(prior, expected_prior, rtol=1e-6, atol=1e-6)
    assert prior[2] < 1e-6  # the uniform row is far from N(0, 1)


@pytest.mark.parametrize("case", ["empty", "edges", "top_left", "bottom_right"])
def test_palette_png_keeps_transparency_and_colours(case):
    from diffusion_viz.animation import _encode_png

    rgba = np.zeros((40, 60, 4), dtype=np.uint8)
    if case == "edges":  # visible pixels on every edge: no margin to reuse
        rgba[:, :] = (10, 20, 30, 255)
        rgba[5:10, 5:10] = (0, 0, 0, 0)
    elif case == "top_left":
        rgba[0:20, 0:30] = (255, 165, 0, 153)
    elif case == "bottom_right":
        rgba[20:, 30:] = (43, 92, 138, 255)
    decoded = np.asarray(
        Image.open(io.BytesIO(_encode_png(rgba))).convert("RGBA")
    ).astype(int)
    assert decoded.shape == rgba.shape
    visible = rgba[..., 3] > 0
    np.testing.assert_array_equal(decoded[..., 3] > 0, visible)
    assert np.abs(decoded[visible] - rgba[visible]).max(initial=0) <= 8
