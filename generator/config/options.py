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
another key, go into the section's ``settle(values, given, at)`` classmethod.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from typing import Any, Callable, NamedTuple, dataclass_transform

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

    def parse(self, value, at: At):
        raise NotImplementedError

    def empty(self):
        return None

    def describe(self) -> str:
        raise NotImplementedError

    def sections(self) -> list[tuple[str, "Section"]]:
        """(path suffix, section) of the sections nested in this kind, for the reference."""
        return []


class Text(Kind):
    """Text; numbers and dates are taken as written (a postcode, a year), true/false are not."""

    def __init__(self, pattern: str | None = None, example: str = ""):
        self.pattern, self.example = pattern, example

    def parse(self, value, at):
        if isinstance(value, bool) or not isinstance(value, (str, int, float, date)):
            at.fail(f"应为文字，现为{shown(value)}" + ("（作文字用请加引号）" if isinstance(value, bool) else ""))
            return self.empty()
        text = value.isoformat() if isinstance(value, date) else str(value)
        if self.pattern and not re.fullmatch(self.pattern, text):
            at.fail(f"“{text}”格式不对，应形如 {self.example}")
        return text

    def empty(self):
        return ""

    def describe(self):
        return f"text like `{self.example}`" if self.example else "text"


class Basis(Text):
    """The legal basis of a period, deadline or threshold: required wherever its mapping is given."""

    def parse(self, value, at):
        text = super().parse(value, at)
        if value is not None and not text.strip():
            at.fail("不能为空（法律依据）")
        return text

    def describe(self):
        return "legal basis (text)"


class Choice(Kind):
    """One of a few words; ``values`` may map each word to the value the build uses."""

    def __init__(self, values):
        self.values = dict(values) if isinstance(values, dict) else {v: v for v in values}

    def parse(self, value, at):
        if isinstance(value, str) and value in self.values:
            return self.values[value]
        near = nearest(value, self.values) if isinstance(value, str) else None
        at.fail(f"只能是 {' / '.join(self.values)}，现为{shown(value)}" + (f"，是否应为“{near}”？" if near else ""))
        return self.empty()

    def empty(self):
        return next(iter(self.values.values()))

    def describe(self):
        return "one of " + ", ".join(f"`{v}`" for v in self.values)


class Integer(Kind):
    def __init__(self, min: int | None = None, max: int | None = None):
        self.min, self.max = min, max

    def _range(self) -> str:
        if self.min is not None and self.max is not None:
            return f" {self.min} 到 {self.max} 之间的"
        if self.min is not None:
            return f"不小于 {self.min} 的"
        return f"不大于 {self.max} 的" if self.max is not None else ""

    def _check(self, value, at, number) -> bool:
        if isinstance(value, bool) or not isinstance(value, number):
            at.fail(f"应为{self._range()}{self.noun}，现为{shown(value)}" + ("（不要加引号）" if isinstance(value, str) else ""))
            return False
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            at.fail(f"应为{self._range()}{self.noun}，现为 {value}")
            return False
        return True

    noun = "整数"

    def parse(self, value, at):
        return value if self._check(value, at, int) else self.empty()

    def empty(self):
        return 0

    def describe(self):
        if self.min is not None and self.max is not None:
            return f"integer {self.min}–{self.max}"
        if self.min is not None or self.max is not None:
            return f"integer ≥ {self.min}" if self.min is not None else f"integer ≤ {self.max}"
        return "integer"


class Number(Integer):
    """An integer or a decimal (an amount, a share)."""

    noun = "数"

    def parse(self, value, at):
        return value if self._check(value, at, (int, float)) else self.empty()

    def describe(self):
        return super().describe().replace("integer", "number")


class Flag(Kind):
    def parse(self, value, at):
        if isinstance(value, bool):
            return value
        at.fail(f"只能是 true 或 false，现为{shown(value)}" + ("（去掉引号）" if isinstance(value, str) else ""))
        return False

    def empty(self):
        return False

    def describe(self):
        return "`true` / `false`"


