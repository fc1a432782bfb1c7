"""The README's configuration reference, generated from the declarations (tests/update_readme.py
writes it, a test keeps it equal)."""

from __future__ import annotations

from typing import NamedTuple

from .kinds import Choice
from .options import Option, Section, declared

class Row(NamedTuple):
    key: str
    kind: str
    default: str
    required: str
    doc: str


def _default_text(opt: Option) -> str:
    if opt.default_doc:
        return opt.default_doc
    d = opt.default
    if opt.required or d is None or d == "" or d == () or d == {} or isinstance(opt.kind, Section):
        return ""
    if isinstance(opt.kind, Choice):
        d = next(k for k, v in opt.kind.values.items() if v == d)
    elif isinstance(d, bool):
        d = str(d).lower()
    elif isinstance(d, tuple):
        d = "[" + ", ".join(map(str, d)) + "]"
    return f"`{d}`"


def reference(section: Section, prefix: str = "") -> list[Row]:
    """Every declared key under ``section``, depth first, as the README's configuration reference
    shows it; a mapping without a class of its own (``site``) is described by the section's ``groups``."""
    rows, groups = [], getattr(section.cls, "groups", {})
    for _attr, opt in declared(section.cls):
        parts = opt.key.split(".")
        for i in range(1, len(parts)):
            group = ".".join(parts[:i])
            if not any(r.key == prefix + group for r in rows):
                needed = any(o.required and o.key.startswith(group + ".") for _, o in declared(section.cls))
                rows.append(Row(prefix + group, "mapping", "", "yes" if needed else "", groups.get(group, "")))
        path = prefix + opt.key
        required = "yes" if opt.required else ("with its mapping" if opt.kind.basis else "")
        rows.append(Row(path, opt.kind.describe(), _default_text(opt), required, opt.doc))
        for suffix, sub in opt.kind.sections():
            rows += reference(sub, f"{path}{suffix}.")
    return rows


def reference_table(section: Section) -> str:
    lines = ["| key | type | default | required | meaning |", "|---|---|---|---|---|"]
    lines += [f"| `{r.key}` | {r.kind} | {r.default} | {r.required} | {r.doc} |" for r in reference(section)]
    return "\n".join(lines) + "\n"
