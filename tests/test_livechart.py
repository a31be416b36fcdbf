"""Charts drawn in the browser (helpers/livechart.py) and the pane changing views show them in."""

from __future__ import annotations

import helpers as h
from helpers import chart_text, livechart
from helpers.display import Rich
from helpers.widgets import ViewPane

import ipywidgets as w
import vl_convert


def polls_chart(year: int):
    polls = h.load("polls").drop_duplicates("respondents")
    return h.bar(polls[polls["year"] <= year], "respondents", "percent", title=f"Polls to {year}")


def test_a_chart_is_sent_as_its_spec_with_its_description_and_data_table():
    pane = ViewPane("sp-test")
    pane.show([polls_chart(2030), "a note"])
    [spec] = pane.charts
    assert spec["description"] == chart_text.describe(spec)  # the accessible name, derived from the data
    assert chart_text.describe_table(spec) in pane.html and "<p>a note</p>" in pane.html
    assert "sp-test" in pane._dom_classes and "sp-view" in pane._dom_classes


def test_a_redraw_of_the_same_shape_reuses_the_widgets_on_the_page():
    years = sorted(h.load("polls").drop_duplicates("respondents")["year"])
    first, second = years[0], years[-1]
    pane = ViewPane("sp-test")
    pane.show([polls_chart(first), "text"])
    widgets = list(pane.children)
    before = pane.charts[0]
    pane.show([polls_chart(second), "other text"])
    assert list(pane.children) == widgets  # only the spec and the HTML changed: no new widgets, no new bundle
    assert pane.charts[0] != before and "other text" in pane.html
    pane.show(Rich("<b>nothing to chart</b>", "nothing"))
    assert len(pane.children) == 1 and isinstance(pane.children[0], w.HTML) and pane.charts == []


def test_text_reaching_the_pane_is_escaped():
    pane = ViewPane("sp-test")
    pane.show("<script>alert(1)</script>")
    assert "<script>" not in pane.html and "&lt;script&gt;" in pane.html


def test_the_javascript_bundle_is_made_once_and_kept_in_the_user_cache(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda source: calls.append(source) or "BUNDLE")
    assert livechart._bundle() == "BUNDLE" and livechart._bundle() == "BUNDLE"
    assert len(calls) == 1 and "vegaEmbed" in calls[0]
    [kept] = (tmp_path / "soft-power-companion").glob("live-chart-*.js")
    assert kept.read_text(encoding="utf-8") == "BUNDLE"
    assert not list(kept.parent.glob("*.tmp"))  # written whole, then moved into place


def test_an_unwritable_cache_only_costs_the_bundling_again(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda source: "BUNDLE")
    assert livechart._bundle() == "BUNDLE"


def test_the_real_bundle_draws_with_vega_embed_and_names_the_chart():
    chart = livechart.LiveChart({"description": "d"})
    assert "vegaEmbed" in livechart.SOURCE and "aria-label" in livechart.SOURCE
    assert len(chart._esm) > 100_000 and "export" in chart._esm  # Vega, Vega-Lite and Vega-Embed, inlined
