"""The report: every problem counted exactly, the first N of each file and code kept (issue 10),
and Excel's column letters (issue 11)."""

import tracemalloc

import pytest

from generator.diagnostics import CATALOGUE, DEFAULT_MAX_PER_CODE, Report, Severity, diag, excel_column


@pytest.mark.parametrize("n, letters", [(1, "A"), (26, "Z"), (27, "AA"), (35, "AI"), (52, "AZ"), (53, "BA"),
                                        (702, "ZZ"), (703, "AAA"), (16384, "XFD")])
def test_excel_column_letters(n, letters):
    assert excel_column(n) == letters


def test_there_is_no_column_zero():
    with pytest.raises(ValueError):
        excel_column(0)


def bad_dates(n, path="data/penalties.csv"):
    return [diag("E-DATE", path, line, 19, column="处罚决定日期", value=f"2024-02-{30 + line % 2}")
            for line in range(2, n + 2)]


def test_the_first_n_of_each_file_and_code_are_kept_and_all_are_counted():
    report = Report(limit=5)
    report.extend(reversed(bad_dates(1000)))  # added last row first: the first rows are kept all the same
    report.extend(bad_dates(30, "data/staff.csv"))
    report.add(diag("W-UNREVIEWED", "data/penalties.csv", 7, 28, as_of="2025-01-15"))
    assert [d.row for d in report.sorted() if d.path == "data/penalties.csv" and d.code == "E-DATE"] == [2, 3, 4, 5, 6]
    assert report.error_count == 1030 and report.warning_count == 1
    assert report.by_code() == {"E-DATE": 1030, "W-UNREVIEWED": 1}
    assert report.omitted == 1030 - 10
    assert report.summary() == "共 1030 个错误，1 个警告"
    assert [(path, code, len(kept), total) for path, code, kept, total in report.groups()] == [
        ("data/penalties.csv", "E-DATE", 5, 1000), ("data/staff.csv", "E-DATE", 5, 30),
        ("data/penalties.csv", "W-UNREVIEWED", 1, 1)]  # errors first


def test_the_build_fails_on_errors_however_many_were_left_out():
    report = Report(limit=1)
    report.extend(bad_dates(50))
    assert report.errors and report.error_count == 50 and len(report.errors) == 1


def test_the_same_problem_found_twice_counts_once():
    report = Report()
    d = diag("W-CALENDAR", "site_config.yaml", year=2027)
    report.add(d)
    report.add(d)
    assert report.warning_count == 1 and len(report.warnings) == 1


def test_no_limit_keeps_everything():
    report = Report(limit=None)
    report.extend(bad_dates(300))
    assert len(report.errors) == 300 and report.omitted == 0


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError):
        Report(limit=0)


def test_stages_append_to_report_items_as_to_a_list():
    report = Report()
    problems = report.items
    problems.append(bad_dates(1)[0])
    problems.extend(bad_dates(3))
    assert report.error_count == 3  # row 2 was added twice: once
    assert {d.code for d in report.items} == {"E-DATE"}


def test_drop_forgets_a_code_entirely():
    report = Report()
    report.add(diag("W-OVERDUE", "data/penalties.csv", 3, deadline="2025-01-10", basis="x"))
    report.extend(bad_dates(2))
    report.drop({"W-OVERDUE"})
    assert report.warning_count == 0 and report.by_code() == {"E-DATE": 2}


def test_memory_of_100000_bad_cells_is_that_of_the_kept_few():
    """Issue 10: 1.2 GB for 100,000 bad rows.  The report holds the first N of each file and code."""
    tracemalloc.start()
    report = Report()
    for line in range(2, 100_002):
        report.add(diag("E-RESIDENT-ID", "data/penalties.csv", line, 8, column="证件号码", value="6401**********1230"))
        report.add(diag("E-DATE", "data/penalties.csv", line, 19, column="处罚决定日期", value="2024-02-30"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.error_count == 200_000 and len(report.errors) == 2 * DEFAULT_MAX_PER_CODE
    assert peak < 1_000_000, peak


def test_every_code_has_a_severity_a_rule_and_a_hint():
    for code, spec in CATALOGUE.items():
        assert spec.severity in (Severity.ERROR, Severity.WARNING) and spec.rule and spec.hint, code