class ListOf(Kind):
    """A list, as a tuple; ``single``: one value may stand for a list of one; ``length``: exact."""

    def __init__(self, kind: Kind, single: bool = False, length: int | None = None):
        self.kind, self.single, self.length = kind, single, length

    def parse(self, value, at):
        if self.single and not isinstance(value, (list, dict)):
            value = [value]
        if not isinstance(value, list):
            at.fail(f"应为列表（如 [甲, 乙]），现为{shown(value)}")
            return ()
        if self.length is not None and len(value) != self.length:
            at.fail(f"应有 {self.length} 项，现有 {len(value)} 项")
        out = []
        for i, item in enumerate(value):
            if item is None and not self.kind.nullable and not isinstance(self.kind, Section):
                (at / i).fail("不能为空")
                continue
            parsed = self.kind.parse(item, at / i)
            if parsed is not None:  # None: a section that is not a mapping, reported
                out.append(parsed)
        return tuple(out)

    def empty(self):
        return ()

    def describe(self):
        what = f"{self.length} × " if self.length else "list of "
        return what + self.kind.describe() + (" (or one)" if self.single else "")

    def sections(self):
        return [("[]" + suffix, s) for suffix, s in self.kind.sections()]


def pairs(items) -> tuple:
    return tuple(items)


def sorted_pairs(items) -> tuple:
    return tuple(sorted(items, key=lambda kv: kv[0]))


def values_of(items) -> tuple:
    return tuple(v for _, v in items)


class MapOf(Kind):
    """A mapping of names the site chooses (datasets, columns) to values of one kind, built by
    ``into`` from the (key, value) pairs.  ``name``: the field of each section that takes its key."""

    def __init__(self, value: Kind, key: Kind | None = None, into: Callable = dict, name: str | None = None,
                 placeholder: str = "<name>"):
        self.value, self.key, self.into, self.name, self.placeholder = value, key or Text(), into, name, placeholder

    def parse(self, value, at):
        if not isinstance(value, dict):
            at.fail(f"应为映射（名称: 设置），现为{shown(value)}")
            return self.into([])
        out = []
        for k, v in value.items():
            sub = at / str(k)
            key = self.key.parse(k, sub)
            if isinstance(self.value, Section):
                parsed = self.value.parse(v, sub, {self.name: key} if self.name else None)
            elif v is None and not self.value.nullable:
                sub.fail("不能为空")
                continue
            else:
                parsed = self.value.parse(v, sub)
            if parsed is not None:  # None: a section that is not a mapping, reported
                out.append((key, parsed))
        return self.into(out)

    def empty(self):
        return self.into([])

    def describe(self):
        return f"mapping {self.placeholder} → {self.value.describe()}".replace("→ mapping", "→ settings")

    def sections(self):
        return [(f".{self.placeholder}" + suffix, s) for suffix, s in self.value.sections()]


class OneOrMany(Kind):
    """One value, or a list of them (as a tuple): ``when: {状态: 撤销}`` or ``{状态: [撤销, 撤下]}``."""

    def __init__(self, kind: Kind):
        self.kind = kind

    def parse(self, value, at):
        if isinstance(value, list):
            return ListOf(self.kind).parse(value, at)
        return self.kind.parse(value, at)

    def empty(self):
        return self.kind.empty()

    def describe(self):
        return f"{self.kind.describe()} or a list of them"


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
    given = {str(k): v for k, v in mapping.items()}
    for key in given:
        if key not in tree:
            (at / key).fail(unknown_key(key, tree))
    for name, node in tree.items():
        sub, value = at / name, given.get(name)
        if isinstance(node, dict):
            _read(node, {} if value is None else value, sub, out, value is not None, quiet)
            continue
        attr, opt = node
        if value is None:
            if not quiet and (opt.required or (present and isinstance(opt.kind, Basis))):
                sub.fail("缺少 {path}" + ("（法律依据）" if isinstance(opt.kind, Basis) else "（必填）"))
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


# ---------------------------------------------------------------- problems and the reference

def problems_as_diagnostics(problems, relpath: str, doc) -> list[Diagnostic]:
    """E-CONFIG at the line of each problem's key (``doc``: the YamlDoc it was read from)."""
    return [diag("E-CONFIG", relpath, doc.line(path) if doc else 0, detail=message)
            for path, message in dict.fromkeys((tuple(p), m) for p, m in problems)]


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
        required = "yes" if opt.required else ("with its mapping" if isinstance(opt.kind, Basis) else "")
        rows.append(Row(path, opt.kind.describe(), _default_text(opt), required, opt.doc))
        for suffix, sub in opt.kind.sections():
            rows += reference(sub, f"{path}{suffix}.")
    return rows


def reference_table(section: Section) -> str:
    lines = ["| key | type | default | required | meaning |", "|---|---|---|---|---|"]
    lines += [f"| `{r.key}` | {r.kind} | {r.default} | {r.required} | {r.doc} |" for r in reference(section)]
    return "\n".join(lines) + "\n"
