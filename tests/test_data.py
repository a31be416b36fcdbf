"""The course data: every table matches its schema, every row resolves to a source,
and broken copies of the data fail with errors that name the file, the row and the column."""

from __future__ import annotations

import helpers
from helpers import data
from helpers.data import DataError

import csv
import json

import pandas as pd
import pytest

from .conftest import ROOT

TABLES = data.tables()


@pytest.mark.parametrize("table", TABLES)
def test_table_matches_its_schema(table):
    assert data.problems(table) == []


@pytest.mark.parametrize("table", TABLES)
def test_every_row_has_a_source_in_the_bibliography(table):
    frame = helpers.load(table)
    bibliography = set(helpers.load("bibliography")["source_id"])
    assert len(frame) > 0, f"{table} is empty"
    if table == "bibliography":
        return
    assert "source_id" in frame.columns, f"{table} has no source_id column"
    assert frame["source_id"].notna().all(), f"{table}: rows without a source"
    dangling = set(frame["source_id"]) - bibliography
    assert not dangling, f"{table}: source ids not in the bibliography: {dangling}"


@pytest.mark.parametrize("table", [t for t in TABLES if t != "bibliography"])
def test_every_fact_table_declares_its_foreign_key_to_the_bibliography(table):
    fks = data.schema(table)["foreignKeys"]
    assert {"fields": "source_id", "reference": {"resource": "bibliography", "fields": "source_id"}} in fks


