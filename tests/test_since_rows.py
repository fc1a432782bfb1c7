"""``check --since`` reads only the rows a change touched (compliance/since_rows.py): the findings
are those of loading REV whole, whatever the change; any change beyond the datasets' CSVs and the
corrections log loads REV whole."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import REPO, edit_row, read_rows, write_rows
from generator.compliance import since as since_module
from generator.compliance.since import Pending, prepare, since_findings
from generator.compliance.since_rows import delta
from generator.diagnostics import Report
from generator.load import load
from gitrepo import commit, git, make_repo
from test_since import AS_OF, N40, PEN, repo  # noqa: F401  (repo: the fixture, the golden site committed)


def loaded(site, as_of=AS_OF):
    return load(site, as_of, Report(None), full_records=True, today=as_of)


def both(site, monkeypatch, rev="HEAD", as_of=AS_OF):
    """(findings reading only the changed rows, findings loading REV whole, the delta used)."""
    keep = loaded(site, as_of)
    change = delta(site, rev, keep)
    quick = since_findings(site, rev, as_of, keep)
    with monkeypatch.context() as m:
        m.setattr(since_module, "delta", lambda *a: None)
        whole = since_findings(site, rev, as_of, keep)
    return quick, whole, change


def shown(diags):
    return sorted((d.code, d.path, d.row, d.column, d.params) for d in diags)


def test_a_day_of_editing_finds_what_loading_rev_whole_finds(repo, monkeypatch):
    _repo, site = repo
    header, rows = read_rows(site / PEN)
    rows = rows[-1:] + rows[:-1]  # rows moved: every line number changes, nothing else
    write_rows(site / PEN, header, rows)
    delete = [r for r in rows if r["行政处罚决定书文号"] == N40["行政处罚决定书文号"]]
    write_rows(site / PEN, header, [r for r in rows if r not in delete])
    edit_row(site / PEN, {"行政处罚决定书文号": "银人社监罚〔2024〕33号"}, 违法事实="改动而未登记更正。")
    edit_row(site / PEN, {"行政处罚决定书文号": "银人社监罚〔2025〕1号"}, 公示日期="2025-01-14")
    header, log = read_rows(site / "data/corrections.csv")
    log.append({"数据集": "penalties", "记录": "银人社监罚〔2024〕33号", "更正日期": "2025-01-14",
                "更正内容": "违法事实更正", "更正原因": "录入错误", "更正依据": "审批单", "经办人": "王某"})
    write_rows(site / "data/corrections.csv", header, log)
    quick, whole, change = both(site, monkeypatch)
    assert change is not None and change.corrections is not None
    assert set(change.same) == {"penalties"}
    assert len(change.records["penalties"]) == 3  # the deleted, the changed and the re-dated row only
    codes = {d.code for d in whole}
    assert {"E-CHANGE-DELETED", "W-CHANGE-BACKDATED", "W-CHANGE-CORRECTION-BACKDATED"} <= codes
    assert shown(quick) == shown(whole)


def test_a_changed_key_and_a_row_repeated(repo, monkeypatch):
    _repo, site = repo
    header, rows = read_rows(site / PEN)
    edit_row(site / PEN, N40, 行政处罚决定书文号="银人社监罚〔2024〕42号")
    header, rows = read_rows(site / PEN)
    write_rows(site / PEN, header, rows + rows[:1])  # the same cells twice: the second is a duplicate
    quick, whole, change = both(site, monkeypatch)
    assert change is not None and "E-CHANGE-KEY" in {d.code for d in whole}
    assert shown(quick) == shown(whole)


def test_a_dataset_new_since_rev_is_all_new(repo, monkeypatch):
    repo_dir, site = repo
    kept = (site / "data/random_checks.csv").read_bytes()
    (site / "data/random_checks.csv").unlink()
    commit(repo_dir, "random checks not yet")
    (site / "data/random_checks.csv").write_bytes(kept)  # untracked in the working tree
    quick, whole, change = both(site, monkeypatch)
    assert change is not None and change.absent == {"random_checks"}
    assert shown(quick) == shown(whole)


def test_nothing_changed_reads_no_row(repo, monkeypatch):
    _repo, site = repo
    quick, whole, change = both(site, monkeypatch)
    assert change is not None and change.same == {} and change.corrections is None
    assert quick == whole == []


@pytest.mark.parametrize("path, edit", [
    ("site_config.yaml", lambda text: text + "\n# a comment is a change\n"),
    ("data/penalties.schema.json", lambda text: text.replace('"title"', '"description": "改", "title"', 1)),
    ("data/agencies.yaml", lambda text: text + "\n"),
])
def test_any_other_input_changed_loads_rev_whole(repo, path, edit):
    _repo, site = repo
    target = site / path
    target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")
    edit_row(site / PEN, N40, 违法事实="改动而未登记更正。")
    assert delta(site, "HEAD", loaded(site)) is None


def test_a_dataset_others_are_checked_against_loads_rev_whole(tmp_path):
    _repo, site = make_repo(tmp_path, REPO, subdir="")
    header, rows = read_rows(site / "data/hearings.csv")
    write_rows(site / "data/hearings.csv", header, rows[1:])  # decisions are checked against hearings (L2)
    assert delta(site, "HEAD", loaded(site, date(2026, 11, 29))) is None
    git(site, "checkout", "--", "data/hearings.csv")
    header, rows = read_rows(site / PEN)
    write_rows(site / PEN, header, rows[1:])
    assert delta(site, "HEAD", loaded(site, date(2026, 11, 29))) is not None


def test_rev_loaded_whole_in_a_second_process_finds_the_same(repo):
    """A change beyond the rows loads REV whole, in a forked process while the working tree
    loads (the two loads take the time of one); its findings are those of loading it here."""
    _repo, site = repo
    config = site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# a comment is a change\n", encoding="utf-8")
    header, rows = read_rows(site / PEN)
    write_rows(site / PEN, header, [r for r in rows if r["行政处罚决定书文号"] != N40["行政处罚决定书文号"]])
    edit_row(site / PEN, {"行政处罚决定书文号": "银人社监罚〔2024〕33号"}, 违法事实="改动而未登记更正。")
    pending = prepare(site, "HEAD", AS_OF)
    assert isinstance(pending, Pending)
    keep = loaded(site)
    forked = since_findings(site, "HEAD", AS_OF, keep, pending)
    here = since_findings(site, "HEAD", AS_OF, keep)
    assert "E-CHANGE-DELETED" in {d.code for d in here}
    assert shown(forked) == shown(here)


def test_only_rows_changed_starts_no_process(repo):
    _repo, site = repo
    edit_row(site / PEN, N40, 违法事实="改动而未登记更正。")
    assert prepare(site, "HEAD", AS_OF) is None
