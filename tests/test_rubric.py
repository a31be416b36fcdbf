"""Lesson 08's assessment rubric: profile, Markdown, safe saving, and the widget over them."""

from __future__ import annotations

from helpers import charts
from helpers.topics import rubric
from helpers.topics.rubric import RubricError

import os
import tempfile

import pandas as pd
import pytest

FULL = {"culture": 3, "political_values": 2, "foreign_policies": 1, "ideological": 3, "niche": 4}


# ---------------------------------------------------------------- ratings and profile


def test_profile_has_every_criterion_in_order_with_levels():
    frame = rubric.profile({"culture": 3, "niche": 0})
    assert list(frame["criterion"]) == [c.label for c in rubric.CRITERIA]
    assert list(frame["framework"]) == ["Nye", "Nye", "Nye", "Laruelle & Luo", "Laruelle & Luo"]
    assert frame.loc[0, "rating"] == 3 and frame.loc[0, "level"] == "substantial"
    assert frame.loc[4, "rating"] == 0 and frame.loc[4, "level"] == "no evidence"
    assert pd.isna(frame.loc[1, "rating"]) and frame.loc[1, "level"] == "not rated"


@pytest.mark.parametrize("bad", [5, -1, 2.5, "3", True])
def test_a_rating_outside_the_scale_names_the_criterion_and_the_scale(bad):
    with pytest.raises(RubricError, match=r"'culture'.*0 to 4.*0 = no evidence"):
        rubric.check_ratings({"culture": bad})


def test_an_unknown_criterion_lists_the_valid_ones():
    with pytest.raises(RubricError, match=r"unknown criterion 'cultur'.*culture, political_values"):
        rubric.profile({"cultur": 2})


def test_ratings_must_be_a_mapping():
    with pytest.raises(RubricError, match="should be a dict"):
        rubric.check_ratings([3, 2])


def test_profile_chart_has_title_source_line_and_only_rated_bars():
    chart = rubric.profile_chart(rubric.profile({"culture": 3, "ideological": 2}))
    spec = chart.to_dict()
    assert spec["title"]["text"].startswith("Your assessment")
    assert charts.source_line_of(spec) == "Sources: Nye 2004; Laruelle & Luo 2020"
    bar_data, text_data = (spec["datasets"][layer["data"]["name"]] for layer in spec["layer"])
    assert sorted(v["criterion"] for v in bar_data) == ["Culture", "Ideological soft power"]
    assert [v["level"] for v in text_data] == ["substantial", "not rated", "not rated", "mixed", "not rated"]


def test_profile_chart_without_any_rating_says_what_to_do():
    with pytest.raises(RubricError, match="Rate at least one"):
        rubric.profile_chart(rubric.profile({}))
    with pytest.raises(RubricError, match="table made by profile"):
        rubric.profile_chart(pd.DataFrame({"x": [1]}))


# ---------------------------------------------------------------- Markdown


def test_markdown_has_table_sections_ratings_and_text():
    text = rubric.to_markdown(FULL, {"culture": "Going Vertical drew\n2.5 million admissions."})
    assert text.startswith("# Russian soft power in China: my assessment\n")
    assert "| Culture | Nye | 3 / 4 (substantial) |" in text
    assert "## Niche soft power (Laruelle & Luo)" in text
    assert "Going Vertical drew\n2.5 million admissions." in text
    assert text.count("*No justification written yet.*") == 4


def test_markdown_escapes_html_the_student_types():
    text = rubric.to_markdown(
        {}, {"niche": "<script>alert(1)</script> & <b>bold</b>"}, title="Mine <img src=x onerror=alert(1)>"
    )
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    assert "not rated" in text


def test_markdown_rejects_bad_justifications_and_titles():
    with pytest.raises(RubricError, match="must be text"):
        rubric.to_markdown({}, {"culture": 3})
    with pytest.raises(RubricError, match="unknown criterion 'values'"):
        rubric.to_markdown({}, {"values": "x"})
    with pytest.raises(RubricError, match="needs a title"):
        rubric.to_markdown({}, {}, title="  ")


# ---------------------------------------------------------------- saving


def test_save_writes_the_file_and_adds_md(tmp_path):
    path = rubric.save_markdown("# hello\n", "answer", base=tmp_path)
    assert path == tmp_path / "answer.md"
    assert path.read_text(encoding="utf-8") == "# hello\n"
    assert [p.name for p in tmp_path.iterdir()] == ["answer.md"]  # no temporary file left behind


def test_save_into_an_existing_subfolder_and_by_absolute_path(tmp_path):
    (tmp_path / "essays").mkdir()
    assert rubric.save_markdown("a", "essays/mine.md", base=tmp_path).read_text() == "a"
    target = tmp_path / "abs.markdown"
    assert rubric.save_markdown("b", str(target)) == target


