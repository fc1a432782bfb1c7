"""Cross-field checks that a dataset switches on by name in ``site_config.yaml`` (``checks:``).

Each check gets a row's parsed values (``get(column)``) and the dataset's configuration, and
yields problems as ``(code, column, params)``; the validate stage turns them into positioned
diagnostics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .identifiers import USCC_PLACEHOLDER

Problem = tuple[str, str, dict]

PARTY_KIND = "行政相对人类别"
ORGANISATION, NATURAL_PERSON, INDIVIDUAL_BUSINESS = "法人及非法人组织", "自然人", "个体工商户"


def party_identity(get, ds) -> Iterator[Problem]:
    """I1: a credit code unless the party is a 自然人; the placeholder only for a 个体工商户, and
    then with its 工商注册号; a 法定代表人 for an organisation (S1)."""
    kind = get(PARTY_KIND)
    code = get("统一社会信用代码")
    if kind != NATURAL_PERSON and not code:
        yield "E-USCC-REQUIRED", "统一社会信用代码", {"kind": kind or ""}
    if code == USCC_PLACEHOLDER:
        if kind != INDIVIDUAL_BUSINESS:
            yield "E-USCC", "统一社会信用代码", {"value": code, "detail": "：占位符只适用于无代码的个体工商户"}
        elif not get("工商注册号"):
            yield "E-REGNO-REQUIRED", "工商注册号", {}
    if kind == ORGANISATION and not get("法定代表人"):
        yield "E-LEGAL-REP-REQUIRED", "法定代表人", {}


def legal_review_of_major(get, ds) -> Iterator[Problem]:
    """L1: a major decision is made only after a legal review that agreed.  The decision date is
    the dataset's ``date_field`` (处罚决定日期, 查封日期, 许可决定日期 …).  A dataset with a
    ``major:`` block is reviewed by the validate stage instead, for every decision major by rule
    too, against the date of the decision that made it major (L2)."""
    if get("是否重大") != "是" or ds.major is not None:
        return
    yield from review_problems(get, get(ds.date_field))


def review_problems(get, decided) -> Iterator[Problem]:
    """L1, L4: the legal review of a major decision: agreed, dated no later than ``decided``, with
    the number of its 法制审核意见书."""
    conclusion, reviewed = get("法制审核结论"), get("法制审核日期")
    if not conclusion or not reviewed:
        yield "E-LEGAL-REVIEW", "法制审核结论", {"detail": "未经法制审核（法制审核结论或日期为空）"}
        return
    elif conclusion != "同意":
        yield "E-LEGAL-REVIEW", "法制审核结论", {"detail": f"的法制审核结论为“{conclusion}”，不得作出决定"}
    elif decided and reviewed > decided:
        yield "E-LEGAL-REVIEW", "法制审核日期", {
            "detail": f"的法制审核日期（{reviewed.isoformat()}）晚于决定日期（{decided.isoformat()}）"}
    if not get("法制审核意见书编号"):
        yield "E-LEGAL-REVIEW", "法制审核意见书编号", {"detail": "缺少法制审核意见书编号（规则 L4）"}


def fine_amount(get, ds) -> Iterator[Problem]:
    kinds = get("处罚类别") or ()
    if "罚款" in kinds and not get("罚款金额（元）"):
        yield "E-FINE-REQUIRED", "罚款金额（元）", {}


CHECKS: dict[str, Callable] = {
    "party_identity": party_identity,
    "legal_review_of_major": legal_review_of_major,
    "fine_amount": fine_amount,
}
