"""Dates that cannot be true (issue 11.4): an event date (``"eventDate": true`` in the schema)
after today (the CLI's clock; ``today=`` of the library) is an error; a 公示日期 after the as-of
date is a scheduled publication, which the check lists as information.  A build for a past day
still reads the records decided since."""

import json
from datetime import date, timedelta

import jsonschema
import pytest

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, edit_row, run
from generator.cli import main
from generator.compliance import run_check
from generator.schema import SchemaError, load_schema
from test_check import SCHEMA

PEN = "data/penalties.csv"
ROW9 = {"行政处罚决定书文号": "银人社监罚〔2025〕1号"}  # decided 2025-01-10, reviewed 01-13, not yet published


def run_today(site, today, as_of=GOLDEN_AS_OF, out=None):
    return run(site, as_of, out, today=today)


@pytest.mark.parametrize("offset, refused", [(-1, False), (0, False), (1, True)])
def test_a_decision_after_today_is_an_error(site, offset, refused):
    day = GOLDEN_AS_OF + timedelta(days=offset)
    edit_row(site / PEN, ROW9, 处罚决定日期=day.isoformat(), 保密审查日期="")
    result, report = run_today(site, GOLDEN_AS_OF)
    found = [d for d in report.errors if d.code == "E-DATE-FUTURE"]
    assert bool(found) is refused and (result is None) is refused, [d.format() for d in report.errors]
    if refused:
        (d,) = found
        assert (d.path, d.row) == (PEN, 9) and dict(d.params)["column"] == "处罚决定日期"
        assert "2025-01-16" in d.message and "2025-01-15" in d.message and d.spec.rule == "P2.1"


def test_every_event_column_is_checked_and_a_private_one_is_masked(site):
    # 法制审核日期 is private in the golden schema: its value is never printed (P3.1)
    edit_row(site / PEN, ROW9, 法制审核日期="2025-02-03")
    _, report = run_today(site, GOLDEN_AS_OF)
    (d,) = [d for d in report.errors if d.code == "E-DATE-FUTURE"]
    assert dict(d.params)["column"] == "法制审核日期" and "2025-02-03" not in d.message


def test_a_build_for_a_past_day_reads_the_records_decided_since(tmp_path):
    """The golden data hold decisions up to 2025-01-10: a build for 2024-10-09 is no error today."""
    result, report = run_today(GOLDEN_SITE, GOLDEN_AS_OF, as_of=date(2024, 10, 9), out=tmp_path / "o")
    assert result is not None and not [d for d in report.errors], [d.format() for d in report.errors]


def test_the_cli_reads_today_from_the_clock(site, capsys, monkeypatch):
    edit_row(site / PEN, ROW9, 处罚决定日期="2025-01-16")
    monkeypatch.setattr("generator.cli.today_in_china", lambda now=None: GOLDEN_AS_OF)
    args = ["--site", str(site), "--as-of", "2025-01-15"]
    assert main(["build", *args, "--no-search-index"]) == 1 and main(["check", *args]) == 1
    assert "E-DATE-FUTURE" in capsys.readouterr().err
    monkeypatch.setattr("generator.cli.today_in_china", lambda now=None: GOLDEN_AS_OF + timedelta(days=1))
    assert main(["build", *args, "--no-search-index"]) == 0  # decided "tomorrow" of that build: now it is true


def test_a_future_publication_date_is_scheduled_not_an_error(site, capsys):
    edit_row(site / PEN, ROW9, 公示日期="2025-01-20")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    assert "银人社监罚〔2025〕1号" not in (site / "public/penalties/index.html").read_text(encoding="utf-8")
    checked = run_check(site, GOLDEN_AS_OF)
    # the golden site's two planted E-OVERDUE are elsewhere: nothing is said of row 9 but this
    assert not [d for d in checked.report.items if d.path == PEN and d.row == 9]
    (entry,) = checked.scheduled["penalties"]["records"]
    assert entry == {"record": "银川市人力资源和社会保障局 银人社监罚〔2025〕1号", "file": PEN, "row": 9,
                     "published_on": "2025-01-20", "reviewed": True}
    # shown by every format, as information
    main(["check", "--site", str(site), "--as-of", "2025-01-15"])
    text = capsys.readouterr().out
    assert "penalties：1 条已排定公示日期" in text and f"{PEN}:9: 公示日期 2025-01-20" in text
    main(["check", "--site", str(site), "--as-of", "2025-01-15", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["scheduled"]["penalties"]["scheduled"] == 1 and "penalties.csv:9" not in json.dumps(doc["problems"])
    main(["check", "--site", str(site), "--as-of", "2025-01-15", "--format", "markdown"])
    assert "### 已排定公示" in capsys.readouterr().out


def test_a_scheduled_record_without_review_is_marked(site):
    edit_row(site / PEN, ROW9, 公示日期="2025-01-20", 保密审查日期="")
    (entry,) = run_check(site, GOLDEN_AS_OF).scheduled["penalties"]["records"]
    assert entry["reviewed"] is False


def test_on_its_day_the_scheduled_record_is_published(site):
    edit_row(site / PEN, ROW9, 公示日期="2025-01-20")
    assert run(site, date(2025, 1, 20))[0] is not None
    assert "银人社监罚〔2025〕1号" in (site / "public/penalties/index.html").read_text(encoding="utf-8")
    assert "penalties" not in run_check(site, date(2025, 1, 20)).scheduled


@pytest.mark.parametrize("prop, wrong", [('"eventDate": "yes"', "只能是 true 或 false"),
                                         ('"eventDate": true', "只用于 date 类型")])
def test_event_date_property_is_checked(site, prop, wrong):
    path = site / "data/penalties.schema.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    field = next(f for f in doc["fields"] if f["name"] == ("处罚决定日期" if "yes" in prop else "案件名称"))
    field["eventDate"] = json.loads("{" + prop + "}")["eventDate"]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SchemaError) as exc:
        load_schema(site, "data/penalties.schema.json")
    assert wrong in str(exc.value)


def test_import_refuses_a_future_decision(site, tmp_path, capsys, monkeypatch):
    from test_excel import column_letter, edit_workbook, workbook_for

    book = workbook_for(site, "penalties", tmp_path)
    # the sheet: a title row, the header, then the CSV's rows in order (row 9 of the CSV: Excel row 10)
    edit_workbook(book, {f"{column_letter(book, '处罚决定日期')}10": date(2025, 1, 16)})
    capsys.readouterr()
    before = (site / PEN).read_bytes()
    monkeypatch.setattr("generator.cli.today_in_china", lambda now=None: GOLDEN_AS_OF)
    assert main(["import", str(book), "--site", str(site)]) == 1
    assert "E-DATE-FUTURE" in capsys.readouterr().err and (site / PEN).read_bytes() == before
    monkeypatch.setattr("generator.cli.today_in_china", lambda now=None: GOLDEN_AS_OF + timedelta(days=1))
    assert main(["import", str(book), "--site", str(site)]) == 0
