"""Lesson-specific material: one module per topic, each naming in its docstring the lessons it serves.

- :mod:`helpers.topics.indices`: lessons 01-02, the published index ranks and the build-your-own index.
- :mod:`helpers.topics.screens`: lessons 04, 05 and 07, the events timeline, the film figures and the
  events explorer.
- :mod:`helpers.topics.rubric`: lesson 08, the assessment rubric.

Lessons reach these through the package's public names (``h.IndexBuilder()``, ``h.figures(...)``), never
as ``h.topics...``: see :mod:`helpers` for the rule.
"""
