"""Boundary dates of every period rule (P2.1, P2.3, P2.5, P2.6; L5: a major penalty 3 years): a build as of the last day shows the record,
a build the next day does not — the day before publication, too."""

import json
from datetime import date

import pytest

from conftest import GOLDEN_SITE, run


def shown(out, dataset, key_field, key):
    data = json.loads((out / f"opendata/{dataset.replace('_', '-')}.json").read_text(encoding="utf-8"))
    hits = [r for r in data["records"] if r[key_field] == key]
    if not hits:
        return None
    record = hits[0]
    if record["url"]:  # its page exists and says when publication ends
        page = out / (record["url"].split("/", 3)[3] + "index.html")
        assert page.is_file()
        assert "公示截止期" in page.read_text(encoding="utf-8")
    return record


CASES = [
    # dataset, key field, key, last day shown, rule
    ("penalties", "行政处罚决定书文号", "银人社监罚〔2024〕15号", date(2025, 3, 5), "1 year from 2024-03-05"),
    ("penalties", "行政处罚决定书文号", "贺人社监罚〔2024〕3号", date(2025, 2, 28), "1 year from 2024-02-29"),
    ("penalties", "行政处罚决定书文号", "宁人社监罚〔2023〕8号", date(2026, 6, 15), "major: 3 years"),
    ("random_checks", "检查记录编号", "银人社随查〔2024〕2-001", date(2025, 6, 30), "1 year from the check's end"),
    ("staff", "执法证件编号", "宁640100202100012", date(2025, 1, 15), "while the certificate is valid"),
]


@pytest.mark.parametrize("dataset, field, key, last_day, rule", CASES, ids=[c[4] for c in CASES])
def test_last_day_shown_next_day_gone(tmp_path, dataset, field, key, last_day, rule):
    out = tmp_path / "last"
    result, report = run(GOLDEN_SITE, last_day, out=out)
    assert result, [d.format() for d in report.errors]
    record = shown(out, dataset, field, key)
    assert record is not None, f"{key} should be shown on its last day {last_day}"
    assert record["公示截止期"] == last_day.isoformat()
    out2 = tmp_path / "next"
    run(GOLDEN_SITE, date.fromordinal(last_day.toordinal() + 1), out=out2)
    assert shown(out2, dataset, field, key) is None, f"{key} should be gone the day after {last_day}"


def test_not_shown_before_its_publication_date(tmp_path):
    key = "银人社监罚〔2024〕40号"  # 公示日期 2024-10-10
    run(GOLDEN_SITE, date(2024, 10, 9), out=tmp_path / "a")
    assert shown(tmp_path / "a", "penalties", "行政处罚决定书文号", key) is None
    run(GOLDEN_SITE, date(2024, 10, 10), out=tmp_path / "b")
    assert shown(tmp_path / "b", "penalties", "行政处罚决定书文号", key) is not None


def test_record_page_shows_last_day_in_words(tmp_path):
    run(GOLDEN_SITE, date(2025, 1, 15), out=tmp_path / "o")
    record = shown(tmp_path / "o", "penalties", "行政处罚决定书文号", "贺人社监罚〔2024〕3号")
    page = (tmp_path / "o" / (record["url"].split("/", 3)[3] + "index.html")).read_text(encoding="utf-8")
    assert "<th scope=\"row\">公示截止期</th><td>2025年2月28日</td>" in page
