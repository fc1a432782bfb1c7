"""NDRC Order 36 (《信用修复管理办法》, 国家发展改革委令第36号, in force 2026-04-01) for a dataset of
penalties: the 失信程度 of each decision (P10.1), how long each class is published on each channel
within the order's bounds (P10.2), when a party may apply for credit repair (P10.3), and what a
repair ends (P10.4).

Channels: ``portal`` is this platform's own pages, lists, CSV/JSON exports and search (the 2019
regulation's periods unless configured otherwise); ``creditchina`` is what credit platforms sync
from — the 信用中国 data-item exports and the feed.  The credit channel never outlasts the portal:
the platform sends only what it publishes.

The dataset's ``credit:`` block of site_config.yaml is declared in generator/config/law.py, with
the order's bounds; here are the rules that use it.
"""

from __future__ import annotations

from decimal import Decimal

from .config.law import (CHANNELS, CLASSES, CREDITCHINA, ORDER_36, PORTAL, REPAIR_PAGES, ClassPeriods, ClassRule,
                         CreditConfig, Repair, Term)

__all__ = ["CHANNELS", "CLASSES", "CREDITCHINA", "ORDER_36", "PORTAL", "REPAIRED", "REPAIR_PAGES", "ClassPeriods",
           "ClassRule", "CreditConfig", "Repair", "Term", "classify", "derive", "reason"]

REPAIRED = "信用修复"                        # the change a repair makes: tombstone comment, notice


def reason(rule: ClassRule, get, level: str) -> str | None:
    """Why a dividing rule holds for a record, in words; None when it does not."""
    said = []
    for column, wanted in rule.when:
        hits = [v for v in _values(get(column)) if v in wanted]
        if not hits:
            return None
        said.append(f"{column}含{'、'.join(hits)}")
    for column, allowed in rule.only:
        values = _values(get(column))
        if not values or any(v not in allowed for v in values):
            return None
        said.append(f"{column}仅为{'、'.join(values)}")
    for column, thresholds in rule.amount:
        floor = dict(thresholds).get(level, dict(thresholds).get(""))
        value = get(column)
        if floor is None or value is None or Decimal(str(value)) < floor:
            return None
        said.append(f"{column} {_yuan(Decimal(str(value)))}（{level + '级' if level else ''}标准 {_yuan(floor)} 元以上）")
    return "，".join(said)


def derive(cfg: CreditConfig, get, level: str) -> tuple[str, str]:
    """(class, why) by the dividing rules: of the rules that hold, the most severe class wins (as
    the longest period does, P2.5); none holds: the default class."""
    derived, why = None, ""
    for rule in cfg.rules:
        holds = reason(rule, get, level)
        if holds is not None and (derived is None or CLASSES.index(rule.klass) > CLASSES.index(derived)):
            derived, why = rule.klass, f"{holds}（{rule.basis}）"
    if derived is None:
        return cfg.default, f"未命中划分规则，按默认划分为“{cfg.default}”"
    return derived, why


def classify(cfg: CreditConfig, get, level: str) -> tuple[str, str]:
    """(class, why) of a record: the department's own entry wins over the rules (P10.1)."""
    derived, why = derive(cfg, get, level)
    entered = get(cfg.column)
    if entered:
        return entered, "执法机关认定" + ("" if entered == derived else f"；按划分规则为“{derived}”：{why}")
    return derived, why


def _values(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (str(value),)


def _yuan(x: Decimal) -> str:
    return f"{x.normalize():f}"
