"""The website's own logic without a browser: citation links, the internal link check, launch links, escaping."""

from __future__ import annotations

from helpers.citations import short_labels
from helpers.site import Launch, SiteError, broken_links, course_map, link_citations, md_escape, source_anchor

import pytest

LABELS = {"laruelle_luo_2020": "Laruelle & Luo 2020", "csm_2023": "CSM 2023"}


def test_a_citation_in_markdown_links_to_its_bibliography_entry():
    text = "Soviet films remain popular [Laruelle & Luo 2020, section 2] and [CSM 2023]."
    out = link_citations(text, LABELS)
    assert (
        '<a class="sp-cite" href="bibliography.html#src-laruelle-luo-2020">[Laruelle &amp; Luo 2020, section 2]</a>'
        in out
    )
    assert '<a class="sp-cite" href="bibliography.html#src-csm-2023">[CSM 2023]</a>' in out
    assert out.startswith("Soviet films remain popular <a") and out.endswith("</a>.")


def test_a_citation_in_html_output_is_linked_too():
    out = link_citations("<td>[Laruelle &amp; Luo 2020]</td>", LABELS)
    assert (
        out
        == '<td><a class="sp-cite" href="bibliography.html#src-laruelle-luo-2020">[Laruelle &amp; Luo 2020]</a></td>'
    )


def test_unknown_labels_links_and_lookalikes_are_left_alone():
    for text in (
        "[Nobody 1999]",
        "[CSM 2023](https://example.org)",  # already a Markdown link
        "[CSM 20234]",  # another label that starts the same
        "CSM 2023 without brackets",
    ):
        assert link_citations(text, LABELS) == text


def test_every_bibliography_label_gets_a_distinct_anchor():
    labels = short_labels()
    anchors = [source_anchor(sid) for sid in labels]
    assert len(set(anchors)) == len(anchors)
    for sid, label in labels.items():
        assert source_anchor(sid) in link_citations(f"[{label}]", labels)


def test_the_link_check_finds_missing_pages_and_anchors(tmp_path):
    (tmp_path / "index.html").write_text(
        '<a href="a.html#here">ok</a> <a href="a.html#gone">x</a> <a href="missing.html">y</a> '
        '<a href="https://example.org/nowhere">external</a> <img src="_static/pic.svg"> <a href="#top">t</a>'
        '<p id="top"></p>',
        encoding="utf-8",
    )
    (tmp_path / "a.html").write_text('<h1 id="here">A</h1><a href="index.html">back</a>', encoding="utf-8")
    problems = broken_links(tmp_path)
    assert sorted(problems) == [
        "index.html: _static/pic.svg (no such file)",
        "index.html: a.html#gone (no such anchor)",
        "index.html: missing.html (no such file)",
    ]
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "pic.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "a.html").write_text('<h1 id="here"></h1><p id="gone"></p>', encoding="utf-8")
    (tmp_path / "missing.html").write_text("", encoding="utf-8")
    assert broken_links(tmp_path) == []


def test_launch_links_follow_the_settings():
    launch = Launch("https://github.com/school/soft-power-companion", "spring", "https://hub.school.example/")
    assert launch.binder("01_what_is_soft_power.ipynb") == (
        "https://mybinder.org/v2/gh/school/soft-power-companion/spring"
        "?urlpath=lab%2Ftree%2Flessons%2F01_what_is_soft_power.ipynb"
    )
    assert launch.hub_link("01_what_is_soft_power.ipynb") == (
        "https://hub.school.example/hub/user-redirect/git-pull"
        "?repo=https%3A%2F%2Fgithub.com%2Fschool%2Fsoft-power-companion&branch=spring"
        "&targetpath=soft-power-companion"
        "&urlpath=lab%2Ftree%2Fsoft-power-companion%2Flessons%2F01_what_is_soft_power.ipynb"
    )
    assert Launch().binder("x.ipynb") == "" and Launch("https://github.com/a/b").hub_link("x.ipynb") == ""


@pytest.mark.parametrize(
    "settings, named",
    [({"repo": "github.com/a/b"}, "--repo"), ({"hub": "ftp://hub"}, "--hub"), ({"branch": "a b"}, "--branch")],
)
def test_bad_launch_settings_say_what_is_valid(settings, named):
    with pytest.raises(SiteError, match=named):
        Launch(**settings)


def test_text_from_data_cannot_become_markup():
    assert md_escape("<script>*x*</script> [a](b)") == r"\<script\>\*x\*\<\/script\> \[a\]\(b\)"
    page = course_map([("01_what_is_soft_power", "What is <b>soft</b> power?")])
    assert "<b>" not in page and r"[What is \<b\>soft\<\/b\> power\?](01_what_is_soft_power.ipynb)" in page
