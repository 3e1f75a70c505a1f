"""Write the small numpy and matplotlib intersphinx inventories kept in the repo.

The book builds offline, so intersphinx reads local inventories only.
Python's and SciPy's come whole from Debian's documentation packages
(``python3.11-doc`` and ``python-scipy-doc``; ``apt-get download`` then
``dpkg-deb -x``, file ``usr/share/doc/*/html/objects.inv``). NumPy and
Matplotlib have no such package, so this script writes an inventory with just
the targets the book references. Add a line here when the docs reference a new
object, then run it once::

    python -m pip install sphobjinv
    python docs/_inventories/make_inventories.py

``sphobjinv`` is a one-off tool for this script, not a build dependency.
"""

from __future__ import annotations

from pathlib import Path

import sphobjinv as soi

HERE = Path(__file__).parent

NUMPY = {
    "project": "NumPy",
    "version": "2.3",
    "objects": [
        # (name, domain:role, uri relative to https://numpy.org/doc/stable/)
        ("numpy.ndarray", "py:class", "reference/generated/numpy.ndarray.html#$"),
        (
            "numpy.histogram",
            "py:function",
            "reference/generated/numpy.histogram.html#$",
        ),
        ("numpy.linspace", "py:function", "reference/generated/numpy.linspace.html#$"),
        ("numpy.cumprod", "py:function", "reference/generated/numpy.cumprod.html#$"),
        ("numpy.random.Generator", "py:class", "reference/random/generator.html#$"),
        (
            "numpy.random.default_rng",
            "py:function",
            "reference/random/generator.html#$",
        ),
        ("numpy.random.RandomState", "py:class", "reference/random/legacy.html#$"),
        (
            "numpy.random.seed",
            "py:function",
            "reference/random/generated/numpy.random.seed.html#$",
        ),
        ("numpy.dtype", "py:class", "reference/generated/numpy.dtype.html#$"),
        ("numpy.float64", "py:attribute", "reference/arrays.scalars.html#$"),
        ("numpy.typing.ArrayLike", "py:data", "reference/typing.html#$"),
        ("numpy.typing.NDArray", "py:data", "reference/typing.html#$"),
        ("array_like", "std:term", "glossary.html#term-array_like"),
        ("array-like", "std:term", "glossary.html#term-array-like"),
    ],
}

MATPLOTLIB = {
    "project": "Matplotlib",
    "version": "3.10",
    "objects": [
        # (name, domain:role, uri relative to https://matplotlib.org/stable/)
        ("matplotlib.axes.Axes", "py:class", "api/_as_gen/matplotlib.axes.Axes.html#$"),
        (
            "matplotlib.axes.Axes.stairs",
            "py:method",
            "api/_as_gen/matplotlib.axes.Axes.stairs.html#$",
        ),
        (
            "matplotlib.axes.Axes.hist",
            "py:method",
            "api/_as_gen/matplotlib.axes.Axes.hist.html#$",
        ),
        (
            "matplotlib.axes.Axes.plot",
            "py:method",
            "api/_as_gen/matplotlib.axes.Axes.plot.html#$",
        ),
        (
            "matplotlib.axes.Axes.text",
            "py:method",
            "api/_as_gen/matplotlib.axes.Axes.text.html#$",
        ),
        (
            "matplotlib.figure.Figure",
            "py:class",
            "api/_as_gen/matplotlib.figure.Figure.html#$",
        ),
        (
            "matplotlib.figure.Figure.savefig",
            "py:method",
            "api/_as_gen/matplotlib.figure.Figure.savefig.html#$",
        ),
        (
            "matplotlib.artist.Artist",
            "py:class",
            "api/_as_gen/matplotlib.artist.Artist.html#$",
        ),
        (
            "matplotlib.lines.Line2D",
            "py:class",
            "api/_as_gen/matplotlib.lines.Line2D.html#$",
        ),
        (
            "matplotlib.patches.StepPatch",
            "py:class",
            "api/_as_gen/matplotlib.patches.StepPatch.html#$",
        ),
        (
            "matplotlib.patches.Rectangle",
            "py:class",
            "api/_as_gen/matplotlib.patches.Rectangle.html#$",
        ),
        ("matplotlib.container.BarContainer", "py:class", "api/container_api.html#$"),
        ("matplotlib.text.Text", "py:class", "api/text_api.html#$"),
        ("matplotlib.legend.Legend", "py:class", "api/legend_api.html#$"),
        (
            "matplotlib.pyplot.subplots",
            "py:function",
            "api/_as_gen/matplotlib.pyplot.subplots.html#$",
        ),
        (
            "matplotlib.pyplot.show",
            "py:function",
            "api/_as_gen/matplotlib.pyplot.show.html#$",
        ),
        (
            "matplotlib.pyplot.close",
            "py:function",
            "api/_as_gen/matplotlib.pyplot.close.html#$",
        ),
        (
            "matplotlib.animation.Animation",
            "py:class",
            "api/_as_gen/matplotlib.animation.Animation.html#$",
        ),
        (
            "matplotlib.animation.Animation.to_jshtml",
            "py:method",
            "api/_as_gen/matplotlib.animation.Animation.html#$",
        ),
        (
            "matplotlib.animation.Animation.save",
            "py:method",
            "api/_as_gen/matplotlib.animation.Animation.html#$",
        ),
        (
            "matplotlib.animation.FuncAnimation",
            "py:class",
            "api/_as_gen/matplotlib.animation.FuncAnimation.html#$",
        ),
        (
            "matplotlib.animation.HTMLWriter",
            "py:class",
            "api/_as_gen/matplotlib.animation.HTMLWriter.html#$",
        ),
    ],
}


def write(spec: dict[str, object], path: Path) -> None:
    """Write one compressed ``objects.inv`` from ``spec``."""
    inv = soi.Inventory()
    inv.project = spec["project"]
    inv.version = spec["version"]
    for name, role, uri in spec["objects"]:  # type: ignore[attr-defined]
        domain, kind = role.split(":")
        inv.objects.append(
            soi.DataObjStr(
                name=name,
                domain=domain,
                role=kind,
                priority="1",
                uri=uri,
                dispname="-",
            )
        )
    data = soi.compress(inv.data_file(contract=True))
    soi.writebytes(str(path), data)
    print(f"{path.name}: {len(inv.objects)} objects")


if __name__ == "__main__":
    write(NUMPY, HERE / "numpy.inv")
    write(MATPLOTLIB, HERE / "matplotlib.inv")
