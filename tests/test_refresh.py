"""A yearly refresh is a data edit only: a synthetic future year appended to a copy of the data reaches
the lessons' computations without any change to the lessons (data/MAINTAINING.md describes the steps)."""

from __future__ import annotations

import helpers as h
from helpers.data import DataError

import contextlib
import csv
import io

import pytest

from .conftest import ROOT, read_notebook

SOURCE = "synthetic_future"


def append_row(path, row: dict) -> None:
    """Append one row to a CSV file of the data copy, columns in the file's own order."""
    with open(path, newline="", encoding="utf-8") as f:
        columns = next(csv.reader(f))
    unknown = set(row) - set(columns)
    assert not unknown, f"{path.name} has no columns {sorted(unknown)}"
    with open(path, "a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, fieldnames=columns, lineterminator="\n").writerow(row)


def add_source(data_copy) -> None:
    """The bibliography row a maintainer adds first (MAINTAINING.md, step 1)."""
    append_row(
        data_copy / "bibliography.csv",
        {
            "source_id": SOURCE,
            "short": "Synthetic source",
            "kind": "news report",
            "standing": "press",
            "authors": "test",
            "title": "A synthetic report used by the refresh test",
            "outlet": "none",
            "date": "2029",
        },
    )


def run_cells(lesson: str, *cell_ids: str) -> tuple[dict, str]:
    """Run the named code cells of a lesson, in order, after its setup; return the namespace and what they
    printed. The cells read the data through helpers, so they see whatever SOFT_POWER_DATA points at."""
    path = next((ROOT / "lessons").glob(f"{lesson}_*.ipynb"))
    cells = {c.get("id"): "".join(c["source"]) for c in read_notebook(path)["cells"] if c["cell_type"] == "code"}
    missing = [i for i in cell_ids if i not in cells]
    assert not missing, f"{path.name} has no code cells with ids {missing}"
    namespace: dict = {"h": h}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for cell_id in cell_ids:
            exec(compile(cells[cell_id], f"{path.name}:{cell_id}", "exec"), namespace)  # noqa: S102
    return namespace, printed.getvalue()


def test_a_new_index_edition_reaches_lesson_02(data_copy):
    add_source(data_copy)  # first, as a maintainer would; the bibliography is cached per data folder
    _, before = run_cells("02", "b020f071", "index-editions")
    last = max(h.load("soft_power_indices").query("index == 'Brand Finance'")["year"])
    assert f"Brand Finance: editions 2020 to {last}" in before
    future = last + 1
    for country, rank in (("China", 1), ("Russia", 11)):
        append_row(
            data_copy / "soft_power_indices.csv",
            {"index": "Brand Finance", "year": future, "country": country, "status": "ranked", "rank": rank,
             "source_id": SOURCE},
        )  # fmt: skip
    namespace, printed = run_cells("02", "b020f071", "index-editions")
    assert f"Brand Finance: editions 2020 to {future} in the course data" in printed
    assert f"Brand Finance {future}, the last edition in the course data" in printed
    assert namespace["last_bf"] == future
    assert future in set(namespace["ranks"]["year"])


def test_a_new_trade_year_reaches_lesson_06(data_copy):
    add_source(data_copy)
    namespace, _ = run_cells("06", "c28909ad", "13ddd84e")
    future = int(namespace["last"]) + 1
    append_row(
        data_copy / "trade.csv",
        {"period": future, "turnover_usd_bn": 250.5, "change_pct": 9.8, "approximate": "false", "source_id": SOURCE},
    )
    namespace, printed = run_cells("06", "c28909ad", "13ddd84e", "37ae3198")
    assert f"Whole years in the course data: 2021 to {future}." in printed
    assert f"{future}: US$250.5 billion, +9.8% on the year before." in printed
    assert namespace["order"][-1] == str(future)
    # the half-year bars (the article's and customs' in two currencies) still sit just before their whole year
    whole = namespace["order"].index("2023")
    assert set(namespace["order"][whole - 3 : whole]) == {"2023-H1 article", "2023-H1 US$", "2023-H1 yuan"}


def test_new_theme_years_reach_lesson_07(data_copy):
    add_source(data_copy)
    append_row(
        data_copy / "events.csv",
        {"event_id": "synthetic_years", "date": "2028", "end_date": "2029", "title": "Synthetic Years",
         "kind": "theme year", "theme": "culture exchange", "country": "both",
         "description": "A pair of years that does not exist, for the test.", "source_id": SOURCE},
    )  # fmt: skip
    namespace, printed = run_cells("07", "8ff45081", "education-years-table")
    assert "The last pair in the course data: Synthetic Years, 2028-2029" in printed
    assert set(namespace["education"]["event_id"]) >= {"education_years", "education_years_decree"}
    start = namespace["events"]["date"].str[:4].astype(int)
    assert int(start.max()) == 2028  # the explorer's slider (cell a6974b6f) reaches the last year from this


def test_a_new_poll_reaches_lesson_08(data_copy):
    add_source(data_copy)
    append_row(
        data_copy / "polls.csv",
        {"survey": "Synthetic survey", "year": 2029, "respondents": "China", "subject": "Russia",
         "measure": "favourable", "percent": 55, "source_id": SOURCE},
    )  # fmt: skip
    namespace, printed = run_cells("08", "4a6348cc")
    assert "Chinese views of Russia in the course data: 2013 to 2029" in printed
    assert 2029 in set(namespace["views_of_russia"]["year"])


def test_a_new_row_without_a_known_source_is_refused(data_copy):
    append_row(
        data_copy / "soft_power_indices.csv",
        {"index": "Brand Finance", "year": 2029, "country": "China", "status": "ranked", "rank": 1,
         "source_id": "not_in_the_bibliography"},
    )  # fmt: skip
    with pytest.raises(DataError, match="not_in_the_bibliography"):
        run_cells("02", "b020f071")
