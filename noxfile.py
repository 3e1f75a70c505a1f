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
nox.options.sessions = ["lint", "tests"]

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


@nox.session
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel into ``dist/``."""
    shutil.rmtree(ROOT / "dist", ignore_errors=True)
    session.install("build")
    session.run("python", "-m", "build")
