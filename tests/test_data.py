"""The course data: every table matches its schema, every row resolves to a source,
and broken copies of the data fail with errors that name the file, the row and the column."""

from __future__ import annotations

import helpers
from helpers import data
from helpers.data import DataError

import csv
import json
import os

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
    article = trade[(trade["period"] == "2023-H1") & (trade["source_id"] == "csm_2023")]
    assert article["turnover_usd_bn"].isna().all()  # the article gives a rate, no total
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


# ---------------------------------------------------------------- the standard validator


def frictionless_errors(folder) -> list[tuple[str, str]]:
    """(error type, message) for every problem the Frictionless validator finds in a data package."""
    import frictionless

    report = frictionless.validate(str(folder / "datapackage.json"))
    found = [(e.type, e.message) for e in report.errors]
    found += [(e.type, e.message) for task in report.tasks for e in task.errors]
    assert report.valid == (found == [])
    return found


def test_the_standard_validator_accepts_the_course_data():
    assert frictionless_errors(ROOT / "data") == []


def test_every_foreign_key_points_at_a_unique_key():
    for table in TABLES:
        for fk in data.schema(table).get("foreignKeys", []):
            target = data.schema(fk["reference"]["resource"])
            fields = fk["reference"]["fields"]
            fields = [fields] if isinstance(fields, str) else fields
            key = target.get("primaryKey", [])
            key = [key] if isinstance(key, str) else key
            unique = [[f["name"]] for f in target["fields"] if f.get("constraints", {}).get("unique")]
            assert fields == key or fields in unique, f"{table} refers to {fk['reference']}, which is not unique"


def test_partial_dates_use_the_standard_pattern():
    for table in TABLES:
        for field in data.schema(table)["fields"]:
            assert field.get("format", "default") in {"default", "email", "uri", "binary", "uuid", "wkt"}
            if "date" in field["name"] or field["name"] == "as_of":
                assert field.get("constraints", {}).get("pattern") == data.PARTIAL_DATE_PATTERN, field["name"]


@pytest.mark.parametrize(
    "damage,error_type,ours",
    [
        (("polls.csv", 3, "percent", "about half"), "type-error", "expected a number"),
        (("trade.csv", 2, "source_id", "nobody_2099"), "foreign-key", "is not a source_id in bibliography.csv"),
        (("events.csv", 5, "date", "2025-13"), "constraint-error", "month 13 does not exist"),
        (("polls.csv", 1, "measure", "favorable"), "constraint-error", "is not an allowed value"),
    ],
    ids=["type", "foreign-key", "partial-date", "enum"],
)
def test_both_validators_reject_a_damaged_copy(data_copy, damage, error_type, ours):
    file, row, column, value = damage
    set_cell(data_copy / file, row, column, value)
    assert error_type in {kind for kind, _ in frictionless_errors(data_copy)}
    table = file.removesuffix(".csv")
    found = [str(p) for p in data.validate_all()[table]]
    assert any(f"{file}, row {row} (line {row + 1}), column {column!r}" in p and ours in p for p in found), found


def test_only_our_check_knows_the_calendar(data_copy):
    # The pattern admits day 30 of any month; the course's own check rejects a day that does not exist.
    set_cell(data_copy / "events.csv", 5, "date", "2025-02-30")
    assert frictionless_errors(data_copy) == []
    assert "day 30 does not exist in 2025-02" in str(data.validate_all()["events"][0])


def test_a_custom_format_breaks_the_standard_descriptor(data_copy):
    path = data_copy / "datapackage.json"
    pkg = json.loads(path.read_text(encoding="utf-8"))
    pkg["resources"][0]["schema"]["fields"][0]["format"] = "partial-date"
    path.write_text(json.dumps(pkg), encoding="utf-8")
    assert frictionless_errors(data_copy) != []


# ---------------------------------------------------------------- reporting, never raising


def test_validate_all_reports_broken_referenced_tables_without_raising(data_copy):
    rewrite(data_copy / "bibliography.csv", lambda rows: [row.pop(1) for row in rows])  # drop 'short'
    (data_copy / "works.csv").unlink()
    (data_copy / "events.csv").write_bytes(b"event_id,date\n\xff\xfe\n")
    found = data.validate_all()
    assert set(found) == set(TABLES)
    assert "bibliography.csv, column 'short': the column is missing" in [str(p) for p in found["bibliography"]]
    assert str(found["works"][0]).startswith("works.csv: the file is missing")
    assert "events.csv: not valid UTF-8" in str(found["events"][0])
    assert "cannot be checked because bibliography.csv cannot be read" in str(found["polls"][0])
    assert any("works.csv cannot be read" in str(p) for p in found["work_figures"])
    assert any("events.csv cannot be read" in str(p) for p in found["event_counts"])


