"""load(): one load for ``gongshi build`` and ``gongshi check``.  The build keeps only the public
values of the records it shows; the check gets every dataset's full validated records, private
fields and internal datasets included, also when the inputs have errors."""

from __future__ import annotations

import shutil
import subprocess
import sys

import yaml

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, REPO, edit_row
from generator.diagnostics import Report
from generator.load import load

DEMO_AS_OF = __import__("datetime").date(2026, 11, 29)


def test_the_build_keeps_only_public_values_of_shown_records():
    loaded = load(GOLDEN_SITE, GOLDEN_AS_OF, Report())
    assert loaded.site is not None and loaded.tables == {}
    pen = loaded.site.datasets["penalties"]
    assert all(r.layout.names == pen.field_names for r in pen.listed + pen.withdrawn)
    assert "证件号码" not in pen.field_names and "内部意见" not in pen.field_names
    assert not any("640102198001011232" in map(str, r.values) for r in pen.listed)


def test_the_check_gets_full_records_of_every_dataset_internal_ones_too(tmp_path):
    site = tmp_path / "demo"
    site.mkdir()
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    loaded = load(site, DEMO_AS_OF, Report(), full_records=True)
    config = yaml.safe_load((site / "site_config.yaml").read_text(encoding="utf-8"))
    assert set(loaded.tables) == set(config["datasets"])
    assert "correction_suggestions" in loaded.tables and "correction_suggestions" not in loaded.site.datasets
    pen = loaded.tables["penalties"]
    assert "证件号码" in pen.records[0].layout.names and pen.schema.field("证件号码").public is False
    shown = loaded.site.datasets["penalties"]
    assert len(pen.records) >= len(shown.listed) + len(shown.withdrawn)


def test_with_errors_there_is_no_site_but_the_valid_records_are_kept(site):
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕15号"}, 处罚决定日期="2024-02-30")
    report = Report()
    loaded = load(site, GOLDEN_AS_OF, report, full_records=True)
    assert loaded.site is None and [d.code for d in report.errors] == ["E-DATE"]
    assert loaded.tables["penalties"].records and loaded.config is not None


def test_an_unreadable_configuration_gives_nothing_but_the_problem(site):
    (site / "site_config.yaml").write_text("site: [", encoding="utf-8")
    report = Report()
    loaded = load(site, GOLDEN_AS_OF, report)
    assert loaded.config is None and loaded.site is None and [d.code for d in report.errors] == ["E-YAML"]


def test_a_wrong_value_in_the_configuration_is_not_called_a_calendar_problem(site):
    path = site / "site_config.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  page_size: 50 ", "  page_size: abc ", 1), encoding="utf-8")
    report = Report()
    load(site, GOLDEN_AS_OF, report)
    [problem] = report.errors
    assert problem.code == "E-CONFIG" and "工作日历" not in problem.format()


def test_the_check_does_not_import_the_build():
    """It knows the outputs' declarations (a content file may not take an output's place), never
    the orchestrator or the scheduler."""
    code = ("import sys, generator.compliance; "
            "print(sorted(m for m in sys.modules if m in ('generator.pipeline', 'generator.outputs.schedule')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
