"""Internal datasets (``internal: true``, P3.1): validated by the build, never rendered — no page,
list, feed, export or count; their configuration cannot ask for one.  (The privacy canary plants a
marker in each of their private fields and searches every output byte.)"""

import shutil

from conftest import REPO, run
from generator.config import ConfigError, load_config

import pytest

DEMO_AS_OF = __import__("datetime").date(2026, 11, 29)


@pytest.fixture
def demo(tmp_path):
    site = tmp_path / "demo"
    site.mkdir()
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    return site


def test_internal_dataset_is_validated_but_never_rendered(demo):
    result, report = run(demo, DEMO_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    assert "correction_suggestions" not in result.counts and "major_violation_nil_returns" not in result.counts
    out = demo / "public"
    assert not (out / "correction-suggestions" / "index.html").exists() or "纠错建议登记" not in \
        (out / "correction-suggestions" / "index.html").read_text(encoding="utf-8")
    assert not list(out.rglob("*major_violation_nil_returns*"))
    blob = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert "JC-2026-001".encode() not in blob and "纠错建议登记".encode() not in blob


def test_an_error_in_an_internal_dataset_fails_the_build(demo):
    path = demo / "data/correction_suggestions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2026-03-17", "2026-02-30"), encoding="utf-8")
    result, report = run(demo, DEMO_AS_OF)
    assert result is None
    assert [d.location() for d in report.errors if d.code == "E-DATE"] == ["data/correction_suggestions.csv:2:10"]


def test_internal_dataset_cannot_ask_for_pages_or_exports(demo):
    path = demo / "site_config.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    internal: true\n    title: 纠错建议登记",
                                 "    internal: true\n    record_pages: true\n    title: 纠错建议登记"), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(demo)
    assert "内部数据集" in str(exc.value) and "record_pages" in str(exc.value)
