"""Fixtures that serve the built book on 127.0.0.1 and drive Debian's Chromium.

These tests check the site a reader gets, so they run against
``docs/_build/html`` (build it with ``nox -s docs``) and are kept out of
``tests/``: run them with ``nox -s docs_browser``.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

SITE = Path(
    os.environ.get(
        "DIFFUSION_VIZ_SITE",
        Path(__file__).resolve().parents[1] / "docs" / "_build" / "html",
    )
)
CHROMIUM = os.environ.get("DIFFUSION_VIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# The theme logs this once on a page without a stored colour preference: it
# is information, not an error, and its type is "log".
IGNORED_CONSOLE = ("[PST]",)
SKIP_DIRS = {"_static", "_images", "_downloads", "_sources", "_modules"}


def site_pages() -> list[str]:
    """Return every HTML page of the built site, relative to its root."""
    if not SITE.is_dir():
        # The site_root fixture then fails with a message saying what to do.
        return ["index.html"]
    return sorted(
        path.relative_to(SITE).as_posix()
        for path in SITE.rglob("*.html")
        if not SKIP_DIRS.intersection(path.relative_to(SITE).parts)
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run tests that take ``site_page`` once per page of the built site."""
    if "site_page" in metafunc.fixturenames:
        metafunc.parametrize("site_page", site_pages())


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output free of one line per request."""


@pytest.fixture(scope="session")
def site_root() -> Path:
    """Return the built site folder, or fail saying how to build it."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}: run `nox -s docs` first")
    return SITE


@pytest.fixture(scope="session")
def base_url(site_root: Path) -> Iterator[str]:
    """Serve the site from a thread on 127.0.0.1 and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch Debian's headless Chromium once for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install it with "
            "`apt-get update && apt-get install -y chromium`"
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """A page together with what it logged and requested while loading."""

    page: Page
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def off_host(self, base_url: str) -> list[str]:
        """Return every requested URL that is not on the test server."""
        host = urlsplit(base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob", "about"}
            and urlsplit(url).netloc != host
        ]


@pytest.fixture
def visit(browser: Browser, base_url: str) -> Iterator[Any]:
    """Yield a function that opens a page and records its requests and errors."""
    contexts = []

    def _visit(path: str, *, width: int = 1280, height: int = 900) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        record = Visit(page)
        page.on("request", lambda req: record.requests.append(req.url))
        page.on(
            "console",
            lambda msg: (
                record.console_errors.append(msg.text)
                if msg.type == "error" and not msg.text.startswith(IGNORED_CONSOLE)
                else None
            ),
        )
        page.on("pageerror", lambda exc: record.console_errors.append(str(exc)))
        page.on(
            "response",
            lambda resp: (
                record.failed.append(f"{resp.status} {resp.url}")
                if resp.status >= 400
                else None
            ),
        )
        page.on("requestfailed", lambda req: record.failed.append(f"failed {req.url}"))
        page.goto(f"{base_url}/{path}", wait_until="load")
        page.wait_for_load_state("networkidle")
        return record

    yield _visit
    for context in contexts:
        context.close()
