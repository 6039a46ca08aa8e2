"""Partitioned data on Dask (issue 22, item 3): the same numbers as in memory, on a LocalCluster.

The shipped staff and demo surveys are written to a temporary folder as Parquet partitions (and
given as a Dask DataFrame); scoring, aggregation by team, ICC(1)/ICC(2) and the r_wg family run on a
``dask.distributed`` LocalCluster and must equal the in-memory results (scores exactly, statistics
to 1e-12). The in-memory numbers themselves are checked against R in ``tests/teams``.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis import aggregate, agreement, icc, read_dataset, rwg, rwg_j, rwg_j_lindell, score, score_partitions
from analysis.errors import DataError
from conftest import ROOT
from messages import assert_says

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

TOL = {"rtol": 1e-12, "atol": 1e-12}
ITEMS = ["wdgo_1", "wdgo_2", "wdgo_3", "wdgo_4"]
CUTS = [0, 90, 200, 260]   # uneven partitions; teams straddle them


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def staff():
    return read_dataset("staff_demo")


def write_parts(frame: pd.DataFrame, folder) -> str:
    """``frame`` as Parquet partitions (its index kept) in ``folder``, cut at :data:`CUTS`."""
    folder.mkdir()
    bounds = CUTS + [len(frame)]
    for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        frame.iloc[a:b].to_parquet(folder / f"part.{i}.parquet")
    return str(folder)


@pytest.fixture(scope="module")
def staff_parts(staff, tmp_path_factory):
    return write_parts(staff, tmp_path_factory.mktemp("staff") / "parts")


@pytest.fixture(params=["folder", "dask"])
def parts(request, staff, staff_parts):
    return staff_parts if request.param == "folder" else dd.from_pandas(staff, npartitions=5)


def assert_same_table(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Same columns, rows and labels; numbers equal to 1e-12, counts exactly."""
    assert list(got.columns) == list(want.columns) and len(got) == len(want)
    for c in want.columns:
        if pd.api.types.is_float_dtype(want[c]):
            assert_allclose(got[c].to_numpy(float), want[c].to_numpy(float), **TOL, err_msg=c)
        else:
            assert got[c].tolist() == want[c].tolist(), c


# --- the same numbers -------------------------------------------------------------------------
def test_scores_and_audit_equal_in_memory(client, tmp_path):
    demo = read_dataset("demo")
    demo.loc[[5, 300], "agq_1"] = 9     # out of range: set to missing and audited after the missing codes
    options = {"columns": "agq_{n}", "response": {"min": 1, "max": 7}, "missing": [-99], "on_invalid": "missing"}
    want = score(demo, "agq-r", **options)
    rows = ["column", "row", "reason"]
    for data in (write_parts(demo, tmp_path / "demo"), dd.from_pandas(demo, npartitions=3)):
        res = score_partitions(data, "agq-r", **options)
        got = res.compute()
        pd.testing.assert_frame_equal(got.scores, want.scores, check_exact=True)
        assert got.audit["column"].tolist() == want.audit["column"].tolist()     # column by column
        pd.testing.assert_frame_equal(got.audit.sort_values(rows, ignore_index=True),
                                      want.audit.sort_values(rows, ignore_index=True))
        assert len(want.audit) == 53 and res.r_call == want.r_call


def test_scores_written_as_parquet_read_back_equal(client, tmp_path, staff, staff_parts):
    score_partitions(staff_parts, "vandewalle", columns="wdgo_{n}").to_parquet(tmp_path / "scores")
    back = dd.read_parquet(tmp_path / "scores").compute()
    pd.testing.assert_frame_equal(back, score(staff, "vandewalle", columns="wdgo_{n}").scores, check_exact=True)


def test_aggregate_equals_in_memory(client, staff, parts):
    values = ["performance", "wdgo_1"]
    want = aggregate(staff, values, "team", parent="department")
    got = aggregate(parts, values, "team", parent="department")
    assert len(want) == 2 * (1 + 6 + 34)
    assert_same_table(got, want)


def test_icc_equals_in_memory(client, staff, parts):
    want = icc(staff, ["performance", "wdgo_2"], "team")
    got = icc(parts, ["performance", "wdgo_2"], "team")
    assert_same_table(got.table(), want.table())
    assert (got.n, got.n_excluded, got.r_call, got.apa()) == (want.n, want.n_excluded, want.r_call, want.apa())


