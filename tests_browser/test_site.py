"""What a reader of the built book sees, checked in headless Chromium."""
# ruff: noqa: D103  (pytest tests and fixtures: their names say what they check)

from __future__ import annotations

import re

import pytest

ANIMATION_PAGE = "auto_examples/plot_forward_animation.html"
SCHEDULE_PAGE = "auto_examples/plot_schedule_comparison.html"
CHAPTER_PAGE = "chapters/forward_diffusion.html"


def test_site_has_the_book_pages(site_root):
    names = {
        path.relative_to(site_root).as_posix() for path in site_root.rglob("*.html")
    }
    for page in ("index.html", ANIMATION_PAGE, SCHEDULE_PAGE, CHAPTER_PAGE):
        assert page in names, f"{page} is missing from the built site"
    assert any(name.startswith("api/") for name in names)


def test_page_loads_without_errors_or_other_hosts(visit, base_url, site_page):
    # ``site_page`` runs over every HTML page of the site (see conftest).
    page = visit(site_page)
    assert page.console_errors == []
    assert page.failed == []
    assert page.off_host(base_url) == []
    assert page.requests, "the page made no request at all"


def _player(page):
    """Return the slider and frame image of the page's first jshtml player."""
    slider = page.locator("input.anim-slider").first
    img = page.locator("img[id^='_anim_img']").first
    return slider, img


def test_animation_play_advances_frames(visit):
    page = visit(ANIMATION_PAGE).page
    slider, img = _player(page)
    img.scroll_into_view_if_needed()
    before = (slider.input_value(), img.get_attribute("src"))
    assert before[1].startswith("data:image/")
    page.locator("button[title='Play']").first.click()
    page.wait_for_timeout(1200)
    page.locator("button[title='Pause']").first.click()
    after = (slider.input_value(), img.get_attribute("src"))
    assert int(after[0]) > int(before[0])
    assert after[1] != before[1]
    # The frame drawn is a real, decoded image.
    assert img.evaluate("el => el.naturalWidth") > 300


def test_animation_steps_frame_by_frame(visit):
    page = visit(ANIMATION_PAGE).page
    slider, img = _player(page)
    page.locator("button[title='First frame']").first.click()
    assert slider.input_value() == "0"
    first = img.get_attribute("src")
    page.locator("button[title='Next frame']").first.click()
    assert slider.input_value() == "1"
    assert img.get_attribute("src") != first
    page.locator("button[title='Last frame']").first.click()
    assert int(slider.input_value()) == int(slider.get_attribute("max"))
    page.locator("button[title='Previous frame']").first.click()
    assert int(slider.input_value()) == int(slider.get_attribute("max")) - 1


def test_player_icons_come_from_the_theme(visit):
    page = visit(ANIMATION_PAGE).page
    # Font Awesome (served by the theme) turns each <i class="fa ..."> into an
    # icon with a size; an unstyled <i> would have zero width.
    widths = page.locator(".anim-buttons button").evaluate_all(
        "els => els.map(b => b.firstElementChild.getBoundingClientRect().width)"
    )
    assert len(widths) >= 8
    assert min(widths) > 4


RAW_TEX = re.compile(r"\\(frac|sqrt|bar|alpha|beta|mathcal|begin)\b|\$\$|\\\(|\\\[")
PROSE_TEXT = """() => {
    const article = document.querySelector("article").cloneNode(true);
    article.querySelectorAll("pre, code, script, style, mjx-container, .highlight")
        .forEach(el => el.remove());
    return article.textContent;
}"""


@pytest.mark.parametrize(
    "path",
    [
        CHAPTER_PAGE,
        SCHEDULE_PAGE,
        ANIMATION_PAGE,
        "api/generated/diffusion_viz.NoiseSchedule.html",
    ],
)
def test_math_is_rendered(visit, path):
    page = visit(path).page
    page.wait_for_function("() => window.MathJax && MathJax.startup")
    page.evaluate("() => MathJax.startup.promise")
    assert page.locator("mjx-container").count() > 0
    text = page.evaluate(PROSE_TEXT)
    assert len(text) > 200
    leftover = RAW_TEX.search(text)
    assert leftover is None, text[max(0, leftover.start() - 80) : leftover.end() + 80]


def test_gallery_thumbnails_load(visit):
    page = visit("auto_examples/index.html").page
    thumbs = page.locator(".sphx-glr-thumbcontainer img")
    assert thumbs.count() >= 2
    for width in thumbs.evaluate_all("els => els.map(e => e.naturalWidth)"):
        assert width > 0


@pytest.mark.parametrize(
    ("api_page", "example"),
    [
        ("api/generated/diffusion_viz.animate_forward.html", ANIMATION_PAGE),
        ("api/generated/diffusion_viz.get_schedule.html", SCHEDULE_PAGE),
    ],
)
def test_api_pages_link_to_examples(visit, api_page, example):
    page = visit(api_page).page
    hrefs = page.locator(".sphx-glr-thumbcontainer a").evaluate_all(
        "els => els.map(a => a.href)"
    )
    assert any(href.endswith(example.split("/")[-1]) for href in hrefs), hrefs


def test_search_finds_schedule(visit):
    page = visit("search.html?q=schedule").page
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=15000)
    assert results.count() >= 3
    assert "schedule" in page.locator("#search-results").inner_text().lower()
