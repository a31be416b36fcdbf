"""Charts drawn in the browser, for views that change on every click: explorers, the index builder, the rubric.

A course chart in a lesson's output is an SVG image drawn in the kernel by vl-convert (:mod:`helpers.charts`),
so it shows before anything runs and in static views. Drawing costs 70-120 ms a chart, most of it measuring
text, which is too slow for a control a student moves. So a view that redraws sends the chart's Vega-Lite spec
to the browser instead, and Vega draws it there: the kernel's share is building the spec. The JavaScript is
the Vega, Vega-Lite and Vega-Embed bundle that vl-convert ships (no internet needed), bundled once per
vl-convert version into the user's cache folder.

altair's own ``JupyterChart`` does the same on a larger scale; the course keeps this small widget because it
needs three things that one does not give: no schema validation on each change (altair validates the whole
spec, which costs more than the drawing saved), an SVG that carries the chart's description as its accessible
name (a canvas can carry none), and a counter of finished drawings that the browser test and the benchmark read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .files import write_text_atomically

# The widget's JavaScript before bundling: vl-convert's bundler provides ``vegaEmbed``.
# ``data-renders`` counts finished drawings and ``data-draw-ms`` times the last one (the benchmark reads both);
# ``aria-busy`` is true while a drawing is under way.
SOURCE = r"""
async function render({ model, el }) {
  el.classList.add("sp-live-chart");
  let view = null;
  let renders = 0;
  const draw = async () => {
    const spec = model.get("spec");
    const start = performance.now();
    el.setAttribute("aria-busy", "true");
    if (view) { view.finalize(); view = null; }
    if (spec) {
      try {
        view = (await vegaEmbed(el, spec, {renderer: "svg", actions: false})).view;
        // Vega leaves the drawing unnamed: the chart's description (from its data) is its accessible name.
        const svg = el.querySelector("svg");
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", spec.description || "");
        // Never wider than the notebook (a timeline's labels make it wider than its plot): scaled to fit.
        el.style.maxWidth = "100%";
        svg.style.maxWidth = "100%";
        svg.style.height = "auto";
      } catch (error) {
        el.textContent = "This chart could not be drawn: " + error.message;
      }
    } else {
      el.textContent = "";
    }
    renders += 1;
    el.dataset.renders = String(renders);
    el.dataset.drawMs = (performance.now() - start).toFixed(1);
    el.setAttribute("aria-busy", "false");
  };
  model.on("change:spec", draw);
  await draw();
  return () => { if (view) view.finalize(); };
}
export default { render };
"""


def _bundle() -> str:
    """The widget's JavaScript with Vega inlined, made once per vl-convert version and kept in the user cache."""
    import platformdirs
    import vl_convert

    key = hashlib.sha256(f"{vl_convert.__version__}\n{SOURCE}".encode()).hexdigest()[:16]
    cached = Path(platformdirs.user_cache_dir("soft-power-companion")) / f"live-chart-{key}.js"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle(SOURCE)
    try:  # a read-only home (some hubs) only costs the bundling again next time
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(cached, bundle)
    except OSError:
        pass
    return bundle


class LiveChart(anywidget.AnyWidget):
    """One chart, drawn by Vega in the browser from ``spec`` (a Vega-Lite dict); a new ``spec`` redraws it."""

    _esm = ""  # the bundle, set on first use: making it takes about 2 s, so not at import
    spec = traitlets.Dict(allow_none=True).tag(sync=True)

    def __init__(self, spec: dict[str, Any] | None = None, **kwargs: Any) -> None:
        type(self)._esm = type(self)._esm or _bundle()
        super().__init__(spec=spec, **kwargs)
