"""The kinds of values a declared key may take (options.py): text, a legal basis, one of a few
words, integers and numbers within a range, true/false, lists, mappings of names the site chooses."""

from __future__ import annotations

import re
from datetime import date
from typing import Callable

from .options import Kind, Section, nearest, shown


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

    basis = True

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
