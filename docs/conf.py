"""Sphinx configuration for the diffusion_viz book.

The build is fully offline: intersphinx reads inventories kept in
``_inventories/``, MathJax is served from the site itself
(``sphinx-mathjax-offline``), and nothing in the built pages links to another
host. Build it with ``nox -s docs``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

from sphinx.ext import intersphinx
from sphinx.util import logging

import diffusion_viz

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # for gallery_order.StoryOrder

# -- Project -----------------------------------------------------------------
project = "diffusion_viz"
author = "diffusion_viz developers"
copyright = "2026, diffusion_viz developers"
release = diffusion_viz.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_nb",
]

exclude_patterns = [
    "_build",
    "jupyter_execute",
    "**/jupyter_execute",
    "auto_examples/**/*.ipynb",
    "auto_examples/*.ipynb",
    "**.ipynb_checkpoints",
    "_inventories",
]
templates_path = ["_templates"]
nitpicky = True
default_role = "py:obj"
root_doc = "index"

# -- Autodoc, autosummary and numpydoc ---------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "inherited-members": False}

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
numpydoc_xref_aliases = {
    "ndarray": "numpy.ndarray",
    "Generator": "numpy.random.Generator",
    "RandomState": "numpy.random.RandomState",
    "Axes": "matplotlib.axes.Axes",
    "Figure": "matplotlib.figure.Figure",
    "Line2D": "matplotlib.lines.Line2D",
    "StepPatch": "matplotlib.patches.StepPatch",
    "Text": "matplotlib.text.Text",
    "Artist": "matplotlib.artist.Artist",
    "FuncAnimation": "matplotlib.animation.FuncAnimation",
    "Animation": "matplotlib.animation.Animation",
    "array_like": ":term:`array_like`",
}

# -- Cross-project links (offline) ---------------------------------------------
intersphinx_mapping = {
    "python": ("https://docs.python.org/3.11/", "_inventories/python.inv"),
    "numpy": ("https://numpy.org/doc/stable/", "_inventories/numpy.inv"),
    "scipy": ("https://docs.scipy.org/doc/scipy/", "_inventories/scipy.inv"),
    "matplotlib": ("https://matplotlib.org/stable/", "_inventories/matplotlib.inv"),
}
intersphinx_timeout = 1

# -- Math ----------------------------------------------------------------------
# ``sphinx-mathjax-offline`` points ``mathjax_path`` at its copy of MathJax 3,
# which it puts in ``_static/mathjax`` with its fonts, so pages load no CDN.
mathjax3_config = {
    "tex": {"macros": {"E": r"\mathbb{E}"}},
    "options": {"menuOptions": {"settings": {"assistiveMml": False}}},
}

# -- MyST-NB -------------------------------------------------------------------
nb_execution_mode = "cache"
nb_execution_cache_path = str(HERE / "_build" / ".jupyter_cache")
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# -- Sphinx-Gallery ------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"plot_",
    "doc_module": ("diffusion_viz",),
    "backreferences_dir": "gen_modules/backreferences",
    "matplotlib_animations": (True, "jshtml"),
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
    # The execution-times pages load jQuery/DataTables from CDNs; those tags
    # are stripped in _strip_remote_assets, which leaves a plain table.
    "write_computation_times": True,
    "show_memory": False,
    "thumbnail_size": (400, 280),
    # The seed page's story first (docs/gallery_order.py).
    "within_subsection_order": "gallery_order.StoryOrder",
}

# -- HTML ----------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "diffusion_viz"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_favicon = "_static/favicon.png"
html_last_updated_fmt = None
html_show_sourcelink = False
html_theme_options = {
    "repository_url": "https://github.com/diffusion-viz/diffusion_viz",
    "use_repository_button": False,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "home_page_in_toc": True,
}
html_context = {"default_mode": "light"}


def _strip_remote_assets(app, pagename, templatename, context, doctree):  # noqa: ARG001
    """Drop stylesheets and scripts that generated HTML loads from other hosts.

    matplotlib's jshtml player links Font Awesome from a CDN (the theme
    already serves Font Awesome, which draws the player's icons), and
    Sphinx-Gallery's execution-times table loads jQuery and DataTables from
    CDNs only to make the table sortable; without them it is a plain table.
    """
    body = context.get("body")
    if body and ("://" in body):
        body = _REMOTE_LINK.sub("", body)
        body = _REMOTE_SCRIPT.sub("", body)
        context["body"] = _DATATABLES_INIT.sub("", body)


_REMOTE_LINK = re.compile(
    r"<link[^>]*href=\"(?:https?:)?//[^\"]*\"[^>]*>\s*", re.IGNORECASE
)
_REMOTE_SCRIPT = re.compile(
    r"<script[^>]*src=\"(?:https?:)?//[^\"]*\"[^>]*>\s*</script>\s*", re.IGNORECASE
)
_DATATABLES_INIT = re.compile(
    r"<script[^>]*class=\"init\"[^>]*>\s*\$\(document\)\.ready.*?</script>\s*",
    re.DOTALL,
)


def _check_api_coverage(app, config):  # noqa: ARG001
    """Warn (an error under ``-W``) when a public name is missing from the API page."""
    listed = set(
        re.findall(
            r"^   (\w+)$", (HERE / "api" / "index.rst").read_text(), re.MULTILINE
        )
    )
    missing = sorted(set(diffusion_viz.__all__) - listed - {"__version__"})
    if missing:
        logging.getLogger(__name__).warning(
            "public names missing from docs/api/index.rst: %s", ", ".join(missing)
        )


def _retry_as_any_python_object(app, env, node, contnode):
    """Resolve e.g. :class:`scipy.stats.kstwo`, which SciPy files as py:data.

    Only retries Python references to other projects' inventories, with the
    role relaxed to ``obj``; anything still unresolved stays a warning.
    """
    if node.get("refdomain") != "py" or node.get("reftype") == "obj":
        return None
    retry = node.deepcopy()
    retry["reftype"] = "obj"
    return intersphinx.missing_reference(app, env, retry, contnode)


def setup(app):
    app.connect("html-page-context", _strip_remote_assets)
    app.connect("config-inited", _check_api_coverage)
    app.connect("missing-reference", _retry_as_any_python_object, priority=900)