@pytest.mark.parametrize("table", TABLES)
def test_descriptor_documents_every_field(table):
    res = data.resource(table)
    assert res["description"] and res["path"] == f"{table}.csv"
    for field in res["schema"]["fields"]:
        assert field.get("description"), f"{table}.{field['name']} has no description"
    with open(ROOT / "data" / res["path"], encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == [f["name"] for f in res["schema"]["fields"]]


def test_every_csv_in_data_is_described():
    described = {r["path"] for r in data.descriptor()["resources"]}
    on_disk = {p.name for p in (ROOT / "data").glob("*.csv")}
    assert on_disk == described


def test_every_source_is_used_somewhere():
    used = set()
    for table in TABLES:
        frame = helpers.load(table)
        for col in ("source_id", "terms_source_id"):
            if col in frame.columns and table != "bibliography":
                used |= set(frame[col].dropna())
    for number in helpers.material.lesson_numbers():
        used |= set(helpers.material.material(number).source_ids())
    unused = set(helpers.load("bibliography")["source_id"]) - used
    assert not unused, f"sources in the bibliography that nothing cites: {sorted(unused)}"


def test_load_types_columns_by_schema():
    polls = helpers.load("polls")
    assert str(polls["year"].dtype) == "Int64"
    assert str(polls["percent"].dtype) == "Float64"
    trade = helpers.load("trade")
    assert str(trade["approximate"].dtype) == "boolean"
    assert trade.loc[trade["period"] == "2023-H1", "turnover_usd_bn"].isna().all()
    assert str(helpers.load("events")["date"].dtype) == "string"


def test_conflicting_sources_are_kept_as_separate_rows():
    figures = helpers.load("work_figures")
    stalingrad = figures[(figures["work_id"] == "stalingrad") & (figures["measure"] == "box_office")]
    assert sorted(stalingrad["value"]) == [71.9, 72.0]
    assert set(stalingrad["source_id"]) == {"laruelle_luo_2020", "global_times_2018"}
    reports = helpers.load("event_reports")
    dates = reports[reports["event_id"] == "cmg_vgtrk_event"].set_index("source_id")["date"]
    assert dates["cgtn_2025"] == "2025-05-07" and dates["bonds_2025"] == "2025-05-08"


def test_events_are_unique_and_every_report_and_count_points_at_one():
    events = helpers.load("events")
    assert events["event_id"].is_unique
    known = set(events["event_id"])
    for table in ("event_reports", "event_counts"):
        unknown = set(helpers.load(table)["event_id"]) - known
        assert not unknown, f"{table} names events not in events.csv: {sorted(unknown)}"
    reports = helpers.load("event_reports")
    assert not reports.duplicated(["event_id", "source_id"]).any()
    # each event's own row cites one of its reports
    cited = events.merge(reports, on=["event_id", "source_id"], how="left", indicator=True)
    assert (cited["_merge"] == "both").all(), cited.loc[cited["_merge"] != "both", "event_id"].tolist()


def test_load_works_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(helpers.load("glossary")) > 10


def test_unknown_table_lists_valid_names_and_suggests_one():
    with pytest.raises(LookupError) as err:
        helpers.load("pols")
    message = str(err.value)
    assert "'polls'" in message and "Did you mean 'polls'?" in message and "'trade'" in message


@pytest.mark.parametrize("bad", [None, 3, ["polls"]])
def test_table_name_of_wrong_type(bad):
    with pytest.raises(TypeError, match="table name is a string"):
        helpers.load(bad)


# ---------------------------------------------------------------- broken copies of data/


def rewrite(path, change):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    change(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def set_cell(path, row, column, value):
    def change(rows):
        rows[row][rows[0].index(column)] = value

    rewrite(path, change)


def load_error(table) -> str:
    with pytest.raises(DataError) as err:
        helpers.load(table)
    return str(err.value)


def test_missing_column_is_named(data_copy):
    def drop_percent(rows):
        column = rows[0].index("percent")
        for row in rows:
            del row[column]

    rewrite(data_copy / "polls.csv", drop_percent)
    assert "polls.csv, column 'percent': the column is missing" in load_error("polls")


def test_wrong_type_names_file_row_and_column(data_copy):
    set_cell(data_copy / "polls.csv", 3, "percent", "about half")
    assert "polls.csv, row 3 (line 4), column 'percent': expected a number, got 'about half'" in load_error("polls")


def test_dangling_source_id_names_file_row_and_column(data_copy):
    set_cell(data_copy / "trade.csv", 2, "source_id", "nobody_2099")
    message = load_error("trade")
    assert (
        "trade.csv, row 2 (line 3), column 'source_id': 'nobody_2099' is not a source_id in bibliography.csv" in message
    )


def test_duplicate_key_names_both_rows(data_copy):
    rewrite(data_copy / "works.csv", lambda rows: rows.append(list(rows[1])))
    message = load_error("works")
    assert "works.csv, row 14 (line 15), column 'work_id'" in message and "first at row 1" in message


@pytest.mark.parametrize(
    "bad_date,expected",
    [
        ("2025-13", "month 13 does not exist"),
        ("2025-02-30", "day 30 does not exist in 2025-02"),
        ("7 May 2025", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_bad_date_names_file_row_and_column(data_copy, bad_date, expected):
    set_cell(data_copy / "events.csv", 5, "date", bad_date)
    message = load_error("events")
    assert "events.csv, row 5 (line 6), column 'date'" in message and expected in message


def test_value_outside_allowed_values(data_copy):
    set_cell(data_copy / "polls.csv", 1, "measure", "favorable")
    assert "'favorable' is not an allowed value; allowed: 'favourable', 'unfavourable'" in load_error("polls")


def test_required_value_missing(data_copy):
    set_cell(data_copy / "glossary.csv", 2, "definition", "")
    assert "glossary.csv, row 2 (line 3), column 'definition': a value is required here" in load_error("glossary")


def test_out_of_range_and_ragged_rows(data_copy):
    set_cell(data_copy / "polls.csv", 2, "percent", "120")
    assert "above the maximum 100" in load_error("polls")
    rewrite(data_copy / "trade.csv", lambda rows: rows[1].append("extra"))
    assert "trade.csv, row 1 (line 2): has 7 cells, expected 6" in load_error("trade")


def test_missing_file_and_bad_folder(data_copy, monkeypatch, tmp_path):
    (data_copy / "trade.csv").unlink()
    assert "trade.csv: the file is missing" in load_error("trade")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(DataError, match="does not point at a course data folder"):
        helpers.load("polls")


def test_data_copy_loses_nothing(data_copy):
    before = (data_copy / "polls.csv").read_bytes()
    set_cell(data_copy / "polls.csv", 3, "percent", "x")
    damaged = (data_copy / "polls.csv").read_bytes()
    load_error("polls")
    assert (data_copy / "polls.csv").read_bytes() == damaged != before


def test_descriptor_is_valid_json_with_a_resource_per_table():
    pkg = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["profile"] == "tabular-data-package"
    assert all(r["profile"] == "tabular-data-resource" for r in pkg["resources"])


def test_index_rows_are_consistent():
    idx = helpers.load("soft_power_indices")
    ranked = idx[idx["status"] == "ranked"]
    assert ranked["rank"].notna().all(), "a ranked row needs a rank"
    assert idx[idx["status"] != "ranked"]["rank"].isna().all(), "unranked rows must not carry a rank"
    assert isinstance(ranked, pd.DataFrame)
