"""Declared configuration, after MkDocs' typed config options and Zola's ``deny_unknown_fields``.

Every key of ``site_config.yaml`` is declared once, as an ``Option`` on a ``@section`` class: its
kind (type and range), default, whether it is required, and a one-line description.  The class is
the frozen dataclass the rest of the build uses; ``Section(cls).parse`` reads a mapping by its
declarations.  Unknown and misspelled keys are errors that suggest the nearest valid key, values of
the wrong type name the key's path, and every problem is collected, so that all are reported at
once.  The README's configuration reference is generated from the same declarations.

Adding a key is one line on its section::

    page_size: int = Option(Integer(min=1, max=1000), "records per list page", key="site.page_size", default=50)

A dotted ``key`` places the option inside a mapping of the YAML that has no class of its own
(``site.page_size`` is ``SiteConfig.page_size``).  Checks across keys, and defaults that depend on
another key, go into the section's ``settle(values, written, at)`` classmethod (``values``: the
attributes read so far, ``written``: the mapping as written).
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, dataclass_transform

from ..diagnostics import Diagnostic, diag


class ConfigError(Exception):
    """Configuration that cannot be used; carries every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def nearest(word: str, valid) -> str | None:
    """The valid key closest to ``word`` — a misspelling, another case, a missing “s” — or None."""
    by_lower = {str(v).lower(): str(v) for v in valid}
    if str(word).lower() in by_lower:
        return by_lower[str(word).lower()]
    match = difflib.get_close_matches(str(word).lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[match[0]] if match else None


def unknown_key(word: str, valid) -> str:
    """The end of a message about an unknown key: the nearest valid key, else the valid ones."""
    valid = list(valid)
    if suggestion := nearest(word, valid):
        return f"不是可用的设置，是否应为“{suggestion}”？"
    return f"不是可用的设置（此处可用：{'、'.join(valid)}）"


def dotted(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def shown(value) -> str:
    """A value as a message quotes it, with what kind of YAML value it is."""
    if isinstance(value, bool):
        return f" {str(value).lower()}"
    if isinstance(value, str):
        return f"文字“{value[:40]}”"
    if isinstance(value, (list, tuple)):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return f" {str(value)[:40]}"


@dataclass(frozen=True)
class At:
    """Where a value sits (its key path) and the list its problems go to, as (path, message)."""

    path: tuple = ()
    problems: list = field(default_factory=list)

    def __truediv__(self, key) -> "At":
        return At(self.path + (key,), self.problems)

    def clean(self, *keys) -> bool:
        """Whether nothing was reported at or under ``keys``: rules across keys skip what failed."""
        path = self.path + keys
        return not any(p[:len(path)] == path for p, _ in self.problems)

    def fail(self, message: str) -> None:
        """``message`` names the key at ``{path}``, or is prefixed with it."""
        where = dotted(self.path)
        self.problems.append((self.path, message.format(path=where) if "{path}" in message else f"{where} {message}"))


# ---------------------------------------------------------------- kinds of values

class Kind:
    """How a value is checked and converted.  ``parse`` gets a value that is not None, reports
    problems through ``at`` and returns a value of the right type all the same (``empty()``), so
    that parsing goes on and every problem is found."""

    nullable = False  # None is a value of its own (else an empty key counts as absent)
    basis = False     # a legal basis: required wherever the mapping around it is written

    def parse(self, value, at: At):
        raise NotImplementedError

    def empty(self):
        return None

    def describe(self) -> str:
        raise NotImplementedError

    def sections(self) -> list[tuple[str, "Section"]]:
        """(path suffix, section) of the sections nested in this kind, for the reference."""
        return []


# ---------------------------------------------------------------- declared sections

class Option:
    """One key: its kind, a one-line description (English, for the README), where it sits in the
    YAML (``key``, default the attribute's name; dotted inside a mapping without a class), whether
    it is required, its default, and how the README shows a default that depends on other keys."""

    def __init__(self, kind: Kind, doc: str, *, key: str | None = None, required: bool = False,
                 default: Any = MISSING, default_doc: str = ""):
        self.kind, self.doc, self.key, self.required = kind, doc, key, required
        self.default = kind.empty() if default is MISSING else default
        self.default_doc = default_doc

    def value(self):
        return copy.copy(self.default)


@dataclass_transform(frozen_default=True, field_specifiers=(Option,))
def section(cls):
    """Makes a class whose attributes are ``Option``s a frozen dataclass that ``Section`` reads."""
    for name in cls.__dict__.get("__annotations__", {}):
        opt = cls.__dict__.get(name)
        if isinstance(opt, Option):
            opt.key = opt.key or name
            meta = {"option": opt}
            setattr(cls, name, field(default_factory=opt.value, metadata=meta) if isinstance(opt.default, (dict, list))
                    else field(default=opt.default, metadata=meta))
    return dataclass(frozen=True)(cls)


def declared(cls) -> list[tuple[str, Option]]:
    return [(f.name, f.metadata["option"]) for f in fields(cls) if "option" in f.metadata]


class Section(Kind):
    """A mapping with declared keys, read into ``cls`` (or into a plain dict, ``as_dict``, for the
    rules that are written against dicts).  None reads as an empty mapping, so that its required
    keys are reported."""

    nullable = True

    def __init__(self, cls, as_dict: bool = False):
        self.cls, self.as_dict = cls, as_dict
        self.tree: dict = {}
        for attr, opt in declared(cls):
            *parents, last = opt.key.split(".")
            node = self.tree
            for p in parents:
                node = node.setdefault(p, {})
            node[last] = (attr, opt)

    def parse(self, value, at, extra: dict | None = None):
        if value is not None and not isinstance(value, dict):
            at.fail(f"应为映射（键: 值），现为{shown(value)}")
            return None
        values = dict(extra or {})
        _read(self.tree, value or {}, at, values, True)
        if settle := getattr(self.cls, "settle", None):
            settle(values, value or {}, at)
        if self.as_dict:
            return {attr: values[attr] for attr, _ in declared(self.cls)}
        return self.cls(**values)

    def empty(self):
        if self.as_dict:
            return {}
        try:
            return self.cls()
        except TypeError:  # fields without a default (a dataset's name): no empty value
            return None

    def describe(self):
        return "mapping"

    def sections(self):
        return [("", self)]


def _read(tree: dict, mapping, at: At, out: dict, present: bool, quiet: bool = False) -> None:
    """Fill ``out`` from ``mapping`` by ``tree``; ``quiet``: the mapping was wrong, so its keys are
    not reported missing too."""
    if not isinstance(mapping, dict):
        at.fail(f"应为映射（键: 值），现为{shown(mapping)}")
        mapping, present, quiet = {}, False, True
    written = {str(k): v for k, v in mapping.items()}
    for key in written:
        if key not in tree:
            (at / key).fail(unknown_key(key, tree))
    for name, node in tree.items():
        sub, value = at / name, written.get(name)
        if isinstance(node, dict):
            _read(node, {} if value is None else value, sub, out, value is not None, quiet)
            continue
        attr, opt = node
        if value is None:
            if not quiet and (opt.required or (present and opt.kind.basis)):
                sub.fail("缺少 {path}" + ("（法律依据）" if opt.kind.basis else "（必填）"))
            out[attr] = opt.value()
            continue
        before = len(at.problems)
        out[attr] = opt.kind.parse(value, sub)
        if opt.required and out[attr] in ("", (), {}) and len(at.problems) == before:
            sub.fail("不能为空")


def given(mapping, key: str) -> bool:
    """Whether ``key`` (dotted) is written in ``mapping`` with a value: for ``settle`` rules."""
    for part in key.split("."):
        if not isinstance(mapping, dict) or mapping.get(part) is None:
            return False
        mapping = mapping[part]
    return True


# ---------------------------------------------------------------- problems

def problems_as_diagnostics(problems, relpath: str, doc) -> list[Diagnostic]:
    """E-CONFIG at the line of each problem's key (``doc``: the YamlDoc it was read from)."""
    return [diag("E-CONFIG", relpath, doc.line(path) if doc else 0, detail=message)
            for path, message in dict.fromkeys((tuple(p), m) for p, m in problems)]