def test_one_bad_row_in_a_referenced_table_does_not_flood_the_others(data_copy):
    set_cell(data_copy / "bibliography.csv", 4, "kind", "pamphlet")
    found = data.validate_all()
    assert [p.row for p in found["bibliography"]] == [4]
    assert sum(len(v) for v in found.values()) == 1


def test_validate_all_reports_a_broken_descriptor(data_copy):
    (data_copy / "datapackage.json").write_text("{not json", encoding="utf-8")
    found = data.validate_all()
    assert list(found) == ["datapackage.json"]
    assert "cannot be read as a data package" in str(found["datapackage.json"][0])


def test_environment_check_names_the_broken_file(data_copy):
    from helpers import envcheck

    (data_copy / "works.csv").unlink()
    check = next(c for c in envcheck.checks() if c.name == "course data")
    assert not check.ok
    assert "works.csv" in check.detail and "work_figures.csv" in check.detail
    assert "git checkout data/" in check.fix and "pip install" not in check.fix


def test_index_rows_are_consistent():
    idx = helpers.load("soft_power_indices")
    ranked = idx[idx["status"] == "ranked"]
    assert ranked["rank"].notna().all(), "a ranked row needs a rank"
    assert idx[idx["status"] != "ranked"]["rank"].isna().all(), "unranked rows must not carry a rank"
    assert isinstance(ranked, pd.DataFrame)


def count_reads(monkeypatch) -> list[str]:
    """The names of the tables read from disk from now on (data._read_rows is where every read starts)."""
    reads: list[str] = []
    read_rows = data._read_rows

    def counting(name):
        reads.append(name)
        return read_rows(name)

    monkeypatch.setattr(data, "_read_rows", counting)
    return reads


def test_a_table_is_read_and_checked_once_until_its_file_changes(data_copy, monkeypatch):
    reads = count_reads(monkeypatch)
    first = data.load("polls")
    assert reads.count("polls") == 1
    second = data.load("polls")
    assert reads.count("polls") == 1, "a second load of an unchanged file read it again"
    pd.testing.assert_frame_equal(first, second)
    path = data_copy / "polls.csv"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))  # touched
    data.load("polls")
    assert reads.count("polls") == 2
    edited = path.read_text(encoding="utf-8").replace("Pew Research Center", "Pew Research Centre", 1)
    path.write_text(edited, encoding="utf-8")
    assert "Pew Research Centre" in set(data.load("polls")["survey"])
    assert reads.count("polls") == 3


def test_the_course_stamp_changes_when_any_table_or_the_descriptor_changes(data_copy):
    before = data.course_stamp()
    assert before == data.course_stamp()
    assert len(before) == len(data.tables()) + 1  # every table's file and the descriptor
    for name in ("events.csv", "datapackage.json"):
        path = data_copy / name
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))  # touched
        assert data.course_stamp() != before
        before = data.course_stamp()


def test_a_loaded_table_is_a_copy_that_callers_may_change(data_copy):
    first = data.load("polls")
    first.loc[0, "percent"] = -1
    del first["note"]
    again = data.load("polls")
    assert again.loc[0, "percent"] != -1 and "note" in again.columns


def test_a_change_to_a_referenced_table_reloads_the_tables_that_point_at_it(data_copy, monkeypatch):
    data.load("polls")
    bibliography = data_copy / "bibliography.csv"
    rows = bibliography.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [r for r in rows if not r.startswith("wsj_2014,")]
    assert len(kept) == len(rows) - 1, "the test expects the source wsj_2014 in the bibliography"
    bibliography.write_text("".join(kept), encoding="utf-8")
    with pytest.raises(data.DataError, match="wsj_2014"):
        data.load("polls")  # polls cites wsj_2014: its foreign key is checked again


def test_the_bibliography_is_built_once_per_change_of_its_file(data_copy, monkeypatch):
    from helpers import citations

    reads = count_reads(monkeypatch)
    assert citations.cite("nye_2004") == citations.cite("nye_2004")
    citations.source_ids()
    assert reads.count("bibliography") == 1, "the bibliography was read again though its file did not change"
    path = data_copy / "bibliography.csv"
    label = citations.source("nye_2004")["short"]
    path.write_text(path.read_text(encoding="utf-8").replace(f",{label},", ",Nye (changed) 2004,", 1), encoding="utf-8")
    assert citations.cite("nye_2004") == "[Nye (changed) 2004]"
