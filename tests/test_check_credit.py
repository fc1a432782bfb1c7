"""Order 36 in `gongshi check`: a 失信程度 entered lighter than the rules find is reported
(P10.1); the parties that may now apply for credit repair are listed for the bureau (P10.3),
in text and JSON, never as a failure."""

import json
from pathlib import Path

import jsonschema

from conftest import GOLDEN_AS_OF, edit_row
from generator.compliance import run_check
from generator.report_formats import as_json, as_text

SCHEMA = json.loads((Path(__file__).parents[1] / "generator/compliance/report.schema.json").read_text(encoding="utf-8"))


def test_a_class_entered_lighter_than_the_rules_is_reported(site):
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕28号"}, 失信程度="一般")
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕15号"}, 失信程度="严重")  # heavier: fine
    result = run_check(site, GOLDEN_AS_OF)
    [d] = [d for d in result.report.items if d.code == "W-CREDIT-DOWNGRADED"]
    assert d.spec.rule == "P10.1" and "失信程度填为“一般”，轻于按划分规则认定的“严重”：处罚类别含吊销许可证件" in d.message


def test_parties_that_may_apply_for_repair_are_listed(site):
    result = run_check(site, GOLDEN_AS_OF)
    found = {e["record"].split()[-1]: e for e in result.repair["penalties"]}
    assert found["银人社监罚〔2024〕15号"]["since"] == "2024-06-06" and found["银人社监罚〔2024〕15号"]["class"] == "一般"
    assert found["贺人社监罚〔2024〕21号"]["since"] == "2024-11-05"    # 轻微: the day after its decision
    assert "银人社监罚〔2024〕28号" not in found                          # 严重: from 2025-07-17
    assert "银人社监罚〔2024〕22号" not in found                          # repaired already
    assert "银人社监罚〔2024〕33号" not in found                          # revoked: not published
    text = as_text(result, "error")
    assert "penalties：" in text and "条已满最短公示期，当事人可以申请信用修复（规则 P10.3，仅供参考）" in text
    doc = json.loads(as_json(result, "error"))
    jsonschema.validate(doc, SCHEMA)
    assert doc["credit_repair"]["penalties"] == {"eligible": len(found), "records": result.repair["penalties"]}
    assert not any(p["code"].startswith("E-REPAIR") for p in doc["problems"])  # information, not a problem
