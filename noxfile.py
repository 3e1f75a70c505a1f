#!/usr/bin/env python3
# /// script
# dependencies = ["nox>=2024.10.9"]
# ///
"""Nox sessions: tests, lint, build, docs and benchmarks.

Every session installs what it needs from this repository's own files
(``pyproject.toml`` and its dependency groups), so a fresh machine with only
Python and pip can run them after ``python -m pip install nox``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")


def _group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


@nox.session
def tests(session: nox.Session) -> None:
    """Run the unit tests, the doctests and a coverage report for ``src``."""
    session.install("-e", ".", *_group("test"))
    session.run(
        "pytest",
        "--cov=diffusion_viz",
        "--cov-report=term-missing:skip-covered",
        "--cov-fail-under=90",
        *session.posargs,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Run ruff (lint and format check) and mypy on ``src``."""
    session.install("-e", ".", "ruff", "mypy", *_group("test"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel into ``dist/``."""
    shutil.rmtree(ROOT / "dist", ignore_errors=True)
    session.install("build")
    session.run("python", "-m", "build")


DOCS_OUT = ROOT / "docs" / "_build" / "html"


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """Build the book offline with zero warnings; ``-- --serve`` then serves it.

    Unchanged gallery examples (md5 cache) and notebooks (myst-nb cache) are
    not executed again. ``nox -s docs -- --serve [PORT]`` serves the built
    site on http://127.0.0.1:PORT/ (default 8000) until Ctrl+C.
    """
    session.install("-e", ".", *_group("docs"))
    session.run(
        "sphinx-build",
        "-W",
        "--keep-going",
        "-n",
        "-b",
        "html",
        "docs",
        str(DOCS_OUT),
        env={"MPLBACKEND": "Agg"},
    )
    if "--serve" in session.posargs:
        rest = session.posargs[session.posargs.index("--serve") + 1 :]
        port = rest[0] if rest else "8000"
        session.log(f"Serving the book on http://127.0.0.1:{port}/ (Ctrl+C stops)")
        session.run(
            "python",
            "-m",
            "http.server",
            port,
            "--bind",
            "127.0.0.1",
            "--directory",
            str(DOCS_OUT),
        )


@nox.session(default=False)
def docs_browser(session: nox.Session) -> None:
    """Check the built book in headless Chromium (run ``nox -s docs`` first).

    Needs Debian's ``chromium`` at /usr/bin/chromium (``apt-get install -y
    chromium``); Playwright's own browser download is not used.
    """
    if not (DOCS_OUT / "index.html").exists():
        session.error("No built book in docs/_build/html: run `nox -s docs` first.")
    session.install(*_group("browser"))
    # pytest exits 5 when it collects no test: that is a failure, never a
    # pass, so only exit code 0 counts as success here.
    session.run(
        "pytest",
        "tests_browser",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        success_codes=[0],
    )


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Run the benchmarks: our paths against the seed page's approach.

    Prints one ``name: value`` line per figure (ratios and MB). Pass
    ``-- --quick`` for small sizes or ``-- --huge`` to add n = 1e8.
    """
    session.install(".")
    session.run("python", "benchmarks/bench.py", *session.posargs)


if __name__ == "__main__":
    nox.main()
