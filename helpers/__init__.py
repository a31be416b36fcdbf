"""Soft Power Companion: the helpers every lesson uses.

Importing the package switches altair to the course theme and to an offline
SVG renderer, so charts show with no internet and in static views.

Data: :func:`load`, :func:`tables`. Citations: :func:`cite`, :func:`reference`,
:func:`bibliography`. Terms: :func:`define`. Charts: :func:`bar`, :func:`line`,
:func:`timeline`, :func:`finish`. Widgets: :class:`Quiz`, :class:`Sorter`,
:class:`Explorer`. Each lesson's material: :class:`Lesson`. Set-up check:
:func:`check_environment`.
"""

import sys as _sys

# jsonschema, which altair imports, loads the optional module rfc3987_syntax when it is installed
# (jupyter-events installs it for the server), and that module compiles a grammar on import:
# 1-1.7 s at every lesson start. Nothing in a lesson validates IRIs, so before altair is imported
# the course marks the module absent (None in sys.modules makes its import fail) and jsonschema
# skips that optional check. Lessons therefore import helpers before altair.
_sys.modules.setdefault("rfc3987_syntax", None)

from . import charts as _charts
from ._names import UnknownNameError
from .charts import bar, finish, line, timeline
from .citations import bibliography, cite, reference, source
from .data import DataError, data_dir, load, tables
from .display import show_table
from .envcheck import check_environment, widget_probe
from .glossary import define
from .lesson import Lesson
from .material import MaterialError
from .widgets import Explorer, Quiz, Sorter

__all__ = [
    "DataError",
    "Explorer",
    "Lesson",
    "MaterialError",
    "Quiz",
    "Sorter",
    "UnknownNameError",
    "bar",
    "bibliography",
    "check_environment",
    "cite",
    "data_dir",
    "define",
    "finish",
    "line",
    "load",
    "reference",
    "show_table",
    "source",
    "tables",
    "timeline",
    "widget_probe",
]

_charts.enable()


def __getattr__(name: str):
    """Reach lesson-specific submodules as ``h.<module>`` without importing them all at start-up."""
    import importlib
    import importlib.util

    if importlib.util.find_spec(f"{__name__}.{name}") is None:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    return importlib.import_module(f"{__name__}.{name}")
