"""The ``compliance:`` section of ``site_config.yaml``: what ``gongshi check`` checks beyond the
build, each with its legal basis.  Its keys are declared in generator/config/compliance.py, with
the rest of the file; here, the columns it names are checked against the datasets' schemas."""

from __future__ import annotations

from pathlib import Path

from ..config import CONFIG_FILE, ConfigError, Compliance, Duty, DUTY_CODES, SITE
from ..config.options import At, problems_as_diagnostics
from ..diagnostics import diag

__all__ = ["DUTY_CODES", "Compliance", "Duty", "load_compliance"]


def _columns(c: Compliance) -> list[tuple[str, str, str]]:
    """(setting, dataset, column) of every column the section names, checked against the schemas."""
    named = []
    for d in c.duties:
        named += [(f"duties.{d.kind}", d.dataset, col) for col in (d.start, d.done)]
        named += [(f"duties.{d.kind}.when", d.dataset, col) for col, _ in d.when]
        named += [(f"duties.{d.kind}", d.dataset, col)
                  for col in (d.returned, d.restart, *d.extension.values()) if col]
    if c.certificates:
        named.append(("certificates", c.certificates["dataset"], c.certificates["column"]))
    if c.repealed:
        r = c.repealed
        named += [("repealed", r["dataset"], r["title"]), ("repealed", r["dataset"], r["status"])]
        named += [("repealed.cited_in", ds, col) for ds, col in r["cited_in"].items()]
    named += [("citations.cited_in", ds, col) for ds, col in c.citations.get("cited_in", {}).items()]
    return named


def load_compliance(config, has_column) -> tuple[Compliance, list]:
    """The section, and E-CONFIG problems (a missing basis, a column no schema has …).
    ``config``: the SiteConfig (or the mapping read from site_config.yaml, parsed here);
    ``has_column(dataset, column)`` is None for an unknown dataset."""
    if isinstance(config, dict):
        try:
            compliance = _parse(config)
        except ConfigError as exc:
            return Compliance(), exc.diagnostics
    else:
        compliance = config.compliance
    problems = []
    for setting, dataset, column in _columns(compliance):
        known = has_column(dataset, column)
        if known is None:
            problems.append(f"compliance.{setting}：“{dataset}”不是已配置的数据集")
        elif not known:
            problems.append(f"compliance.{setting}：“{column}”不是数据集 {dataset} 中的列")
    return compliance, [diag("E-CONFIG", CONFIG_FILE, detail=p) for p in dict.fromkeys(problems)]


def _parse(raw: dict) -> Compliance:
    at = At()
    config = SITE.parse(raw, at, {"root": Path("."), "raw": raw})
    if at.problems:
        raise ConfigError(problems_as_diagnostics(at.problems, CONFIG_FILE, None))
    return config.compliance
