"""Soft Power Companion: the helpers every lesson uses.

Importing the package switches altair to the course theme and to an offline
SVG renderer, so charts show with no internet and in static views. Views that
change on every click (explorers, the index builder, the rubric) draw their
charts in the browser instead (``livechart``), from the Vega bundle vl-convert ships.

**One way in.** A lesson imports the package as ``h`` and reaches everything as
``h.<name>``, with ``<name>`` one of :data:`__all__`, plus the methods of its
``lesson = h.Lesson("NN")`` object (quiz, checks, sorters, progress, sources).
Never ``h.<module>.<name>``: a test parses every lesson and fails on it.

- Data: :func:`load`, :func:`tables`. Citations: :func:`cite`, :func:`reference`,
  :func:`bibliography`, :func:`source`. Terms: :func:`define`.
- Charts: :func:`bar`, :func:`line`, :func:`timeline`, :func:`finish`.
- Widgets: :class:`Quiz`, :class:`Sorter`, :class:`Explorer` (with :func:`span`
  for a range of whole numbers), and each lesson's material: :class:`Lesson`.
- Set-up check: :func:`check_environment`, :func:`widget_probe`.
- Lesson topics: the indices of lessons 01-02 (:func:`select_ranks`, :func:`rank_chart`,
  :func:`ranking`, :class:`IndexBuilder`, ...), the events and screens of lessons 04, 05
  and 07 (:func:`events_between`, :func:`figures`, :func:`events_explorer`, ...), the
  rubric of lesson 08 (:class:`Rubric`).

**Where code lives.**

- *Core* modules, ``helpers/*.py``, know no particular lesson or table: data
  (``data``, ``citations``, ``glossary``), charts (``charts``, ``chart_text``,
  ``livechart``), widgets (``widgets``, ``display``), the question banks (``material``) and their
  grading (``grading``), progress (``progress``), the lesson object (``lesson``),
  safe file writes (``files``), the set-up check (``envcheck``) and the teacher's kit
  (``editions``, ``printed``, ``__main__``).
- *Topics*, ``helpers/topics/<topic>.py``, hold what belongs to particular lessons:
  their views, explorers and lesson widgets, one module per topic, its docstring
  naming the lessons it serves. Each public name a lesson uses is listed in
  :data:`__all__` below (and in ``_TOPIC_NAMES``, which imports it on first use).

**A new lesson.** Reusable views (a chart of a table, an explorer's view, a
widget) go into a topic module and are exported here; the notebook
``lessons/NN_slug.ipynb`` holds the prose and short analysis code. Its data goes
into ``data/`` (a CSV and its entry in ``data/datapackage.json``, sources in
``data/bibliography.csv``), its questions, exercises and activities into
``data/lessons/NN.toml``, and its tests into ``tests/`` (``tests/test_<topic>.py``
for the topic module; the lesson-structure tests in ``tests/test_lessons.py``
cover the notebook itself).
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
from .widgets import Explorer, Quiz, Sorter, span

# The topics' public names, each with the module that defines it. A lesson uses a few of them, so they
# are imported on first use rather than at start-up (see __getattr__ below).
_TOPIC_NAMES = {
    **dict.fromkeys(
        ["IndexBuilder", "IndexInputError", "explore_ranks", "rank_chart", "ranking", "select_ranks"],
        "indices",
    ),
    **dict.fromkeys(
        [
            "MEASURES",
            "STRANDS",
            "THEME_CHOICES",
            "WORK_KINDS",
            "events_between",
            "events_chart",
            "events_explorer",
            "explore_events",
            "explore_figures",
            "figures",
            "figures_chart",
            "reported_events",
        ],
        "screens",
    ),
    **dict.fromkeys(["Rubric", "RubricError"], "rubric"),
}

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
    "span",
    "tables",
    "timeline",
    "widget_probe",
    *_TOPIC_NAMES,
]

_charts.enable()


def __getattr__(name: str):
    """A topic's public name, imported from its module on first use; nothing else is reached this way."""
    if name not in _TOPIC_NAMES:
        raise AttributeError(
            f"module 'helpers' has no attribute {name!r}: lessons use the names in helpers.__all__ "
            "(h.<name>, never h.<module>.<name>)"
        )
    import importlib

    value = getattr(importlib.import_module(f".topics.{_TOPIC_NAMES[name]}", __name__), name)
    globals()[name] = value  # later uses skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
