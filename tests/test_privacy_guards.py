"""P3.1 by construction: a configuration mistake cannot publish an ID number.

- a field whose identifier kind is a natural person's number (resident-id, mobile, bank-card,
  passport) can never be public: E-SCHEMA naming the field (generator/schema.py);
- a private column can never be a key, title, list column, date, department, period, group or
  life-cycle column: E-CONFIG naming the setting and the column (generator/guards.py);
- cells of the new kinds are checked without quoting them (E-IDENTIFIER).
"""

import json

import pytest

from conftest import GOLDEN_AS_OF, all_output_bytes, read_rows, run, write_rows

SCHEMA = "data/penalties.schema.json"


def _edit_schema(site, change):
    path = site / SCHEMA
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema["fields"])
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")


def _field(fields, name):
    return next(f for f in fields if f["name"] == name)


@pytest.mark.parametrize("column, kind", [("证件号码", "resident-id"), ("联系电话", "mobile")])
def test_a_personal_identifier_cannot_be_public(site, column, kind):
    """Issue 10: "public": true on 证件号码 published every ID number, with no warning."""
    _edit_schema(site, lambda fields: _field(fields, column).update(public=True))
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None
    found = [d for d in report.errors if d.code == "E-SCHEMA" and d.path == SCHEMA]
    assert len(found) == 1 and column in found[0].format() and kind in found[0].format()
    assert "P3.1" in found[0].format()
    text = (site / SCHEMA).read_text(encoding="utf-8")
    assert text.splitlines()[found[0].row - 1].strip() == f'"name": "{column}",'  # the field's line
    assert not (site / "public").exists()  # nothing was published


@pytest.mark.parametrize("kind", ["bank-card", "passport"])
def test_new_personal_kinds_cannot_be_public(site, kind):
    _edit_schema(site, lambda fields: fields.append(
        {"name": "收款账号", "type": "string", "identifier": kind, "public": True, "optionalColumn": True}))
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None
    assert any(d.code == "E-SCHEMA" and "收款账号" in d.format() and kind in d.format() for d in report.errors)


def test_private_personal_kinds_are_checked_without_quoting_the_value(site):
    _edit_schema(site, lambda fields: fields.append(
        {"name": "收款银行卡号", "type": "string", "identifier": "bank-card", "optionalColumn": True}))
    header, rows = read_rows(site / "data/penalties.csv")
    rows[0]["收款银行卡号"] = "6222 0202 0001 2345 670"
    rows[1]["收款银行卡号"] = "62220202X"
    write_rows(site / "data/penalties.csv", header + ["收款银行卡号"], rows)
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None
    [bad] = [d for d in report.errors if d.code == "E-IDENTIFIER"]
    assert (bad.path, bad.row, bad.column) == ("data/penalties.csv", 3, len(header) + 1)
    assert "62220202X" not in bad.format() and "银行卡号" in bad.format()


def test_a_valid_private_card_number_stays_private(site):
    _edit_schema(site, lambda fields: fields.append(
        {"name": "收款银行卡号", "type": "string", "identifier": "bank-card", "optionalColumn": True}))
    header, rows = read_rows(site / "data/penalties.csv")
    for row in rows:
        row["收款银行卡号"] = "6222020200012345670"
    write_rows(site / "data/penalties.csv", header + ["收款银行卡号"], rows)
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    assert not any(b"6222020200012345670" in data for _, data in all_output_bytes(site / "public"))


# ---------------------------------------------------------------- settings that show a column

def _configure(site, old, new):
    path = site / "site_config.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("old, new, setting, column", [
    ("key: [处罚机关, 行政处罚决定书文号]", "key: [处罚机关, 证件号码]", "key", "证件号码"),
    ("title_field: 案件名称", "title_field: 住址", "title_field", "住址"),
    ("list_columns: [行政处罚决定书文号, 行政相对人名称,", "list_columns: [行政处罚决定书文号, 联系电话,",
     "list_columns", "联系电话"),
    ("date_field: 处罚决定日期", "date_field: 法制审核日期", "date_field", "法制审核日期"),
    ("agency_field: 处罚机关", "agency_field: 承办人", "agency_field", "承办人"),
    ("from: 处罚决定日期                       # P2.1", "from: 保密审查日期", "period.from", "保密审查日期"),
    ("title_field: 案件名称", "title_field: 案件名称\n    group_by: {column: 法制审核日期, basis: 按季度}",
     "group_by.column", "法制审核日期"),
    ("title_field: 案件名称", "title_field: 案件名称\n    lifecycle: {published_on: 保密审查日期}",
     "lifecycle.published_on", "保密审查日期"),
])
def test_a_private_column_cannot_be_shown(site, old, new, setting, column):
    """Issue 10: a private column as key, title or list column was accepted silently (blank titles,
    record URLs that are an unsalted hash of the private value)."""
    _configure(site, old, new)
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None
    found = [d.format() for d in report.errors if d.code == "E-CONFIG" and d.path == "site_config.yaml"]
    assert any(f"datasets.penalties.{setting}" in f and f"“{column}”" in f and "P3.1" in f for f in found), found
    assert not (site / "public").exists()


def test_a_public_column_in_every_setting_builds(site):
    """The guard is no blanket refusal: the golden configuration, all public, builds."""
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None and not [d for d in report.errors if d.code == "E-CONFIG"]


def test_an_internal_dataset_may_use_private_columns(tmp_path):
    """An internal dataset publishes nothing (P3.1): its key may be private."""
    from types import SimpleNamespace

    from generator.config import Period, PeriodRule
    from generator.guards import private_column_problems

    ds = SimpleNamespace(name="suggestions", internal=True, key=("联系电话",), title_field="联系电话",
                         list_columns=(), date_field=None, agency_field=None, group_by=None,
                         period=Period(None, None, PeriodRule()), role=lambda r: r, record_title=None)
    assert private_column_problems(ds, lambda c: True, lambda c: False, "site_config.yaml") == []
    shown = SimpleNamespace(**{**vars(ds), "internal": False})
    assert len(private_column_problems(shown, lambda c: True, lambda c: False, "site_config.yaml")) == 5