def test_an_existing_file_is_kept_unless_overwrite(tmp_path):
    rubric.save_markdown("first", "mine.md", base=tmp_path)
    with pytest.raises(RubricError, match="already exists.*Tick 'overwrite'"):
        rubric.save_markdown("second", "mine.md", base=tmp_path)
    assert (tmp_path / "mine.md").read_text() == "first"
    rubric.save_markdown("second", "mine.md", base=tmp_path, overwrite=True)
    assert (tmp_path / "mine.md").read_text() == "second"


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_asks_for_one(tmp_path, name):
    with pytest.raises(RubricError, match="Type a file name"):
        rubric.save_markdown("x", name, base=tmp_path)


def test_a_missing_folder_is_named_and_nothing_is_created(tmp_path):
    with pytest.raises(RubricError, match=r"folder .*nowhere.* does not exist"):
        rubric.save_markdown("x", "nowhere/mine.md", base=tmp_path)
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("name", ["sub", "sub/", "sub/.", "."])
def test_a_folder_is_not_a_file_name(tmp_path, name):
    (tmp_path / "sub").mkdir()
    with pytest.raises(RubricError, match="is a folder, not a file"):
        rubric.save_markdown("x", name, base=tmp_path)
    assert list((tmp_path / "sub").iterdir()) == []


def test_other_extensions_and_non_text_are_refused(tmp_path):
    with pytest.raises(RubricError, match=r"ends in '\.txt'.*\.md"):
        rubric.save_markdown("x", "mine.txt", base=tmp_path)
    with pytest.raises(RubricError, match="file name is text"):
        rubric.save_markdown("x", 42, base=tmp_path)
    with pytest.raises(RubricError, match="must be a string"):
        rubric.save_markdown(b"x", "mine.md", base=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_place_of_the_folder_is_explained(tmp_path):
    (tmp_path / "plain").write_text("not a folder")
    with pytest.raises(RubricError, match="is a file, not a folder"):
        rubric.save_markdown("x", "plain/mine.md", base=tmp_path)


# ---------------------------------------------------------------- the widget


def test_widget_draws_the_profile_as_ratings_change():
    box = rubric.Rubric()
    assert "sp-rubric" in box._dom_classes
    assert "Rate at least one" in box.chart.html
    box.rate("culture", 3)
    assert len(box.chart.charts) == 1
    with pytest.raises(RubricError, match="0 to 4"):
        box.rate("culture", 9)
    assert box.ratings["culture"] == 3


def test_widget_bad_paths_say_why_and_lose_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    box = rubric.Rubric()
    box.rate("niche", 4)
    box.justify("niche", "Masha and the Bear <on CCTV-14>")
    for name, message in [("", "Type a file name"), ("missing/mine.md", "does not exist")]:
        assert box.save(name) is None
        assert "Not saved." in box.status.value and message in box.status.value
        assert "still here" in box.status.value
        assert box.ratings["niche"] == 4 and box.justifications["niche"] == "Masha and the Bear <on CCTV-14>"
    assert list(tmp_path.iterdir()) == []


def test_widget_saves_only_when_asked_and_respects_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    box = rubric.Rubric()
    assert list(tmp_path.iterdir()) == []  # building the widget writes nothing
    box.rate("culture", 2)
    box.justify("culture", "Katyusha & Vitas")
    path = box.save("mine")
    assert path == tmp_path / "mine.md" and "Saved." in box.status.value
    assert "Katyusha &amp; Vitas" in path.read_text(encoding="utf-8")
    box.justify("culture", "changed")
    assert box.save() is None and "already exists" in box.status.value
    assert "changed" not in path.read_text(encoding="utf-8")
    assert box.save(overwrite=True) == path and "changed" in path.read_text(encoding="utf-8")


def test_widget_preview_is_escaped():
    box = rubric.Rubric()
    box.justify("culture", "<script>x</script>")
    box.show_preview()
    assert "<script>" not in box.preview.value
    assert "&amp;lt;script&amp;gt;" in box.preview.value  # escaped in the Markdown, then again for HTML


def test_a_failed_write_gives_a_clear_message_and_leaves_no_file(tmp_path, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(RubricError, match="Could not write 'mine.md': Permission denied"):
        rubric.save_markdown("x", "mine.md", base=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_replace_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    old = tmp_path / "mine.md"
    old.write_text("my first answer", encoding="utf-8")

    def refuse(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(RubricError, match="No space left on device"):
        rubric.save_markdown("my second answer", "mine.md", overwrite=True, base=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["mine.md"]  # the half-done write is gone
    assert old.read_text(encoding="utf-8") == "my first answer"