@pytest.mark.parametrize("index, items", [(rwg_j, ITEMS), (rwg_j_lindell, ITEMS), (rwg, "wdgo_2")])
def test_rwg_family_equals_in_memory(client, staff, parts, index, items):
    want = index(staff, items, "team", 6) if index is not rwg else index(staff, items, "team", n_options=6)
    got = index(parts, items, "team", 6) if index is not rwg else index(parts, items, "team", n_options=6)
    assert want.n_excluded > 0   # wdgo items have empty cells: listwise deletion is part of what is compared
    assert_same_table(got.table(), want.table())
    assert (got.n, got.n_excluded, got.options, got.apa()) == (want.n, want.n_excluded, want.options, want.apa())


def test_moments_merge_keeps_digits(client, staff):
    """Values far from zero: sums of squares from raw sums (Σy² − n·ȳ²) lose about 2e-10 of their
    value here; merging each partition's mean and sum of squares (Chan) stays within 1e-12."""
    shifted = staff.assign(performance=staff["performance"] + 1000.0)
    parts = dd.from_pandas(shifted, npartitions=7)
    assert_same_table(icc(parts, "performance", "team").table(), icc(shifted, "performance", "team").table())
    assert_same_table(aggregate(parts, "performance", "team"), aggregate(shifted, "performance", "team"))


def test_work_runs_on_the_cluster(client, staff_parts):
    with distributed.get_task_stream(client) as stream:
        icc(staff_parts, "performance", "team")
    assert len(stream.data) >= 4   # at least one task per partition ran on the cluster's worker


def test_empty_partition_and_missing_groups(client, staff):
    """A partition without rows, and people without a team, count as in memory."""
    data = staff.assign(team=staff["team"].where(staff.index % 17 != 0))
    parts = dd.from_pandas(data, npartitions=4)
    parts = dd.concat([parts, dd.from_pandas(data.iloc[:0], npartitions=1)])
    assert_same_table(aggregate(parts, "performance", "team"), aggregate(data, "performance", "team"))
    assert_same_table(icc(parts, "performance", "team").table(), icc(data, "performance", "team").table())
    assert_same_table(rwg_j(parts, ITEMS, "team", 6).table(), rwg_j(data, ITEMS, "team", 6).table())


# --- refusals ---------------------------------------------------------------------------------
def test_text_cell_named_by_folder_row_column_value(client, staff, tmp_path):
    bad = staff.assign(performance=staff["performance"].astype(str))   # a column of text, as some exports write
    bad.loc[215, "performance"] = "n/k"
    # files that remember their export (pandas keeps attrs in Parquet): that file and its row
    with pytest.raises(DataError) as e:
        icc(write_parts(bad, tmp_path / "bad"), "performance", "team")
    assert_says(e.value, "responses.csv', row 217, column 'performance', value 'n/k'", "is not a number",
                "score the items first")
    # files that do not: the folder, and the row by its index label
    bad.attrs.clear()
    folder = write_parts(bad, tmp_path / "bare")
    with pytest.raises(DataError) as e:
        icc(folder, "performance", "team")
    assert_says(e.value, f"file '{folder}', row with index 215, column 'performance', value 'n/k'")


def test_missing_column_refused_before_reading(client, staff_parts):
    with pytest.raises(DataError) as e:
        aggregate(staff_parts, "performance", "teams")
    assert_says(e.value, "column 'teams'", "is not in the data", "'team'")
    with pytest.raises(DataError) as e:
        rwg_j(staff_parts, ["wdgo_1", "wdgo_99"], "team", 6)
    assert_says(e.value, "wdgo_99")


def test_folder_without_parquet_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError) as e:
        icc(tmp_path / "empty", "performance", "team")
    assert_says(e.value, "holds no *.parquet file", "Write the partitions there first")


def test_no_rows_refused(client, staff):
    with pytest.raises(DataError) as e:
        aggregate(dd.from_pandas(staff.iloc[:0], npartitions=1), "performance", "team")
    assert_says(e.value, "aggregate: the data have no rows")


def test_a_step_for_memory_names_the_partitioned_ones(staff_parts):
    with pytest.raises(DataError) as e:
        agreement(staff_parts, ITEMS, "team", n_options=6)
    assert_says(e.value, "are partitioned (a Dask DataFrame or a folder of Parquet files)",
                "Partitioned data go to score_partitions, aggregate, icc, rwg, rwg_j and rwg_j_lindell")


def test_import_analysis_does_not_import_dask():
    code = ("import sys, analysis, analysis.teams.partitioned, analysis.scoring.partitioned; "
            "print('dask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
