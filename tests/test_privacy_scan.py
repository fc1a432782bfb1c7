"""P3.3 in the build: every public string that reaches an output is scanned, whatever its kind —
cells of every public column (document numbers, names, amounts), the corrections log, front
matter, agencies.yaml, site_config.yaml and the schemas' field texts.  A hit is an error at
``file:row:col`` naming the column or key, the kind and the masked value, and nothing is published."""

import json

import pytest

from conftest import GOLDEN_AS_OF, all_output_bytes, edit_row, read_rows, run

ID = "110101199003071233"          # valid check digit
ID_MASKED = "1101**********1233"
PENALTIES = "data/penalties.csv"


def _errors(report, code="E-PERSONAL-DATA"):
    return [d for d in report.errors if d.code == code]


def _first_row(site):
    header, rows = read_rows(site / PENALTIES)
    return header, rows[0]


def _replace(site, rel, old, new):
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _refused(site, report, leaked: str):
    """The build failed, told where, and published nothing holding the value."""
    assert report.errors
    out = site / "public"
    assert not any(leaked.encode() in data for _, data in all_output_bytes(out)) if out.exists() else True
    assert not any(leaked in d.format() for d in report.items)  # masked in the report too (P3.5)


@pytest.mark.parametrize("column, value, kind", [
    ("行政处罚决定书文号", f"银人社监罚〔2024〕{ID}号", "身份证号码"),  # an identifier column (I3)
    ("行政相对人名称", "个体工商户张建国 138 1234 5678", "手机号码"),
    ("违法事实", "拖欠工资，当事人身份证号 110101-19900307-1233。", "身份证号码"),
    ("罚款金额（元）", "13812345678", "手机号码"),                       # a number column
    ("统一社会信用代码", ID, "身份证号码"),                              # reported as personal data, not E-USCC
    ("备注", "工资打入 6222 0202 0001 2345 670", "银行卡号"),
    ("处罚决定日期", ID, "身份证号码"),                                  # not E-DATE quoting it
])
def test_every_public_column_is_scanned(site, column, value, kind):
    header, row = _first_row(site)
    edit_row(site / PENALTIES, {"行政处罚决定书文号": row["行政处罚决定书文号"]}, **{column: value})
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None
    [hit] = [d for d in report.errors if d.row == 2 and d.path == PENALTIES]  # the only problem of the row
    assert hit.code == "E-PERSONAL-DATA"
    assert hit.column == header.index(column) + 1
    assert dict(hit.params)["column"] == column and dict(hit.params)["kind"] == kind
    _refused(site, report, "".join(c for c in value if c.isdigit())[-11:])


def test_a_credit_code_column_of_valid_codes_passes(site):
    """A valid credit code is not personal data, even all digits (I1)."""
    header, row = _first_row(site)
    edit_row(site / PENALTIES, {"行政处罚决定书文号": row["行政处罚决定书文号"]}, 统一社会信用代码="916401002276930500")
    result, report = run(site, GOLDEN_AS_OF)
    assert not _errors(report), [d.format() for d in _errors(report)]


def test_the_corrections_log_is_scanned(site):
    _replace(site, "data/corrections.csv", "罚款金额（元）更正为6000元", "当事人手机更正为138-1234-5678")
    result, report = run(site, GOLDEN_AS_OF)
    [hit] = _errors(report)
    assert (hit.path, hit.row, hit.column) == ("data/corrections.csv", 2, 4)
    _refused(site, report, "12345678")


@pytest.mark.parametrize("rel, old, new, where, key", [
    ("content/remedies.md", "summary: 对行政执法决定不服的", "summary: 联系人 13812345678，对行政执法决定不服的",
     (6, 10), "summary"),                                                   # front matter
    ("site_config.yaml", "phone: 0951-5099342", "phone: 13812345678", (22, 10), "correction.phone"),  # site texts
])
def test_yaml_texts_are_scanned(site, rel, old, new, where, key):
    _replace(site, rel, old, new)
    result, report = run(site, GOLDEN_AS_OF)
    [hit] = _errors(report)
    assert (hit.path, hit.row, hit.column) == (rel, *where)
    assert dict(hit.params)["column"] == key
    _refused(site, report, "13812345678")


def test_front_matter_title_is_scanned(site):
    _replace(site, "content/remedies.md", "title: 法律救济渠道", f"title: 法律救济渠道（{ID}）")
    result, report = run(site, GOLDEN_AS_OF)
    [hit] = _errors(report)
    assert (hit.path, hit.row) == ("content/remedies.md", 2)
    _refused(site, report, ID)


def test_agencies_yaml_is_scanned(site):
    _replace(site, "data/agencies.yaml", "联系电话: 0951-6888123", "联系电话: 138 1234 5678")
    result, report = run(site, GOLDEN_AS_OF)
    [hit] = _errors(report)
    lines = (site / "data/agencies.yaml").read_text(encoding="utf-8").splitlines()
    assert hit.path == "data/agencies.yaml" and lines[hit.row - 1].strip() == "联系电话: 138 1234 5678"
    assert hit.column == lines[hit.row - 1].index("138") + 1
    assert dict(hit.params)["column"] == "联系电话"
    _refused(site, report, "12345678")


def test_agency_duties_are_scanned(site):
    _replace(site, "data/agencies.yaml", "- 负责本行政区域劳动保障监察工作。", f"- 负责人身份证{ID}。")
    result, report = run(site, GOLDEN_AS_OF)
    [hit] = _errors(report)
    assert dict(hit.params)["column"] == "主要职责[0]"


def test_office_phones_pass(site):
    """The golden agencies carry landlines and 12333; they build (no false alarm)."""
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None and not _errors(report)


def test_site_publisher_is_scanned(site):
    _replace(site, "site_config.yaml", "publisher: 宁夏回族自治区人力资源和社会保障厅", f"publisher: 张三 {ID}")
    result, report = run(site, GOLDEN_AS_OF)
    assert [dict(d.params)["column"] for d in _errors(report)] == ["site.publisher"]


def test_schema_field_texts_are_scanned(site):
    path = site / "data/penalties.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "备注")["description"] = "如有疑问联系 138 1234 5678"
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    [hit] = _errors(report)
    assert hit.path == "data/penalties.schema.json" and dict(hit.params)["column"] == "备注.description"
    assert '"name": "备注"' in path.read_text(encoding="utf-8").splitlines()[hit.row - 1]


def test_a_failed_build_leaves_the_previous_output(site):
    result, _ = run(site, GOLDEN_AS_OF)
    before = dict(all_output_bytes(site / "public"))
    header, row = _first_row(site)
    edit_row(site / PENALTIES, {"行政处罚决定书文号": row["行政处罚决定书文号"]}, 违法事实=f"身份证{ID}")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None and _errors(report)
    assert dict(all_output_bytes(site / "public")) == before


def test_a_site_calendar_is_scanned(site):
    """A notice's basis is shown on the platform page: the site's calendar files are scanned."""
    (site / "data/calendar-2027.yaml").write_text(
        "years:\n  2027:\n    basis: 国务院办公厅通知（经办人 138 1234 5678）\n    holidays: [2027-01-01]\n    workdays: []\n",
        encoding="utf-8")
    _replace(site, "site_config.yaml", "content: content\n", "content: content\ncalendar: [data/calendar-2027.yaml]\n")
    result, report = run(site, GOLDEN_AS_OF)
    [hit] = _errors(report)
    assert (hit.path, hit.row, hit.column) == ("data/calendar-2027.yaml", 3, 12)
    assert dict(hit.params)["column"] == "years.2027.basis"
